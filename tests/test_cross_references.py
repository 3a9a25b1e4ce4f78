"""References and repetition (issue 16, point 7): bilaga N against its title, a paragraph pasted under two goals or
activities, a goal's title quoted otherwise than the plan. Real sentences of seeds 004 and 002, and invented mistakes."""

from __future__ import annotations

import datetime as dt

from tertial.narrative.cross_references import check_attachment_titles, check_goal_titles, check_repeated_paragraphs
from tertial.report import ActivityRow
from tertial.report_checks import check_report
from tests.test_narrative import goal, report

# seed 004, L79–L89 and its Förslag till beslut (L17–L23)
ATTACHMENTS = ["SDN14", "Ansökan om budgetjusteringar för särskilda ändamål - investeringar",
               "Ansökan om budgetjusteringar för särskilda ändamål - drift",
               "Ansökan kompetensutvecklingsmedel rehabilitering", "Åtgärdsplan för att förebygga brott 2024"]
DECISIONS = [
    "Enskede-Årsta-Vantörs stadsdelsnämnd godkänner tertialrapport 1 år 2024 för Enskede-Årsta-Vantörs stadsdelsnämnd "
    "inklusive bilagor och överlämnar ärendet till kommunstyrelsen.",
    "Enskede-Årsta-Vantörs stadsdelsnämnd godkänner ansökan om budgetjustering hos kommunstyrelsen med 0,2 mnkr för "
    "trygghetsinvestering enligt bilaga 2 (investering).",
    "Enskede-Årsta-Vantörs stadsdelsnämnd godkänner ansökan om budgetjustering hos kommunstyrelsen med 0,8 mnkr för "
    "klimatinvestering enligt bilaga 2 (investering).",
    "Enskede-Årsta-Vantörs stadsdelsnämnd godkänner ansökan om budgetjustering hos kommunstyrelsen med 0,9 mnkr för "
    "lokalt arbete med demokrati och mänskliga rättigheter enligt bilaga 3 (drift).",
    "Enskede-Årsta Vantörs stadsdelsnämnd godkänner ansökan om kompetensutvecklingsmedel om 1,5 mnkr för utbildning i "
    "rehabilitering inom äldreomsorg enligt bilaga 4.",
    "Enskede-Årsta-Vantörs stadsdelsnämnd godkänner åtgärdsplan mot brott enligt bilaga 5.",
]


def _with(decisions=DECISIONS, attachments=ATTACHMENTS, goals=(), summary=""):
    return report(list(goals), summary=summary).model_copy(update={"decisions": list(decisions), "attachments": attachments})


# --- bilaga N against its title -----------------------------------------------------------------------------------

def test_seed004_decisions_name_the_bilagor_they_refer_to():
    assert check_report(_with()) == []


def test_a_drift_request_referred_to_the_investment_bilaga_is_found():
    wrong = DECISIONS[:3] + [DECISIONS[3].replace("bilaga 3 (drift)", "bilaga 2 (drift)")] + DECISIONS[4:]
    found = check_attachment_titles(_with(wrong))
    assert [(f.rule_id, f.item_id, f.value) for f in found] == [("narrative_attachment_title", "4", "bilaga 2")]
    assert "bilaga 3 ('Ansökan om budgetjusteringar för särskilda ändamål - drift')" in found[0].message


def test_seed002_bilaga_5_against_an_invented_list():
    # seed 002, L5618: the only numbered bilaga of the VB; the list itself is not in the seed
    text = ("En uppföljning av jämställdhets- och mångfaldsplanen har gjorts i ILS-webben och bifogas "
            "verksamhetsberättelsen, bilaga 5.")
    listed = ["Resultaträkning", "Balansräkning", "Investeringar", "Resultatenheter",
              "Uppföljning av jämställdhets- och mångfaldsplanen"]
    assert check_attachment_titles(_with([], listed, summary=text)) == []
    found = check_attachment_titles(_with([], listed, summary=text.replace("bilaga 5", "bilaga 4")))
    assert [f.value for f in found] == ["bilaga 4"] and "bilaga 5" in found[0].message


