"""Signs as data (issue 15, point 4): the convention per row type lives in the catalogue (`signs:` in
profiles/economy_columns.yaml); a profile may override it (`economy: signs:`), and the sign check of the Intäkter och
kostnader sheet, the row-comment check and the sentences on amounts all read that one definition."""

from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.test_economy_tables import _broken_copy as _copy  # the cycle with its profile changed
from tests.test_row_comments import _with_comments
from tertial.checking.economy_rules import revenue_cost_sign_findings
from tertial.config import load_cycle
from tertial.economy import COST, REVENUE
from tertial.economy_columns import EconomyTables, default_signs, signs_for
from tertial.errors import ConfigError
from tertial.narrative.row_comments import check_row_comments
from tertial.signs import NET, change_phrase, convention_text, growth, sign_hint, sign_ok
from tertial.wording import net_cost_sentence

D = Decimal
POSITIVE_REVENUE = signs_for(EconomyTables(signs={"intäkt": "positiv"}))


def test_the_catalogue_holds_todays_convention():
    assert default_signs() == {REVENUE: -1, COST: 1, NET: 1}
    assert signs_for(None) == default_signs() == signs_for(EconomyTables())
    assert POSITIVE_REVENUE == {REVENUE: 1, COST: 1, NET: 1}
    assert convention_text() == "intäkter skrivs negativa, kostnader positiva"
    assert sign_hint() == "Skriv intäkter med minus (t.ex. -47,0) och kostnader utan minus."


def test_a_profile_with_revenue_positive_accepts_positive_revenues():
    assert sign_ok(REVENUE, D("-47.0")) and not sign_ok(REVENUE, D("47.0"))
    assert sign_ok(REVENUE, D("47.0"), POSITIVE_REVENUE) and not sign_ok(REVENUE, D("-47.0"), POSITIVE_REVENUE)
    assert sign_ok(COST, D("12"), POSITIVE_REVENUE) and not sign_ok(COST, D("-12"), POSITIVE_REVENUE)
    assert sign_ok(None, D("-1"), POSITIVE_REVENUE) and sign_ok(REVENUE, D(0), POSITIVE_REVENUE)
    assert convention_text(POSITIVE_REVENUE) == "intäkter skrivs positiva, kostnader positiva"
    assert sign_hint(POSITIVE_REVENUE) == "Skriv intäkter utan minus och kostnader utan minus."


def _sign_findings(economy):
    sheet = SimpleNamespace(name="Intäkter och kostnader", columns=[SimpleNamespace(key="outcome")],
                            column=lambda key: SimpleNamespace(header="Utfall"))
    frame = pd.DataFrame([{"_row": 2, "name": "Taxor", "kind": "Intäkter", "outcome": 47.0, "outcome_raw": "47,0"},
                          {"_row": 3, "name": "Lokaler", "kind": "kostnad", "outcome": -5.0, "outcome_raw": "-5"}])
    cycle = SimpleNamespace(outline=SimpleNamespace(economy=economy))
    return [(f.item_id, f.message) for f in revenue_cost_sign_findings(frame, sheet, cycle, "ekonomi")]


def test_the_sheets_sign_check_reads_the_profile():
    assert [name for name, _ in _sign_findings(None)] == ["Taxor", "Lokaler"]
    assert _sign_findings(None)[0][1].endswith("Skriv intäkter med minus (t.ex. -47,0) och kostnader utan minus.")
    found = _sign_findings(EconomyTables(signs={"intäkt": "positiv"}))
    assert [name for name, _ in found] == ["Lokaler"]
    assert found[0][1].endswith("Skriv intäkter utan minus och kostnader utan minus.")


def test_sentences_read_the_profiles_convention():
    assert change_phrase(REVENUE, D("2.9"), signs=POSITIVE_REVENUE) == "har ökat med 2,9 mnkr"
    assert change_phrase(REVENUE, D("2.9")) == "har minskat med 2,9 mnkr"
    assert growth(REVENUE, D("-2.9"), POSITIVE_REVENUE) == D("-2.9")
    written_negative = signs_for(EconomyTables(signs={"netto": "negativ"}))[NET]
    assert net_cost_sentence(D("-1198.8"), D("-1171.6"), written_negative) == net_cost_sentence(D("1198.8"), D("1171.6"))
    assert net_cost_sentence(D("1198.8"), D("1171.6")).startswith("Nettokostnaden uppgick till")
    assert net_cost_sentence(D("1198.8"), D("1171.6")).endswith("en ökning med 27,2 mnkr jämfört med föregående år.")


def test_the_row_comment_check_reads_the_profiles_convention():
    # The mini VB's Taxor och avgifter has Förändring −2,9: with revenue written positive the post has shrunk.
    report = _with_comments({"Taxor och avgifter": "Intäkterna har minskat med 2,9 mnkr."})
    assert [f.item_id for f in check_row_comments(report)] == ["Taxor och avgifter"]
    assert check_row_comments(report, POSITIVE_REVENUE) == []
    found = check_row_comments(_with_comments({"Taxor och avgifter": "Intäkterna har ökat med 2,9 mnkr."}), POSITIVE_REVENUE)
    assert [f.item_id for f in found] == ["Taxor och avgifter"]
    assert "posten har minskat med 2,9 mnkr (intäkter skrivs positiva, kostnader positiva)" in found[0].message


@pytest.mark.parametrize("signs, problem", [
    ({"intäkter": "positiv"}, "economy.signs: radtypen 'intäkter' är okänd; välj bland intäkt, kostnad, netto"),
    ({"intäkt": "plus"}, "economy.signs: intäkt: tecknet 'plus' är okänt; skriv negativ eller positiv"),
])
def test_check_config_refuses_an_unknown_row_type_or_sign(tmp_path, signs, problem):
    def with_signs(profile):
        profile["economy"]["signs"] = signs
    with pytest.raises(ConfigError) as caught:
        load_cycle(_copy(tmp_path, with_signs))
    assert caught.value.file.name == "profil.yaml"
    assert caught.value.problems == [problem]


def test_a_profile_may_print_revenue_positive(tmp_path):
    cycle = load_cycle(_copy(tmp_path, lambda profile: profile["economy"].update(signs={"intäkt": "positiv"})))
    assert signs_for(cycle.outline.economy) == POSITIVE_REVENUE
