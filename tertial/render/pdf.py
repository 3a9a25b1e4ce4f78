"""The report as an A4 PDF, set from its HTML; a PDF whose HTML has not changed is reused."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from tertial.resources import TEMPLATES


def render_pdf(html: str) -> bytes:
    """A4 PDF through WeasyPrint: page numbers, running header, TOC page numbers from the print CSS."""
    from weasyprint import HTML

    # WeasyPrint warns about its font subsetter on every font; the PDF is right, the warning is noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_variant="pdf/ua-1")


# The PDF is set from the HTML alone, so an unchanged HTML (report, version flag, templates and CSS are all
# in it) under the same WeasyPrint gives the same PDF: the slowest step is skipped on re-runs, and the PDF
# stays byte-identical between them. The fingerprint is written after the PDF, so a crash in between only
# costs a re-render.
def pdf_fingerprint(html: str) -> str:
    import weasyprint

    return hashlib.sha256(f"weasyprint {weasyprint.__version__}\n{html}".encode("utf-8")).hexdigest()


def fingerprint_path(pdf: Path) -> Path:
    return pdf.with_name(f".{pdf.name}.html-sha256")


def pdf_is_current(pdf: Path, html: str) -> bool:
    stamp = fingerprint_path(pdf)
    return pdf.exists() and stamp.exists() and stamp.read_text(encoding="ascii") == pdf_fingerprint(html)
