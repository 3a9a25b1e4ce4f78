"""The contributor-facing format description lists every rule as the registry states it."""

import re

from tertial.resources import ROOT
from tertial.rules import registry

LEVEL = {"error": "fel", "warning": "varning"}
ROW = re.compile(r"^\| `(\w+)` \| (fel|varning) \| (.+) \|$")


def _documented() -> dict[str, tuple[str, str]]:
    """Rule id → (nivå, kontroll) from the tables of §7 in docs/inlamningsformat.md."""
    doc = (ROOT / "docs" / "inlamningsformat.md").read_text(encoding="utf-8")
    section = doc.split("## 7. Vad som kontrolleras", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines() if line.startswith("| `")]
    assert all(rows), [line for line in section.splitlines() if line.startswith("| `") and not ROW.match(line)]
    documented = {m[1]: (m[2], m[3]) for m in rows}
    assert len(documented) == len(rows), "a rule is documented twice"
    return documented


def test_every_rule_is_documented_in_the_submission_format():
    documented, table = _documented(), registry()
    missing, unknown = sorted(set(table) - set(documented)), sorted(set(documented) - set(table))
    assert not missing, f"rules missing from docs/inlamningsformat.md §7: {missing}"
    assert not unknown, f"§7 documents rules the registry lacks: {unknown}"


def test_the_documented_level_and_check_are_the_registrys():
    documented = _documented()
    wrong = [rule.id for rule in registry().values() if documented[rule.id] != (LEVEL[rule.severity], rule.explanation)]
    assert not wrong, f"§7 and expectations/rules.yaml disagree on: {wrong}"
