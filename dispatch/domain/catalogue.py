"""The things the provider works with: skills technicians hold and parts they fit."""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.domain.errors import DomainError, RecordNotFound

MAX_SKILL_LEVEL = 5


@dataclass(frozen=True, slots=True)
class Skill:
    """A competence such as ``network`` or ``pos``; technicians hold it at a level 1..5."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Part:
    """A spare part by stock-keeping unit."""

    sku: str
    name: str
    category: str = ""
    unit_cost_cents: int = 0


def check_level(level: int) -> int:
    """A skill level must be 1..MAX_SKILL_LEVEL."""
    if not 1 <= level <= MAX_SKILL_LEVEL:
        raise DomainError(f"skill level {level} is outside 1..{MAX_SKILL_LEVEL}")
    return level


def check_quantity(quantity: int) -> int:
    """A stock or demand quantity is a whole number, never negative."""
    if quantity < 0:
        raise DomainError(f"quantity {quantity} is negative")
    return quantity


def with_stock_line(stock: dict[str, int], sku: str, quantity: int) -> dict[str, int]:
    """A copy of ``stock`` holding ``quantity`` of ``sku`` (a line of 0 stays listed)."""
    return {**stock, sku: check_quantity(quantity)}


def without_stock_line(stock: dict[str, int], sku: str, holder: str) -> dict[str, int]:
    """A copy of ``stock`` without the line for ``sku``; ``RecordNotFound`` naming ``holder`` if none."""
    if sku not in stock:
        raise RecordNotFound(f"{holder} holds no stock line for {sku!r}")
    return {k: v for k, v in stock.items() if k != sku}
