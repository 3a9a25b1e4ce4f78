"""Rendering the report model: JSON for publication, HTML through Jinja2."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from decimal import Decimal

from babel.dates import format_date
from prefect import task
from prefect.cache_policies import NO_CACHE
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tertial.numbers import LOCALE, format_number, format_quantity
from tertial.report import Report
from tertial.resources import TEMPLATES


def _percent(value: Decimal | None) -> str:
    return format_quantity(value, "%", 1) if value is not None else ""


def _mnkr(value: Decimal | None) -> str:
    return format_number(value, 1) if value is not None else ""


def _long_date(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=LOCALE)


def make_environment() -> Environment:
    """The one Jinja2 environment: autoescaped, strict, with the Swedish number filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(tal=format_number, mangd=format_quantity, mnkr=_mnkr, procent=_percent, langt_datum=_long_date)
    return env


def render_html(report: Report) -> str:
    return make_environment().get_template("report.html.j2").render(report=report)


def render_json(report: Report) -> str:
    """The whole report model, stable key order, no timestamps: same inputs, same bytes."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@task(cache_policy=NO_CACHE)
def write_report(report: Report, out_dir: Path) -> dict[str, Path]:
    """report.json and report.html, written atomically so a crash never leaves half a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {"json": (out_dir / "report.json", render_json(report)), "html": (out_dir / "report.html", render_html(report))}
    for path, text in outputs.values():
        staging = path.with_suffix(path.suffix + ".tmp")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, path)
    return {kind: path for kind, (path, _) in outputs.items()}
