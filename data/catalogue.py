"""The demo provider's skills and spare-parts catalogue.

Every part belongs to the skill whose jobs fit it. ``scarce`` parts are expensive or rarely needed:
vans carry few or none of them, so jobs needing them test depot pickups and unassigned reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.domain.catalogue import Part, Skill

SKILLS: tuple[Skill, ...] = (
    Skill("network", "Networking: switches, routers, firewalls"),
    Skill("pos", "Point of sale: tills, card readers, receipt printers"),
    Skill("desktop", "Desktops, laptops and peripherals"),
    Skill("printers", "Office and label printers"),
    Skill("server", "Servers and UPS"),
    Skill("wireless", "Wi-Fi access points and handheld scanners"),
    Skill("storage", "Disk arrays, NAS and backup"),
    Skill("cabling", "Structured cabling and fibre"),
)


@dataclass(frozen=True, slots=True)
class CataloguePart:
    """A part as the generator knows it: the domain part plus how rare it is on vans."""

    part: Part
    scarce: bool


def _p(sku: str, name: str, skill: str, cost_usd: int, scarce: bool = False) -> CataloguePart:
    return CataloguePart(Part(sku=sku, name=name, category=skill, unit_cost_cents=cost_usd * 100), scarce)


PARTS: tuple[CataloguePart, ...] = (
    _p("NET-SW24P", "24-port PoE access switch", "network", 1450, scarce=True),
    _p("NET-SFP10", "SFP+ 10G SR transceiver", "network", 85),
    _p("NET-RTR-BR", "Branch router", "network", 980, scarce=True),
    _p("NET-FW-SM", "Small-office firewall appliance", "network", 1250, scarce=True),
    _p("POS-RPTR", "Thermal receipt printer", "pos", 320),
    _p("POS-PINPAD", "Card reader / PIN pad", "pos", 410),
    _p("POS-TERM", "POS terminal, 15-inch touch", "pos", 1650, scarce=True),
    _p("POS-DRAWER", "Cash drawer", "pos", 140),
    _p("POS-SCAN", "Barcode scanner, presentation", "pos", 190),
    _p("DSK-SSD512", "SSD 512 GB, 2.5-inch", "desktop", 65),
    _p("DSK-DOCK", "USB-C docking station", "desktop", 210),
    _p("DSK-MON24", "24-inch monitor", "desktop", 180),
    _p("DSK-KBMS", "Keyboard and mouse set", "desktop", 35),
    _p("DSK-PSU", "Desktop power supply 300 W", "desktop", 60),
    _p("PRN-TONER", "Toner cartridge, black, high yield", "printers", 140),
    _p("PRN-FUSER", "Fuser unit 110 V", "printers", 260),
    _p("PRN-ROLLER", "Paper pickup roller kit", "printers", 45),
    _p("PRN-HEAD", "Label printer printhead, 203 dpi", "printers", 390, scarce=True),
    _p("SRV-PSU", "Server power supply 800 W, hot-plug", "server", 320),
    _p("SRV-DIMM32", "Server memory 32 GB RDIMM", "server", 240),
    _p("SRV-FAN", "Server fan module", "server", 90),
    _p("SRV-UPSBAT", "UPS battery pack", "server", 420, scarce=True),
    _p("WLS-AP", "Wi-Fi 6 access point", "wireless", 560),
    _p("WLS-BRKT", "Access point mounting bracket", "wireless", 25),
    _p("WLS-HHBAT", "Handheld scanner battery", "wireless", 70),
    _p("WLS-HH", "Rugged handheld scanner", "wireless", 1850, scarce=True),
    _p("STO-HDD24", "2.4 TB SAS disk, 10k", "storage", 380),
    _p("STO-SSD19", "1.92 TB SAS SSD", "storage", 720, scarce=True),
    _p("STO-CTRL", "Storage array controller", "storage", 4200, scarce=True),
    _p("CAB-CAT6", "Cat6 patch cords, pack of 10", "cabling", 40),
    _p("CAB-FIBRE", "OM4 LC-LC fibre patch lead", "cabling", 30),
    _p("CAB-KEYST", "Cat6 keystone jacks, pack of 24", "cabling", 55),
)


def skills(count: int) -> tuple[Skill, ...]:
    """The first ``count`` skills (the most used first)."""
    if not 1 <= count <= len(SKILLS):
        raise ValueError(f"the demo knows 1..{len(SKILLS)} skills, not {count}")
    return SKILLS[:count]


def parts(count: int, skill_codes: tuple[str, ...]) -> tuple[CataloguePart, ...]:
    """``count`` parts for the given skills, taken round-robin over the skills so each gets its share."""
    by_skill = [[p for p in PARTS if p.part.category == code] for code in skill_codes]
    available = sum(len(group) for group in by_skill)
    if not 0 <= count <= available:
        raise ValueError(f"the demo catalogue has {available} parts for these skills, not {count}")
    chosen: list[CataloguePart] = []
    depth = 0
    while len(chosen) < count:
        for group in by_skill:
            if depth < len(group) and len(chosen) < count:
                chosen.append(group[depth])
        depth += 1
    order = {p.part.sku: i for i, p in enumerate(PARTS)}
    return tuple(sorted(chosen, key=lambda p: order[p.part.sku]))
