"""Input limits, checked before anything is unpacked or parsed, and how they are stated."""

from __future__ import annotations

# Input limits. A filled workbook is well under 1 MB with a few hundred rows; these leave a wide margin.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a workbook's parts together, unpacked; a CSV folder's files
MAX_FILE_BYTES = MAX_UNPACKED_BYTES  # a file (or folder) on disk; intake archives at most one byte more
MAX_RATIO = 100  # unpacked/packed size of one part; sheets pack 5-20 times, zip bombs about 1000
RATIO_FLOOR = 1024 * 1024  # the ratio is only judged for parts larger than this
MAX_PARTS = 10_000
MAX_ROWS = 5_000  # the last row with content, header included
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit: whatever a contributor can type into a cell is taken in whole


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 1024 * 1024 else f"{size / (1024 * 1024):.1f}".replace(".", ",")


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")
