"""Sentences whose numbers come from the data, never typed by hand.

Hand-typed counts were wrong in three of four published reports we studied; here every
count sentence is computed from the confirmed statuses.
"""

from __future__ import annotations

from collections import Counter

from tertial.vocabulary import Assessment, IndicatorStatus

NUMBER_WORDS = ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
          "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton", "tjugo"]
_NEUTER = {"en": "ett"}


def number_word(n: int, neuter: bool = False) -> str:
    """Swedish number word for small counts (en/ett by gender), digits above twenty."""
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)
    return _NEUTER.get(word, word) if neuter else word


_ORDER = [("helt", "Uppfylls helt"), ("delvis", "Uppfylls delvis"), ("inte", "Uppfylls inte")]


def _rest(counts: Counter, first: str, neuter: bool) -> str:
    """' och två delvis och en inte' for the statuses after the first one with a count."""
    parts = [f"{number_word(counts[label], neuter)} {word}" for word, label in _ORDER if label != first and counts[label]]
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
    first_word, first = next(((w, l) for w, l in _ORDER if counts[l]), ("helt", "Uppfylls helt"))
    head = f"Bedömningen grundar sig på att {number_word(counts[first])} av {number_word(total)} indikatorer bedöms uppfyllas {first_word}"
    tail = _rest(counts, first, neuter=False)
    unassessed = counts[IndicatorStatus.EJ_MATBAR.value]
    note = f" {number_word(unassessed).capitalize()} kan inte bedömas ännu." if unassessed else ""
    return f"{head}{tail}.{note}"


def goals_sentence(assessments: list[Assessment], singular: str, noun_plural: str, neuter: bool = True) -> str:
    """'Av de fem nämndmålen bedöms fyra uppfyllas helt och ett delvis.' over child goals."""
    total = len(assessments)
    if total == 0:
        return ""
    counts = Counter(a.value for a in assessments)
    if total == 1:
        if assessments[0] is Assessment.EJ_BEDOMD:
            return f"{singular.capitalize()} har inte bedömts."
        return f"{singular.capitalize()} bedöms uppfyllas {assessments[0].value.removeprefix('Uppfylls ')}."
    for word, label in _ORDER:
        if counts[label] == total:
            return f"De {number_word(total, neuter)} {noun_plural} bedöms uppfyllas {word}."
    first_word, first = next((w, l) for w, l in _ORDER if counts[l])
    head = f"Av de {number_word(total, neuter)} {noun_plural} bedöms {number_word(counts[first], neuter)} uppfyllas {first_word}"
    return f"{head}{_rest(counts, first, neuter)}."
