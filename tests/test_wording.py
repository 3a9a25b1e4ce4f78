"""Count sentences are computed from statuses, in the reports' own phrasing."""

import pytest

from tertial.vocabulary import Assessment, IndicatorStatus
from tertial.wording import goals_sentence, indicator_sentence, number_word

H, D, I, E = IndicatorStatus.HELT, IndicatorStatus.DELVIS, IndicatorStatus.INTE, IndicatorStatus.EJ_MATBAR


@pytest.mark.parametrize(
    "statuses, sentence",
    [
        # Goal 1.3 of T1 2024: three of ten fully, six partly (one without a target).
        ([H] * 3 + [D] * 6 + [E], "Bedömningen grundar sig på att tre av tio indikatorer bedöms uppfyllas helt och sex delvis. En kan inte bedömas ännu."),
        # Goal 3.2: five of six fully, one not.
        ([H] * 5 + [I], "Bedömningen grundar sig på att fem av sex indikatorer bedöms uppfyllas helt och en inte."),
        ([H] * 3, "Bedömningen grundar sig på att samtliga tre indikatorer bedöms uppfyllas helt."),
        ([H, D, I], "Bedömningen grundar sig på att en av tre indikatorer bedöms uppfyllas helt, en delvis och en inte."),
        ([D, D, I], "Bedömningen grundar sig på att två av tre indikatorer bedöms uppfyllas delvis och en inte."),
        ([D], "Indikatorn bedöms uppfyllas delvis."),
        ([E], "Indikatorn kan inte bedömas ännu."),
        ([E, E, E], "Ingen av de tre indikatorerna kan bedömas ännu."),
        ([], ""),
    ],
)
def test_indicator_sentences(statuses, sentence):
    assert indicator_sentence(statuses) == sentence


def test_goal_sentences_use_neuter_number_words():
    helt, delvis = Assessment.HELT, Assessment.DELVIS
    assert goals_sentence([helt] * 4 + [delvis], "målet", "målen för verksamhetsområdena") == (
        "Av de fem målen för verksamhetsområdena bedöms fyra uppfyllas helt och ett delvis.")
    assert goals_sentence([helt] * 10, "nämndmålet", "nämndmålen") == "De tio nämndmålen bedöms uppfyllas helt."
    assert goals_sentence([helt], "nämndmålet", "nämndmålen") == "Nämndmålet bedöms uppfyllas helt."


def test_goal_sentences_when_goals_are_not_assessed():
    """A missing owner leaves its goals 'Ej bedömd'; the sentence says so instead of failing."""
    helt, ej = Assessment.HELT, Assessment.EJ_BEDOMD
    assert goals_sentence([ej, ej], "nämndmålet", "nämndmålen") == "De två nämndmålen har inte bedömts."
    assert goals_sentence([helt, helt, ej], "nämndmålet", "nämndmålen") == (
        "Av de tre nämndmålen bedöms två uppfyllas helt. Ett har inte bedömts.")


def test_number_words():
    assert [number_word(n) for n in (1, 2, 11, 13, 25)] == ["en", "två", "elva", "tretton", "25"]
    assert number_word(1, neuter=True) == "ett"


def test_finding_counts_agree_with_their_noun():
    from tertial.wording import findings_count

    assert findings_count(0, 1) == "0 fel, 1 varning"
    assert findings_count(1, 0) == "1 fel, 0 varningar"
    assert findings_count(2, 3, " och ") == "2 fel och 3 varningar"
