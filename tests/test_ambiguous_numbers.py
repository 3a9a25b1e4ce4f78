"""'1.150' may be 1,15 or 1 150: read as documented (a decimal), but the contributor is asked to check."""

import pytest

from tertial.reading import read_submission
from tasks.validation import validate_submission
from tests.builders import filled_rows, write_filled
from tertial.findings import Severity


def _findings_for(tmp_path, cycle, outcome: str):
    rows = filled_rows(cycle, "barn")
    next(r for r in rows["indicators"] if r["id"] == "1.1-I2").update(outcome=outcome)
    path = write_filled(tmp_path, cycle, "barn", rows)
    return validate_submission.fn(read_submission(path, cycle), cycle)


def test_a_dot_before_three_digits_is_read_as_a_decimal_with_a_warning(tmp_path, mini_cycle):
    findings = _findings_for(tmp_path, mini_cycle, "1.150 st")
    [warning] = [f for f in findings if f.rule_id == "number_ambiguous"]
    assert warning.severity is Severity.WARNING
    assert (warning.sheet, warning.row, warning.column, warning.value) == ("Indikatorer", 3, "Periodens utfall", "1.150 st")
    assert warning.message == ("'1.150 st' läses som 1,15. Om du menar tusental, skriv talet med mellanslag (t.ex. 1 150); "
                               "decimaler skrivs med komma.")


@pytest.mark.parametrize("outcome", ["1 150 st", "1,15 st", "41 st", "1.15 st", "12.5 st", "0,125 st"])
def test_unambiguous_numbers_give_no_warning(tmp_path, mini_cycle, outcome):
    assert [f for f in _findings_for(tmp_path, mini_cycle, outcome) if f.rule_id == "number_ambiguous"] == []
