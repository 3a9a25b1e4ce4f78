"""Budget requests: "budgetjustering på 0,8 mnkr i investeringsmedel för en klimatinvestering" in a decision
point against the request it names."""

from __future__ import annotations

import re
from decimal import Decimal
from os.path import commonprefix

from tertial.findings import Finding
from tertial.narrative.phrases import FLAGS, MNKR, stated_amount
from tertial.narrative.places import decision_places, narrative_finding
from tertial.numbers import format_number
from tertial.report import BudgetRequest, EconomySection, Report

# The rule (a decision point that says 0,8 mnkr for a klimatinvestering whose request is 1,0 mnkr): a decision
# point that states the amount of a budgetjustering or ombudgetering must state the amount of the request it
# names. The phrase shapes read are "budgetjustering(ar) på|om|med|av X mnkr" (also ombudgetering) and
# "X mnkr i budgetjustering". The request is the one whose Rubrik words occur most often in the words around
# the amount (word stems, so "klimatinvestering" names "Klimatinvesteringar"); a tie names none. With no Rubrik
# word at all, a stated kind ("i driftmedel", "investeringsmedel") names the request when it is the only one
# of that kind. "sammanlagt"/"totalt" compares with the sum of the requests (of the stated kind, if any).
# Decision points only: free texts list requests in too many shapes to read without false alarms.

ADJUSTMENT_TOLERANCE = Decimal("0.05")  # both amounts are written with one decimal: they must be equal
_NOUN = r"(?:budgetjustering|ombudgetering)(?:ar|en|arna)?"
_ADJUSTMENT_SHAPES = (
    re.compile(rf"\b{_NOUN}\s+(?:på|om|med|av)\s+(?P<total>(?:sammanlagt|totalt)\s+)?{MNKR}", FLAGS),
    re.compile(rf"(?<![\d,.])(?P<total>(?:sammanlagt|totalt)\s+)?{MNKR}\s+i\s+{_NOUN}\b", FLAGS),
)
_MONEY_KIND = re.compile(r"\b(drift|investering)(?:s?medel|en|ar|arna)?\b", FLAGS)
_WORD = re.compile(r"\w+")
# Words every request and decision share: they say nothing about which request is meant.
_GENERIC = ("investering", "drift", "budget", "ombudget", "medel", "nämnd", "kommunstyrelse", "mnkr", "enligt",
            "bilaga", "till", "från", "inom", "samt", "eller", "avser", "ansök", "begär")


def _content_words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text) if len(w) >= 4 and not w.isdigit()}
    return {w for w in words if not w.startswith(_GENERIC)}


def _same_stem(a: str, b: str) -> bool:
    """'klimatinvestering' ~ 'klimatinvesteringar', 'lokala' ~ 'lokalt': a shared prefix up to a short ending."""
    return len(commonprefix([a, b])) >= max(4, min(len(a), len(b)) - 3)


def _named_requests(window: str, requests: list[BudgetRequest]) -> list[BudgetRequest]:
    """The request(s) the words around an amount name: best Rubrik-word score, else the only one of the kind."""
    kinds = {k.lower() for k in _MONEY_KIND.findall(window)}
    fitting = [r for r in requests if len(kinds) != 1 or r.kind in kinds]
    words = _content_words(window)
    scores = [(sum(any(_same_stem(t, w) for w in words) for t in _content_words(r.title)), r) for r in fitting]
    best = max((s for s, _ in scores), default=0)
    if best:
        return [r for s, r in scores if s == best]
    return fitting if len(kinds) == 1 and len(fitting) == 1 else []


def _adjustment_matches(text: str) -> list[tuple[re.Match, str]]:
    """Each amount phrase with its window: from the phrase to the next one (the first also takes the text
    before it), so two amounts in one decision point are read apart: "… 0,2 mnkr för X och … 0,5 mnkr för Y"."""
    found = sorted((m for shape in _ADJUSTMENT_SHAPES for m in shape.finditer(text)), key=lambda m: m.start())
    out = []
    for i, match in enumerate(found):
        start = match.start() if i else 0
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        out.append((match, text[start:end]))
    return out


def _stated_against(match: re.Match, window: str, section: EconomySection) -> tuple[str, Decimal] | None:
    """(who, amount) the phrase must agree with; None when it names no single request."""
    if match["total"]:
        kinds = {k.lower() for k in _MONEY_KIND.findall(window)}
        chosen = [r for r in section.requests if len(kinds) != 1 or r.kind in kinds]
        said = f" i {'driftmedel' if 'drift' in kinds else 'investeringsmedel'}" if len(kinds) == 1 else ""
        total = sum((r.amount for r in chosen), Decimal(0))
        return f"begärandena{said} under {section.title} gäller sammanlagt", total
    named = _named_requests(window, section.requests)
    if len(named) != 1:
        return None
    return f"begäran '{named[0].heading}' under {section.title} gäller", named[0].amount


def check_adjustments(report: Report) -> list[Finding]:
    """A budgetjustering or ombudgetering amount in a decision point equals the request it names (±0,05 mnkr)."""
    section = report.economy.adjustments
    if section is None or section.missing or not section.requests:
        return []
    findings = []
    for where in decision_places(report):
        for match, window in _adjustment_matches(where.text):
            against, claimed = _stated_against(match, window, section), stated_amount(match)
            if against is None or claimed is None or abs(claimed - against[1]) <= ADJUSTMENT_TOLERANCE:
                continue
            findings.append(narrative_finding("narrative_adjustment", where, match[0].strip(),
                                     scope=against[0], expected=f"{format_number(against[1], 1)} mnkr"))
    return findings
