"""Declarations are complete: every rule has a Swedish message, and only tertial.deadlines reads the clock.

The import direction and what each layer may hold are tested in tests/test_layers.py.
"""

import ast
import json
from pathlib import Path

from tertial.messages import message_table
from tertial.resources import EXPECTATIONS, ROOT


def _suite_rules() -> set[str]:
    rules = set()
    for path in EXPECTATIONS.glob("*.json"):
        for expectation in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            assert "rule_id" in expectation["meta"], f"{path.name}: {expectation['type']} has no meta.rule_id"
            assert expectation["severity"] in ("critical", "warning"), f"{path.name}: {expectation['meta']['rule_id']}"
            rules.add(expectation["meta"]["rule_id"])
    return rules


def _code_rules() -> set[str]:
    """Rule ids used by plain pandas checks: literal first arguments of Finding(...) and message(...)."""
    rules = set()
    for path in [*(ROOT / "tasks").glob("*.py"), *(ROOT / "flows").glob("*.py"), ROOT / "tertial" / "intake.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Finding", "message") and node.args:
                if isinstance(node.args[0], ast.Constant):
                    rules.add(node.args[0].value)
    return rules


def test_every_rule_has_a_swedish_message():
    missing = (_suite_rules() | _code_rules()) - set(message_table())
    assert not missing, f"rules without a Swedish message in messages.yaml: {sorted(missing)}"


def test_no_message_without_a_rule():
    from tertial.narrative import RULES
    from tertial.numbers import RULES as NUMBER_RULES

    unused = set(message_table()) - _suite_rules() - _code_rules() - set(RULES) - set(NUMBER_RULES) - {"structure"}
    assert not unused, f"messages.yaml has entries no rule uses: {sorted(unused)}"


def _clock_calls(path: Path) -> list[str]:
    """Calls that read the machine's local date or time: `date.today()`, `datetime.now()` without a zone."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr == "today" and getattr(node.func.value, "attr", getattr(node.func.value, "id", "")) == "date":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} date.today()")
        if node.func.attr == "now" and not node.args and not node.keywords:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} datetime.now()")
    return found


def test_one_today_in_swedish_time():
    # A server in UTC and one in Stockholm disagree on the date for two hours each night; only
    # tertial.deadlines.today() decides what day it is.
    calls = [call for package in ("flows", "tasks", "tertial") for path in (ROOT / package).rglob("*.py")
             for call in _clock_calls(path)]
    assert not calls, f"the machine's own clock read directly: {calls}"
