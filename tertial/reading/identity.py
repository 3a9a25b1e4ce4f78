"""Identity: the hidden sheet _tertial ties a submission to a cycle, a contributor and a template."""

from __future__ import annotations

from pathlib import Path

from tertial.cycle import Cycle
from tertial.findings import refusal
from tertial.reading.cells import FORMULA, Table, as_text, lookalike_hint, shorten
from tertial.submission import META_SHEET, TEMPLATE_VERSION


def read_meta(tables: dict[str, Table], path: Path) -> dict[str, str]:
    if META_SHEET not in tables:
        rule = "structure_meta_file_missing" if path.is_dir() else "structure_meta_sheet_missing"
        raise refusal(rule, file=path.name, sheet=META_SHEET)
    meta = {as_text(r[0]): r[1] for r in tables[META_SHEET] if len(r) >= 2 and as_text(r[0])}
    for key in ("cykel", "bidragsgivare", "mallversion"):
        if meta.get(key) == FORMULA:
            raise refusal("structure_meta_formula", file=path.name, sheet=META_SHEET, column=key)
        if not as_text(meta.get(key)):
            raise refusal("structure_meta_missing_value", file=path.name, sheet=META_SHEET, column=key)
    return {key: shorten(as_text(value)) for key, value in meta.items()}


def check_identity(meta: dict[str, str], cycle: Cycle, path: Path) -> None:
    if meta["cykel"] != cycle.config.id:
        raise refusal("structure_wrong_cycle", file=path.name, sheet=META_SHEET, column="cykel", value=meta["cykel"],
                      expected=cycle.config.id, hint=lookalike_hint(meta["cykel"]))
    if meta["mallversion"] != TEMPLATE_VERSION:
        raise refusal("structure_template_version", file=path.name, sheet=META_SHEET, column="mallversion",
                      value=meta["mallversion"], expected=TEMPLATE_VERSION)
    known = [c.id for c in cycle.config.contributors]
    if meta["bidragsgivare"] not in known:
        raise refusal("structure_unknown_contributor", file=path.name, sheet=META_SHEET, column="bidragsgivare",
                      value=meta["bidragsgivare"], hint=lookalike_hint(meta["bidragsgivare"]))
