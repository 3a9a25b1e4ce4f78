"""The PDF is set again only when the HTML it is made from has changed; otherwise the previous PDF stays, byte for byte."""

import datetime as dt

import pytest
from pypdf import PdfReader

from tasks.assembly import Accepted, build_report
from tasks.intake import content_hash
from tasks.reading import read_submission
from tasks.rendering import write_report
from tests.builders import write_filled
from tertial.ledger import ACCEPTED, Version

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def report(mini_cycle, tmp_path_factory):
    folder = tmp_path_factory.mktemp("inkorg")
    accepted = {}
    for contributor in mini_cycle.config.contributors:
        path = write_filled(folder, mini_cycle, contributor.id)
        version = Version(id=1, cycle_id=mini_cycle.config.id, contributor_id=contributor.id, number=1,
                          sha256=content_hash(path), original_name=path.name, archive_path=str(path),
                          received_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC), status=ACCEPTED, errors=0, warnings=0)
        accepted[contributor.id] = Accepted(read_submission.fn(path, mini_cycle), version)
    return build_report.fn(mini_cycle, accepted)


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
