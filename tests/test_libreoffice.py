"""The handout opens in LibreOffice without repair: a real conversion, and its text read back."""

import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tasks.prefill import handout_rows
from tasks.workbooks import write_handout

pytestmark = pytest.mark.slow


@pytest.fixture
def soffice():
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice (make test installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed; `make test` installs it")
    return path


def test_handout_converts_to_pdf_in_libreoffice(soffice, mini_cycle, tmp_path):
    rows = handout_rows.fn(mini_cycle, "stab", None, {})
    workbook = write_handout.fn(mini_cycle, "stab", rows, tmp_path, tmp_path)
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / (workbook.stem + ".pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Sista dag att lämna underlaget: onsdag 7 maj 2025" in text  # Instruktioner
    assert "Individ- och familjeomsorg" in text  # Ekonomi sheet
    assert "Budgetföljsamhet" in text  # Indikatorer sheet
