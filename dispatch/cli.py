"""The ``dispatch`` command line: database, demo data, CSV transfer and the day's summary.

Each sub-command is a thin wrapper over a service in ``dispatch.services``; heavy imports happen
inside the handlers so ``dispatch --help`` stays instant and nothing connects before it must.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from dispatch.config import Settings, get_settings

ADMIN_PASSWORD_VARIABLE = "DISPATCH_ADMIN_PASSWORD"
"""Where ``dispatch admin create`` reads the new password from, when set (scripts); else it asks."""

Handler = Callable[[argparse.Namespace, Settings], int]


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from exc


def _cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.persistence.db import upgrade_database

    url = settings.effective_database_url
    upgrade_database(url)
    print(f"database at {_redact(url)} is at the latest schema")
    return 0


def _cmd_demo_generate(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.services.demo_data import load_demo

    counts = load_demo(settings, seed=args.seed, day=args.day, scale=args.scale, replace=args.replace)
    print(_format_counts("loaded demo data", counts))
    return 0


def _cmd_demo_run(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.services.demo_data import run_demo

    print(run_demo(settings, seed=args.seed, day=args.day, scale=args.scale), flush=True)
    if args.serve:
        return _cmd_serve(argparse.Namespace(host=None, port=None), settings)
    return 0


def _cmd_admin_create(args: argparse.Namespace, settings: Settings) -> int:
    import getpass
    import os

    from dispatch.services.account_admin import create_admin

    password = os.environ.get(ADMIN_PASSWORD_VARIABLE) or getpass.getpass("password of the new admin: ")
    account = create_admin(
        settings, email=args.email, display_name=args.name or args.email, password=password
    )
    print(f"admin login {account.email} created")
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.services.transfer import import_csv_directory

    counts = import_csv_directory(settings, Path(args.directory), replace=args.replace)
    print(_format_counts(f"imported {args.directory}", counts))
    return 0


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.services.transfer import export_csv_directory

    counts = export_csv_directory(settings, Path(args.directory))
    print(_format_counts(f"exported to {args.directory}", counts))
    return 0


def _cmd_summary(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.services.summary import print_day_summary

    print(print_day_summary(settings, args.day))
    return 0


def _cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.cli_progress import progress_bar
    from dispatch.services.planning import plan_day_command

    time_limit = settings.plan_time_limit_s if args.time_limit is None else args.time_limit
    draw, end = progress_bar(sys.stderr)
    try:
        summary = plan_day_command(
            settings, args.day, region=args.region, time_limit_s=time_limit, on_progress=draw
        )
    finally:
        end()
    print(summary)
    return 0


def _cmd_plan_week(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime, timedelta

    from dispatch.services.week_plan import plan_week_command

    now = datetime.now(UTC)
    first = args.first_day or (now.date() + timedelta(days=1))
    print(plan_week_command(settings, first, time_limit_s=args.time_limit, now=now))
    return 0


def _cmd_settle(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime

    from dispatch.services.report_effects import settle_day_command

    print(settle_day_command(settings.effective_database_url, args.day, datetime.now(UTC)))
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    host = args.host or settings.api_host
    port = settings.api_port if args.port is None else args.port
    print(f"serving the dispatch board on http://{host}:{port}/board (API documentation at /docs)")
    # The web layer is named, not imported: dispatch stays free of it, and the app reads the same settings.
    # uvicorn's proxy headers stay off: it would trust X-Forwarded-For from loopback and let any local
    # caller pick its address; the app reads the header itself, only from DISPATCH_TRUSTED_PROXIES.
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, proxy_headers=False)
    return 0


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.services.job_queue import PART_QUEUE, PLAN_QUEUE
    from dispatch.services.plan_jobs import run_worker

    queues = [PART_QUEUE] if args.parts_only else [PLAN_QUEUE, PART_QUEUE] if args.parts else [PLAN_QUEUE]
    what = {PLAN_QUEUE: "queued plan jobs", PART_QUEUE: "parts of large solves"}
    print(
        f"plan worker on {_redact(settings.effective_database_url)}: solving "
        f"{' and '.join(what[q] for q in queues)} (Ctrl+C stops)",
        flush=True,
    )
    run_worker(settings.effective_database_url, queues=queues)
    return 0


def _format_counts(title: str, counts: dict[str, int]) -> str:
    rows = "\n".join(f"  {name:<22}{count:>8}" for name, count in counts.items())
    return f"{title}:\n{rows}"


def _redact(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dispatch", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply every migration (alembic upgrade head)").set_defaults(
        handler=_cmd_db_upgrade
    )

    demo = commands.add_parser("demo", help="the nationwide demo provider").add_subparsers(
        dest="demo_command", required=True
    )
    for name, handler, text in (
        ("generate", _cmd_demo_generate, "generate the demo data and load it into the database"),
        ("run", _cmd_demo_run, "fresh demo day: load, summarise, plan, create logins, serve"),
    ):
        sub = demo.add_parser(name, help=text)
        sub.add_argument("--seed", type=int, default=None, help="generator seed (default DISPATCH_DEMO_SEED)")
        sub.add_argument("--day", type=_parse_day, default=None, help="day to plan (default today)")
        sub.add_argument("--scale", type=float, default=1.0, help="multiply every size (10 = ten times more)")
        if name == "generate":
            sub.add_argument("--replace", action="store_true", help="delete existing data first")
        else:
            sub.add_argument(
                "--serve", action=argparse.BooleanOptionalAction, default=True, help="then serve the API"
            )
        sub.set_defaults(handler=handler)

    admin = commands.add_parser("admin", help="logins of admin dispatchers").add_subparsers(
        dest="admin_command", required=True
    )
    create = admin.add_parser(
        "create",
        help=f"make an admin dispatcher's login (password from {ADMIN_PASSWORD_VARIABLE} or a prompt)",
    )
    create.add_argument("email", help="the login's email")
    create.add_argument("--name", default=None, help="the name shown (default: the email)")
    create.set_defaults(handler=_cmd_admin_create)

    imp = commands.add_parser("import", help="load a directory of CSV files (all or nothing)")
    imp.add_argument("directory")
    imp.add_argument("--replace", action="store_true", help="replace existing data, same transaction")
    imp.set_defaults(handler=_cmd_import)

    exp = commands.add_parser("export", help="write every entity as CSV files into a directory")
    exp.add_argument("directory")
    exp.set_defaults(handler=_cmd_export)

    summary = commands.add_parser("summary", help="the day's workload by region, priority and SLA tier")
    summary.add_argument("day", type=_parse_day, help="YYYY-MM-DD")
    summary.set_defaults(handler=_cmd_summary)

    plan = commands.add_parser("plan", help="plan the day, validate and publish the plan, print its summary")
    plan.add_argument("day", type=_parse_day, help="YYYY-MM-DD")
    plan.add_argument("--region", default=None, help="plan one region only (default: all)")
    plan.add_argument(
        "--time-limit", type=float, default=None, help="seconds (default DISPATCH_PLAN_TIME_LIMIT_S)"
    )
    plan.set_defaults(handler=_cmd_plan)

    week = commands.add_parser(
        "plan-week",
        help="open the maintenance falling due and book the week's maintenance visits, keeping a reserve",
    )
    week.add_argument(
        "first_day", type=_parse_day, nargs="?", default=None, help="YYYY-MM-DD (default: tomorrow)"
    )
    week.add_argument("--time-limit", type=float, default=30.0, help="seconds of search (default 30)")
    week.set_defaults(handler=_cmd_plan_week)

    settle = commands.add_parser(
        "settle", help="at the end of a day, apply its parts used and picked up to van and depot stock"
    )
    settle.add_argument("day", type=_parse_day, help="YYYY-MM-DD")
    settle.set_defaults(handler=_cmd_settle)

    serve = commands.add_parser("serve", help="serve the HTTP API (uvicorn)")
    serve.add_argument("--host", default=None, help="address to listen on (default DISPATCH_API_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (default DISPATCH_API_PORT)")
    serve.set_defaults(handler=_cmd_serve)

    worker = commands.add_parser(
        "worker", help="solve plan jobs queued by POST /plans (PostgreSQL; run one or more, anywhere)"
    )
    taken = worker.add_mutually_exclusive_group()
    taken.add_argument(
        "--parts",
        action="store_true",
        help="also solve parts of large days' solves (queue 'parts', DISPATCH_PART_QUEUE)",
    )
    taken.add_argument(
        "--parts-only",
        action="store_true",
        help="solve only parts of large days' solves (a worker that never waits on a plan job of its own)",
    )
    worker.set_defaults(handler=_cmd_worker)
    return parser


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Entry point of the ``dispatch`` console script; returns the process exit code."""
    from dispatch.csv_io.errors import CsvValidationError
    from dispatch.domain.errors import DomainError

    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, settings or get_settings())
    except CsvValidationError as exc:
        print(f"dispatch: nothing imported, the files have errors:\n{exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"dispatch: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
