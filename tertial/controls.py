"""Text from outside shown to people: control characters made visible, so no file name or cell can
forge a line of output, drive a terminal or reorder what is shown around it."""

from __future__ import annotations

import unicodedata

# Bidirectional overrides and isolates reorder what is shown around them, so they are escaped like control characters.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def escape_controls(text: object) -> str:
    """`a\\nb` for a newline, `\\x1b` for an escape, and so on; everything else as it is."""
    return "".join(_escaped(c) for c in str(text))


def _escaped(char: str) -> str:
    if unicodedata.category(char) == "Cc" or char in _BIDI:
        return char.encode("unicode_escape").decode("ascii")
    return char
