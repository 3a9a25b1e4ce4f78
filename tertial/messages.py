"""The Swedish message for each validation rule, from `expectations/messages.yaml`."""

from __future__ import annotations

from functools import cache
from string import Formatter

import yaml

from tertial.resources import EXPECTATIONS


@cache
def message_table() -> dict[str, str]:
    return yaml.safe_load((EXPECTATIONS / "messages.yaml").read_text(encoding="utf-8"))


def message(rule_id: str, **values: object) -> str:
    template = message_table()[rule_id]
    fields = {name for _, name, _, _ in Formatter().parse(template) if name}
    return template.format(**{name: values.get(name, "") for name in fields})
