"""Seed 004: the extracted rows of Tertialrapport 1 2024 for Enskede-Årsta-Vantörs stadsdelsnämnd, and how to read them."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from scripts._common import Quoted, mnkr
from tertial.numbers import parse_number

NAMND = "Enskede-Årsta-Vantörs stadsdelsnämnd"
YEAR = 2024
CYCLE_ID = "eav-t1-2024"
PERIOD_END = dt.date(2024, 4, 30)
SEED = "seed004"
NOTES_FILE = "seed004-T1-2024-stadsdelsnamnd.md"

# Goal titles where the body heading (which the outline in the notes follows) has typos. 2.4 is
# spelled as in the report's table of contents (L59); 2.4.1 and 2.3.1 are only printed in the body.
TITLE_FIXES = {
    "2.4": "Stockholmarens hälsa ska främjas genom ren luft, rent vatten och giftfria miljöer",
    "2.4.1": "Stadsdelsförvaltningen bidrar till hälsosamma och giftfria miljöer",
    "2.3.1": "Parkvägarna har god framkomlighet och transporterna är hållbara",
}

# The seed's economy tables (E2 operations, E11 investments, E10 resultatenheter): row labels to ids, headers to keys.
AREA_IDS = {
    "Nämnd och administration": "adm",
    "Individ- och familjeomsorg": "iof",
    "varav barn och ungdom": "iof-barn",
    "varav vuxna": "iof-vuxna",
    "varav socialpsykiatri": "iof-socialpsykiatri",
    "varav nyanlända": "iof-nyanlanda",
    "Stadsmiljöverksamhet": "stadsmiljo",
    "Avskrivningar": "avskrivningar",
    "Internräntor": "internrantor",
    "Förskoleverksamhet": "forskola",
    "Äldreomsorg": "aldre",
    "Stöd och service till personer med funktionsnedsättning": "fn",
    "Barn, kultur och fritid": "bkf",
    "Arbetsmarknad åtgärder": "arbetsmarknad",
    "Ekonomiskt bistånd": "ekbistand",
    "varav handläggare": "ekbistand-handlaggare",
    "Övrig verksamhet": "ovrigt",
}
ADDITIVE_AREAS = {"Avskrivningar", "Internräntor"}  # italic in E2 but counted in the total
TOP_AREA_IDS = tuple(ident for label, ident in AREA_IDS.items() if not label.startswith("varav ") and label not in ADDITIVE_AREAS)
INVESTMENT_IDS = {
    "Parkinvesteringar": "park",
    "Parkreinvesteringar": "parkreinv",
    "Nycklade medel Stadsmiljö": "nycklade",
    "Klimatinvesteringar": "klimat",
    "Trygghetsinvesteringar": "trygghet",
    "Övriga investeringsmedel": "ovriga",
    "Maskiner & inventarier": "maskiner",
}
E2_TABLE = "Uppföljning av driftbudget – budget per verksamhetsområde (Mnkr Netto)"
E11_TABLE = "Investeringar (Mnkr)"
E2_COLUMNS = {
    "Budget": "budget", "Begärda budgetjusteringar": "requested", "Prestationsförändringar": "performance",
    "Prognos (före resultatöverföringar)": "forecast_before", "Prognos (efter resultatöverföringar)": "forecast_after",
    "Avvikelse": "deviation",
}
E11_COLUMNS = {"Budget 2024": "budget", "Begärda budgetjusteringar": "requested", "Prognos 2024": "forecast", "Avvikelse": "deviation"}
E10_TABLE = "Resultatenheter (tkr)"
E10_SUM = "Summa resultatenheter"
# 'till 2025' is left out on purpose: the demo derives it as −(från + resultat), see result_unit_rows().
E10_COLUMNS = {
    "Resultatenhetens bruttobudget 2024": "budget",
    "Resultatöverföring från 2023 Överskott (-) Underskott (+)": "brought",
    "Resultat 2024 Överskott (-) Underskott (+)": "result",
}
E10_TILL = "Resultatöverföring till 2025 Överskott (+) Underskott (-)"

# --------------------------------------------------------------------------- reading the seed


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def leading_number(heading: str) -> str:
    """'1.3.2 Våldsutsatta får …' -> '1.3.2'; '' for an empty cell."""
    match = re.match(r"\s*(\d+(?:\.\d+)*)", heading)
    return Quoted(match.group(1)) if match else ""


_OUTLINE_LINE = re.compile(
    r"^\s*\[L([123])\]\s+(?:KF:s inriktningsmål:\s*|KF:s mål för verksamhetsområdet:\s*|Nämndmål:\s*)?"
    r"(\d+(?:\.\d+)*)\.?\s+(.*?)\s+L\d+\s+\[(?:●\s*)?(Uppfylls (?:helt|delvis|inte))"
)


def read_outline(notes: Path) -> list[tuple[str, str, str]]:
    """(number, title, assessment) for every goal in §1 of the domain notes, titles fixed per TITLE_FIXES."""
    text = notes.read_text(encoding="utf-8")
    section = text.split("## 1. Full outline", 1)[1].split("\n## 2.", 1)[0]
    goals = []
    for line in section.splitlines():
        match = _OUTLINE_LINE.match(line)
        if match:
            level, number, title, assessment = match.groups()
            if number.count(".") + 1 != int(level):
                raise ValueError(f"outline level {level} does not fit goal number {number}")
            goals.append((Quoted(number), TITLE_FIXES.get(number, title.strip()), assessment))
    return goals


def economy_table(rows: list[dict[str, str]], table: str) -> dict[str, dict[str, str]]:
    """Row label (italics stripped) -> {column: raw value}, in printed order, without the header row."""
    result: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["table"] == table and row["row_label"] != "(header)":
            label = re.sub(r"</?i>", "", row["row_label"]).strip()
            result.setdefault(label, {})[row["column"]] = row["value_raw"]
    return result


def item_goal(row: dict[str, str]) -> str:
    return leading_number(row["namnd_goal"]) or leading_number(row["kf_area_goal"])


def numbered(rows: list[dict[str, str]], letter: str) -> list[tuple[str, str, dict[str, str]]]:
    """(id, goal, row) with ids '<goal>-<letter><running number within the goal>', in seed order."""
    counts: dict[str, int] = {}
    result = []
    for row in rows:
        goal = item_goal(row)
        counts[goal] = counts.get(goal, 0) + 1
        result.append((f"{goal}-{letter}{counts[goal]}", goal, row))
    return result


def result_unit_rows(economy_rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """E10 without its Summa row; 'till' derived as −(från + resultat), so the seed's two wrong rows come out right."""
    out = []
    for label, values in economy_table(economy_rows, E10_TABLE).items():
        if label == E10_SUM:
            continue
        row: dict[str, object] = {"name": label, **{E10_COLUMNS[k]: v for k, v in values.items() if k in E10_COLUMNS}}
        derived = -((parse_number(str(row["brought"])) or Decimal(0)) + (parse_number(str(row["result"])) or Decimal(0)))
        printed = parse_number(values[E10_TILL])
        row["carried"] = values[E10_TILL] if printed == derived else mnkr(derived).replace("\u00a0", " ")
        out.append(row)
    return out


