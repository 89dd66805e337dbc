"""Parts of a split day as plain data, so that they can be solved by another process or machine.

``solve(..., part_executor=...)`` hands each part's improvement to any ``concurrent.futures.Executor`` as
``executor.submit(solve_part_data, data)``, where ``data`` is the part as plain structures (dicts, lists,
strings, numbers: what JSON holds), and reads back the solution from the plain structure the call
returns. Nothing crosses as a pickle: whoever stores a part (a job queue, a database) stores data, and
reading it back builds and validates the dataclasses again (a malformed part fails to decode, it runs no
code). The optimizer knows nothing of where the part goes.

The encoding is the dataclasses' fields, recursively: enums as their values, mappings as objects (keys as
strings), tuples and sets as lists, matrices as lists of rows, floats that JSON cannot hold (``inf``) as
strings. Decoding follows each dataclass's field types.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import numpy as np

from optimizer._progress import SearchControl, StopCheck
from optimizer._split_solve import PartTask
from optimizer.problem import Problem, SolveParams
from optimizer.solution import Solution
from optimizer.travel import GeodesicTravelTimes, SpeedBand, TravelTimes

FORMAT = 1
"""Version of the encoding; a part of another version is refused rather than misread."""

T = TypeVar("T")


def to_data(value: object) -> Any:
    """``value`` (a dataclass of the optimizer, or anything inside one) as plain structures."""
    if value is None or (isinstance(value, bool | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else repr(number)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_data(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and not f.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(to_data(v) for v in value)
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    raise TypeError(f"{type(value).__name__} cannot be written as plain data")


def from_data(kind: type[T], data: Any) -> T:
    """A ``kind`` dataclass built again (and so validated again) from ``to_data``'s plain structures."""
    result: T = _decode(kind, data)
    return result


@cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)


def _decode(kind: Any, data: Any) -> Any:
    origin, args = get_origin(kind), get_args(kind)
    if origin is typing.Union or origin is types.UnionType:
        if data is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _decode(inner, data)
    if kind is Any:
        return data
    if origin is np.ndarray:
        matrix = np.array(data, dtype=np.int64)
        matrix.setflags(write=False)
        return matrix
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(data, Mapping):
            raise ValueError(f"{kind.__name__} must be an object, not {type(data).__name__}")
        hints = _hints(kind)
        fields = {f.name for f in dataclasses.fields(kind) if f.init and not f.name.startswith("_")}
        unknown = set(data) - fields
        if unknown:
            raise ValueError(f"{kind.__name__} has no field {sorted(unknown)[0]!r}")
        return kind(**{name: _decode(hints[name], value) for name, value in data.items()})
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in _listed(data))
        items = _listed(data)
        if len(items) != len(args):
            raise ValueError(f"expected {len(args)} items, not {len(items)}")
        return tuple(_decode(a, v) for a, v in zip(args, items, strict=True))
    if origin is frozenset:
        return frozenset(_decode(args[0], v) for v in _listed(data))
    if origin in (Mapping, dict, typing.Mapping):
        if not isinstance(data, Mapping):
            raise ValueError(f"expected an object, not {type(data).__name__}")
        return {_decode(args[0], k): _decode(args[1], v) for k, v in data.items()}
    if kind is float:
        if isinstance(data, str) and data in ("inf", "-inf", "nan"):
            return float(data)
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ValueError(f"expected a number, not {data!r}")
        return float(data)
    if kind is int:
        if isinstance(data, str):
            return int(data)  # a mapping's key
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError(f"expected an integer, not {data!r}")
        return data
    if kind is bool or kind is str:
        if not isinstance(data, kind):
            raise ValueError(f"expected {kind.__name__}, not {data!r}")
        return data
    raise TypeError(f"no plain-data decoding for {kind!r}")


def _listed(data: Any) -> list[Any]:
    if not isinstance(data, list | tuple):
        raise ValueError(f"expected a list, not {type(data).__name__}")
    return list(data)


def _travel_to_data(travel: TravelTimes | None) -> Any:
    if travel is None:
        return None
    if isinstance(travel, GeodesicTravelTimes):
        return {"kind": "geodesic", "circuity": travel.circuity, "bands": to_data(travel.bands)}
    raise TypeError(
        f"parts solved elsewhere need travel times they can rebuild: {type(travel).__name__} is not "
        "plain data (use the default geodesic provider, or explicit matrices in the problem)"
    )


def _travel_from_data(data: Any) -> TravelTimes | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or data.get("kind") != "geodesic":
        raise ValueError("unknown travel-time provider")
    bands = from_data(tuple[SpeedBand, ...], data["bands"])
    return GeodesicTravelTimes(circuity=float(data["circuity"]), bands=bands)


def part_to_data(task: PartTask) -> dict[str, Any]:
    """A part as plain structures (see the module's docstring)."""
    return {
        "format": FORMAT,
        "problem": to_data(task.problem),
        "params": to_data(task.params),
        "travel": _travel_to_data(task.travel),
        "hint": to_data(task.hint),
        "construct_only": task.construct_only,
    }


def part_from_data(data: Mapping[str, Any]) -> PartTask:
    """``part_to_data``'s structures as a part again; ``ValueError`` when they do not make one."""
    if data.get("format") != FORMAT:
        raise ValueError(f"a part of format {data.get('format')!r}; this optimizer reads {FORMAT}")
    from optimizer.solution import Route

    return PartTask(
        problem=from_data(Problem, data["problem"]),
        params=from_data(SolveParams, data["params"]),
        travel=_travel_from_data(data.get("travel")),
        hint=from_data(tuple[Route, ...], data.get("hint", [])),
        construct_only=bool(data.get("construct_only", False)),
    )


def solution_to_data(solution: Solution) -> dict[str, Any]:
    """A part's solution as plain structures."""
    return {"format": FORMAT, "solution": to_data(solution)}


def solution_from_data(data: Mapping[str, Any]) -> Solution:
    """``solution_to_data``'s structures as a solution again; ``ValueError`` when they do not make one."""
    if data.get("format") != FORMAT:
        raise ValueError(f"a solution of format {data.get('format')!r}; this optimizer reads {FORMAT}")
    return from_data(Solution, data["solution"])


def solve_part_data(data: Mapping[str, Any], should_stop: StopCheck | None = None) -> dict[str, Any]:
    """Solve one part given as plain data, in whatever process runs it; its solution as plain data.

    This is what ``solve`` submits to a caller's executor: the part's own time limit bounds it, and
    ``should_stop`` (the executor's worker may pass one) ends it early with its best plan so far."""
    from optimizer.solve import run_part

    task = part_from_data(data)
    with SearchControl(task.params.time_limit_s, None, should_stop) as control:
        return solution_to_data(run_part(task, control))
