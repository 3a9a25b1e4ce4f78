"""The options several commands share, declared once with their Swedish help."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

WORKDIR = Path("tertial-run")  # the work folder when --workdir is not given

Cycle = Annotated[Path, typer.Option("--cycle", help="Cykelns konfigurationsfil (YAML).")]
Workdir = Annotated[Path, typer.Option(help="Mapp för arkiv, liggare, återkoppling och rapport.")]
Ledger = Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till liggaren; standard är TERTIAL_LEDGER_URL, annars SQLite i workdir.")]
Inbox = Annotated[Path, typer.Option(help="Inkorgen med inlämningar.")]
Contributor = Annotated[str, typer.Option(help="Bidragsgivarens id.")]
Debug = Annotated[bool, typer.Option("--debug", help="Visa Prefects loggar och fullständiga felspår.")]
AsOf = Annotated[Optional[dt.datetime], typer.Option(
    "--as-of", formats=["%Y-%m-%d"], help="Dag att räkna från, ÅÅÅÅ-MM-DD (standard: i dag).")]
By = Annotated[Optional[str], typer.Option("--by", "--som", help="Vem som granskar (standard: cykelns handläggare).")]
Formats = Annotated[str, typer.Option("--format", help="Format, kommaseparerade: html,pdf,docx,json.")]
ReportOut = Annotated[Optional[Path], typer.Option("--out", help="Mapp för rapportfilerna (standard: workdir/rapport).")]
NamndVersion = Annotated[bool, typer.Option("--namndversion", help="Utan bilagan över vilka versioner som använts.")]
WordTemplate = Annotated[Optional[Path], typer.Option(
    "--word-template", help="Word-mall (.dotx eller .docx) vars formatmallar, sidhuvud, sidfot och logotyp "
                            "Word-rapporten får (standard: TERTIAL_WORD_TEMPLATE).")]
AsJson = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON (för andra program).")]
