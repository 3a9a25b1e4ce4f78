"""Texts longer than one cell: a section of the Texter sheet may continue over several rows.

The rule, as `docs/inlamningsformat.md` §3.4 states it: rows with the same Avsnitt are one text, joined
top to bottom, each continuation row starting a new paragraph. Repeating the key (rather than leaving it
empty under the row it continues) keeps the rows apart from their order: a continuation row can sit in
the open rows at the foot of the handout, below every section.
"""

from __future__ import annotations

from tertial.reading.limits import MAX_CELL_CHARS

PARAGRAPH_BREAK = "\n\n"


def continued(earlier: dict, later: dict, text_key: str = "text") -> dict:
    """The earlier row of a section with the later row's text added as a new paragraph."""
    parts = [str(part).strip() for part in (earlier.get(text_key), later.get(text_key)) if part and str(part).strip()]
    return {**earlier, text_key: PARAGRAPH_BREAK.join(parts)}


def cell_parts(text: str, limit: int = MAX_CELL_CHARS) -> list[str]:
    """The text cut into cells of at most `limit` characters, at paragraph breaks where it can be.

    Joined again by `continued`, the parts give back the text; only a single paragraph longer than a
    cell is cut inside, at its last space before the limit, and comes back as two paragraphs.
    """
    parts: list[str] = []
    for paragraph in text.split(PARAGRAPH_BREAK):
        for piece in _pieces(paragraph, limit):
            if parts and len(parts[-1]) + len(PARAGRAPH_BREAK) + len(piece) <= limit:
                parts[-1] += PARAGRAPH_BREAK + piece
            else:
                parts.append(piece)
    return parts or [""]


def _pieces(paragraph: str, limit: int) -> list[str]:
    pieces = []
    while len(paragraph) > limit:
        cut = paragraph.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        pieces.append(paragraph[:cut].rstrip())
        paragraph = paragraph[cut:].lstrip()
    return pieces + [paragraph]
