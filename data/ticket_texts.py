"""What tickets say: summaries written the way customers and service desks write them.

A support summary may name the part a technician will most likely replace; the generator asks for that
part on jobs that need hardware, so the summary and the job agree. ``{n}``, ``{m}`` and ``{k}`` are small
numbers filled in by the generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

STORES = "shop restaurant"
FLOORS = "shop warehouse"
DESKS = "office clinic"


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary template, the part it implies, where it can happen and how urgent it can be."""

    text: str
    sku: str | None = None
    site_kinds: frozenset[str] | None = None
    """Kinds of site where this fault makes sense (``None``: anywhere)."""
    urgent: bool | None = None
    """True: only P1/P2 (a business stopped); False: only P3/P4; None: any priority."""

    def fits(self, site_kind: str, rank: int) -> bool:
        """Whether the summary suits a ticket at this kind of site with this priority rank."""
        if self.site_kinds is not None and site_kind not in self.site_kinds:
            return False
        return self.urgent is None or self.urgent == (rank <= 2)


def _s(text: str, sku: str | None = None, *, at: str | None = None, urgent: bool | None = None) -> Summary:
    return Summary(text, sku, frozenset(at.split()) if at else None, urgent)


SUPPORT: dict[str, tuple[Summary, ...]] = {
    "pos": (
        _s("Tills {n} and {m} not printing receipts", "POS-RPTR"),
        _s("Card reader on till {n} declining all contactless payments", "POS-PINPAD"),
        _s("Till {n} touchscreen unresponsive after overnight update", "POS-TERM"),
        _s("Cash drawer on till {n} will not open", "POS-DRAWER"),
        _s("Scanner at till {n} not reading barcodes", "POS-SCAN"),
        _s("All tills offline, store taking cash only", urgent=True),
        _s("Till {n} freezes when applying discounts", urgent=False),
    ),
    "network": (
        _s("Store network down, tills and phones offline", "NET-RTR-BR", at=STORES, urgent=True),
        _s("Core switch in comms room rebooting every few minutes", "NET-SW24P"),
        _s("Uplink to head office flapping, SFP port errors", "NET-SFP10"),
        _s("VPN tunnel to data centre down since {k}am"),
        _s("Firewall blocking card payments after rule change", "NET-FW-SM"),
        _s("Half the ports on switch {n} dead after power cut", "NET-SW24P", urgent=True),
    ),
    "desktop": (
        _s("Reception PC will not boot, disk errors", "DSK-SSD512", at=DESKS),
        _s("Docking station at desk {n} not detecting monitors", "DSK-DOCK", at="office"),
        _s("Monitor flickering at workstation {n}", "DSK-MON24"),
        _s("PC in exam room {n} powers off at random", "DSK-PSU", at="clinic"),
        _s("Keyboard and mouse unresponsive at front desk", "DSK-KBMS", urgent=False),
        _s("Back-office PC blue-screens on start-up", "DSK-SSD512"),
        _s("New starter laptop cannot join the domain", at=DESKS, urgent=False),
    ),
    "printers": (
        _s("Printer on floor {n} jamming on every job", "PRN-ROLLER", at="office"),
        _s("Prints smudged, fuser error 50.{n}", "PRN-FUSER"),
        _s("Label printer at dispatch bay printing blank labels", "PRN-HEAD", at="warehouse"),
        _s("Toner low warning, printer stopped printing", "PRN-TONER", urgent=False),
        _s("Prescription printer offline in pharmacy", at="clinic"),
        _s("Receipt and report printing failing from all PCs"),
    ),
    "server": (
        _s("Server {n} PSU failed, running on one supply", "SRV-PSU"),
        _s("Memory errors on host {n}, VMs restarting", "SRV-DIMM32"),
        _s("UPS in comms cabinet reports battery fault", "SRV-UPSBAT"),
        _s("Server fan alarm on host {n}, temperature rising", "SRV-FAN"),
        _s("File server unreachable for the whole office", at=DESKS, urgent=True),
    ),
    "wireless": (
        _s("Wi-Fi dropping in aisles {n}-{m}, handhelds disconnect", "WLS-AP", at=FLOORS),
        _s("Access point {n} offline, no coverage at loading dock", "WLS-AP", at=FLOORS),
        _s("Handheld scanners not holding charge", "WLS-HHBAT", at=FLOORS, urgent=False),
        _s("Handheld scanner {n} cracked screen, cannot pick orders", "WLS-HH", at="warehouse"),
        _s("Guest Wi-Fi down in dining room", at="restaurant"),
        _s("Wi-Fi authentication failing for staff devices"),
    ),
    "storage": (
        _s("RAID array degraded on file server, disk {n} failed", "STO-HDD24"),
        _s("SAN controller B failed over, running on one controller", "STO-CTRL"),
        _s("Cache SSD failure alert on storage array", "STO-SSD19"),
        _s("Nightly backup failing, tape drive errors", urgent=False),
    ),
    "cabling": (
        _s("Network drop at desk {n} dead, faulty patching", "CAB-CAT6", at=DESKS),
        _s("Fibre link between racks down, suspect patch lead", "CAB-FIBRE"),
        _s("Damaged wall ports in room {n}", "CAB-KEYST", at=DESKS, urgent=False),
        _s("Cable run to till {n} cut during refit", at=STORES),
        _s("Intermittent link on patch panel port {n}", "CAB-CAT6"),
    ),
}

MAINTENANCE: dict[str, tuple[Summary, ...]] = {
    "pos": (
        _s("Quarterly preventive check of POS estate"),
        _s("Install replacement till {n}", "POS-TERM"),
        _s("PIN pad firmware update on {k} lanes"),
    ),
    "network": (
        _s("Firmware update on core and edge switches"),
        _s("Install additional PoE switch for new cameras", "NET-SW24P"),
        _s("Annual network health check"),
    ),
    "desktop": (
        _s("Deploy {k} new workstations", "DSK-MON24"),
        _s("Preventive maintenance of front-desk PCs", at=DESKS),
    ),
    "printers": (
        _s("Printer maintenance kit due on {k} devices", "PRN-ROLLER"),
        _s("Install new label printer at dispatch bay", "PRN-HEAD", at="warehouse"),
    ),
    "server": (
        _s("Replace UPS batteries in comms cabinet", "SRV-UPSBAT"),
        _s("Firmware and BIOS updates on host {n}"),
        _s("Quarterly server room inspection"),
    ),
    "wireless": (
        _s("Install {k} access points in new extension", "WLS-AP"),
        _s("Wi-Fi site survey before store refit", at=STORES),
    ),
    "storage": (
        _s("Storage array firmware update"),
        _s("Proactive disk replacement on array", "STO-HDD24"),
    ),
    "cabling": (
        _s("Re-patch comms cabinet after refit", "CAB-CAT6"),
        _s("Cable {k} new desk positions", "CAB-KEYST", at=DESKS),
    ),
}


def fill(template: str, rng: random.Random) -> str:
    """The template with its small numbers filled in."""
    n = rng.randint(1, 8)
    return template.format(n=n, m=n + 1, k=rng.randint(2, 9))
