"""Generated data sets shared by the demo tests: generating once per session keeps the suite quick."""

from __future__ import annotations

from datetime import date

import pytest

from data.demo import DemoConfig, generate_demo
from dispatch.domain.dataset import Dataset

TUESDAY = date(2026, 3, 10)
DST_SUNDAY = date(2026, 3, 8)
"""Clocks in the US go forward at 02:00 on this day: the local day is 23 hours long."""


@pytest.fixture(scope="session")
def demo() -> Dataset:
    """The default demo: seed 7, a Tuesday, default sizes."""
    return generate_demo(DemoConfig(seed=7, day=TUESDAY))


@pytest.fixture(scope="session")
def demo_10x() -> Dataset:
    """The benchmark size: ten times the default counts."""
    return generate_demo(DemoConfig(seed=7, day=TUESDAY, scale=10.0))


@pytest.fixture(scope="session")
def demo_dst_sunday() -> Dataset:
    """A weekend day on which daylight-saving time starts."""
    return generate_demo(DemoConfig(seed=11, day=DST_SUNDAY))
