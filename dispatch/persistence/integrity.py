"""Integrity errors told in the user's words: which record clashes and how, never the database's message.

PostgreSQL names the key and the tables in its diagnostics; SQLite says only which kind of constraint
failed ("FOREIGN KEY constraint failed"), so the statement, its parameters and the models' foreign keys
fill in the rest, and, when a row refers to several records, a look-up finds the one that is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dispatch.persistence.db import session_scope
from dispatch.persistence.models import (
    NO_OVERLAPPING_VISITS,
    ONE_ASSIGNMENT_PER_JOB,
    ONE_PUBLISHED_PLAN_PER_DAY,
    Base,
)

_UNIQUE_VIOLATION = "23505"
_FOREIGN_KEY_VIOLATION = "23503"
_CHECK_VIOLATION = "23514"
_EXCLUSION_VIOLATION = "23P01"
_NOT_NULL_VIOLATION = "23502"

_STATEMENT = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_INSERT_COLUMNS = re.compile(r"^\s*INSERT\s+INTO\s+\"?\w+\"?\s*\(([^)]*)\)", re.IGNORECASE)
_PG_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\)")
_PG_TABLE = re.compile(r'table "(\w+)"')
_SQLITE_COLUMNS = re.compile(r"constraint failed: (.+)$")
_ACRONYMS = {"sla": "SLA", "id": "id"}


class ClashKind(Enum):
    DUPLICATE = "duplicate"
    MISSING_REFERENCE = "missing_reference"
    STILL_REFERENCED = "still_referenced"
    BROKEN_RULE = "broken_rule"


@dataclass(frozen=True, slots=True)
class Clash:
    """What an ``IntegrityError`` means for the request, and a sentence saying so."""

    kind: ClashKind
    message: str


ReferenceExists = Callable[[str, str, object], bool]
"""``(table, column, value) -> bool``: whether a row of ``table`` has ``value`` in ``column``."""


_SQLITE_UNIQUE_RULES = {
    "plans.day": ONE_PUBLISHED_PLAN_PER_DAY,
    "plan_visits.plan_day, plan_visits.job_id": ONE_ASSIGNMENT_PER_JOB,
}
"""SQLite names a unique index's columns, not the index: the partial unique indexes by their columns."""

_RULE_CLASHES = {
    ONE_PUBLISHED_PLAN_PER_DAY: Clash(
        ClashKind.DUPLICATE,
        "another plan of this day was published at the same moment; reload the plan and try again",
    ),
    ONE_ASSIGNMENT_PER_JOB: Clash(
        ClashKind.DUPLICATE,
        "a job would be on the day's published plan twice, and a job has one assignment at a time; "
        "reload the plan and try again",
    ),
    NO_OVERLAPPING_VISITS: Clash(
        ClashKind.DUPLICATE,
        "a technician would have two visits at the same time on the published plans; "
        "reload the plan and try again",
    ),
}


def violated_rule(error: IntegrityError) -> str | None:
    """The name of the plan rule ``error`` broke (``ONE_PUBLISHED_PLAN_PER_DAY``, ...), if it was one."""
    original = error.orig
    diagnostics = getattr(original, "diag", None)
    named = getattr(diagnostics, "constraint_name", None) if diagnostics is not None else None
    if named in _RULE_CLASHES:
        return str(named)
    text = str(original)
    if NO_OVERLAPPING_VISITS in text:
        return NO_OVERLAPPING_VISITS
    found = _SQLITE_COLUMNS.search(text.splitlines()[0] if text else "")
    return _SQLITE_UNIQUE_RULES.get(found[1].strip()) if found else None


