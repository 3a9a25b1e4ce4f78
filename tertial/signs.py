"""The economy tables' sign conventions, as data: the sign each kind of row is written with, and what a change
in the table's signs means for the post itself.

Stockholm's reports write revenue negative and cost positive in the tables of intäkter och kostnader, and the
net cost positive in the budget tables. So a revenue whose Förändring is −4,2 has grown by 4,2 mnkr, and a cost
whose Förändring is −4,2 has shrunk by 4,2 mnkr. Sentences about amounts ("intäkterna har ökat med 4,2 mnkr"),
the sign check of the Intäkter och kostnader sheet and the checks of the contributors' comments read a change
through this convention, never through a sign in code. Its one home is `signs:` in profiles/economy_columns.yaml;
a profile may override a row type (`economy: signs:`), read with `tertial.economy_columns.signs_for`.
"""

from __future__ import annotations

from decimal import Decimal

from tertial.economy import COST, REVENUE
from tertial.economy_columns import default_signs
from tertial.numbers import format_number

NET = "netto"  # the net cost of a budget table or the Netto row: written positive when it is a cost

Signs = dict[str, int]  # row type -> the sign it is written with: −1 negative, +1 positive

# The catalogue's convention (tertial.economy_columns.signs_for gives a profile's).
WRITTEN_SIGN: Signs = default_signs()


def growth(kind: str, change: Decimal, signs: Signs | None = None) -> Decimal:
    """How much the post itself grew (negative: shrank), from its Förändring in the table's signs."""
    return (signs or WRITTEN_SIGN)[kind] * change


def sign_ok(kind: str | None, value: Decimal | None, signs: Signs | None = None) -> bool:
    """A revenue or cost written with its row type's sign; zero, empty cells and other rows pass (another rule asks
    for a value)."""
    if value is None or value == 0 or kind not in (REVENUE, COST):
        return True
    return (value > 0) == ((signs or WRITTEN_SIGN)[kind] > 0)


def change_phrase(kind: str, change: Decimal, decimals: int = 1, unit: str = "mnkr", signs: Signs | None = None) -> str:
    """'har ökat med 4,2 mnkr', 'har minskat med 1,0 mnkr' or 'är oförändrade', as printed (rounded half up)."""
    grown = growth(kind, change, signs)
    figure = format_number(abs(grown), decimals)
    if not any(c in "123456789" for c in figure):
        return "är oförändrade"
    return f"har {'ökat' if grown > 0 else 'minskat'} med {figure} {unit}"


def _word(sign: int) -> str:
    return "negativ" if sign < 0 else "positiv"


def convention_text(signs: Signs | None = None) -> str:
    """'intäkter skrivs negativa, kostnader positiva', as a finding states the convention it read a row by."""
    signs = signs or WRITTEN_SIGN
    return f"intäkter skrivs {_word(signs[REVENUE])}a, kostnader {_word(signs[COST])}a"


def sign_hint(signs: Signs | None = None) -> str:
    """How to write revenue and cost, for a contributor whose post has the other sign."""
    signs = signs or WRITTEN_SIGN
    revenue = "med minus (t.ex. -47,0)" if signs[REVENUE] < 0 else "utan minus"
    cost = "med minus" if signs[COST] < 0 else "utan minus"
    return f"Skriv intäkter {revenue} och kostnader {cost}."
