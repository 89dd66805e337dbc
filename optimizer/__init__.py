"""Field-service route optimisation: a pure library, ``solve(Problem, SolveParams) -> Solution``."""

from optimizer._progress import SolveProgress
from optimizer.capability import capable_technicians
from optimizer.problem import (
    BreakModel,
    CostWeights,
    Depot,
    Job,
    Location,
    LunchBreak,
    Problem,
    SolveParams,
    Technician,
    TimeWindow,
)
from optimizer.solution import (
    BreakPlacement,
    ObjectiveBreakdown,
    Route,
    Solution,
    SolvePart,
    SolveStats,
    SolveStatus,
    UnassignedJob,
    UnassignedReason,
    Visit,
    VisitKind,
)

__all__ = [
    "BreakModel",
    "BreakPlacement",
    "CostWeights",
    "Depot",
    "Job",
    "Location",
    "LunchBreak",
    "ObjectiveBreakdown",
    "Problem",
    "Route",
    "Solution",
    "SolveParams",
    "SolvePart",
    "SolveProgress",
    "SolveStats",
    "SolveStatus",
    "Technician",
    "TimeWindow",
    "UnassignedJob",
    "UnassignedReason",
    "Visit",
    "VisitKind",
    "capable_technicians",
]