def explain_integrity_error(error: IntegrityError, factory: sessionmaker[Session] | None = None) -> Clash:
    """The clash behind ``error``; ``factory`` lets a look-up narrow SQLite's bare messages and name every
    record still referring to one being deleted."""
    rule = violated_rule(error)
    if rule is not None:
        return _RULE_CLASHES[rule]
    verb, table = _statement_target(error.statement or "")
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    diagnostics = getattr(original, "diag", None)
    text = str(original).splitlines()[0] if original is not None else ""
    detail = (getattr(diagnostics, "message_detail", None) or "") if diagnostics is not None else ""
    values = _parameters(error.statement or "", error.params)
    table = table or getattr(diagnostics, "table_name", None) or ""

    if sqlstate == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in text:
        return _duplicate(table, detail, text, values)
    if sqlstate == _FOREIGN_KEY_VIOLATION or "FOREIGN KEY constraint failed" in text:
        exists = _lookup(factory) if factory is not None else None
        if verb == "DELETE" or "still referenced" in detail:
            return _still_referenced(table, detail, values, exists)
        return _missing_reference(table, detail, values, exists)
    if sqlstate == _NOT_NULL_VIOLATION or "NOT NULL constraint failed" in text:
        column = getattr(diagnostics, "column_name", None) or _last_word(text)
        return Clash(ClashKind.BROKEN_RULE, f"the {_noun(table)} needs a value for {_words(column)}")
    rule = getattr(diagnostics, "constraint_name", None) or _last_word(text)
    if sqlstate == _CHECK_VIOLATION or "CHECK constraint failed" in text:
        return Clash(
            ClashKind.BROKEN_RULE, f"the {_noun(table)} breaks the rule '{_rule_words(table, rule)}'"
        )
    return Clash(ClashKind.BROKEN_RULE, f"the {_noun(table)} clashes with the stored data")


def _duplicate(table: str, detail: str, text: str, values: Mapping[str, object]) -> Clash:
    key = _PG_KEY.search(detail)
    if key is not None:
        columns = [column.strip() for column in key["columns"].split(",")]
        shown = [value.strip() for value in key["values"].split(",")]
        pairs = list(zip(columns, shown, strict=False)) if len(shown) == len(columns) else []
    else:
        found = _SQLITE_COLUMNS.search(text)
        columns = [part.strip().rpartition(".")[2] for part in found[1].split(",")] if found else []
        pairs = [(column, values[column]) for column in columns if column in values]
    if pairs and len(pairs) == len(columns):
        said = " and ".join(f"{_words(column)} '{value}'" for column, value in pairs)
        return Clash(ClashKind.DUPLICATE, f"a {_noun(table)} with {said} already exists")
    if columns:
        said = " and ".join(_words(column) for column in columns)
        return Clash(ClashKind.DUPLICATE, f"a {_noun(table)} with the same {said} already exists")
    return Clash(ClashKind.DUPLICATE, f"this {_noun(table)} already exists")


def _still_referenced(
    table: str, detail: str, values: Mapping[str, object], exists: ReferenceExists | None
) -> Clash:
    key = _PG_KEY.search(detail)
    value: object | None = key["values"] if key is not None else None
    if value is None and len(set(map(str, values.values()))) == 1:
        value = next(iter(values.values()))
    # PostgreSQL names the first referring table its checks reached (an order set by internal ids, which
    # varies between databases); a look-up names every one, so the answer is whole and the same each time.
    referring = _PG_TABLE.findall(detail)
    pairs = _referring_columns(table)
    if exists is not None and value is not None:
        found = sorted({other for other, column in pairs if exists(other, column, value)})
        referring = found or referring
    if not referring:
        referring = sorted({other for other, _ in pairs})
    record = f"{_noun(table)} '{value}'" if value is not None else f"this {_noun(table)}"
    by = ", ".join(_words(name) for name in sorted(referring)) or "other records"
    return Clash(
        ClashKind.STILL_REFERENCED,
        f"{record} is still referenced by {by}: change or delete those first",
    )


