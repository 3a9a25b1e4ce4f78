"""Totals and precision as the nämnd reports them.

Contributors may give amounts with more decimals than the table prints. Every figure is kept as given through
assembly and rounded once, when it is printed: half up (away from zero, as Excel and the reports round), to the
table's decimals (1 in mnkr, 0 in tkr). `printed` is that rounding, and every reader of a printed figure (HTML,
Word, PDF, JSON, the budgetföljsamhet, the checks of the texts) goes through it.

A sum row (Totalt, Summa) or a derived cell (Avvikelse) the contributor gives is taken as given: it is what the
nämnd decided and prints. It is checked against the sum of its rows (or its formula) with a tolerance that grows
with the number of rounded terms: each term may be half a printed unit off, and so may the total, so
|Σ − total| ≤ 0,05 × (n + 1) in mnkr with one decimal (0,5 × (n + 1) in whole tkr).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tertial.numbers import rounded_half_up

Values = dict[str, Decimal | None]

# The id of the sum row in the Ekonomi and Investeringar sheets: Tertial offers the row, the contributor may fill it.
TOTAL_ID = "totalt"
TOTAL_NAME = "Totalt"


def half_unit(decimals: int) -> Decimal:
    """Half of the last printed place: how far one rounded figure may lie from the figure behind it."""
    return Decimal(5).scaleb(-(decimals + 1))


def rounding_tolerance(terms: int, decimals: int = 1) -> Decimal:
    """How far a stated sum of `terms` rounded figures may lie from their sum: half a unit for each, and for itself."""
    return half_unit(decimals) * (terms + 1)


def printed(value: Decimal | None, decimals: int) -> Decimal | None:
    """The figure as the table prints it: rounded half up to `decimals`; −0,0 is printed (and carried) as 0,0."""
    return None if value is None else rounded_half_up(value, decimals)


def printed_values(values: Values, decimals: int) -> Values:
    return {key: printed(value, decimals) for key, value in values.items()}


@dataclass(frozen=True)
class SumGap:
    """A stated sum against the sum of its terms."""

    stated: Decimal
    computed: Decimal
    terms: int
    decimals: int

    @property
    def tolerance(self) -> Decimal:
        return rounding_tolerance(self.terms, self.decimals)

    @property
    def within(self) -> bool:
        return abs(self.stated - self.computed) <= self.tolerance


def sum_gap(stated: Decimal | None, terms: list[Decimal | None], decimals: int = 1) -> SumGap | None:
    """The stated figure against Σ of the terms given (a signed term is passed with its sign); None when none is stated."""
    given = [t for t in terms if t is not None]
    if stated is None:
        return None
    return SumGap(stated=stated, computed=sum(given, Decimal(0)), terms=len(given), decimals=decimals)


def with_submitted(computed: Values, submitted: Values | None) -> Values:
    """The total row as printed: each column as submitted where the contributor gave it, else as computed."""
    if not submitted:
        return dict(computed)
    return {key: submitted.get(key) if submitted.get(key) is not None else value for key, value in computed.items()}



def total_as_printed(sums: Values, submitted: Values | None, derived: set[str], complete: Callable[[Values], Values]) -> Values:
    """The sum row as printed: what the contributor gave in it as given, the other columns Σ of the rows, and a
    derived column left empty (Avvikelse) from the sum row's own figures, as the reports compute it (not Σ of the
    rows' rounded deviations)."""
    merged = with_submitted(sums, submitted)
    merged |= {key: (submitted or {}).get(key) for key in derived if key in merged}
    return complete(merged)


SUM_WORDS = ("summa", "totalt", "total")


def is_sum_name(name: str) -> bool:
    """A row the contributor wrote as the sheet's own sum ('Summa resultatenheter', 'Totalt', 'Nämnden totalt'),
    not an item of it: its first or last word says so."""
    words = name.strip().lower().split()
    return bool(words) and (words[0] in SUM_WORDS or words[-1] in SUM_WORDS)


NET = "netto"
# The nämnd's total after the justering rows (Resultatöverföring/ombudgetering) of a declared Intäkter och kostnader:
# a row named as a sum ('Nämnden totalt') that is neither side and has no Typ.
GRAND_TOTAL = "totalt"


def revenue_cost_sum_side(name: str, kind: str | None) -> str | None:
    """Which sum of Intäkter och kostnader a row the contributor wrote is: 'intäkt' (Summa intäkter), 'kostnad'
    (Summa kostnader) or 'netto'; None for a post. The side is read from the name, else from its Typ."""
    lowered = name.strip().lower()
    if lowered == NET:
        return NET
    if not is_sum_name(name):
        return None
    named = "intäkt" if "intäkt" in lowered else "kostnad" if "kostnad" in lowered else None
    if named is None and kind is None:
        return GRAND_TOTAL  # 'Nämnden totalt', 'Totalt' with no Typ: the sum of every row, justering included
    return named or (kind if kind in ("intäkt", "kostnad") else None)  # a justering row is a post, whatever its name