# --------------------------------------------------------------------------- nyckeltal and the total driftbudget

E1_TABLE = "Uppföljning av driftbudget – nämndens totala driftbudget (Mnkr)"
# The seed's seven key-figure tables (E3–E9), in print order: the sheet the economy owner adds for each, and the
# verksamhetsområde (plan id) whose text it stands in.
KEY_FIGURE_TABLES = {
    "Nyckeltal, IoF barn och unga (genomsnitt per månad)": ("Nyckeltal IoF barn och unga", "iof-barn"),
    "Nyckeltal, IoF vuxna (genomsnitt per månad)": ("Nyckeltal IoF vuxna", "iof-vuxna"),
    "Socialpsykiatri – verksamhet, antal personer (T1 2023/T1 2024 per kön)": ("Nyckeltal socialpsykiatri", "iof-socialpsykiatri"),
    "Förskoleverksamhet – nyckeltal": ("Nyckeltal förskola", "forskola"),
    "Äldreomsorg – nyckeltal beställare": ("Nyckeltal äldreomsorg", "aldre"),
    "Stöd och service till personer med funktionsnedsättning – verksamhet (helårspersoner)": ("Nyckeltal LSS", "fn"),
    "Ekonomiskt bistånd – nyckeltal": ("Nyckeltal ekonomiskt bistånd", "ekbistand"),
}
# A label 'Missbruk | LVM-anmälningar' is the row LVM-anmälningar under the group heading Missbruk (E4).
GROUP_SEPARATOR = " | "


def table_header(rows: list[dict[str, str]], table: str) -> list[str]:
    """The table's first printed header row, split into its cells ('loF', an extraction artefact, as 'IoF')."""
    raw = next(r["value_raw"] for r in rows if r["table"] == table and r["row_label"] == "(header)")
    return [cell.replace("loF", "IoF") for cell in raw.split(" | ")]


def key_figure_sheet(rows: list[dict[str, str]], table: str, area: str) -> list[list[str]]:
    """A Nyckeltal sheet as the economy owner fills it: header row, one row per key figure (group headings on their
    own row), then the Verksamhetsområde row and the footnotes."""
    header = table_header(rows, table)
    values: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["table"] == table and row["row_label"] not in ("(header)", "(note)"):
            values.setdefault(row["row_label"], {})[row["column"]] = row["value_raw"]
    sheet, group = [header], ""
    for label, cells in values.items():
        head, _, name = label.rpartition(GROUP_SEPARATOR)
        if head and head != group:
            sheet.append([head])
            group = head
        sheet.append([name, *(cells.get(column, "") for column in header[1:])])
    notes = [r["value_raw"] for r in rows if r["table"] == table and r["row_label"] == "(note)"]
    return sheet + [["Verksamhetsområde", area]] + [["Fotnot", note] for note in notes]


def key_figure_sheets(rows: list[dict[str, str]]) -> dict[str, list[list[str]]]:
    return {sheet: key_figure_sheet(rows, table, area) for table, (sheet, area) in KEY_FIGURE_TABLES.items()}


def total_budget_sheet(rows: list[dict[str, str]]) -> list[list[str]]:
    """E1 as the Total driftbudget sheet: its header and rows as printed."""
    header = table_header(rows, E1_TABLE)
    return [header, *([label, *(cells.get(column, "") for column in header[1:])]
                      for label, cells in economy_table(rows, E1_TABLE).items())]
