"""The names of a version's feedback files."""

from __future__ import annotations


def feedback_file_name(contributor_id: str, number: int, extension: str) -> str:
    """`kultur-v2.html`: the text, the HTML page and the annotated workbook of a version share the stem."""
    return f"{contributor_id}-v{number}.{extension}"
