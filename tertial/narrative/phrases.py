"""Phrase pieces the narrative checks share: flags, the verbs and degrees of an assessment, an amount in mnkr."""

from __future__ import annotations

import re
from decimal import Decimal

from tertial.numbers import NumberParseError, parse_quantity
from tertial.vocabulary import Assessment

FLAGS = re.IGNORECASE
VERB = r"(?:uppfylls|uppfyllas|uppnås|nås)"
DEGREES = {"helt": Assessment.HELT.value, "delvis": Assessment.DELVIS.value, "inte": Assessment.INTE.value}

# "85,6 mnkr", "1 150 miljoner kronor": the amount phrase every amount check reads.
MNKR = r"(?P<amount>[−-]?\s?\d+(?:[ \u00a0\u202f]\d{3})*(?:[,.]\d+)?)\s*(?:mnkr|miljoner\s+kronor)\b"


def stated_amount(match: re.Match) -> Decimal | None:
    """The amount of a phrase matched with MNKR; None when it is not a number after all."""
    try:
        quantity = parse_quantity(match["amount"])
    except NumberParseError:
        return None
    return None if quantity is None else quantity.value