def test_a_reference_without_words_of_any_title_is_not_judged():
    assert check_attachment_titles(_with(["Nämnden godkänner rapporten, se bilaga 1 och bilaga 3."])) == []


# --- the same paragraph under two goals or activities -------------------------------------------------------------

# seed 004 L1415: a paragraph of the economy analysis; pasted under a second goal it is a mistake
PASTED = ("Under flera år har förvaltningen arbetat med att bygga upp både en beredskap och resurser för att hantera "
          "snabba svängningar i ekonomin och samtidigt säkerställa att lagreglerade verksamheter och insatser kan garanteras.")
# seed 004 L997 = L1041 = L1942: the assessment formula every nämndmål repeats
FORMULA = ("Förvaltningen bedömer att nämndmålet kommer att uppfyllas helt under året. Bedömningen grundar sig på att det "
           "förväntade resultatet beräknas uppnås. Vidare bedöms indikatorerna uppnås och planerade aktiviteter har "
           "påbörjats eller bedöms genomföras.")


def test_seed004_assessment_formula_repeated_under_every_namndmal_passes():
    goals = [goal("1.4.1", analysis=FORMULA), goal("1.4.2", analysis=FORMULA), goal("3.5.1", analysis=FORMULA)]
    assert check_repeated_paragraphs(report(goals)) == []


def test_a_paragraph_pasted_under_two_goals_names_both():
    goals = [goal("3.1", analysis=PASTED + "\n\nPrognosen är osäker."), goal("3.4", analysis="Arbetsmiljön följs upp.\n\n" + PASTED)]
    found = check_report(report(goals))
    assert [(f.rule_id, f.item_id) for f in found] == [("narrative_repeated_paragraph", "3.4")]
    assert found[0].message.startswith("Analysen för mål 3.4 har samma stycke som Analysen för mål 3.1: 'Under flera år")


def _activity(id: str, analysis: str) -> ActivityRow:
    return ActivityRow(id=id, name=f"Aktivitet {id}", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31),
                       status="Pågår", completed=False, analysis=analysis)


def test_a_paragraph_pasted_under_two_activities_is_found():
    g = goal("1.3.1").model_copy(update={"activities": [_activity("A1", PASTED), _activity("A2", PASTED),
                                                        _activity("A3", "Aktiviteten pågår enligt plan.")]})
    g2 = goal("1.3.2").model_copy(update={"activities": [_activity("A4", "Aktiviteten pågår enligt plan.")]})
    found = check_repeated_paragraphs(report([g, g2]))
    assert [(f.item_id, f.sheet) for f in found] == [("A2", "Aktiviteter")]
    assert "Analysen för aktiviteten 'Aktivitet A1' under mål 1.3.1" in found[0].message


# --- a goal's title quoted otherwise than the plan --------------------------------------------------------------

TITLE_24 = "Stockholmarnas hälsa ska främjas genom ren luft, rent vatten och giftfria miljöer"


def _titled(number: str, title: str):
    return goal(number).model_copy(update={"title": title})


def test_seed004_misspelt_quote_of_goal_2_4_is_found():
    # seed 004 L1323 prints the heading "2.4 Stockholmnarnas hälsa … giffria miljöer" (the plan: Stockholmarnas, giftfria)
    text = "Se även 2.4 Stockholmnarnas hälsa ska främjas genom ren luft, rent vatten och giffria miljöer."
    found = check_goal_titles(report([_titled("2.4", TITLE_24)], summary=text))
    assert [(f.rule_id, f.item_id) for f in found] == [("narrative_goal_title", "sammanfattning")]
    assert f"i planen heter det '2.4 {TITLE_24}'" in found[0].message


def test_a_right_quote_a_shortened_one_and_other_numbers_pass():
    texts = [f"Se även 2.4 {TITLE_24}.",
             "Arbetet beskrivs under 2.4 Stockholmarnas hälsa, där luftkvaliteten följs upp med nya mätningar i år.",
             "Förskolan prognostiserar 1,3 mnkr och 2.4 procent av barnen har plats."]
    for text in texts:
        assert check_goal_titles(report([_titled("2.4", TITLE_24)], summary=text)) == [], text
