"""The demo provider's procedures: what a technician checks, does and writes down on each kind of visit.

Every category has a break-fix procedure (diagnose, repair, test, sign-off, with the serial number of a
unit fitted written down) and a maintenance procedure of its own for planned upkeep.
"""

from __future__ import annotations

from collections.abc import Iterable

from dispatch.domain.procedures import Procedure, ProcedureStep, StepKind
from dispatch.domain.tickets import TicketKind

_TICK = StepKind.TICK
_TEXT = StepKind.TEXT


def _s(code: str, label: str, kind: StepKind = _TICK, mandatory: bool = True) -> ProcedureStep:
    return ProcedureStep(code=code, label=label, mandatory=mandatory, kind=kind)


_SIGN_OFF = (
    _s("sign_off", "Customer's name at sign-off", _TEXT),
    _s("notes", "Notes for the next visit", _TEXT, mandatory=False),
)

_BREAK_FIX: dict[str, tuple[ProcedureStep, ...]] = {
    "network": (
        _s("diagnose", "Diagnose: link lights, logs and the failing port or device"),
        _s("replace", "Replace or reconfigure the faulty unit; back up its configuration first"),
        _s("serial", "Serial number of the unit fitted (write 'none' if no unit was fitted)", _TEXT),
        _s("test", "Test: the site reaches the internet and the monitoring sees the device"),
    ),
    "pos": (
        _s("diagnose", "Diagnose the till, card reader or receipt printer"),
        _s("replace", "Replace the faulty unit and pair it with the till"),
        _s("serial", "Serial number of the unit fitted (write 'none' if no unit was fitted)", _TEXT),
        _s("test_sale", "Test sale and refund run end to end with the staff"),
    ),
    "desktop": (
        _s("diagnose", "Diagnose the computer or peripheral"),
        _s("repair", "Repair or replace the faulty part"),
        _s("serial", "Serial number of the part fitted (write 'none' if no part was fitted)", _TEXT),
        _s("test", "Test: the user logs in and opens their work"),
        _s("data", "Old disk handed to the customer or wiped in front of them", mandatory=False),
    ),
    "printers": (
        _s("diagnose", "Diagnose: print a status page and read the error log"),
        _s("repair", "Replace the worn or faulty part"),
        _s("counter", "Page counter after the repair", _TEXT),
        _s("test", "Test print from a user's computer"),
    ),
    "server": (
        _s("diagnose", "Diagnose from the management controller's log"),
        _s("replace", "Replace the failed component (hot-plug where possible)"),
        _s("serial", "Serial number of the component fitted", _TEXT),
        _s("test", "Test: services up, no alert on the management controller"),
        _s("backup", "Last good backup confirmed with the customer", mandatory=False),
    ),
    "wireless": (
        _s("diagnose", "Diagnose: survey the signal where users report the fault"),
        _s("replace", "Replace or re-mount the access point or scanner"),
        _s("serial", "Serial number of the unit fitted (write 'none' if no unit was fitted)", _TEXT),
        _s("test", "Test: roaming and throughput where the fault was reported"),
    ),
    "storage": (
        _s("diagnose", "Diagnose: array status and the failed disk's slot"),
        _s("replace", "Replace the disk and start the rebuild"),
        _s("serial", "Serial number of the disk fitted", _TEXT),
        _s("rebuild", "Rebuild under way and the array reports no other fault"),
    ),
    "cabling": (
        _s("diagnose", "Trace and test the faulty run"),
        _s("repair", "Re-terminate or replace the run"),
        _s("label", "Label of the outlet and patch panel port", _TEXT),
        _s("certify", "Certify the run with the cable tester"),
    ),
}

_MAINTENANCE: dict[str, tuple[ProcedureStep, ...]] = {
    "server": (
        _s("inspect", "Inspect fans, filters and power supplies; clean the dust"),
        _s("firmware", "Firmware and management controller updated to the agreed level"),
        _s("ups", "UPS self-test passed"),
        _s("battery_date", "UPS battery install date from its label", _TEXT),
    ),
    "printers": (
        _s("clean", "Clean the paper path and rollers"),
        _s("kit", "Maintenance kit fitted where due"),
        _s("counter", "Page counter at the end of the visit", _TEXT),
        _s("test", "Test print from a user's computer"),
    ),
    "network": (
        _s("inspect", "Inspect the racks: cooling, cabling, power"),
        _s("firmware", "Firmware updated to the agreed level"),
        _s("config_backup", "Configuration backup taken and stored"),
    ),
    "pos": (
        _s("clean", "Clean the tills, scanners and receipt printers"),
        _s("updates", "Till software and card reader firmware at the agreed level"),
        _s("test_sale", "Test sale and refund run end to end with the staff"),
    ),
    "desktop": (
        _s("updates", "Operating system and antivirus updates installed"),
        _s("health", "Disk health and free space checked"),
        _s("clean", "Fans and vents cleaned"),
    ),
    "wireless": (
        _s("survey", "Signal survey of the covered areas"),
        _s("firmware", "Access point firmware at the agreed level"),
        _s("scanners", "Handheld scanners charged, docked and connecting"),
    ),
    "storage": (
        _s("health", "Array health, disk errors and free space checked"),
        _s("restore", "Test restore of one file from the latest backup"),
        _s("capacity", "Free capacity in TB", _TEXT),
    ),
    "cabling": (
        _s("inspect", "Inspect patch panels and cable management"),
        _s("labels", "Missing or wrong labels corrected"),
    ),
}


def demo_procedures(categories: Iterable[str]) -> list[Procedure]:
    """The procedures of the given categories (skill codes), break-fix first, then maintenance."""
    procedures = []
    for category in categories:
        steps = _BREAK_FIX.get(category)
        if steps is not None:
            procedures.append(
                Procedure(f"PROC-{category.upper()}", category, f"{category} visit", steps + _SIGN_OFF)
            )
        upkeep = _MAINTENANCE.get(category)
        if upkeep is not None:
            procedures.append(
                Procedure(
                    f"PROC-{category.upper()}-MAINT",
                    category,
                    f"{category} maintenance",
                    upkeep + _SIGN_OFF,
                    ticket_kind=TicketKind.MAINTENANCE,
                )
            )
    return procedures
