"""Sub-headings inside a goal's analysis: theme headings and nämndmål, as a KF area's analysis prints them.

A contributor writes a sub-heading as a line of its own starting with '## ' (`## Stadsövergripande arbete`),
and one level further down with '### ' (`### Bostad först`); the text up to the next such line is printed
under it, split into paragraphs on blank lines. An analysis without such a line is printed as it always was.
"""

from __future__ import annotations

import re
from typing import Literal

# '## ' is a heading, '### ' a heading under it; the space after the marks is required.
_HEADING = re.compile(r"^(#{2,3}) (.*)$")

Block = tuple[Literal["heading", "subheading", "paragraph"], str]


def has_headings(text: str) -> bool:
    return any(_HEADING.match(line.strip()) for line in text.splitlines())


def analysis_blocks(text: str) -> list[Block]:
    """The analysis as headings and paragraphs, in order; a heading line without a title is dropped."""
    blocks: list[Block] = []
    current: list[str] = []
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if (heading or not stripped) and current:
            blocks.append(("paragraph", "\n".join(current)))
            current = []
        if heading and heading.group(2).strip():
            blocks.append(("heading" if len(heading.group(1)) == 2 else "subheading", heading.group(2).strip()))
        elif stripped and not heading:
            current.append(stripped)
    return blocks


# A text section's paragraphs (an area text under Uppföljning av driftbudget, a free section) keep a '## ' or '### '
# line as a paragraph of its own; the renderers print it as a heading one or two levels below the text's own.
def paragraph_heading(paragraph: str) -> tuple[int, str] | None:
    """(1 for '## ', 2 for '### ', the title) when the paragraph is a sub-heading line; else None."""
    heading = _HEADING.match(paragraph.strip())
    if heading is None or not heading.group(2).strip():
        return None
    return len(heading.group(1)) - 1, heading.group(2).strip()


def is_heading_paragraph(line: str) -> bool:
    return paragraph_heading(line) is not None
