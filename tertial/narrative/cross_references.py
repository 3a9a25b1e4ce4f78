"""References and repetition (issue 16, point 7): "bilaga N" against the title of bilaga N, the same paragraph pasted
under two goals or activities, and a goal's title quoted otherwise than the plan has it.

`references.check_attachments` already holds every "bilaga N" to the number of bilagor; here the words around the
reference are held to the bilagor's titles. Each check reads narrowly: a phrase it is unsure of is skipped.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import islice
from os.path import commonprefix

from tertial.findings import Finding, finding
from tertial.narrative.phrases import FLAGS
from tertial.narrative.places import Place, all_blocks, decision_places, goal_place, narrative_finding, text_place
from tertial.report import GoalSection, Report, walk_goals

# --- bilaga N against its title -----------------------------------------------------------------------------------

_ATTACHMENT = re.compile(r"\bbilaga\s+(\d+)\b", FLAGS)
_WORD = re.compile(r"[^\W\d_]{4,}")
_CLAUSE = re.compile(r"[.!?;\n]")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _names(window_word: str, title_word: str) -> bool:
    """'investeringsmedel' names 'investeringar', 'driftmedel' names 'drift', 'klimatinvestering' names 'investeringar':
    a shared stem, or the title word's stem inside a compound."""
    stem = title_word[: max(5, len(title_word) - 3)]
    return len(commonprefix([window_word, title_word])) >= max(5, min(len(window_word), len(title_word)) - 3) or (
        len(title_word) >= 5 and stem in window_word)


def _distinctive(titles: list[str]) -> list[set[str]]:
    """Each title's words that no other title has: 'investeringar' and 'drift' tell bilaga 2 and 3 of seed 004 apart."""
    words = [_words(t) for t in titles]
    return [w - set().union(*(o for j, o in enumerate(words) if j != i)) for i, w in enumerate(words)]


def _attachment_places(report: Report) -> list[Place]:
    return (decision_places(report) + [text_place(b) for b in all_blocks(report)]
            + [goal_place(g) for g in walk_goals(report.goals) if g.analysis])


def check_attachment_titles(report: Report) -> list[Finding]:
    """A 'bilaga N' whose clause names another bilaga's title and none of its own ('… i driftmedel …, enligt bilaga 2'
    when bilaga 2 is the investeringar and bilaga 3 the drift)."""
    distinctive = _distinctive(report.attachments)
    findings = []
    for where in _attachment_places(report):
        matches = list(_ATTACHMENT.finditer(where.text))
        for i, match in enumerate(matches):
            number = int(match[1])
            # the clause around the reference: "… för klimatinvestering enligt bilaga 2 (investering)."
            start = max(matches[i - 1].end() if i else 0,
                        max((m.end() for m in _CLAUSE.finditer(where.text, 0, match.start())), default=0))
            stop = _CLAUSE.search(where.text, match.end())
            end = min(stop.start() if stop else len(where.text), matches[i + 1].start() if i + 1 < len(matches) else len(where.text))
            window = _words(where.text[start:match.start()] + " " + where.text[match.end():end])
            if not 1 <= number <= len(distinctive):
                continue  # narrative_attachment says so
            scores = [sum(any(_names(v, t) for v in window) for t in title) for title in distinctive]
            best = max(scores)
            named = [i + 1 for i, s in enumerate(scores) if s == best]
            if best == 0 or scores[number - 1] > 0 or len(named) != 1:
                continue
            other = named[0]
            findings.append(narrative_finding(
                "narrative_attachment_title", where, match[0],
                expected=f"bilaga {other} ('{report.attachments[other - 1]}')",
                basis=f"'{report.attachments[number - 1]}'"))
    return findings


# --- the same paragraph under two goals or activities ---------------------------------------------------------------

MIN_WORDS = 20  # shorter paragraphs ("Aktiviteten pågår enligt plan.") are said again on purpose
_SPACE = re.compile(r"\s+")
# The assessment formulas every goal repeats on purpose ("Förvaltningen bedömer att nämndmålet kommer att uppfyllas helt
# under året. Bedömningen grundar sig på …", seed 004 under 1.2.1, 1.4.1, 1.4.2, 3.5.1 and 3.7.1) and count sentences
# ("2 av målets 4 aktiviteter är genomförda") are not pasted paragraphs: they are left out before comparing.
_FORMULA = re.compile(r"\bbedöm\w*|\b\d+\s+av\s+(?:\w+\s+){0,2}\d+\b|\benda\s+aktivitet", FLAGS)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?](?!\d)|$)")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n(?=- )", text) if p.strip() and not p.lstrip().startswith("#")]


