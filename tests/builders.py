"""Building filled submissions for tests from a cycle's pre-filled rows."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from tertial.archive import content_hash
from tertial.reading import read_submission
from tertial.accepted import Accepted
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.cycle import Cycle
from tertial.ledger import ACCEPTED, Version
from tertial.workbooks import Rows, prefilled_rows, write_csv_folder, write_workbook

# Values for the mini plan (tests/data/mini): outcome, men, women, forecast, status, analysis.
MINI_INDICATORS = {
    "1.1-I1": ("72 %", "70 %", "74 %", "71 %", "Uppfylls helt", ""),
    "1.1-I2": ("43 st", "", "", "42 st", "Uppfylls delvis", "Färre placeringar än i fjol men målet nås inte helt."),
    "1.1.1-I1": ("", "", "", "", "Ej mätbar", ""),
    "1.2-I1": ("84 %", "30 %", "54 %", "86 %", "Uppfylls helt", ""),
    "2.1-I1": ("0,4 %", "", "", "0,6 %", "Uppfylls helt", ""),
}
MINI_ECONOMY = {
    "iof": ("356,7", "0,2", "0,0", "369,9", "369,9", "-13,0"),
    "iof-barn": ("220,4", "0,2", "0,0", "240,6", "240,6", "-20,0"),
    "aldre": ("815,0", "0,0", "0,0", "817,5", "815,0", "0,0"),
    "avskr": ("20,3", "0,0", "0,0", "20,3", "20,3", "0,0"),
}
ECONOMY_KEYS = ("budget", "requested", "performance", "forecast_before", "forecast_after", "deviation")
# The year's outcome in a VB: outcome, men, women, analysis (no forecast column).
MINI_VB_INDICATORS = {
    "1.1-I1": ("73 %", "71 %", "75 %", ""),
    "1.1-I2": ("41 st", "", "", "Färre placeringar, men målet 40 nåddes inte."),
    "1.1.1-I1": ("88 %", "", "", "Två procentenheter under målet; rutinen ses över."),
    "1.2-I1": ("86 %", "31 %", "55 %", ""),
    "2.1-I1": ("0,3 %", "", "", ""),
}
# Bokslut föregående år, budget, utfall, resultatöverföring.
MINI_VB_ECONOMY = {
    "iof": ("350,1", "356,9", "366,0", "0,0"),
    "iof-barn": ("215,0", "220,6", "236,2", "0,0"),
    "aldre": ("801,7", "815,0", "812,5", "-2,5"),
    "avskr": ("19,8", "20,3", "20,3", "0,0"),
}

# The economy owner's optional sheets. Resultatenheter in tkr: name, bruttobudget, från, resultat, till
# (blank: computed; the second row states it, as −(från + resultat)). Σ resultat is what the operations
# table moves through the funds: 2,5 mnkr taken (Prognos före − efter for äldre) in T1/T2, 2,5 mnkr put
# in (Resultatöverföring −2,5) in the VB.
MINI_RESULT_UNITS = (
    ("Förskolan Solen", "41 164", "-2 310", "600", ""),
    ("Hemtjänsten Norr", "29 114,0", "-1 684,0", "1 900,0", "-216,0"),
)
MINI_VB_RESULT_UNITS = (
    ("Förskolan Solen", "41 164", "-2 310", "-600", ""),
    ("Hemtjänsten Norr", "29 114,0", "-1 684,0", "-1 900,0", "3 584,0"),
)
# Omslutningsförändringar in T1 (Σ 3,5 = the decision in cycle.yaml); the T2 has none, for the fixed sentence.
MINI_TURNOVER = (("Äldreomsorg", "4,0", "Fler sålda platser."), ("Individ- och familjeomsorg", "-0,5", "Lägre statsbidrag."))
# Budgetjusteringar in T1 and T2; the VB asks for no ombudgetering, for the fixed sentence.
MINI_ADJUSTMENTS = (
    ("Inventarier", "investering", "0,5", "Möbler till två nya gruppbostäder.\n- Sängar\n- Matsalsmöbler"),
    ("Ungas delaktighet", "drift", "0,2", "Fokusgrupper med unga under hösten."),
)

# The VB's Intäkter och kostnader (mnkr): post, typ, utfall 2024, utfall 2025, kommentar. Netto 2025 is the
# operations table's total Utfall (1 198,8), Netto 2024 its Bokslut föregående år (1 171,6).
MINI_VB_REVENUE_COSTS = (
    ("Taxor och avgifter", "intäkt", "-44,1", "-47,0", ""),
    ("Bidrag", "intäkt", "-121,4", "-118,5", ""),
    ("Personalkostnader", "kostnad", "820,4", "851,0", ""),
    ("Lokalkostnader", "kostnad", "110,2", "114,8", ""),
    ("Köp av verksamhet", "kostnad", "406,5", "398,5", "Färre externa placeringar."),
)
REVENUE_COST_KEYS = ("name", "kind", "previous", "outcome", "comment")


def _fill_economy_sheets(rows: Rows, cycle: Cycle) -> None:
    kind = cycle.config.kind
    if "result_units" in rows:
        units = MINI_RESULT_UNITS if kind.is_tertial else MINI_VB_RESULT_UNITS
        rows["result_units"] = [dict(zip(("name", "budget", "brought", "result", "carried"), v)) for v in units]
    if "turnover" in rows and kind.value == "T1":
        rows["turnover"] = [dict(zip(("name", "amount", "comment"), v)) for v in MINI_TURNOVER]
    if "adjustments" in rows and kind.is_tertial:
        rows["adjustments"] = [dict(zip(("title", "kind", "amount", "text"), v)) for v in MINI_ADJUSTMENTS]
    if "revenue_costs" in rows:
        rows["revenue_costs"] = [dict(zip(REVENUE_COST_KEYS, v)) for v in MINI_VB_REVENUE_COSTS]


def filled_rows(cycle: Cycle, contributor: str) -> Rows:
    """A complete, valid submission for the mini cycle."""
    rows = prefilled_rows(cycle, contributor)
    vb = not cycle.config.kind.is_tertial
    for row in rows["indicators"]:
        keys = ("outcome", "men", "women", "forecast", "status", "analysis")
        row.update(dict(zip(keys, MINI_INDICATORS[row["id"]])))
        if vb:
            row.update(dict(zip(("outcome", "men", "women", "analysis"), MINI_VB_INDICATORS[row["id"]])))
    period_end = cycle.config.period_end.isoformat()
    for row in rows["activities"]:
        row.update(status="Genomförd" if vb or row["end"] < period_end else "Pågår", deviation="")
    for row in rows["goals"]:
        level = row["goal"].count(".") + 1
        row.update(assessment="Uppfylls helt", analysis=f"Målet {row['goal']} nås enligt plan.")
        if level == 3:
            row.update(description="Arbetet sker i samverkan.", expected="- Tidigare insatser\n- Färre placeringar")
    for row in rows["texts"]:
        row["text"] = f"- Första punkten om {row['title']}\n- Andra punkten"
    for row in rows.get("economy", []):
        if vb:
            row.update(dict(zip(("previous", "budget", "outcome", "transfer"), MINI_VB_ECONOMY[row["id"]])))
        else:
            row.update(dict(zip(ECONOMY_KEYS, MINI_ECONOMY[row["id"]])))
    for row in rows.get("investments", []):
        row.update(budget="3,2", requested="0,5", forecast="3,7", outcome="3,6", deviation="" if vb else "0,0")
    _fill_economy_sheets(rows, cycle)
    return rows


def changed_copy(source: Path, folder: Path, name: str, change) -> Path:
    """The invented cycle in `source` copied to `folder` (once), with the YAML file `name` changed in place by `change`."""
    if not (folder / "cycle.yaml").exists():
        shutil.copytree(source, folder, dirs_exist_ok=True)
    data = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    change(data)
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder / "cycle.yaml"


def write_filled(folder: Path, cycle: Cycle, contributor: str, rows: Rows | None = None, name: str | None = None,
                 token_key: bytes | None = EXAMPLE_TOKEN_KEY) -> Path:
    """A filled workbook with its token under the tests' key (conftest sets it as the installation's key)."""
    rows = rows if rows is not None else filled_rows(cycle, contributor)
    return write_workbook(folder / (name or f"{contributor}.xlsx"), cycle, contributor, rows, token_key=token_key)


def write_filled_csv(folder: Path, cycle: Cycle, contributor: str) -> Path:
    return write_csv_folder(folder / contributor, cycle, contributor, filled_rows(cycle, contributor), EXAMPLE_TOKEN_KEY)


def accepted_versions(cycle: Cycle, inbox: Path) -> dict[str, Accepted]:
    """Each contributor's filled submission as an accepted version 1, as the ledger would record it."""
    return {c.id: accepted_version(cycle, inbox, c.id) for c in cycle.config.contributors}


def accepted_version(cycle: Cycle, inbox: Path, contributor: str, rows: Rows | None = None) -> Accepted:
    """One contributor's submission (filled, or these rows) as an accepted version 1."""
    path = write_filled(inbox, cycle, contributor, rows, token_key=None)  # never taken in: no token, the golden files' bytes
    version = Version(id=1, cycle_id=cycle.config.id, contributor_id=contributor, number=1,
                      sha256=content_hash(path), original_name=path.name, archive_path=str(path),
                      received_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC), status=ACCEPTED, errors=0, warnings=0)
    return Accepted(read_submission(path, cycle), version)
