"""The demo cycle's people: the published report's handläggare, signer and attesters, and eight invented contributors.

Both generators use them: the T2 and VB examples have the same contributors owning the same items as the T1 demo.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from scripts._common import Quoted
from scripts._seed004 import CYCLE_ID, NAMND, PERIOD_END, TOP_AREA_IDS, YEAR

CYCLE_HEAD: dict[str, Any] = {
    "id": CYCLE_ID,
    "namnd": NAMND,
    "kind": "T1",
    "year": YEAR,
    "plan": "plan.yaml",
    "period_end": PERIOD_END,
    "attest_date": dt.date(2024, 5, 17),
    "meeting_date": dt.date(2024, 5, 23),
    "deadline": dt.date(2024, 5, 6),
    "handlaggare": {"name": "Ewa Jungstedt Pilestål", "phone": "08-508 205 81"},
    "signer": {"name": "Anders Carstorp", "title": "stadsdelsdirektör"},
    "prepared_by": "Administrativa avdelningen",
    "attesters": [
        {"name": "Anders Carstorp", "title": "Stadsdelsdirektör"},
        {"name": "Anna Larsson", "title": "Avdelningschef"},
    ],
    # Who signs in to `tertial serve`: the handläggare as controller, the stadsdelsdirektör as leadership (invented addresses).
    "web_roles": {"controllers": ["ewa.jungstedt.pilestal@example.se"], "leadership": ["anders.carstorp@example.se"]},
}


@dataclass(frozen=True)
class Person:
    name: str

    @property
    def email(self) -> str:
        ascii_name = self.name.lower().translate(str.maketrans("åäöé", "aaoe")).replace(" ", ".")
        return f"{ascii_name}@example.se"


@dataclass(frozen=True)
class ContributorSpec:
    """An invented contributor: the persons are fictional, the avdelningar are named in the report."""

    id: str
    avdelning: str
    responsible: Person
    deputy: Person
    chief: Person
    goals: tuple[str, ...]
    texts: tuple[str, ...] = ()
    economy: bool = False


SUMMARY_TEXTS = ("sammanfattning", *(f"{kind}:{n}" for n in "123" for kind in ("positivt", "utmaningar")), "direktiv")
ECONOMY_TEXTS = ("ekonomi", *(f"ekonomi:{ident}" for ident in TOP_AREA_IDS), "investeringar")
ADMIN_CHIEF = Person("Maria Sundberg")
CONTRIBUTORS = (
    ContributorSpec("administrativa", "Administrativa avdelningen", Person("Karin Lindqvist"), Person("Johan Ek"),
                    ADMIN_CHIEF, ("1", "2", "3", "3.4", "3.4.1", "3.4.2", "3.5", "3.5.1", "3.7", "3.7.1"), SUMMARY_TEXTS),
    ContributorSpec("forskola", "Avdelning förskola", Person("Sofia Nyberg"), Person("Erik Malm"),
                    Person("Helena Strand"), ("1.2", "1.2.1")),
    ContributorSpec("framjande", "Social omsorg förebyggande och främjande", Person("Amir Haddad"),
                    Person("Linnea Björk"), Person("Peter Dahl"),
                    ("1.1", "1.1.1", "1.5", "1.5.1", "3.2.2", "3.6", "3.6.1", "3.7.2")),
    ContributorSpec("barn-unga", "Social omsorg barn och unga", Person("Elin Forsberg"), Person("Mikael Roos"),
                    Person("Cecilia Wallin"), ("1.3", "1.3.1", "1.3.4")),
    ContributorSpec("vuxen", "Social omsorg vuxen", Person("Daniel Öberg"), Person("Sara Nilsson"),
                    Person("Fredrik Holm"), ("1.3.2", "1.3.3", "1.3.5", "3.2", "3.2.1", "3.3", "3.3.1")),
    ContributorSpec("aldre", "Social omsorg äldre", Person("Marie Lundgren"), Person("Ali Yilmaz"),
                    Person("Birgitta Hellström"), ("1.4", "1.4.1", "1.4.2")),
    ContributorSpec("stadsmiljo", "Stadsmiljöenheten", Person("Oskar Berglund"), Person("Frida Sjöberg"),
                    Person("Thomas Wikström"), ("2.1", "2.1.1", "2.2", "2.2.1", "2.2.2", "2.3", "2.3.1", "2.4", "2.4.1")),
    ContributorSpec("ekonomi", "Ekonomienheten", Person("Lina Andersson"), Person("Henrik Sandberg"),
                    ADMIN_CHIEF, ("3.1", "3.1.1"), ECONOMY_TEXTS, economy=True),
)
CSV_CONTRIBUTOR = "stadsmiljo"

# Items that belong to someone other than their goal's owner: (contributor, kind, goal, name pattern).
OWNERSHIP_OVERRIDES = (
    ("vuxen", "indicators", "1.3", r"funktionsnedsättning|socialpsykiatri|LSS"),
    ("framjande", "activities", "1.3", r"fixartjänst"),
    ("stadsmiljo", "indicators", "3.6", r"renhållning|park"),
    ("stadsmiljo", "activities", "3.6.1", r"parker|stadsmiljön|arbetsmaskiner"),
)


def override_ids(plan: dict[str, Any], contributor_id: str, kind: str) -> list[str]:
    ids = []
    for owner, what, goal, pattern in OWNERSHIP_OVERRIDES:
        if owner == contributor_id and what == kind:
            ids += [i["id"] for i in plan[kind] if i["goal"] == goal and re.search(pattern, i["name"])]
    return ids


def contributor_entry(spec: ContributorSpec, plan: dict[str, Any]) -> dict[str, Any]:
    owns: dict[str, Any] = {"goals": [Quoted(number) for number in spec.goals]}
    for kind in ("indicators", "activities"):
        ids = override_ids(plan, spec.id, kind)
        if ids:
            owns[kind] = ids
    if spec.texts:
        owns["texts"] = list(spec.texts)
    if spec.economy:
        owns["economy"] = True
    return {
        "id": spec.id, "avdelning": spec.avdelning,
        "responsible": spec.responsible.name, "email": spec.responsible.email,
        "deputy": spec.deputy.name, "deputy_email": spec.deputy.email,
        "chief_email": spec.chief.email, "owns": owns,
    }
