"""Invented but real-looking people, street addresses and telephone numbers.

Places are real (see ``data.places``); everything personal is made up. Street lines are drawn from the
commonest US street names with a plausible house number; telephone numbers use the real area code of the
ZIP code with exchange 555 and lines 0100-0199, which the North American Numbering Plan reserves for
fiction, so no demo number ever rings a real person.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "William",
    "Elizabeth",
    "Carlos",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Daniel",
    "Karen",
    "Anthony",
    "Nancy",
    "Kevin",
    "Lisa",
    "Jose",
    "Angela",
    "Brian",
    "Michelle",
    "Tyrone",
    "Emily",
    "Luis",
    "Ashley",
    "Andrew",
    "Kimberly",
    "Joshua",
    "Amanda",
    "Ryan",
    "Melissa",
    "Jamal",
    "Stephanie",
    "Eric",
    "Rebecca",
    "Wei",
    "Priya",
    "Hector",
    "Aisha",
    "Dmitri",
    "Mei",
    "Marcus",
    "Rosa",
    "Nathan",
    "Grace",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Patel",
)
STREET_NAMES = (
    "Main",
    "Oak",
    "Park",
    "Pine",
    "Maple",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Walnut",
    "Lincoln",
    "Jackson",
    "Church",
    "Highland",
    "Sunset",
    "Ridge",
    "Franklin",
    "Jefferson",
    "Madison",
    "Center",
    "Market",
    "Commerce",
    "Industrial",
    "Airport",
    "River",
    "Spring",
    "Meadow",
    "Forest",
    "Mill",
    "2nd",
    "3rd",
    "4th",
    "5th",
    "7th",
    "10th",
    "12th",
    "Broadway",
    "Union",
    "Willow",
)
STREET_SUFFIXES = ("St", "Ave", "Blvd", "Rd", "Dr", "Pkwy", "Ln", "Way", "Ct", "Pl")


def person_name(rng: random.Random) -> str:
    """A first and last name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def street_line(rng: random.Random, *, commercial: bool = True) -> str:
    """A street line such as ``4821 Commerce Pkwy`` (sometimes with a suite for businesses)."""
    number = rng.randint(100, 9899)
    line = f"{number} {rng.choice(STREET_NAMES)} {rng.choice(STREET_SUFFIXES)}"
    if commercial and rng.random() < 0.2:
        line += f", Suite {rng.randint(1, 9)}{rng.randint(0, 4)}0"
    return line


def phone_number(rng: random.Random, area_codes: tuple[str, ...]) -> str:
    """A fictional number in a real area code: ``(214) 555-01xx``."""
    area = rng.choice(area_codes) if area_codes else "555"
    return f"({area}) 555-01{rng.randint(0, 99):02d}"


def email_address(name: str, domain: str) -> str:
    """``first.last@domain``, lower case."""
    local = ".".join(part.lower() for part in name.split())
    return f"{local}@{domain}"


def unique_email_address(name: str, domain: str, taken: set[str]) -> str:
    """``first.last@domain``, or ``first.last2@domain``, 3, ... when taken: an e-mail is a login.

    ``taken`` holds the addresses given so far in lower case; the new one is added to it.
    """
    address = email_address(name, domain)
    local, _, host = address.partition("@")
    number = 1
    while address.lower() in taken:
        number += 1
        address = f"{local}{number}@{host}"
    taken.add(address.lower())
    return address
