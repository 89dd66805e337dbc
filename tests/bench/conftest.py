"""A three-customer instance small enough to check every figure by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench._vrplib import Instance, read_instance

DATA = Path(__file__).parent / "data"
SOLOMON = DATA / "solomon"
"""A few Solomon instances and the best-known table, carried so the tests need no ../shared/data."""


@pytest.fixture
def tiny() -> Instance:
    """Depot at (0,0); customers 1 (3,0), 2 (3,4), 3 (0,4); capacity 10, two vehicles, service 1."""
    return read_instance(DATA / "TINY1.vrp")
