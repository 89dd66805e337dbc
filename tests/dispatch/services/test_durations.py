"""Visit durations learned from stored history recover the figures the history was made with."""

from __future__ import annotations

import math
import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from data.demo import DemoConfig, generate_demo, generate_history
from data.history import DURATION_LOG_SD, PACE_LOG_SD, on_site_minutes
from data.jobs import typical_minutes
from dispatch.domain.tickets import TicketKind
from dispatch.persistence.dataset_store import save_dataset, save_history
from dispatch.services.durations import (
    MIN_TECHNICIAN_VISITS,
    CompletedVisit,
    LogNormal,
    fit_duration_model,
    job_category,
    learn_durations,
)

DAY = date(2026, 3, 10)


def test_a_fitted_log_normal_recovers_its_quantiles() -> None:
    """4,000 draws of a server repair (median 90 min, log-sd 0.4): the 10/50/90% quantiles within 3%."""
    rng = random.Random(5)
    drawn = [60 * on_site_minutes(rng, "server", TicketKind.SUPPORT, 1.0) for _ in range(4000)]
    fitted = LogNormal.fit(drawn)
    truth = LogNormal(90 * 60, DURATION_LOG_SD["server"])
    for q in (0.1, 0.5, 0.9):
        assert fitted.quantile(q) == pytest.approx(truth.quantile(q), rel=0.03), q
    assert statistics.quantiles(drawn, n=10)[-1] == pytest.approx(truth.quantile(0.9), rel=0.05)


def test_a_technician_needs_enough_visits_for_figures_of_their_own() -> None:
    """Below MIN_TECHNICIAN_VISITS a technician gets the category's figures; at it, their own."""
    quick = [CompletedVisit("pos", "T-QUICK", 1800.0 + i) for i in range(MIN_TECHNICIAN_VISITS)]
    slow = [CompletedVisit("pos", "T-SLOW", 5400.0 + i) for i in range(MIN_TECHNICIAN_VISITS - 1)]
    model = fit_duration_model(quick + slow)
    assert model.distribution("pos", "T-QUICK") == model.by_technician[("pos", "T-QUICK")]
    assert model.distribution("pos", "T-SLOW") == model.by_category["pos"]
    assert model.distribution("storage", "T-QUICK") is None
    assert model.quantile("pos", "T-QUICK", 0.5) == pytest.approx(
        timedelta(seconds=1800 + 9.5), abs=timedelta(1)
    )


def test_durations_learned_from_the_stored_demo_history(session: Session) -> None:
    """From the stored reports of a generated history: every trade's median within 12% of the figure it was
    made with and its spread within 0.08 (trade and pace together); technicians' own medians closer to
    their pace than the trade's median is."""
    config = DemoConfig(seed=3, day=DAY, scale=0.5)
    dataset = generate_demo(config)
    history = generate_history(config, dataset)
    save_dataset(session, dataset)
    save_history(session, history.tickets, history.jobs, history.reports)
    model = learn_durations(session, datetime.combine(DAY, datetime.min.time(), UTC))

    assert len(model.by_category) >= 12
    for category, kind, figure in (
        (c, k, model.by_category.get(job_category(c, k))) for c in DURATION_LOG_SD for k in TicketKind
    ):
        if figure is None or figure.visits < 100:
            continue
        assert figure.median_s / 60 == pytest.approx(typical_minutes(category, kind), rel=0.12), category
        spread = math.hypot(DURATION_LOG_SD[category], PACE_LOG_SD)
        assert figure.log_sd == pytest.approx(spread, abs=0.08), category

    own_errors, trade_errors = [], []
    for (category, technician_id), own in model.by_technician.items():
        truth = math.log(model.by_category[category].median_s * history.paces[technician_id])
        own_errors.append(abs(math.log(own.median_s) - truth))
        trade_errors.append(abs(math.log(model.by_category[category].median_s) - truth))
    assert len(own_errors) >= 10
    assert statistics.fmean(own_errors) < statistics.fmean(trade_errors)


def test_learning_reads_only_the_history_before_now(session: Session) -> None:
    """Visits completed after ``now`` or before the look-back are not learned from."""
    config = DemoConfig(seed=4, day=DAY, scale=0.3)
    dataset = generate_demo(config)
    history = generate_history(config, dataset)
    save_dataset(session, dataset)
    save_history(session, history.tickets, history.jobs, history.reports)
    everything = learn_durations(session, datetime.combine(DAY, datetime.min.time(), UTC))
    nothing_yet = learn_durations(
        session, datetime.combine(DAY - timedelta(days=70), datetime.min.time(), UTC)
    )
    assert sum(f.visits for f in everything.by_category.values()) > 500
    assert nothing_yet.by_category == {}
