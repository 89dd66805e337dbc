"""Sharing a whole number out in proportion to weights, so counts add up exactly and deterministically."""

from __future__ import annotations


def largest_remainders(total: int, weights: list[float], minimum: list[int] | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights`` after giving each its ``minimum`` (Hamilton's method).

    Ties in the remainders go to the earlier entry, so the result never depends on anything but the input.
    """
    floor = minimum or [0] * len(weights)
    spare = total - sum(floor)
    if spare < 0:
        raise ValueError(f"cannot share {total} when the minimums alone need {sum(floor)}")
    if not weights:
        return []
    scale = sum(weights)
    exact = [spare * w / scale for w in weights] if scale > 0 else [spare / len(weights)] * len(weights)
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: spare - sum(counts)]:
        counts[i] += 1
    return [c + f for c, f in zip(counts, floor, strict=True)]
