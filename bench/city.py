"""A synthetic city: N nämnder, each with a plan, a T1 cycle and filled submissions in its inbox.

Every nämnd gets C contributors, I indicators, A activities and an economy table, with values
written as Swedish contributors write them ("34,5 %", "1 150 st", "2 739,6"). A share of the
contributors first send a draft with deliberate errors and then the corrected workbook, so the
inbox holds C + E files. Everything is deterministic from the seed: the same spec gives the same
YAML and byte-identical workbooks (the xlsx timestamps are pinned).

    python -m bench.city --out /tmp/stad --namnder 3 --contributors 8 --indicators 80
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from tertial.workbooks import Rows, pin_xlsx_timestamps, prefilled_rows, write_workbook
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.config import load_cycle
from tertial.cycle import Cycle
from tertial.plan import Indicator
from tertial.targets import propose_status
from tertial.vocabulary import IndicatorStatus

YEAR = 2024
PERIOD_END = dt.date(YEAR, 4, 30)
SAVED_AT = dt.datetime(YEAR, 5, 6, 9, 0, 0)

NAMNDER = (
    "Rinkeby-Kista stadsdelsnämnd", "Spånga-Tensta stadsdelsnämnd", "Hässelby-Vällingby stadsdelsnämnd",
    "Bromma stadsdelsnämnd", "Kungsholmens stadsdelsnämnd", "Norrmalms stadsdelsnämnd", "Östermalms stadsdelsnämnd",
    "Södermalms stadsdelsnämnd", "Enskede-Årsta-Vantörs stadsdelsnämnd", "Skarpnäcks stadsdelsnämnd",
    "Farsta stadsdelsnämnd", "Hägersten-Älvsjö stadsdelsnämnd", "Skärholmens stadsdelsnämnd", "Socialnämnden",
    "Utbildningsnämnden", "Kulturnämnden", "Idrottsnämnden", "Trafiknämnden", "Miljö- och hälsoskyddsnämnden",
    "Stadsbyggnadsnämnden", "Exploateringsnämnden", "Äldrenämnden", "Arbetsmarknadsnämnden", "Servicenämnden",
    "Fastighetsnämnden", "Överförmyndarnämnden", "Kyrkogårdsnämnden", "Valnämnden", "Revisorskollegiet",
    "Kommunstyrelsen",
)
AVDELNINGAR = (
    "Administrativa avdelningen", "Avdelning förskola", "Social omsorg barn och unga", "Social omsorg vuxen",
    "Social omsorg äldre", "Stadsmiljöenheten", "Avdelning kultur och fritid", "Arbetsmarknadsenheten",
    "Enheten för funktionsnedsättning", "Kommunikationsenheten", "HR-enheten",
)
ECONOMY_NAME = "Ekonomienheten"
FIRST = ("Karin", "Johan", "Sofia", "Erik", "Amir", "Linnea", "Elin", "Mikael", "Daniel", "Sara", "Marie", "Ali",
         "Oskar", "Frida", "Lina", "Henrik", "Fatima", "Anders", "Maja", "Peter")
LAST = ("Lindqvist", "Ek", "Nyberg", "Malm", "Haddad", "Björk", "Forsberg", "Roos", "Öberg", "Nilsson", "Lundgren",
        "Yilmaz", "Berglund", "Sjöberg", "Andersson", "Sandberg", "Hassan", "Carstorp", "Holm", "Dahl")
GOAL_TITLES = (
    "Ett Stockholm som håller samman med en stark och jämlik välfärd i hela staden",
    "Ett grönt och fossilfritt Stockholm som leder en rättvis klimatomställning",
    "Ett Stockholm med en stabil och hållbar ekonomi med utbildning, jobb och bostäder för alla",
)
SUBJECTS = ("barn", "unga", "äldre", "brukare", "vårdnadshavare", "invånare", "medarbetare", "föreningar",
            "omsorgstagare", "elever", "besökare", "hushåll")
SERVICES = ("hemtjänsten", "förskolan", "fritidsgårdarna", "parkerna", "biblioteken", "ekonomiskt bistånd",
            "vård- och omsorgsboendena", "familjestödet", "feriejobben", "renhållningen", "kulturutbudet",
            "boendestödet", "öppenvården", "parkleken")
ECONOMY_AREAS = (  # (id, name, row type, parent, share of the budget)
    ("adm", "Nämnd och administration", "top", None, 0.05), ("iof", "Individ- och familjeomsorg", "top", None, 0.16),
    ("iof-barn", "varav barn och ungdom", "varav", "iof", 0.07), ("iof-vuxna", "varav vuxna", "varav", "iof", 0.05),
    ("stadsmiljo", "Stadsmiljöverksamhet", "top", None, 0.04),
    ("avskrivningar", "Avskrivningar", "additive", "stadsmiljo", 0.01),
    ("forskola", "Förskoleverksamhet", "top", None, 0.30), ("aldre", "Äldreomsorg", "top", None, 0.26),
    ("fn", "Stöd och service till personer med funktionsnedsättning", "top", None, 0.10),
    ("bkf", "Barn, kultur och fritid", "top", None, 0.03), ("ekbistand", "Ekonomiskt bistånd", "top", None, 0.05),
)
INVESTMENTS = (("park", "Parkinvesteringar"), ("klimat", "Klimatinvesteringar"), ("trygghet", "Trygghetsinvesteringar"),
               ("maskiner", "Maskiner & inventarier"))


@dataclass(frozen=True)
class CitySpec:
    namnder: int = 30
    contributors: int = 8
    indicators: int = 80
    activities: int = 60
    error_share: float = 0.25  # share of contributors who first send a draft with errors
    seed: int = 2024

    @property
    def key(self) -> str:
        return f"n{self.namnder}-c{self.contributors}-i{self.indicators}-a{self.activities}-e{self.error_share}-s{self.seed}"


@dataclass(frozen=True)
class Namnd:
    name: str
    cycle_path: Path
    inbox: Path
    submissions: int
    erroneous: int


def slug(text: str) -> str:
    ascii_text = text.lower().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def swedish(value: float, decimals: int = 1, unit: str = "") -> str:
    """'2 739,6', '34,5 %', '1 150 st': decimal comma, a space between thousands."""
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",")
    text = ("-" if value < 0 and float(text.replace(" ", "").replace(",", ".")) else "") + text
    return f"{text} {unit}" if unit else text


def generate_city(spec: CitySpec, root: Path) -> list[Namnd]:
    """Write every nämnd's plan, cycle and inbox under `root`; return where they are."""
    root.mkdir(parents=True, exist_ok=True)
    namnder = [generate_namnd(spec, index, root) for index in range(spec.namnder)]
    manifest = {"spec": asdict(spec), "namnder": [
        {**asdict(n), "cycle_path": n.cycle_path.relative_to(root).as_posix(), "inbox": n.inbox.relative_to(root).as_posix()}
        for n in namnder]}
    (root / "city.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return namnder


def load_city(root: Path) -> list[Namnd]:
    manifest = json.loads((root / "city.json").read_text(encoding="utf-8"))
    return [Namnd(n["name"], root / n["cycle_path"], root / n["inbox"], n["submissions"], n["erroneous"])
            for n in manifest["namnder"]]


def namnd_name(index: int) -> str:
    base = NAMNDER[index % len(NAMNDER)]
    return base if index < len(NAMNDER) else f"{base} {index // len(NAMNDER) + 1}"


def generate_namnd(spec: CitySpec, index: int, root: Path) -> Namnd:
    rng = random.Random(f"{spec.seed}:{index}")
    name = namnd_name(index)
    folder = root / f"{index + 1:02d}-{slug(name)}"
    folder.mkdir(parents=True, exist_ok=True)
    plan = build_plan(rng, name, spec)
    config = build_cycle(rng, name, plan, spec)
    for file, document in (("plan.yaml", plan), ("cycle.yaml", config)):
        (folder / file).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    cycle = load_cycle(folder / "cycle.yaml")
    inbox = folder / "inkorg"
    erroneous = write_submissions(rng, cycle, inbox, spec.error_share)
    count = len(cycle.config.contributors)
    return Namnd(name, folder / "cycle.yaml", inbox, count + erroneous, erroneous)


# --------------------------------------------------------------------------- the plan


def goal_tree(rng: random.Random, contributors: int) -> list[dict[str, str]]:
    """Three inriktningsmål, enough KF goals for every contributor to own one, one or two nämndmål each."""
    level2 = max(12, contributors + 2)
    goals = [{"number": str(n), "title": title} for n, title in enumerate(GOAL_TITLES, start=1)]
    for k in range(level2):
        top = k % 3 + 1
        number = f"{top}.{k // 3 + 1}"
        service = SERVICES[k % len(SERVICES)]
        goals.append({"number": number, "title": f"Verksamheten inom {service} håller hög kvalitet och når fler"})
        for sub in range(1, rng.choice((2, 3))):
            subject = SUBJECTS[(k + sub) % len(SUBJECTS)]
            goals.append({"number": f"{number}.{sub}", "title": f"{subject.capitalize()} får ett gott stöd från {service}"})
    return sorted(goals, key=lambda g: [int(p) for p in g["number"].split(".")])


def indicator_entry(rng: random.Random, number: int, goal: str) -> dict[str, object]:
    """One indicator: a share, a count, a band, a per-group figure or an index, with targets."""
    subject, service = rng.choice(SUBJECTS), rng.choice(SERVICES)
    kind = rng.choices(("share", "count", "band", "group", "index"), weights=(55, 25, 4, 6, 10))[0]
    entry: dict[str, object] = {"id": f"{goal}-I{number}", "goal": goal, "frequency": rng.choice(("tertial", "tertial", "annual"))}
    if kind == "share":
        target = rng.randint(40, 92)
        entry.update(name=f"Andel {subject} som är nöjda med {service}", unit="%", direction="higher",
                     aggregation=rng.choice(("rate", "none")), annual_target=f"{target} %", kf_target=f"{target} %",
                     previous_outcome=swedish(target + rng.uniform(-6, 4), 1, "%"))
    elif kind == "count":
        target = rng.choice((12, 40, 150, 480, 1150, 2300))
        lower = rng.random() < 0.3
        entry.update(name=f"Antal {subject} som tar del av {service}", unit="st", direction="lower" if lower else "higher",
                     aggregation="parts" if not lower else "none", annual_target=swedish(target, 0, "st"),
                     kf_target="Minskning" if lower else "Ökning", previous_outcome=swedish(target * rng.uniform(0.9, 1.1), 0))
    elif kind == "band":
        entry.update(name=f"Budgetföljsamhet inom {service}", unit="%", direction="band", annual_target="+/- 1 %",
                     kf_target="100 %", frequency="tertial")
    elif kind == "group":
        entry.update(name="Antal barn per grupp", unit="barn/avd.", direction="lower", annual_target="15",
                     kf_target="15", previous_outcome=swedish(rng.uniform(14.5, 16.5), 1, "barn/avd."))
    else:
        entry.update(name=f"Stadens kvalitetsindex för {service}", unit="", direction="higher",
                     annual_target=str(rng.randint(60, 80)), kf_target="Tas fram av nämnd")
    return entry


def build_plan(rng: random.Random, name: str, spec: CitySpec) -> dict[str, object]:
    goals = goal_tree(rng, spec.contributors)
    below = [g["number"] for g in goals if "." in g["number"]]
    namndmal = [g["number"] for g in goals if g["number"].count(".") == 2]
    indicators = [indicator_entry(rng, n + 1, rng.choice(below)) for n in range(spec.indicators)]
    activities = []
    for n in range(spec.activities):
        start = dt.date(YEAR, rng.randint(1, 5), 1)
        end = dt.date(YEAR, rng.choice((3, 4, 6, 9, 12)), 28 if rng.random() < 0.5 else 15)
        activities.append({"id": f"A{n + 1}", "goal": rng.choice(namndmal),
                           "name": f"Utveckla arbetet med {rng.choice(SERVICES)} för {rng.choice(SUBJECTS)}",
                           "start": min(start, end).isoformat(), "end": max(start, end).isoformat()})
    areas = [{"id": i, "name": n, "row_type": t, **({"parent": p} if p else {})} for i, n, t, p, _ in ECONOMY_AREAS]
    economy = {"unit": "mnkr", "areas": areas, "investments": [{"id": i, "name": n} for i, n in INVESTMENTS]}
    return {"namnd": name, "year": YEAR, "goals": goals, "indicators": indicators, "activities": activities,
            "economy": economy}


# --------------------------------------------------------------------------- the cycle


def person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    mail = name.lower().translate(str.maketrans("åäöé", "aaoe")).replace(" ", ".") + "@example.se"
    return name, mail


def contributor_names(count: int) -> list[str]:
    names = [AVDELNINGAR[i] if i < len(AVDELNINGAR) else f"Enhet {i + 1}" for i in range(max(count - 1, 1))]
    return names[:count - 1] + [ECONOMY_NAME] if count > 1 else [ECONOMY_NAME]


def build_cycle(rng: random.Random, name: str, plan: dict[str, object], spec: CitySpec) -> dict[str, object]:
    """Admin owns the inriktningsmål and summary texts, ekonomi the economy; KF goals go round the table."""
    names = contributor_names(spec.contributors)
    ids = [slug(n) for n in names]
    goals: dict[str, list[str]] = {i: [] for i in ids}
    texts: dict[str, list[str]] = {i: [] for i in ids}
    for goal in plan["goals"]:
        number = goal["number"]
        owner = ids[0] if "." not in number else ids[(int(number.split(".")[1]) * 3 + int(number[0])) % len(ids)]
        goals[owner].append(number)
    texts[ids[0]] += ["sammanfattning", *(f"{k}:{n}" for n in "123" for k in ("positivt", "utmaningar")), "direktiv"]
    tops = [a["id"] for a in plan["economy"]["areas"] if a["row_type"] == "top"]
    texts[ids[-1]] += ["ekonomi", *(f"ekonomi:{t}" for t in tops), "investeringar"]
    contributors = []
    for ident, avdelning in zip(ids, names):
        (responsible, mail), (deputy, deputy_mail) = person(rng), person(rng)
        owns = {"goals": goals[ident], "texts": texts[ident], "economy": ident == ids[-1]}
        contributors.append({"id": ident, "avdelning": avdelning, "responsible": responsible, "email": mail,
                             "deputy": deputy, "deputy_email": deputy_mail, "owns": owns})
    signer, _ = person(rng)
    return {
        "id": f"{slug(name)}-t1-{YEAR}", "namnd": name, "kind": "T1", "year": YEAR, "plan": "plan.yaml",
        "period_end": PERIOD_END, "attest_date": dt.date(YEAR, 5, 17), "meeting_date": dt.date(YEAR, 5, 23),
        "deadline": dt.date(YEAR, 5, 6), "handlaggare": {"name": person(rng)[0], "phone": "08-508 000 00"},
        "signer": {"name": signer, "title": "förvaltningschef"}, "prepared_by": names[0],
        "attesters": [{"name": signer, "title": "Förvaltningschef"}], "contributors": contributors,
    }


# --------------------------------------------------------------------------- the submissions


def indicator_values(rng: random.Random, indicator: Indicator, row: dict[str, object]) -> dict[str, object]:
    """Outcome, sex split, forecast, status (as the data suggests) and an analysis, written as people do."""
    if row["period"] == str(YEAR):  # annual: nothing measured by the end of April
        return {"status": IndicatorStatus.EJ_MATBAR.value, "analysis": "Mäts en gång per år och redovisas i verksamhetsberättelsen."}
    target = indicator.annual_target.value if indicator.annual_target and indicator.annual_target.value is not None else None
    base = float(target) if target is not None else rng.uniform(0.2, 0.9)
    if indicator.direction.value == "band":
        outcome, forecast = rng.uniform(-1.4, 1.2), rng.uniform(-1.3, 1.1)
    else:
        outcome, forecast = base * rng.uniform(0.9, 1.08), base * rng.uniform(0.93, 1.07)
    decimals = 0 if indicator.unit == "st" else 1
    if indicator.unit == "%" and indicator.direction.value != "band":
        outcome, forecast = min(outcome, 99.0), min(forecast, 99.0)
    unit = indicator.unit
    values = {"outcome": swedish(outcome, decimals, unit), "forecast": swedish(forecast, decimals, unit)}
    if indicator.aggregation.value == "rate":
        values.update(men=swedish(outcome - rng.uniform(0.5, 4), 1, unit), women=swedish(min(outcome + rng.uniform(0.5, 4), 100), 1, unit))
    elif indicator.aggregation.value == "parts":
        men = round(outcome * rng.uniform(0.35, 0.65))
        values.update(outcome=swedish(round(outcome), 0, unit), men=swedish(men, 0, unit), women=swedish(round(outcome) - men, 0, unit))
    status = propose_status(indicator, Decimal(f"{outcome:.{decimals}f}"), Decimal(f"{forecast:.{decimals}f}"))
    values["status"] = status.value
    values["analysis"] = f"Utfallet följer planen för {indicator.name.lower()}; arbetet fortsätter under året."
    return values


def economy_values(rng: random.Random, rows: Rows) -> None:
    """Budgets that add up (varav within the parent), forecasts near budget, deviations as Tertial computes them."""
    total = rng.uniform(900, 3200)
    shares = {i: s for i, _, _, _, s in ECONOMY_AREAS}
    for row in rows.get("economy", []):
        budget = round(total * shares[row["id"]] * rng.uniform(0.9, 1.0), 1)
        requested = round(rng.choice((0.0, 0.0, 0.5, 1.2)), 1)
        performance = round(rng.uniform(-2, 2), 1) if row["row_type"] == "top" else 0.0
        after = round(budget + requested + performance + rng.uniform(-4, 3), 1)
        before = round(after + rng.choice((0.0, 0.0, 1.5)), 1)
        deviation = round(budget + requested + performance - after, 1)
        row.update(budget=swedish(budget), requested=swedish(requested), performance=swedish(performance),
                   forecast_before=swedish(before), forecast_after=swedish(after), deviation=swedish(deviation))
    for row in rows.get("investments", []):
        budget, requested = round(rng.uniform(0.5, 12), 1), rng.choice((0.0, 0.2, 0.8))
        forecast = round(budget + requested, 1)
        row.update(budget=swedish(budget), requested=swedish(requested), forecast=swedish(forecast), deviation="0,0")


def filled_rows(rng: random.Random, cycle: Cycle, contributor: str) -> Rows:
    """A complete, valid submission: every owned item answered."""
    rows = prefilled_rows(cycle, contributor)
    plan = {i.id: i for i in cycle.plan.indicators}
    for row in rows["indicators"]:
        row.update(indicator_values(rng, plan[row["id"]], row))
    for row in rows["activities"]:
        done = row["end"] < PERIOD_END.isoformat()
        row.update(status="Genomförd" if done else rng.choice(("Pågår", "Pågår", "Ej påbörjad")), deviation="")
    for row in rows["goals"]:
        row.update(assessment=rng.choice(("Uppfylls helt", "Uppfylls helt", "Uppfylls delvis")),
                   analysis=f"Arbetet med målet {row['goal']} går enligt plan under årets första tertial.")
        if row["goal"].count(".") == 2:
            row.update(description="Arbetet sker i samverkan med andra förvaltningar.",
                       expected="- Fler får stöd i rätt tid\n- Uppföljningen sker varje tertial")
    for row in rows["texts"]:
        row["text"] = f"- Arbetet inom {row['title'].lower()} har gått framåt\n- Samverkan med civilsamhället har fördjupats"
    economy_values(rng, rows)
    return rows


DRAFT_ERRORS = (  # (sheet, column, value): the mistakes contributors make most
    ("indicators", "period", "Tertial 2 2024"), ("indicators", "outcome", "134 %"), ("indicators", "forecast", "ca 35"),
    ("indicators", "status", "Bra"), ("goals", "assessment", "Uppfylls nästan"), ("activities", "status", "Klar"),
)


def draft_rows(rng: random.Random, rows: Rows) -> Rows:
    """A copy of the rows with one to three of the usual mistakes."""
    draft = {key: [dict(r) for r in items] for key, items in rows.items()}
    candidates = [(s, c, v) for s, c, v in DRAFT_ERRORS if draft.get(s)]
    for sheet, column, value in rng.sample(candidates, k=min(len(candidates), rng.randint(1, 3))):
        rng.choice(draft[sheet])[column] = value
    return draft


def write_submissions(rng: random.Random, cycle: Cycle, inbox: Path, error_share: float) -> int:
    """One workbook per contributor; a share also sent an erroneous draft first ('-utkast' sorts before it)."""
    inbox.mkdir(parents=True, exist_ok=True)
    erroneous = 0
    for contributor in cycle.config.contributors:
        rows = filled_rows(rng, cycle, contributor.id)
        if rng.random() < error_share:
            _save(inbox / f"{contributor.id}-utkast.xlsx", cycle, contributor.id, draft_rows(rng, rows))
            erroneous += 1
        _save(inbox / f"{contributor.id}.xlsx", cycle, contributor.id, rows)
    return erroneous


def _save(path: Path, cycle: Cycle, contributor_id: str, rows: Rows) -> None:
    write_workbook(path, cycle, contributor_id, rows, token_key=EXAMPLE_TOKEN_KEY)
    pin_xlsx_timestamps(path, SAVED_AT)


def main() -> None:
    parser = argparse.ArgumentParser(description="Skriv en syntetisk stad: planer, cykler och inlämningar.")
    parser.add_argument("--out", type=Path, required=True)
    for name, default in (("namnder", 30), ("contributors", 8), ("indicators", 80), ("activities", 60), ("seed", 2024)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--error-share", type=float, default=0.25)
    args = parser.parse_args()
    spec = CitySpec(args.namnder, args.contributors, args.indicators, args.activities, args.error_share, args.seed)
    for namnd in generate_city(spec, args.out):
        print(f"{namnd.name}: {namnd.submissions} inlämningar ({namnd.erroneous} med fel) i {namnd.inbox}")


if __name__ == "__main__":
    main()
