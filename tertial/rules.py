"""The rule registry, `expectations/rules.yaml`: each rule's severity, Swedish message and explanation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from string import Formatter

import yaml

from tertial.resources import EXPECTATIONS


class Kind(StrEnum):
    SUITE = "suite"  # an expectation in expectations/<sheet>.json
    PYTHON = "python"  # a check in tertial/checking or tertial/reading
    STRUCTURE = "structure"  # the file cannot be read at all
    REPORT = "report"  # a check of the assembled report


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # error (the submission is underkänd) or warning
    kind: Kind
    message: str  # a template: {value}, {expected}, {name} …
    explanation: str  # one Swedish line: what is checked

    @property
    def runs_in(self) -> str:
        """Where the rule's findings go: the contributor's feedback, or the controller's report checks."""
        return "report" if self.kind is Kind.REPORT else "feedback"

    @property
    def placeholders(self) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(self.message) if name}



@cache
def registry() -> dict[str, Rule]:
    table = yaml.safe_load((EXPECTATIONS / "rules.yaml").read_text(encoding="utf-8"))
    return {
        rule_id: Rule(rule_id, entry["severity"], Kind(entry["kind"]), entry["message"], entry["explanation"])
        for rule_id, entry in table.items()
    }


def message(rule_id: str, **values: object) -> str:
    """The rule's Swedish message; a placeholder without a value is left empty."""
    rule = registry()[rule_id]
    return rule.message.format(**{name: values.get(name, "") for name in rule.placeholders})
