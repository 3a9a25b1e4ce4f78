"""The report as JSON for publication: the whole model, stable key order, no timestamps."""

from __future__ import annotations

import json

from tertial.report import Report


def render_json(report: Report) -> str:
    """The whole report model, stable key order, no timestamps: same inputs, same bytes."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
