"""The PDF is set again only when what it is made from has changed (the Typst inputs, the template's bytes, Typst's
release); otherwise the previous PDF stays, byte for byte."""

import shutil

import pytest
from pypdf import PdfReader

from tasks.rendering import write_report
from tests.builders import accepted_versions
from tertial.assembly import build_report
from tertial.render import pdf as report_pdf

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def report(mini_cycle, tmp_path_factory):
    return build_report(mini_cycle, accepted_versions(mini_cycle, tmp_path_factory.mktemp("inkorg")))


def _text(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_an_unchanged_report_keeps_the_pdf_and_a_changed_one_sets_it_again(report, tmp_path):
    pdf = write_report.fn(report, tmp_path, ("pdf",))["pdf"]
    first, first_time = pdf.read_bytes(), pdf.stat().st_mtime_ns
    assert write_report.fn(report, tmp_path, ("pdf",))["pdf"].read_bytes() == first
    assert pdf.stat().st_mtime_ns == first_time  # not rewritten
    assert "SHA-256" in _text(pdf)  # the controller's appendix
    nämnd = write_report.fn(report, tmp_path, ("pdf",), controller=False)["pdf"]  # other inputs: no appendix of versions
    assert "SHA-256" not in _text(nämnd)
    changed = report.model_copy(update={"background": "Ändrad bakgrund."})
    assert "Ändrad bakgrund." in _text(write_report.fn(changed, tmp_path, ("pdf",))["pdf"])


def test_the_fingerprint_covers_the_inputs_the_template_and_the_engine(report, tmp_path, monkeypatch):
    inputs = report_pdf.typst_inputs(report)
    first = report_pdf.pdf_fingerprint(inputs)
    assert report_pdf.pdf_fingerprint(report_pdf.typst_inputs(report)) == first
    assert report_pdf.pdf_fingerprint(inputs | {"show_sources": ""}) != first
    template = tmp_path / "report.typ"
    shutil.copy(report_pdf.TEMPLATE, template)
    monkeypatch.setattr(report_pdf, "TEMPLATE", template)
    assert report_pdf.pdf_fingerprint(inputs) == first
    template.write_bytes(template.read_bytes() + b"\n// changed\n")
    assert report_pdf.pdf_fingerprint(inputs) != first
    monkeypatch.undo()
    monkeypatch.setattr(report_pdf, "engine", lambda: "typst 99.0.0, fonts of matplotlib 9.9.9")
    assert report_pdf.pdf_fingerprint(inputs) != first


def test_a_lost_or_foreign_fingerprint_sets_the_pdf_again(report, tmp_path):
    pdf = write_report.fn(report, tmp_path, ("pdf",))["pdf"]
    stamp = tmp_path / ".report.pdf.sha256"
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

    from tertial.render.report_json import render_json

    data = tmp_path / "report.json"
    data.write_text(render_json(report), encoding="utf-8")
    script = "import sys; from pathlib import Path; from tertial.report import Report; " \
             "from tertial.render.pdf import render_report_pdf; " \
             "Path(sys.argv[2]).write_bytes(render_report_pdf(Report.model_validate_json(Path(sys.argv[1]).read_text())))"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(data), str(tmp_path / f"{seed}.pdf")], check=True, env=env,
                       cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    first = (tmp_path / "1.pdf").read_bytes()
    assert first.startswith(b"%PDF") and first == (tmp_path / "2.pdf").read_bytes()