def _missing_reference(
    table: str, detail: str, values: Mapping[str, object], exists: ReferenceExists | None
) -> Clash:
    key = _PG_KEY.search(detail)
    targets = _PG_TABLE.findall(detail)
    if key is not None and targets:
        return _missing(table, targets[0], key["values"])
    candidates = [
        (column, target_table, target_column, values[column])
        for column, target_table, target_column in _foreign_keys(table)
        if values.get(column) is not None
    ]
    if exists is not None and len(candidates) > 1:
        candidates = [
            candidate for candidate in candidates if not exists(candidate[1], candidate[2], candidate[3])
        ] or candidates
    if len(candidates) == 1:
        _, target_table, _, value = candidates[0]
        return _missing(table, target_table, value)
    named = ", ".join(f"{_noun(target)} '{value}'" for _, target, _, value in candidates)
    said = f" (one of {named})" if named else ""
    return Clash(
        ClashKind.MISSING_REFERENCE, f"the {_noun(table)} refers to a record that does not exist{said}"
    )


def _missing(table: str, target: str, value: object) -> Clash:
    return Clash(
        ClashKind.MISSING_REFERENCE,
        f"the {_noun(table)} refers to {_noun(target)} '{value}', which does not exist",
    )


def _statement_target(statement: str) -> tuple[str, str]:
    found = _STATEMENT.match(statement)
    if found is None:
        return "", ""
    return found[1].split()[0].upper(), found[2]


def _parameters(statement: str, params: Any) -> dict[str, object]:
    """The statement's values by column: named parameters as they are, positional ones of an INSERT
    matched to its column list; anything else (several rows at once) gives nothing."""
    if isinstance(params, Mapping):
        return {str(name): value for name, value in params.items()}
    if isinstance(params, Sequence) and not isinstance(params, str | bytes):
        if len(params) == 1 and isinstance(params[0], Mapping | Sequence) and not isinstance(params[0], str):
            return _parameters(statement, params[0])
        columns = _INSERT_COLUMNS.match(statement)
        if columns is not None:
            names = [name.strip().strip('"') for name in columns[1].split(",")]
            if len(names) == len(params):
                return dict(zip(names, params, strict=True))
        if len(params) == 1:
            return {"?": params[0]}
    return {}


def _table(name: str) -> Table | None:
    return Base.metadata.tables.get(name)


def _foreign_keys(table: str) -> list[tuple[str, str, str]]:
    """``(column, referred table, referred column)`` of each single-column foreign key of ``table``."""
    found = _table(table)
    if found is None:
        return []
    return [
        (key.parent.name, key.column.table.name, key.column.name)
        for constraint in found.foreign_key_constraints
        if len(constraint.elements) == 1
        for key in constraint.elements
    ]


def _referring_columns(table: str) -> list[tuple[str, str]]:
    """``(table, column)`` of the foreign keys that block deleting a row of ``table`` (no ON DELETE)."""
    return sorted(
        {
            (other.name, constraint.elements[0].parent.name)
            for other in Base.metadata.tables.values()
            for constraint in other.foreign_key_constraints
            if constraint.referred_table.name == table
            and constraint.ondelete is None
            and len(constraint.elements) == 1
        }
    )


def _lookup(factory: sessionmaker[Session]) -> ReferenceExists:
    def exists(table: str, column: str, value: object) -> bool:
        found = _table(table)
        if found is None:
            return True
        with session_scope(factory) as session:
            return (
                session.execute(select(found.c[column]).where(found.c[column] == value).limit(1)).first()
                is not None
            )

    return exists


def _noun(table: str) -> str:
    """``sla_policies`` -> ``SLA policy``: a table's name as one of its records."""
    words = table.split("_") if table else ["record"]
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join(_ACRONYMS.get(word, word) for word in [*words[:-1], last])


def _words(name: str) -> str:
    return " ".join(_ACRONYMS.get(word, word) for word in name.split("_"))


def _rule_words(table: str, rule: str) -> str:
    """``ck_visit_reports_late_not_negative`` -> ``late not negative``."""
    return _words(rule.removeprefix("ck_").removeprefix(f"{table}_"))


def _last_word(text: str) -> str:
    return text.rpartition(" ")[2].rpartition(".")[2] if text else ""
