"""Load the nationwide demo provider into the configured database (the embedded default unless set)."""

from __future__ import annotations

from datetime import date, datetime

from dispatch.config import Settings
from dispatch.domain.errors import DomainError


def load_demo(
    settings: Settings, *, seed: int | None, day: date | None, scale: float, replace: bool
) -> dict[str, int]:
    """Migrate the database, generate the demo day and save it in one transaction; return row counts.

    Refuses to mix the demo into existing data unless ``replace`` (which deletes it in the same transaction).
    """
    from data.demo import DemoConfig, generate_demo
    from dispatch.persistence.dataset_store import clear_dataset, is_empty, save_dataset
    from dispatch.persistence.db import make_engine, make_session_factory, session_scope, upgrade_database

    url = settings.effective_database_url
    upgrade_database(url)
    config = DemoConfig(
        seed=settings.demo_seed if seed is None else seed,
        day=day or datetime.now().date(),
        scale=scale,
    )
    dataset = generate_demo(config)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if replace:
                clear_dataset(session)
            elif not is_empty(session):
                raise DomainError("the database already holds data: add --replace to start from the demo")
            save_dataset(session, dataset)
    finally:
        engine.dispose()
    return dataset.counts()


def run_demo(settings: Settings, *, seed: int | None, day: date | None, scale: float) -> str:
    """What ``make run`` shows: a fresh demo day loaded, its workload, then its plan."""
    from dispatch.services.planning import plan_day_command
    from dispatch.services.summary import print_day_summary

    the_day = day or datetime.now().date()
    counts = load_demo(settings, seed=seed, day=the_day, scale=scale, replace=True)
    loaded = ", ".join(f"{count} {name}" for name, count in counts.items())
    workload = print_day_summary(settings, the_day)
    plan = plan_day_command(settings, the_day, region=None, time_limit_s=settings.plan_time_limit_s)
    return f"Loaded the demo provider: {loaded}.\n\n{workload}\n\n{plan}"
