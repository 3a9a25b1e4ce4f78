"""The pure assembly entry point: the report, and the accepted cells it had to leave empty."""

from tests.builders import accepted_versions
from tertial.assembly import assemble, build_report
from tertial.findings import Severity
from tertial.report import walk_goals


def test_clean_submissions_give_the_report_and_no_findings(mini_cycle, tmp_path):
    accepted = accepted_versions(mini_cycle, tmp_path)
    report, findings = assemble(mini_cycle, accepted)
    assert report == build_report(mini_cycle, accepted)
    assert findings == []
    assert report.counts["accepted"] == len(mini_cycle.config.contributors) == len(report.sources)


def test_a_cell_accepted_under_older_rules_is_left_empty_and_named_with_its_file(mini_cycle, tmp_path):
    accepted = accepted_versions(mini_cycle, tmp_path)
    indicators = accepted["barn"].submission.frames["indicators"]
    indicator = indicators.loc[0, "id"]
    indicators.loc[0, "outcome"] = "9" * 5001  # read before the limit on digits existed
    report, findings = assemble(mini_cycle, accepted)
    assert [(f.severity, f.file, f.sheet, f.row, f.column) for f in findings] == [
        (Severity.ERROR, "barn.xlsx", "Indikatorer", 2, "Periodens utfall")]
    assert "talet har 5001 siffror före decimalkommat" in findings[0].message
    rows = [row for goal in walk_goals(report.goals) for row in goal.indicators if row.id == indicator]
    assert [row.outcome for row in rows] == [None]
