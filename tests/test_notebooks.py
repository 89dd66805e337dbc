"""The notebooks run top to bottom against a planned demo day, so they cannot rot silently."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dispatch.cli import main
from dispatch.config import Settings

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
DAY = "2026-03-10"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_has_no_stored_outputs(
    notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every code cell executes on a planned demo day; outputs are stripped in the repository."""
    url = f"sqlite+pysqlite:///{tmp_path / 'dispatch.sqlite3'}"
    settings = Settings(database_url=url)
    assert main(["demo", "generate", "--day", DAY, "--scale", "0.2"], settings) == 0
    assert main(["plan", DAY, "--time-limit", "2"], settings) == 0
    monkeypatch.setenv("DISPATCH_DATABASE_URL", url)

    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict[str, object] = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [] and cell["execution_count"] is None
        source = "".join(cell["source"]).replace("DAY = date.today()", f"DAY = date.fromisoformat({DAY!r})")
        exec(compile(source, f"{notebook.name}", "exec"), namespace)
    CHECKS[notebook.stem](namespace)


def _day_overview(namespace: dict[str, object]) -> None:
    assert namespace["DAY"] == date.fromisoformat(DAY)
    assert namespace["plan"] is not None
    assert len(namespace["routes"]) > 0  # type: ignore[arg-type]


def _simulated_days(namespace: dict[str, object]) -> None:
    figures = namespace["figures"]
    assert list(figures) == ["morning plan", "greedy", "ours"]  # type: ignore[call-overload]
    assert len(namespace["sla"]) > 0  # type: ignore[arg-type]


def _sla_compliance(namespace: dict[str, object]) -> None:
    report = namespace["report"]
    tickets = namespace["tickets"]
    assert len(report) > 0 and len(tickets) > 0  # type: ignore[arg-type]
    assert int(report["tickets"].sum()) == len(tickets)  # type: ignore[index, arg-type]
    assert list(namespace["figures"]) == ["outcomes by priority", "clock times by tier"]  # type: ignore[call-overload]


CHECKS = {
    "day_overview": _day_overview,
    "simulated_days": _simulated_days,
    "sla_compliance": _sla_compliance,
}
"""What each notebook must have computed; a new notebook needs its line here."""
