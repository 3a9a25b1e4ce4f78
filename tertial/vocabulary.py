"""Closed vocabularies of the reports: kinds, assessments, statuses, target texts, periods."""

from __future__ import annotations

import re
from enum import StrEnum


class ReportKind(StrEnum):
    T1 = "T1"
    T2 = "T2"
    VB = "VB"

    @property
    def is_tertial(self) -> bool:
        return self is not ReportKind.VB


class Assessment(StrEnum):
    """A goal's or an indicator's assessment, worded as the reports print it."""

    HELT = "Uppfylls helt"
    DELVIS = "Uppfylls delvis"
    INTE = "Uppfylls inte"
    EJ_BEDOMD = "Ej bedömd"

    @property
    def symbol(self) -> str:
        return {"Uppfylls helt": "●", "Uppfylls delvis": "◆", "Uppfylls inte": "▲"}.get(self.value, "■")


class IndicatorStatus(StrEnum):
    HELT = "Uppfylls helt"
    DELVIS = "Uppfylls delvis"
    INTE = "Uppfylls inte"
    EJ_MATBAR = "Ej mätbar"

    @property
    def symbol(self) -> str:
        return Assessment(self.value).symbol if self is not IndicatorStatus.EJ_MATBAR else "■"


class ActivityStatus(StrEnum):
    PAGAR = "Pågår"
    GENOMFORD = "Genomförd"
    EJ_PABORJAD = "Ej påbörjad"
    AVBRUTEN = "Avbruten"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    BAND = "band"
    UNKNOWN = "unknown"  # the plan does not say which way is better: no status is proposed from the target


class Aggregation(StrEnum):
    """How the men/women outcomes relate to the total."""

    NONE = "none"  # not disaggregated by sex
    RATE = "rate"  # the total lies between the men's and the women's rate
    PARTS = "parts"  # men + women = total (counts, shares of one denominator)


class Frequency(StrEnum):
    TERTIAL = "tertial"
    HALF_YEAR = "halvar"
    ANNUAL = "annual"


class Level(StrEnum):
    KF = "kf"
    NAMND = "namnd"


class TargetScope(StrEnum):
    NAMND = "namnd"
    CITY = "stad"


_KF_TARGET_TEXTS = [
    re.compile(r"^Tas fram av nämnd$"),
    re.compile(r"^Tas fram av nämnd/styrelse$"),
    re.compile(r"^Fastställt \d{4}$"),
    re.compile(r"^Ökning$"),
    re.compile(r"^Minskning$"),
    re.compile(r"^Max \d+(?:[,.]\d+)?(?: \S.*)?$"),
    re.compile(r"^\+/- \d+(?:[,.]\d+)? ?%$"),
    # The spellings the city's reports use for the same closed texts, matched as written (printed as given).
    re.compile(r"^tas fram av nämnd(?:en)?(?:/ ?styrelse(?:n)?)?$", re.IGNORECASE),
    re.compile(r"^(?:öka|ökning|minska|minskning)$", re.IGNORECASE),
    re.compile(r"^\+/- ?\d+(?:[,.]\d+)? ?%$"),
    re.compile(r"^[-–]$"),  # no KF target for the nämnd, printed as a dash
]

KF_TARGET_TEXT_EXAMPLES = (
    "Tas fram av nämnd", "Tas fram av nämnd/styrelse", "Fastställt <år>", "Ökning",
    "Minskning", "Max <n> <enhet>", "+/- <n> %",
)


# Printed before the name of an indicator the plan marks as a jämställdhetsindikator, as the reports do.
GENDER_EQUALITY_MARK = "♀"


def is_closed_target_text(text: str) -> bool:
    """True when the text is one of the closed target phrases (``Fastställt 2024`` …)."""
    return any(pattern.match(text.strip()) for pattern in _KF_TARGET_TEXTS)


def expected_period(frequency: Frequency, kind: ReportKind, year: int) -> str:
    """The Period label an indicator of this frequency carries in a report of this kind."""
    if frequency is Frequency.ANNUAL:
        return str(year)
    if kind is ReportKind.VB:
        return f"VB {year}"
    if frequency is Frequency.HALF_YEAR:
        return f"Halvår 1 {year}"
    return f"Tertial {1 if kind is ReportKind.T1 else 2} {year}"


def report_title(kind: ReportKind, year: int, namnd: str) -> str:
    if kind is ReportKind.VB:
        return f"{namnd}s verksamhetsberättelse för år {year}"
    return f"Tertialrapport {1 if kind is ReportKind.T1 else 2} år {year} för {namnd}"
