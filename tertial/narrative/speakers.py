"""Who an amount in an economy text speaks for: the area (or the whole nämnd), one of the area's units, or the
figure before the requested budget adjustments. The amount checks read only the area's own amounts against its row;
tertial.narrative.economy_texts reads the others."""

from __future__ import annotations

import re

from tertial.narrative.phrases import FLAGS

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?](?!\d)|$)", re.MULTILINE)


def sentences(text: str) -> list[tuple[int, str]]:
    """(start, sentence): a sentence ends at '.', '!' or '?' not followed by a digit, or at a line break."""
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(text)]


# "ett underskott om 3,4 mnkr före begärda budgetjusteringar", "före begärt tilläggsanslag"
_BEFORE_REQUESTS = re.compile(
    r"\bföre\s+(?:de\s+|den\s+)?(?:begärd[a]?|begärt|sökt[a]?|ansökt[a]?)\s+(?:budget)?"
    r"(?:justering\w*|tillägg\w*|ombudgetering\w*|anslag\w*)", FLAGS)
_CLAUSE_END = re.compile(r"[.;:]\s|[;:]|,\s|\s(?:och|men)\s")


def clause_after(text: str, match: re.Match) -> str:
    after = text[match.end():]
    stop = _CLAUSE_END.search(after)
    return after[: stop.start() if stop else len(after)]


def before_requests(text: str, match: re.Match) -> bool:
    """True when the clause of the amount says it is before the requested adjustments ("före begärda …")."""
    return bool(_BEFORE_REQUESTS.search(clause_after(text, match)))


# Who an amount's sentence speaks for, read from the words before the amount: its subject is what comes before the
# first reporting verb. No verb, an impersonal subject ("Överskottet med 2,8 mnkr …", "Före resultatöverföringar är
# det …") or one naming the area ("Verksamhetsområdet", "Avdelning förskola", "Social omsorg äldre" for Äldreomsorg)
# speaks for the area; any other subject ("Beställare", "Resultatenheterna", "Enheten Stureby, som …") is a unit.
_VERB = re.compile(r"\b(?:prognostiserar|redovisar|visar|uppvisar|har|beräknar|räknar|får|ger|leder|går|hamnar|"
                   r"innebär|medför|uppstår|blir|står)\b", FLAGS)
_AREA_WORDS = re.compile(r"\b(?:verksamhetsområde\w*|nämnd\w*|förvaltning\w*|avdelning\w*|området|hela|totalt|"
                         r"sammantaget|sammantagen|sammanlagt)\b", FLAGS)
_IMPERSONAL = re.compile(r"^\W*(?:det|detta|prognos\w*|överskott\w*|underskott\w*|resultatet|avvikelse\w*|"
                         r"före|efter|i\s+prognos\w*|vilket|totalt|sammantaget)\b", FLAGS)
_WORD = re.compile(r"\w{4,}")


def sentence_start(text: str, position: int) -> int:
    return max((s for s, _ in sentences(text) if s <= position), default=0)


def names_area(prefix: str, name: str) -> bool:
    """True when the words before an amount in its sentence make it the area's own amount (see above)."""
    verb = _VERB.search(prefix)
    subject = prefix[: verb.start()] if verb else ""
    if not subject.strip() or _IMPERSONAL.search(subject) or _AREA_WORDS.search(subject):
        return True
    # the area's name in full, each word by its stem ("Social omsorg äldre" names Äldreomsorg; "Enheten för hemlösa"
    # does not name Hemlöshet och missbruk: it is one of its units)
    words, said = [w.lower() for w in _WORD.findall(name)], [w.lower() for w in _WORD.findall(subject)]
    return bool(words) and all(any(s.startswith(w[:5]) or w.startswith(s[:5]) for s in said) for w in words)


def is_unit_statement(text: str, match: re.Match, area_name: str) -> bool:
    """True for an amount an area text gives for one of its units, or one said to be before requested adjustments:
    neither is the area's deviation, so neither is checked against it alone."""
    if before_requests(text, match):
        return True
    return not names_area(text[sentence_start(text, match.start()):match.start()], area_name)


# In a goal's analysis the whole nämnd's result is told by an impersonal subject, the nämnd itself, or the year's
# accounts ("Bokslutet visar ett överskott på 7,8 mnkr"); any other subject is one of its parts.
_WHOLE = re.compile(r"^\W*(?:bokslut\w*|utfallet|ekonomin|årets\s+resultat)\b", FLAGS)


def speaks_for_whole(text: str, match: re.Match) -> bool:
    """True when an amount in a goal's analysis is said of the whole nämnd (see above), not of a unit or an area."""
    prefix = text[sentence_start(text, match.start()):match.start()]
    verb = _VERB.search(prefix)
    subject = prefix[: verb.start()] if verb else ""
    return not subject.strip() or bool(_IMPERSONAL.search(subject) or _AREA_WORDS.search(subject) or _WHOLE.search(subject))
