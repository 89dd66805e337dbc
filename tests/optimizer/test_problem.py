"""The problem contract refuses malformed input with a message naming the culprit."""

import numpy as np
import pytest

from optimizer.problem import Job, Location, Problem, SolveParams, Technician, TimeWindow

DAY = TimeWindow(0, 86_400)


def _tech(tech_id: str = "T1", index: int = 0) -> Technician:
    return Technician(id=tech_id, start=Location.at_index(index), shift=TimeWindow(28_800, 61_200))


def _matrix(n: int) -> np.ndarray:
    return np.ones((n, n), dtype=np.int64) - np.eye(n, dtype=np.int64)


def test_duplicate_job_id_is_refused() -> None:
    """Two jobs with one id raise a ValueError naming the id."""
    jobs = (Job("J1", Location.at_index(1), 60), Job("J1", Location.at_index(1), 60))
    with pytest.raises(ValueError, match="job id J1 appears twice"):
        Problem((_tech(),), jobs, DAY, travel_time_s=_matrix(2), distance_m=_matrix(2))


def test_pinned_to_unknown_technician_is_refused() -> None:
    """A job pinned to a technician not in the problem names the job."""
    jobs = (Job("J1", Location.at_index(1), 60, pinned_technician_id="T9"),)
    with pytest.raises(ValueError, match="job J1: pinned technician T9"):
        Problem((_tech(),), jobs, DAY, travel_time_s=_matrix(2), distance_m=_matrix(2))


def test_index_outside_matrices_is_refused() -> None:
    """A location index beyond the explicit matrices names the job."""
    jobs = (Job("J1", Location.at_index(5), 60),)
    with pytest.raises(ValueError, match="job J1: location index 5"):
        Problem((_tech(),), jobs, DAY, travel_time_s=_matrix(2), distance_m=_matrix(2))


def test_negative_matrix_is_refused() -> None:
    """Negative travel times are refused."""
    bad = _matrix(2)
    bad[0, 1] = -1
    with pytest.raises(ValueError, match="negative"):
        Problem((_tech(),), (), DAY, travel_time_s=bad, distance_m=_matrix(2))


def test_bad_priority_is_refused() -> None:
    """Priority 5 names the job."""
    with pytest.raises(ValueError, match="job J1: priority"):
        Job("J1", Location.at(40.0, -75.0), 60, priority=5)


def test_index_only_location_without_matrices_is_refused() -> None:
    """Matrix indexes need matrices."""
    with pytest.raises(ValueError, match="no matrices"):
        Problem((_tech(),), (), DAY)


def test_windows_are_clipped_to_latest_start() -> None:
    """must_start_by_s cuts the job's windows."""
    job = Job("J1", Location.at(40.0, -75.0), 60, windows=(TimeWindow(100, 500),), must_start_by_s=300)
    assert job.start_windows(DAY) == (TimeWindow(100, 300),)


def test_params_refuse_nonpositive_time_limit() -> None:
    """A zero time limit is refused."""
    with pytest.raises(ValueError, match="time_limit_s"):
        SolveParams(time_limit_s=0)


def test_a_technician_short_of_one_skill_is_told_which_and_by_how_much() -> None:
    """The skills rule: every skill at the level the job needs; a missing skill counts as level 0."""
    technician = Technician(
        id="T1", start=Location.at_index(0), shift=TimeWindow(0, 3_600), skills={"network": 2, "pos": 1}
    )
    job = Job("J1", Location.at_index(1), 60, required_skills={"network": 2, "pos": 3, "cctv": 1})
    assert technician.skills_short_for(job) == {"cctv": (1, 0), "pos": (3, 1)}
    assert not technician.has_skills_for(job)
    easier = Job("J2", Location.at_index(1), 60, required_skills={"network": 1})
    assert technician.skills_short_for(easier) == {}
    assert technician.has_skills_for(easier)
