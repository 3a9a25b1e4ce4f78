"""Identity: the hidden sheet _tertial ties a submission to a cycle, a contributor and a template."""

from __future__ import annotations

from pathlib import Path

from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.reading.cells import FORMULA, Table, as_text, lookalike_hint, shorten
from tertial.submission import META_SHEET, TEMPLATE_VERSION


def read_meta(tables: dict[str, Table], path: Path) -> dict[str, str]:
    if META_SHEET not in tables:
        where = "filen '_tertial.csv' saknas i mappen" if path.is_dir() else "det dolda bladet '_tertial' saknas"
        raise SubmissionError(
            file=path.name, sheet=META_SHEET,
            message=f"{where}, så inlämningen kan inte kopplas till en cykel. Använd {'CSV-filerna' if path.is_dir() else 'arbetsboken'} som Tertial skickade ut.",
        )
    meta = {as_text(r[0]): r[1] for r in tables[META_SHEET] if len(r) >= 2 and as_text(r[0])}
    for key in ("cykel", "bidragsgivare", "mallversion"):
        if meta.get(key) == FORMULA:
            raise SubmissionError(file=path.name, sheet=META_SHEET, column=key, message=f"uppgiften '{key}' i bladet '_tertial' är en formel. Använd arbetsboken som Tertial skickade ut.")
        if not as_text(meta.get(key)):
            raise SubmissionError(file=path.name, sheet=META_SHEET, column=key, message=f"uppgiften '{key}' saknas i bladet '_tertial'.")
    return {key: shorten(as_text(value)) for key, value in meta.items()}


def check_identity(meta: dict[str, str], cycle: Cycle, path: Path) -> None:
    if meta["cykel"] != cycle.config.id:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="cykel",
                              message=f"arbetsboken hör till cykeln '{meta['cykel']}', inte '{cycle.config.id}'. Använd årets arbetsbok.{lookalike_hint(meta['cykel'])}")
    if meta["mallversion"] != TEMPLATE_VERSION:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="mallversion",
                              message=f"mallversion {meta['mallversion']} stöds inte (förväntad {TEMPLATE_VERSION}). Använd den senast utskickade arbetsboken.")
    known = [c.id for c in cycle.config.contributors]
    if meta["bidragsgivare"] not in known:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="bidragsgivare",
                              message=f"bidragsgivaren '{meta['bidragsgivare']}' finns inte i cykeln.{lookalike_hint(meta['bidragsgivare'])}")
