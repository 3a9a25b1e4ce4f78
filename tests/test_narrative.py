"""Narrative consistency: counts, assessment words and amounts in free texts against the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tertial.findings import Severity
from tertial.report_checks import check_report
from tertial.rules import Kind, registry
from tertial.report import (
    Economy, EconomyLine, EconomyTable, GoalSection, IndicatorRow, Person, Report, SummaryBlock, TextBlock,
)
from tertial.vocabulary import Assessment, IndicatorStatus
from tertial.wording import goals_sentence, indicator_sentence

HELT, DELVIS, INTE, EJ = "Uppfylls helt", "Uppfylls delvis", "Uppfylls inte", "Ej mätbar"


# --- builders: the smallest Report that carries the texts and data a case needs ------------------


def indicators(*statuses: str) -> list[IndicatorRow]:
    return [IndicatorRow(id=f"I{n}", name=f"Indikator {n}", unit="%", level="namnd", period="Tertial 1 2024",
                         status=s, status_symbol="") for n, s in enumerate(statuses)]


def goal(number: str, assessment: str = HELT, analysis: str = "", statuses: tuple[str, ...] = (),
         children: list[GoalSection] | None = None) -> GoalSection:
    level = number.count(".") + 1
    return GoalSection(number=number, title=f"Mål {number}", level=level, label="", owner="Avd", missing=False,
                       assessment=assessment, assessment_symbol="", analysis=analysis,
                       indicators=indicators(*statuses), children=children or [])


def namndmal(parent: str, *assessments: str) -> list[GoalSection]:
    return [goal(f"{parent}.{n}", a) for n, a in enumerate(assessments, start=1)]


def block(key: str, text: str, title: str = "") -> TextBlock:
    return TextBlock(key=key, title=title or key.capitalize(), owner="Avd", missing=False, paragraphs=[text] if text else [])


def line(id: str, deviation: str, before: str | None = None, row_type: str = "top", name: str = "") -> EconomyLine:
    """A tertial operations row: budget 100, the forecasts chosen to give these deviations."""
    after, pre = Decimal(deviation), Decimal(before if before is not None else deviation)
    values = {"budget": Decimal(100), "requested": Decimal(0), "performance": Decimal(0),
              "forecast_before": 100 - pre, "forecast_after": 100 - after, "deviation": after}
    return EconomyLine(id=id, name=name or id, row_type=row_type, values=values)


def vb_line(id: str, deviation: str, adjusted: str) -> EconomyLine:
    values = {"budget": Decimal(100), "outcome": 100 - Decimal(deviation), "deviation": Decimal(deviation),
              "transfer": Decimal(adjusted) - Decimal(deviation), "adjusted": Decimal(adjusted)}
    return EconomyLine(id=id, name=id, row_type="top", values=values)


def economy(rows: list[EconomyLine], total: EconomyLine, texts: dict[str, str]) -> Economy:
    table = EconomyTable(title="Driftbudget", unit="mnkr", columns=[], rows=rows, total=total)
    areas = [block(k, t, title=k.removeprefix("ekonomi:")) for k, t in texts.items() if k.startswith("ekonomi:")]
    overview = block("ekonomi", texts.get("ekonomi", ""), title="Uppföljning av driftbudget")
    return Economy(operations=table, area_texts=areas, overview=overview)


def report(goals: list[GoalSection] = (), summary: str = "", blocks: dict[str, str] | None = None,
           econ: Economy | None = None, kind: str = "T1") -> Report:
    person = Person(name="Test Testsson")
    day = dt.date(2024, 4, 30)
    analysis = [SummaryBlock(number=g.number, title=g.title, assessment=g.assessment, sentence="",
                             positive=block(f"positivt:{g.number}", (blocks or {}).get(f"positivt:{g.number}", "")),
                             challenges=block(f"utmaningar:{g.number}", ""))
                for g in goals if g.level == 1]
    return Report(cycle_id="t", kind=kind, year=2024, namnd="Nämnden", title="T", period_end=day, attest_date=day,
                  meeting_date=day, previous_year_header="2023", handlaggare=person, signer=person, decisions=[],
                  summary=block("sammanfattning", summary, title="Sammanfattning"), background="", preparation="",
                  summary_analysis=analysis, directives=block("direktiv", ""), goals=list(goals),
                  economy=econ or Economy(), attesters=[], sources=[])


def only(findings):
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


# --- 1. indicator counts in a goal's analysis ----------------------------------------------------

TEN = (HELT,) * 3 + (DELVIS,) * 6 + (INTE,)


@pytest.mark.parametrize("number, statuses, text, parts", [
    ("1.3", TEN, "Bedömningen grundar sig på att tre av sex indikatorer.",
     ["Analysen för mål 1.3 säger 'tre av sex indikatorer', men målet har tio indikatorer."]),
    ("1.3", TEN, "Bedömningen grundar sig på att tre av sex indikatorer uppfylls helt.",
     ["'tre av sex indikatorer uppfylls helt'", "men målet har tio indikatorer och tre av dem bedöms uppfyllas helt."]),
    ("1.3", TEN, "Bedömningen grundar sig på att tre av tio indikatorer bedöms uppfyllas helt och två delvis.",
     ["men målet har tio indikatorer och tre av dem bedöms uppfyllas helt och sex delvis."]),
    ("2.1.1", (HELT,) * 5 + (DELVIS,), "Samtliga sex indikatorer bedöms uppfyllas helt.",
     ["'Samtliga sex indikatorer bedöms uppfyllas helt'", "sex indikatorer och fem av dem bedöms uppfyllas helt"]),
    ("2.1.1", (INTE,) * 3 + (HELT,) * 3, "Fyra av de sex indikatorerna bedöms inte uppfyllas.",
     ["sex indikatorer och tre av dem bedöms inte uppfyllas"]),
    ("2.1.1", (DELVIS, DELVIS, HELT), "Två indikatorer uppfylls inte.",
     ["'Två indikatorer uppfylls inte'", "tre indikatorer och ingen av dem bedöms inte uppfyllas"]),
])
def test_indicator_count_mismatch(number, statuses, text, parts):
    finding = only(check_report(report([goal(number, analysis=text, statuses=statuses)])))
    assert (finding.rule_id, finding.severity, finding.item_id) == ("narrative_indicator_count", Severity.ERROR, number)
    assert (finding.sheet, finding.column, finding.file) == ("Mål", "Analys", "")
    for part in parts:
        assert part in finding.message


@pytest.mark.parametrize("statuses, text", [
    (TEN, "Bedömningen grundar sig på att tre av tio indikatorer uppfylls helt och sex uppfylls delvis."),
    (TEN, "Tre av de tio indikatorerna bedöms uppfyllas helt, sex delvis och en inte."),
    ((INTE,) * 4 + (HELT,) * 2, "Fyra av de sex indikatorerna bedöms inte uppfyllas."),
    ((HELT,) * 6, "Samtliga indikatorer bedöms uppfyllas helt."),
    ((HELT, DELVIS), "Indikatorerna bedöms uppfyllas delvis och två indikatorer saknar utfall."),
    ((HELT, INTE, EJ), "En av tre indikatorer uppfylls inte; tre av indikatorerna mäts årligen."),
    ((HELT, DELVIS, INTE), "Tre av tre indikatorer har utfall för perioden."),
    ((HELT, DELVIS, INTE), "Två av indikatorerna bedöms inte helt uppfyllas."),
    ((HELT, DELVIS, INTE), "De två indikatorerna som mäter trygghet uppfylls inte."),
    ((HELT, DELVIS, INTE), "Två av de fem indikatorerna inom området bedöms uppfyllas helt."),
])
def test_correct_indicator_counts_pass(statuses, text):
    assert check_report(report([goal("1.3", analysis=text, statuses=statuses)])) == []


@pytest.mark.parametrize("statuses", [
    [IndicatorStatus.HELT] * 3 + [IndicatorStatus.DELVIS] * 6 + [IndicatorStatus.INTE],
    [IndicatorStatus.HELT] * 6, [IndicatorStatus.INTE, IndicatorStatus.DELVIS],
    [IndicatorStatus.DELVIS] * 2 + [IndicatorStatus.INTE] * 2 + [IndicatorStatus.EJ_MATBAR],
    [IndicatorStatus.HELT] * 12 + [IndicatorStatus.INTE] * 11,
])
def test_computed_indicator_sentences_pass(statuses):
    """Our own generated sentences must read back as consistent."""
    text = indicator_sentence(statuses)
    assert check_report(report([goal("1.3", analysis=text, statuses=tuple(s.value for s in statuses))])) == []


def test_branch_count_passes_in_a_level_2_analysis():
    """A level-2 analysis may count the indicators of its nämndmål too."""
    child = goal("1.1.1", statuses=(HELT, HELT, DELVIS))
    parent = goal("1.1", analysis="Fyra av fem indikatorer uppfylls helt.", statuses=(HELT, HELT), children=[child])
    assert check_report(report([goal("1", children=[parent])])) == []


# --- 2. goal counts ------------------------------------------------------------------------------


def _inriktningsmal(number: str, *area_goals: list[GoalSection], analysis: str = "") -> GoalSection:
    children = [goal(f"{number}.{n}", children=kids) for n, kids in enumerate(area_goals, start=1)]
    return goal(number, analysis=analysis, children=children)


def test_seed_namndens_27_mal_with_25_namndmal():
    goals = [_inriktningsmal("1", namndmal("1.1", *[HELT] * 12), namndmal("1.2", *[HELT] * 13))]
    finding = only(check_report(report(goals, summary="Av nämndens 27 mål bedöms alla uppnås helt.")))
    assert (finding.rule_id, finding.item_id, finding.sheet, finding.column) == ("narrative_goal_count", "sammanfattning", "Texter", "Text")
    assert finding.value == "nämndens 27 mål bedöms alla uppnås helt"
    assert "Texten 'Sammanfattning' säger 'nämndens 27 mål bedöms alla uppnås helt', men nämnden har 25 nämndmål" in finding.message


def test_seed_de_elva_namndmalen_with_10():
    text = "De elva nämndmålen bedöms uppfyllas helt."
    goals = [_inriktningsmal("1", namndmal("1.1", *[HELT] * 4), namndmal("1.2", *[HELT] * 6), analysis=text)]
    finding = only(check_report(report(goals)))
    assert (finding.rule_id, finding.item_id, finding.value) == ("narrative_goal_count", "1", "De elva nämndmålen bedöms uppfyllas helt")
    assert "Analysen för mål 1 säger 'De elva nämndmålen bedöms uppfyllas helt', men målet har tio nämndmål och samtliga bedöms uppfyllas helt" in finding.message


@pytest.mark.parametrize("assessments, text, expected", [
    ([HELT] * 4 + [DELVIS], "Av de fem nämndmålen bedöms fyra uppfyllas helt och ett delvis.", None),
    ([HELT] * 3 + [DELVIS] * 2, "Av de fem nämndmålen bedöms fyra uppfyllas helt och ett delvis.",
     "fem nämndmål och tre av dem bedöms uppfyllas helt och två delvis"),
    ([HELT] * 3, "Två nämndmål bedöms uppfyllas delvis.", "tre nämndmål och inget av dem bedöms uppfyllas delvis"),
    ([HELT] * 3, "Tre nämndmål har aktiviteter som pågår.", None),
    ([HELT] * 3, "De två nämndmålen inom äldreomsorgen bedöms uppfyllas helt.", None),
    ([HELT] * 3, "Alla tre nämndmålen bedöms uppfyllas helt.", None),
    ([HELT] * 3, "Nämnden har fyra nämndmål.", "men nämnden har tre nämndmål"),
    ([HELT] * 3, "Nämnden har fyra nämndmål inom området.", None),
])
def test_namndmal_in_a_level_1_analysis(assessments, text, expected):
    goals = [_inriktningsmal("1", namndmal("1.1", *assessments), analysis=text)]
    findings = check_report(report(goals))
    if expected is None:
        assert findings == []
    else:
        assert only(findings).rule_id == "narrative_goal_count" and expected in findings[0].message


def test_area_goal_count_in_a_level_1_analysis():
    goals = [_inriktningsmal("1", [], [], analysis="Två av tre mål för verksamhetsområdet bedöms uppfyllas helt.")]
    finding = only(check_report(report(goals)))
    assert finding.item_id == "1"
    assert "men målet har två mål för verksamhetsområdet och samtliga bedöms uppfyllas helt" in finding.message


def test_computed_goal_sentences_pass():
    kids = namndmal("1.1", HELT, HELT, DELVIS)
    assessments = [Assessment(k.assessment) for k in kids]
    text = goals_sentence(assessments, "nämndmålet", "nämndmålen") + " " + goals_sentence(
        [Assessment.HELT, Assessment.DELVIS], "målet för verksamhetsområdet", "målen för verksamhetsområdena")
    goals = [goal("1", analysis=text, children=[goal("1.1", children=kids), goal("1.2", DELVIS)])]
    assert check_report(report(goals)) == []


def test_summary_analysis_counts_under_its_inriktningsmal():
    goals = [_inriktningsmal("1", namndmal("1.1", DELVIS, DELVIS, HELT)), _inriktningsmal("2", namndmal("2.1", DELVIS))]
    finding = only(check_report(report(goals, blocks={"positivt:1": "Tre nämndmål bedöms uppfyllas delvis."})))
    assert (finding.item_id, finding.sheet) == ("positivt:1", "Texter")
    assert "men inriktningsmål 1 har tre nämndmål och två av dem bedöms uppfyllas delvis" in finding.message


def test_inriktningsmal_count_in_the_summary():
    goals = [_inriktningsmal("1"), _inriktningsmal("2")]
    text = "Förvaltningen bedömer att kommunfullmäktiges tre inriktningsmål nås under året."
    finding = only(check_report(report(goals, summary=text)))
    assert "men nämnden har två inriktningsmål" in finding.message
    assert check_report(report([*goals, _inriktningsmal("3")], summary=text)) == []


# --- 3. assessment words -------------------------------------------------------------------------


@pytest.mark.parametrize("number, assessment, text, value", [
    ("3.2.1", HELT, "Förvaltningen bedömer att nämndmålet kommer att uppfyllas delvis.", "nämndmålet kommer att uppfyllas delvis"),
    ("3.2.1", DELVIS, "Nämndmålet bedöms nås helt under året.", "Nämndmålet bedöms nås helt"),
    ("3.2", HELT, "Målet bedöms inte nås helt.", "Målet bedöms inte nås helt"),
    ("3.2", DELVIS, "Målet uppfylls inte.", "Målet uppfylls inte"),
    ("3", INTE, "Sammantaget är inriktningsmålet delvis uppfyllt.", "inriktningsmålet delvis uppfyllt"),
])
def test_assessment_word_mismatch(number, assessment, text, value):
    goals = [goal(number, assessment, analysis=text)]
    finding = only(check_report(report(goals)))
    assert (finding.rule_id, finding.severity, finding.item_id, finding.value) == ("narrative_assessment_word", Severity.ERROR, number, value)
    assert f"Analysen för mål {number} säger '{value}', men målets bedömning är '{assessment}'" in finding.message


@pytest.mark.parametrize("number, assessment, text", [
    ("3.2.1", HELT, "Nämndmålet bedöms nås helt under året."),
    ("3.2.1", HELT, "Indikatorerna bedöms uppfyllas delvis. Nämndmålet bedöms nås helt."),
    ("3.2.1", HELT, "Årsmålet nås inte och platsmålet nås inte. Målet bedöms nås helt under året."),
    ("3.2.1", HELT, "KF-målet bedöms uppfyllas delvis, men nämndmålet nås helt."),
    ("3.2", DELVIS, "Målet bedöms inte nås helt."),
    ("3.2", INTE, "Målet bedöms inte kunna nås."),
    ("3", HELT, "Målet för verksamhetsområdet trygghet bedöms nås delvis. Nämndmålet bedöms uppfyllas delvis."),
    ("3.2.1", DELVIS, "Om målet nås helt kommer fler barn att få plats."),
    ("3.2.1", DELVIS, "Målet bedöms nås under året."),
    ("3.2.1", "Ej bedömd", "Målet bedöms nås helt."),
])
def test_assessment_words_that_agree_or_are_not_about_the_goal(number, assessment, text):
    assert check_report(report([goal(number, assessment, analysis=text)])) == []


# --- 4. amounts ----------------------------------------------------------------------------------

IOF = [line("iof", "-13.0", name="Individ- och familjeomsorg"), line("iof-barn", "-20.0", row_type="varav"),
       line("adm", "2.8", before="1.5")]
TOTAL = line("total", "-9.6", before="-6.5")


@pytest.mark.parametrize("key, text, scope, expected", [
    ("ekonomi", "Nämnden redovisar ett överskott om 15,0 mnkr.", "driftbudgetens totalrad", "-9,6 mnkr"),
    ("ekonomi:iof", "Verksamhetsområdet prognostiserar ett underskott på 12,0 mnkr efter resultatöverföringar.",
     "raden 'Individ- och familjeomsorg' i driftbudgeten (efter resultatöverföringar)", "-13,0 mnkr"),
    ("ekonomi:adm", "Verksamhetsområdet prognostiserar ett överskott på 2,8 mnkr efter resultatöverföringar. "
                    "Före resultatöverföringar är det ett överskott på 2,0 mnkr.", "raden 'adm' i driftbudgeten (före resultatöverföringar)", "+1,5 mnkr"),
    ("ekonomi:adm", "Överskottet med 2,8 mnkr före resultatöverföringar förklaras av vakanser.",
     "raden 'adm' i driftbudgeten (före resultatöverföringar)", "+1,5 mnkr"),
])
def test_amount_mismatch(key, text, scope, expected):
    finding = only(check_report(report(econ=economy(IOF, TOTAL, {key: text}))))
    assert (finding.rule_id, finding.severity, finding.item_id, finding.column) == ("narrative_amount", Severity.WARNING, key, "Text")
    assert f"säger '{finding.value}', men {scope} visar en avvikelse på {expected}" in finding.message


@pytest.mark.parametrize("key, text", [
    ("ekonomi", "Prognosen ger ett underskott på 6,5 mnkr före resultatöverföringar och ett underskott på 9,6 mnkr efter dem."),
    ("ekonomi", "Individ- och familjeomsorgen visar ett underskott på 13,0 mnkr."),  # a row named in the overview
    ("ekonomi", "Nämnden redovisar ett underskott om 9,5 mnkr."),  # within 0,1 mnkr
    ("ekonomi:iof", "Ett underskott på 13,0 mnkr efter resultatöverföringar, varav barn och unga ett underskott på 20,0 mnkr."),
    ("ekonomi:adm", "Före resultatöverföringar är det ett överskott på 1,5 mnkr; efter dem ett överskott på 2,8 mnkr."),
    ("ekonomi:adm", "Vakanser ger överskottet. Ett överskott på drygt 3 mnkr väntas."),
])
def test_correct_amounts_pass(key, text):
    assert check_report(report(econ=economy(IOF, TOTAL, {key: text}))) == []


def test_amounts_in_the_summary_are_checked_against_the_total():
    text = "Nämnden som helhet prognostiserar ett underskott på 5,0 mnkr före resultatöverföringar."
    finding = only(check_report(report(summary=text, econ=economy(IOF, TOTAL, {}))))
    assert finding.item_id == "sammanfattning" and "driftbudgetens totalrad (före resultatöverföringar) visar en avvikelse på -6,5 mnkr" in finding.message


def test_vb_uses_adjusted_deviation_after_transfers():
    rows = [vb_line("iof", "-4.0", "-1.0")]
    ok = "Ett underskott på 4,0 mnkr före resultatöverföringar och ett underskott på 1,0 mnkr efter resultatöverföringar."
    assert check_report(report(econ=economy(rows, vb_line("total", "-4.0", "-1.0"), {"ekonomi:iof": ok}), kind="VB")) == []
    wrong = "Ett underskott på 4,0 mnkr efter resultatöverföringar."
    finding = only(check_report(report(econ=economy(rows, vb_line("total", "-4.0", "-1.0"), {"ekonomi:iof": wrong}), kind="VB")))
    assert "visar en avvikelse på -1,0 mnkr" in finding.message


# --- declarations --------------------------------------------------------------------------------


def test_every_rule_has_a_message_with_the_placeholders_used():
    report_rules = [rule for rule in registry().values() if rule.kind is Kind.REPORT]
    assert len(report_rules) == 25
    for rule in report_rules:
        assert {"place", "value", "expected"} <= rule.placeholders, rule.id


def test_reference_to_a_missing_bilaga_is_flagged(mini_cycle, tmp_path):
    from tertial.assembly import build_report
    from tests.builders import accepted_versions
    from tertial.narrative.references import check_attachments

    report = build_report(mini_cycle, accepted_versions(mini_cycle, tmp_path))
    findings = check_attachments(report)
    # The mini cycle lists one bilaga; its decision point 3 (after the standard approval) refers to bilaga 3.
    assert [(f.rule_id, f.item_id, f.value) for f in findings] == [("narrative_attachment", "3", "bilaga 3")]
    assert "Beslutspunkt 3 hänvisar till 'bilaga 3', men rapporten har 1 bilagor" in findings[0].message


# --- resultatenheter against the funds: Σ Resultat (tkr) is what the operations table moves (mnkr) --

def _golden(name: str) -> Report:
    from pathlib import Path

    return Report.model_validate_json((Path(__file__).parent / "golden" / f"{name}.json").read_text(encoding="utf-8"))


def _with_result(report: Report, result: str) -> Report:
    units = report.economy.result_units
    total = units.table.total.model_copy(update={"values": {**units.table.total.values, "result": Decimal(result)}})
    table = units.table.model_copy(update={"total": total})
    economy = report.economy.model_copy(update={"result_units": units.model_copy(update={"table": table})})
    return report.model_copy(update={"economy": economy})


@pytest.mark.parametrize("name", ["mini-cycle", "mini-t2", "mini-vb"])
def test_result_units_that_match_the_funds_pass(name):
    from tertial.economy_checks import check_fund_withdrawal

    assert check_fund_withdrawal(_golden(name)) == []


def test_result_units_that_take_more_than_the_forecast_are_an_error():
    """Seed 004's case: the units' results sum to 7 437 tkr while the table takes 6,5 mnkr from the funds."""
    from tertial.economy_checks import check_fund_withdrawal

    report = _golden("mini-cycle")  # Prognos före 1 207,7 − efter 1 205,2 = 2,5 mnkr
    [finding] = check_fund_withdrawal(_with_result(report, "3437"))
    assert finding.severity is Severity.ERROR and finding.rule_id == "narrative_fund_withdrawal"
    assert finding.message == ("Tabellen Resultatenheter: resultatenheternas resultat summerar till 3,4 mnkr, men driftbudgeten "
                               "(Prognos före − Prognos efter resultatöverföringar) visar 2,5 mnkr. "
                               "Rätta resultaten eller driftbudgeten så att de stämmer.")
    assert check_fund_withdrawal(_with_result(report, "2580")) == []  # within ±0,1 mnkr of rounding
    assert any(f.rule_id == "narrative_fund_withdrawal" for f in check_report(_with_result(report, "3437")))


def test_vb_result_units_are_compared_with_the_resultatoverforing_and_its_sign():
    from tertial.economy_checks import check_fund_withdrawal

    report = _golden("mini-vb")  # Resultatöverföring −2,5: the units put 2,5 mnkr into the funds
    [finding] = check_fund_withdrawal(_with_result(report, "2500"))
    assert "summerar till 2,5 mnkr" in finding.message and "(Resultatöverföring) visar -2,5 mnkr" in finding.message
