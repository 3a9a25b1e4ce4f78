"""The economy tables' sign conventions, as data: the sign each kind of row is written with, and what a change
in the table's signs means for the post itself.

Stockholm's reports write revenue negative and cost positive in the tables of intäkter och kostnader, and the
net cost positive in the budget tables. So a revenue whose Förändring is −4,2 has grown by 4,2 mnkr, and a cost
whose Förändring is −4,2 has shrunk by 4,2 mnkr. Sentences about amounts ("intäkterna har ökat med 4,2 mnkr")
and the checks of the contributors' comments read a change through this table, never through a sign in code.
"""

from __future__ import annotations

from decimal import Decimal

from tertial.economy import COST, REVENUE
from tertial.numbers import format_number

NET = "netto"  # the net cost of a budget table or the Netto row: written positive when it is a cost

# The sign each kind of row is written with: −1 negative, +1 positive.
WRITTEN_SIGN: dict[str, int] = {REVENUE: -1, COST: 1, NET: 1}


def growth(kind: str, change: Decimal) -> Decimal:
    """How much the post itself grew (negative: shrank), from its Förändring in the table's signs."""
    return WRITTEN_SIGN[kind] * change


def change_phrase(kind: str, change: Decimal, decimals: int = 1, unit: str = "mnkr") -> str:
    """'har ökat med 4,2 mnkr', 'har minskat med 1,0 mnkr' or 'är oförändrade', as printed (rounded half up)."""
    grown = growth(kind, change)
    figure = format_number(abs(grown), decimals)
    if not any(c in "123456789" for c in figure):
        return "är oförändrade"
    return f"har {'ökat' if grown > 0 else 'minskat'} med {figure} {unit}"
