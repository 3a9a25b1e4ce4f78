"""Headings in a report profile that name the year.

A heading in a profile (a section's `title`, a table column's `heading`) may contain `{year}` and `{previous_year}`,
filled from the cycle when the profile is loaded, so one profile serves every year ('Periodens utfall VB
{previous_year}').
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from tertial.profile import Profile, ProfileFile, Section, walk_sections

PLACEHOLDERS = ("year", "previous_year")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _headings(own: ProfileFile) -> Iterator[tuple[str, str]]:
    """(key path, text) of every heading the profile file writes."""
    for n, part in enumerate(own.parts):
        if part.title:
            yield f"parts[{n}].title", part.title
        for path, section in walk_sections(part.sections, f"parts[{n}].sections"):
            yield f"{path}.title", section.title
    for table in ("indicators", "activities"):
        for n, column in enumerate(getattr(own.columns, table) or [] if own.columns else []):
            if column.heading:
                yield f"columns.{table}[{n}].heading", column.heading


def placeholder_problems(own: ProfileFile) -> list[str]:
    """A placeholder Tertial cannot fill, or a brace left open, named by its key."""
    problems = []
    for path, text in _headings(own):
        unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
        if unknown:
            problems.append(f"{path}: okänd platshållare '{{{unknown[0]}}}' i '{text}'; "
                            f"använd {{year}} (cykelns år) eller {{previous_year}} (året före)")
        elif "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
            problems.append(f"{path}: en klammerparentes utan sin motsvarighet i '{text}'; "
                            "skriv {year} eller {previous_year}, eller ta bort klammern")
    return problems


def fill(text: str | None, year: int) -> str | None:
    """The heading with its placeholders filled; a heading without any is returned as it is."""
    if not text or "{" not in text:
        return text
    return text.format(year=year, previous_year=year - 1)


def _filled_section(section: Section, year: int) -> Section:
    return section.model_copy(update={"title": fill(section.title, year),
                                      "sections": [_filled_section(s, year) for s in section.sections]})


def filled_profile(profile: Profile, year: int) -> Profile:
    """The profile with every heading's {year} and {previous_year} filled for this cycle."""
    parts = tuple(part.model_copy(update={"title": fill(part.title, year),
                                          "sections": [_filled_section(s, year) for s in part.sections]})
                  for part in profile.parts)
    columns = profile.columns
    if columns is not None:
        columns = columns.model_copy(update={
            table: [c.model_copy(update={"heading": fill(c.heading, year)}) for c in getattr(columns, table)]
            for table in ("indicators", "activities") if getattr(columns, table) is not None})
    return replace(profile, parts=parts, columns=columns)
