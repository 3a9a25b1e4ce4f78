"""Sentences whose numbers come from the data, never typed by hand.

Hand-typed counts were wrong in three of four published reports we studied; here every
count sentence is computed from the confirmed statuses.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from tertial.numbers import format_number
from tertial.vocabulary import Assessment, IndicatorStatus, ReportKind

NUMBER_WORDS = ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
          "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton", "tjugo"]
_NEUTER = {"en": "ett"}


def number_word(n: int, neuter: bool = False) -> str:
    """Swedish number word for small counts (en/ett by gender), digits above twenty."""
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)
    return _NEUTER.get(word, word) if neuter else word


def counted(n: int, singular: str, plural: str) -> str:
    """'1 varning', '3 varningar': the noun agrees with its count."""
    return f"{n} {singular if n == 1 else plural}"


def findings_count(errors: int, warnings: int, joined: str = ", ") -> str:
    """'2 fel, 1 varning' ('fel' is the same in singular and plural)."""
    return f"{errors} fel{joined}{counted(warnings, 'varning', 'varningar')}"


_ORDER = [("helt", "Uppfylls helt"), ("delvis", "Uppfylls delvis"), ("inte", "Uppfylls inte")]
# How a count sentence says each assessment: (after "bedöms", in a list after the first): 'uppfyllas helt', 'helt'.
Phrases = dict[str, tuple[str, str]]
_BUILT_IN_PHRASES: Phrases = {label: (f"uppfyllas {word}", word) for word, label in _ORDER}


def assessment_phrases(own_words: dict[str, str]) -> Phrases:
    """The phrases for a plan's own assessment words (value → meaning): 'bedöms tre som uppfyllt, ett som delvis
    uppfyllt'; the built-in phrase for a meaning the plan words as Tertial does."""
    phrases = dict(_BUILT_IN_PHRASES)
    for word, label in _ORDER:
        value = next((v for v, means in own_words.items() if means == word), None)
        if value is not None:
            phrases[label] = (f"som {value.lower()}", f"som {value.lower()}")
    return phrases


def _rest(counts: Counter, first: str, neuter: bool, phrases: Phrases = _BUILT_IN_PHRASES) -> str:
    """' och två delvis och en inte' for the statuses after the first one with a count."""
    parts = [f"{number_word(counts[label], neuter)} {phrases[label][1]}" for word, label in _ORDER if label != first and counts[label]]
    return "".join(f" och {p}" if i == len(parts) - 1 else f", {p}" for i, p in enumerate(parts))


def indicator_sentence(statuses: list[IndicatorStatus]) -> str:
    """'Bedömningen grundar sig på att tre av sex indikatorer bedöms uppfyllas helt och två delvis.'"""
    total = len(statuses)
    if total == 0:
        return ""
    counts = Counter(s.value for s in statuses)
    if total == 1:
        status = statuses[0]
        if status is IndicatorStatus.EJ_MATBAR:
            return "Indikatorn kan inte bedömas ännu."
        return f"Indikatorn bedöms uppfyllas {status.value.removeprefix('Uppfylls ')}."
    for word, label in _ORDER:
        if counts[label] == total:
            return f"Bedömningen grundar sig på att samtliga {number_word(total)} indikatorer bedöms uppfyllas {word}."
    if counts[IndicatorStatus.EJ_MATBAR.value] == total:
        return f"Ingen av de {number_word(total)} indikatorerna kan bedömas ännu."
    first_word, first = next((w, l) for w, l in _ORDER if counts[l])
    head = f"Bedömningen grundar sig på att {number_word(counts[first])} av {number_word(total)} indikatorer bedöms uppfyllas {first_word}"
    tail = _rest(counts, first, neuter=False)
    unassessed = counts[IndicatorStatus.EJ_MATBAR.value]
    note = f" {number_word(unassessed).capitalize()} kan inte bedömas ännu." if unassessed else ""
    return f"{head}{tail}.{note}"