def _key(paragraph: str) -> str:
    """The paragraph's own words: lower case, spaces collapsed, its formula sentences left out."""
    own = " ".join(s for s in _SENTENCE.findall(paragraph) if not _FORMULA.search(s))
    return _SPACE.sub(" ", own.lower()).strip(" .-")


def _owned_texts(report: Report) -> list[tuple[Place, str]]:
    """Every goal's analysis and every activity's and indicator's analysis, with its place."""
    out = []
    for goal in walk_goals(report.goals):
        if goal.analysis:
            out.append((goal_place(goal), goal.analysis))
        for activity in goal.activities:
            if activity.analysis:
                out.append((Place(activity.analysis, f"Analysen för aktiviteten '{activity.name}' under mål {_goal_name(goal)}",
                                  activity.id, activity.name, "Aktiviteter", "Analys"), activity.analysis))
        for indicator in goal.indicators:
            if indicator.analysis:
                out.append((Place(indicator.analysis, f"Analysen för indikatorn '{indicator.name}' under mål {_goal_name(goal)}",
                                  indicator.id, indicator.name, "Indikatorer", "Analys"), indicator.analysis))
    return out


def _goal_name(goal: GoalSection) -> str:
    return goal.number or goal.title


def check_repeated_paragraphs(report: Report) -> list[Finding]:
    """A paragraph of at least MIN_WORDS words that stands, word for word, under two goals, activities or indicators:
    one warning at its second place, naming the first."""
    first: dict[str, Place] = {}
    findings = []
    for where, text in _owned_texts(report):
        for paragraph in _paragraphs(text):
            key = _key(paragraph)
            if len(key.split()) < MIN_WORDS:
                continue
            seen = first.setdefault(key, where)
            if seen is where or seen.place == where.place:
                continue
            shown = paragraph if len(paragraph) <= 80 else paragraph[:77].rstrip() + "…"
            findings.append(narrative_finding("narrative_repeated_paragraph", where, shown, expected=seen.place))
    return findings


# --- a goal's title quoted otherwise than the plan has it -------------------------------------------------------------

_NUMBERED = re.compile(r"(?<![\d.,])(\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+[\"“”'‘’«]?(?=[A-ZÅÄÖ])")
_QUOTE_WORDS = 4  # shorter titles are too easily a number followed by an ordinary sentence
_SIMILAR = 0.9
_TOKEN = re.compile(r"[\w-]+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def _quoted_differently(quoted: list[str], title: list[str]) -> bool:
    """A quotation of the title with a word or two changed ('Stockholmnarnas … giffria' for 'Stockholmarnas … giftfria');
    a sentence that merely starts like the title, or a title cut short, differs in more words and is skipped."""
    if quoted == title:
        return False
    differing = sum(q != t for q, t in zip(quoted, title))
    return differing <= 2 and SequenceMatcher(None, " ".join(quoted), " ".join(title)).ratio() >= _SIMILAR


def check_goal_titles(report: Report) -> list[Finding]:
    """A goal number followed by a near-copy of that goal's title, in a decision or text: the title as the plan has it."""
    goals = {g.number: g for g in walk_goals(report.goals) if g.number}
    places = (decision_places(report) + [text_place(b) for b in all_blocks(report)]
              + [goal_place(g) for g in walk_goals(report.goals) if g.analysis])
    findings = []
    for where in places:
        for match in _NUMBERED.finditer(where.text):
            goal = goals.get(match[1].rstrip("."))
            if goal is None:
                continue
            title = _tokens(goal.title)
            if len(title) < _QUOTE_WORDS:
                continue
            quoted_tokens = list(islice(_TOKEN.finditer(where.text, match.end()), len(title)))
            quoted = [t[0].lower() for t in quoted_tokens]
            if len(quoted) < len(title) or not _quoted_differently(quoted, title):
                continue
            said = where.text[match.start(): quoted_tokens[-1].end()]
            findings.append(finding("narrative_goal_title", sheet=where.sheet, column=where.column, item_id=where.item_id,
                                    item_name=where.item_name, value=said, place=where.place,
                                    expected=f"{goal.number} {goal.title}"))
    return findings


def check_cross_references(report: Report) -> list[Finding]:
    return check_attachment_titles(report) + check_repeated_paragraphs(report) + check_goal_titles(report)
