"""Declarations are complete: every rule is in the registry as its suite declares it, and only tertial.deadlines reads the clock.

The import direction and what each layer may hold are tested in tests/test_layers.py.
"""

import ast
import json
import re
from pathlib import Path

import pytest

from tertial.findings import finding
from tertial.resources import EXPECTATIONS, ROOT
from tertial.rules import Kind, registry

GX_SEVERITY = {"critical": "error", "warning": "warning"}


def _suite_rules() -> dict[str, set[str]]:
    """Rule id → the severities the suites give it."""
    rules: dict[str, set[str]] = {}
    for path in EXPECTATIONS.glob("*.json"):
        for expectation in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            assert "rule_id" in expectation["meta"], f"{path.name}: {expectation['type']} has no meta.rule_id"
            assert expectation["severity"] in GX_SEVERITY, f"{path.name}: {expectation['meta']['rule_id']}"
            rules.setdefault(expectation["meta"]["rule_id"], set()).add(GX_SEVERITY[expectation["severity"]])
    return rules


def test_every_suite_rule_is_registered_with_the_suites_severity():
    suites, table = _suite_rules(), registry()
    assert suites, "no suites read"
    for rule_id, severities in suites.items():
        assert rule_id in table, f"{rule_id} is in a suite but not in expectations/rules.yaml"
        assert table[rule_id].kind is Kind.SUITE, rule_id
        registered = table[rule_id].severity
        assert severities == {registered}, f"{rule_id}: the suites say {severities}, the registry {registered}"


def test_every_registered_suite_rule_is_in_a_suite():
    unused = {r.id for r in registry().values() if r.kind is Kind.SUITE} - set(_suite_rules())
    assert not unused, f"rules.yaml has suite rules no suite uses: {sorted(unused)}"


def _product_source() -> str:
    paths = [p for package in ("tertial", "tasks", "flows", "commands") for p in (ROOT / package).rglob("*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def test_every_code_rule_is_made_somewhere():
    """A Python, structure or report rule is named, as a string, by the code that makes its findings."""
    source = _product_source()
    code_rules = [r.id for r in registry().values() if r.kind is not Kind.SUITE]
    unused = [rule_id for rule_id in code_rules if not re.search(rf"[\"']{rule_id}[\"']", source)]
    assert len(code_rules) > 50 and not unused, f"rules.yaml has rules no code makes: {unused}"


def test_every_rule_is_complete():
    for rule in registry().values():
        assert rule.severity in ("error", "warning"), rule.id
        assert rule.message.strip() and rule.explanation.strip(), rule.id
        assert "\n" not in rule.explanation and not rule.explanation.endswith("."), rule.id


def test_a_finding_takes_severity_and_message_from_the_registry():
    made = finding("economy_varav_exceeds", sheet="Ekonomi", row=4, value="10,0",
                   total="12,0", expected="10,0", name="Äldreomsorg")
    assert (made.severity.value, made.value) == ("fel", "10,0")
    assert made.message == ("Varav-raderna under 'Äldreomsorg' summerar till 12,0 mnkr, mer än raden själv (10,0 mnkr). "
                            "Kontrollera fördelningen.")
    assert finding("revenue_cost_sign", value="5").severity.value == "varning"
    with pytest.raises(KeyError):
        finding("a_rule_nobody_registered")


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
    calls = [call for package in ("commands", "flows", "tasks", "tertial") for path in (ROOT / package).rglob("*.py")
             for call in _clock_calls(path)]
    assert not calls, f"the machine's own clock read directly: {calls}"