def goals_sentence(assessments: list[Assessment], singular: str, noun_plural: str, neuter: bool = True,
                   outside: tuple[int, str, str] | None = None, phrases: Phrases = _BUILT_IN_PHRASES) -> str:
    """'Av de fem nämndmålen bedöms fyra uppfyllas helt och ett delvis.' over child goals.

    `outside` is (count, indefinite singular, indefinite plural) when some goals do not concern the
    förvaltning: the sentence then counts only the others, and says so. `phrases` words the assessments (see
    `assessment_phrases`).
    """
    if outside and outside[0]:
        return _concerned_sentence(assessments, neuter, *outside, phrases=phrases)
    total = len(assessments)
    if total == 0:
        return ""
    counts = Counter(a.value for a in assessments)
    if total == 1:
        if assessments[0] is Assessment.EJ_BEDOMD:
            return f"{singular.capitalize()} har inte bedömts."
        return f"{singular.capitalize()} bedöms {phrases[assessments[0].value][0]}."
    for word, label in _ORDER:
        if counts[label] == total:
            return f"De {number_word(total, neuter)} {noun_plural} bedöms {phrases[label][0]}."
    unassessed = counts[Assessment.EJ_BEDOMD.value]
    if unassessed == total:  # e.g. their owner has not submitted yet
        return f"De {number_word(total, neuter)} {noun_plural} har inte bedömts."
    _, first = next((w, l) for w, l in _ORDER if counts[l])
    head = f"Av de {number_word(total, neuter)} {noun_plural} bedöms {number_word(counts[first], neuter)} {phrases[first][0]}"
    note = f" {number_word(unassessed, neuter).capitalize()} har inte bedömts." if unassessed else ""
    return f"{head}{_rest(counts, first, neuter, phrases)}.{note}"


def _concerned_sentence(assessments: list[Assessment], neuter: bool, outside: int, singular: str, plural: str,
                        phrases: Phrases = _BUILT_IN_PHRASES) -> str:
    """'Av de tre nämndmål som berör förvaltningen bedöms två uppfyllas helt och ett delvis. Ett nämndmål berör inte förvaltningen.'"""
    total = len(assessments)
    note = f"{number_word(outside, neuter).capitalize()} {singular if outside == 1 else plural} berör inte förvaltningen."
    counts = Counter(a.value for a in assessments)
    unassessed = counts[Assessment.EJ_BEDOMD.value]
    if total == 0:
        return note
    subject = f"{'Det' if neuter else 'Den'} {singular} som berör förvaltningen" if total == 1 else f"De {number_word(total, neuter)} {plural} som berör förvaltningen"
    if unassessed == total:
        return f"{subject} har inte bedömts. {note}"
    for word, label in _ORDER:
        if counts[label] == total:
            return f"{subject} bedöms {phrases[label][0]}. {note}"
    _, first = next((w, l) for w, l in _ORDER if counts[l])
    head = (f"Av de {number_word(total, neuter)} {plural} som berör förvaltningen bedöms "
            f"{number_word(counts[first], neuter)} {phrases[first][0]}")
    rest = f" {number_word(unassessed, neuter).capitalize()} har inte bedömts." if unassessed else ""
    return f"{head}{_rest(counts, first, neuter, phrases)}.{rest} {note}"


# --- Economy sections: computed sentences, and the fixed ones printed when a section is empty ---

_REPORT_NAMES = {ReportKind.T1: "tertialrapport 1", ReportKind.T2: "tertialrapport 2", ReportKind.VB: "verksamhetsberättelsen"}
_MONEY = {"drift": "driftmedel", "investering": "investeringsmedel"}


def _mnkr(value: Decimal) -> str:
    return f"{format_number(value, 1)} mnkr"


