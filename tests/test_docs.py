"""The contributor-facing format description lists every rule a contributor or controller can meet."""

from tertial.messages import message_table
from tertial.resources import ROOT


def test_every_rule_is_documented_in_the_submission_format():
    doc = (ROOT / "docs" / "inlamningsformat.md").read_text(encoding="utf-8")
    undocumented = [rule for rule in message_table() if f"`{rule}`" not in doc]
    assert not undocumented, f"rules missing from docs/inlamningsformat.md §7: {undocumented}"
