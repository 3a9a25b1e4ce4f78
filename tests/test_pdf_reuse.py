"""The PDF is set again only when the HTML it is made from has changed; otherwise the previous PDF stays, byte for byte."""

import pytest
from pypdf import PdfReader

from tasks.rendering import write_report
from tests.builders import accepted_versions
from tertial.assembly import build_report

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def report(mini_cycle, tmp_path_factory):
    return build_report(mini_cycle, accepted_versions(mini_cycle, tmp_path_factory.mktemp("inkorg")))


def test_unchanged_html_keeps_the_pdf_and_a_changed_one_sets_it_again(report, tmp_path):
    pdf = write_report.fn(report, tmp_path, ("pdf",))["pdf"]
    first, first_time = pdf.read_bytes(), pdf.stat().st_mtime_ns
    assert write_report.fn(report, tmp_path, ("pdf",))["pdf"].read_bytes() == first
    assert pdf.stat().st_mtime_ns == first_time  # not rewritten
    assert "SHA-256" in "\n".join(page.extract_text() for page in PdfReader(pdf).pages)  # the controller's appendix
    nämnd = write_report.fn(report, tmp_path, ("pdf",), controller=False)["pdf"]  # other HTML: no appendix of versions
    assert "SHA-256" not in "\n".join(page.extract_text() for page in PdfReader(nämnd).pages)


def test_a_lost_or_foreign_fingerprint_sets_the_pdf_again(report, tmp_path):
    pdf = write_report.fn(report, tmp_path, ("pdf",))["pdf"]
    stamp = tmp_path / ".report.pdf.html-sha256"
    assert stamp.read_text(encoding="ascii") != ""
    pdf.write_bytes(b"not a pdf")
    assert write_report.fn(report, tmp_path, ("pdf",))["pdf"].read_bytes() == b"not a pdf"  # the stamp still matches
    stamp.write_text("0" * 64, encoding="ascii")
    assert write_report.fn(report, tmp_path, ("pdf",))["pdf"].read_bytes().startswith(b"%PDF")
    stamp.unlink()
    pdf.write_bytes(b"truncated")
    assert write_report.fn(report, tmp_path, ("pdf",))["pdf"].read_bytes().startswith(b"%PDF")


def test_a_fresh_pdf_is_byte_identical_across_processes(report, tmp_path):
    """Rendering anew (no fingerprint) in two processes with different hash seeds gives the same bytes."""
    import os
    import subprocess
    import sys

    from tertial.render.html import render_html

    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    script = "import sys; from pathlib import Path; from tertial.render.pdf import render_pdf; " \
             "Path(sys.argv[2]).write_bytes(render_pdf(Path(sys.argv[1]).read_text(encoding='utf-8')))"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(page), str(tmp_path / f"{seed}.pdf")], check=True, env=env,
                       cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()