def result_units_sentence(count: int, result_tkr: Decimal, kind: ReportKind) -> str:
    """'Nämnden har tjugo resultatenheter. Resultatenheterna prognostiserar att hämta 7,4 mnkr ur fonderna.'"""
    if count == 0:
        return "Nämnden har inga resultatenheter."
    subject = "Resultatenheten" if count == 1 else "Resultatenheterna"
    tertial = kind.is_tertial
    had = "har" if tertial else "har under året haft"  # the VB looks back on the year
    head = f"Nämnden {had} {number_word(count)} {'resultatenhet' if count == 1 else 'resultatenheter'}."
    mnkr = (result_tkr / 1000).quantize(Decimal("0.1"), ROUND_HALF_UP)  # as the reports round: 1,25 → 1,3
    if mnkr == 0:
        verb = "prognostiserar" if tertial else "redovisar"
        return f"{head} {subject} {verb} ett resultat i nivå med budget."
    # Resultat is signed underskott (+): a deficit is drawn from the funds, a surplus goes into them.
    if mnkr > 0:
        action = "att hämta {} ur fonderna" if tertial else "hämtat {} ur fonderna"
    else:
        action = "att lämna {} till fonderna" if tertial else "lämnat {} till fonderna"
    return f"{head} {subject} {'prognostiserar' if tertial else 'har'} {action.format(_mnkr(abs(mnkr)))}."


def no_turnover_sentence(kind: ReportKind) -> str:
    return f"Nämnden har inga omslutningsförändringar att anmäla i samband med {_REPORT_NAMES[kind]}."


def turnover_sentence(total: Decimal) -> str:
    return f"Nämnden anmäler omslutningsförändringar på sammanlagt {_mnkr(total)}."


def no_adjustments_sentence(kind: ReportKind) -> str:
    if not kind.is_tertial:
        return "Nämnden begär inga ombudgeteringar."
    return f"Nämnden begär inga budgetjusteringar i samband med {_REPORT_NAMES[kind]}."


def adjustment_heading(title: str, money: str) -> str:
    """'Trygghetsinvesteringar (investering)', as the published reports head each request."""
    return f"{title} ({money})"


def adjustment_sentence(amount: Decimal, money: str, kind: ReportKind, year: int) -> str:
    if kind.is_tertial:
        return f"Nämnden ansöker om en budgetjustering på {_mnkr(amount)} i {_MONEY[money]}."
    return f"Nämnden begär ombudgetering med {_mnkr(amount)} i {_MONEY[money]} till {year + 1}."


def adjustments_total_sentence(amounts: list[tuple[str, Decimal]], kind: ReportKind) -> str:
    """The sum over several requests, split by drift and investering; '' for a single request."""
    if len(amounts) < 2:
        return ""
    noun = "budgetjusteringar" if kind.is_tertial else "ombudgeteringar"
    by_money = {m: sum((a for k, a in amounts if k == m), Decimal(0)) for m in _MONEY if any(k == m for k, _ in amounts)}
    total = sum(by_money.values(), Decimal(0))
    if len(by_money) == 1:
        return f"Nämnden begär {noun} på sammanlagt {_mnkr(total)} i {_MONEY[next(iter(by_money))]}."
    parts = " och ".join(f"{_mnkr(a)} i {_MONEY[m]}" for m, a in by_money.items())
    return f"Nämnden begär {noun} på sammanlagt {_mnkr(total)}, varav {parts}."


def net_cost_sentence(net: Decimal, previous_net: Decimal, sign: int = 1) -> str:
    """'Nettokostnaden uppgick till 1 198,8 mnkr, en ökning med 27,2 mnkr jämfört med föregående år.'

    Netto is signed as the table: `sign` is the sign convention's for netto (tertial.signs; +1: a net cost is
    written positive). A nämnd whose revenue exceeds its costs has a nettointäkt, and an ökning then means more revenue.
    """
    net, previous_net = sign * net, sign * previous_net
    cost = net >= 0
    subject = "Nettokostnaden" if cost else "Nettointäkten"
    change = (net - previous_net) if cost else (previous_net - net)
    change = change.quantize(Decimal("0.1"), ROUND_HALF_UP)  # decided on the printed figure
    head = f"{subject} uppgick till {_mnkr(abs(net))}"
    if change == 0:
        return f"{head}, i nivå med föregående år."
    word = "en ökning" if change > 0 else "en minskning"
    return f"{head}, {word} med {_mnkr(abs(change))} jämfört med föregående år."
