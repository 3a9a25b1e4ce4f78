"""Signed deviation headings over each verksamhetsområde's text: '+2,5 mnkr', '-9,1 mnkr', '±0 mnkr'.

The built-in T2 and VB profiles print them (the reports of seed 002 do: "Barn och ungdom +4,5 mnkr"); the T1
does not (seed 004 heads its area texts with labels alone). A nämnd's profile chooses the column, the minus
sign, each text's label, texts without a heading figure and headings without a row in the table.
"""

import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tests.builders import accepted_versions
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.numbers import format_number, format_signed
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes

MINUS = "\u2212"

# A VB profile of its own: Avvikelse mot budget (not the justerad one), the typographic minus, its own labels,
# a varav row with a heading of its own, a text without a figure and a purpose without a table row.
OWN_PROFILE = {
    "extends": "VB",
    "deviation_headings": {"column": "deviation", "minus": MINUS},
    "area_texts": [
        {"row": "aldre", "label": "Äldreomsorg inkl. hemtjänst"},
        {"row": "iof"},
        {"row": "iof-barn", "label": "Barn och unga"},
        {"row": "avskr", "deviation": False},
        {"key": "feriejobb", "label": "Feriejobb (särskilt finansierade)"},
    ],
}
OWN_TEXTS = ["ekonomi:aldre", "ekonomi:iof", "ekonomi:iof-barn", "ekonomi:avskr", "ekonomi:feriejobb"]


def _own_cycle(root: Path, profile: dict, texts: list[str] = OWN_TEXTS) -> Path:
    """The mini VB with `profile` as its profil.yaml and the area texts it declares owned by the economy owner."""
    shutil.copytree(DATA / "mini", root, dirs_exist_ok=True)
    (root / "profil.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    config = yaml.safe_load((root / "vb.yaml").read_text(encoding="utf-8"))
    config.pop("t2_report")
    config["profile"] = "profil.yaml"
    stab = config["contributors"][0]["owns"]
    stab["texts"] = [t for t in stab["texts"] if not t.startswith("ekonomi:")] + texts
    (root / "vb.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root / "vb.yaml"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("headings")
    shutil.copytree(DATA / "mini", root, dirs_exist_ok=True)
    built = {}
    for name in ("cycle", "t2"):
        cycle = load_cycle(root / f"{name}.yaml")
        built[name] = build_report(cycle, accepted_versions(cycle, root / f"inkorg-{name}"))
    own = load_cycle(_own_cycle(tmp_path_factory.mktemp("own"), OWN_PROFILE))
    built["own"] = build_report(own, accepted_versions(own, own.source.parent / "inkorg"))
    return built


def _titles(report) -> list[str]:
    return [block["title"] for block in json.loads(render_json(report))["economy"]["area_texts"]]


def _word_headings(report) -> str:
    with zipfile.ZipFile(io.BytesIO(document_bytes(report))) as docx:
        return docx.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("value, style, expected", [
    (Decimal("3.2"), {}, "+3,2 mnkr"),
    (Decimal("-1.4"), {}, "-1,4 mnkr"),
    (Decimal("-1.4"), {"minus": MINUS}, f"{MINUS}1,4 mnkr"),
    (Decimal("0"), {}, "±0 mnkr"),
    (Decimal("-0.04"), {}, "±0 mnkr"),  # printed as 0,0 in the table: no sign to give it
    (Decimal("0.05"), {}, "+0,1 mnkr"),  # half up, as the table rounds
    (Decimal("-1.25"), {}, "-1,3 mnkr"),
    (Decimal("0.3"), {"spaced": True}, "+ 0,3 mnkr"),
    (Decimal("0"), {"spaced": True}, "± 0 mnkr"),
    (Decimal("1234.56"), {}, "+1\u00a0234,6 mnkr"),
])
def test_the_signed_figure_is_printed_as_the_reports_print_it(value, style, expected):
    assert format_signed(value, 1, "mnkr", **style) == expected


@pytest.mark.parametrize("value", ["16.75", "16.749", "-6.45", "-0.05", "0.049", "2757.85"])
def test_the_heading_shows_the_figure_the_table_prints(value):
    printed = format_number(Decimal(value), 1).lstrip("-")
    figure = format_signed(Decimal(value), 1, "mnkr").removesuffix(" mnkr")
    assert figure == ("±0" if printed == "0,0" else ("-" if value.startswith("-") else "+") + printed)


def test_t1_heads_area_texts_with_their_labels_alone(reports):
    assert _titles(reports["cycle"]) == ["Individ- och familjeomsorg", "Äldreomsorg"]


def test_a_t1_profile_may_give_its_area_texts_their_printed_labels_without_figures(tmp_path):
    shutil.copytree(DATA / "mini", tmp_path, dirs_exist_ok=True)
    profile = {"extends": "T1", "area_texts": [{"row": "iof", "label": "Individ- och familjeomsorg inkl. socialpsykiatri"},
                                               {"row": "iof-barn", "label": "Individ- och familjeomsorg för barn och ungdom"}]}
    (tmp_path / "profil.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    config = yaml.safe_load((tmp_path / "cycle.yaml").read_text(encoding="utf-8"))
    config["profile"] = "profil.yaml"
    texts = config["contributors"][0]["owns"]["texts"]
    texts[texts.index("ekonomi:aldre")] = "ekonomi:iof-barn"
    (tmp_path / "cycle.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    cycle = load_cycle(tmp_path / "cycle.yaml")
    report = build_report(cycle, accepted_versions(cycle, tmp_path / "inkorg"))
    assert _titles(report) == ["Individ- och familjeomsorg inkl. socialpsykiatri", "Individ- och familjeomsorg för barn och ungdom"]


def test_t2_heads_each_area_text_with_its_deviation_in_json_html_and_word(reports):
    report = reports["t2"]
    assert _titles(report) == ["Individ- och familjeomsorg -13,0 mnkr", "Äldreomsorg ±0 mnkr"]
    html = render_html(report)
    assert "<h4>Individ- och familjeomsorg -13,0 mnkr</h4>" in html and "<h4>Äldreomsorg ±0 mnkr</h4>" in html
    xml = _word_headings(report)
    assert ">Individ- och familjeomsorg -13,0 mnkr<" in xml and ">Äldreomsorg ±0 mnkr<" in xml


def test_a_profile_chooses_column_minus_labels_and_headings_without_a_row(reports):
    report = reports["own"]
    assert _titles(report) == [
        "Äldreomsorg inkl. hemtjänst +2,5 mnkr", f"Individ- och familjeomsorg {MINUS}9,1 mnkr",
        f"Barn och unga {MINUS}15,6 mnkr", "Avskrivningar", "Feriejobb (särskilt finansierade)",
    ]
    html = render_html(report)
    for title in _titles(report):
        assert f"<h4>{title}</h4>" in html
    assert report.economy.deviation_heading == f"{MINUS}9,1 mnkr"  # the total's heading in the profile's style too
    xml = _word_headings(report)
    assert ">Äldreomsorg inkl. hemtjänst +2,5 mnkr<" in xml and f">Barn och unga {MINUS}15,6 mnkr<" in xml
    assert ">Feriejobb (särskilt finansierade)<" in xml


def test_without_the_economy_owners_submission_the_headings_are_labels_alone(tmp_path):
    cycle = load_cycle(_own_cycle(tmp_path, OWN_PROFILE))
    accepted = {key: item for key, item in accepted_versions(cycle, tmp_path / "inkorg").items() if key != "stab"}
    report = build_report(cycle, accepted)
    assert _titles(report) == ["Äldreomsorg inkl. hemtjänst", "Individ- och familjeomsorg", "Barn och unga", "Avskrivningar",
                               "Feriejobb (särskilt finansierade)"]
    assert report.economy.deviation_heading == ""


def test_the_heading_figure_is_the_tables_figure_for_its_row(reports):
    data = json.loads(render_json(reports["own"]))["economy"]
    printed = {row["id"]: format_number(Decimal(str(row["values"]["deviation"])), 1) for row in data["operations"]["rows"]}
    assert printed["aldre"] == "2,5" and printed["iof"] == "-9,1"


def test_a_nämnd_may_turn_the_base_profiles_headings_off(tmp_path):
    cycle = load_cycle(_own_cycle(tmp_path, {"extends": "VB", "deviation_headings": None}, ["ekonomi:iof", "ekonomi:aldre"]))
    assert cycle.outline.deviation_headings is None
    report = build_report(cycle, accepted_versions(cycle, tmp_path / "inkorg"))
    assert _titles(report) == ["Individ- och familjeomsorg", "Äldreomsorg"]


@pytest.mark.parametrize("change, expected", [
    ({"deviation_headings": {"column": "forecast_after"}},
     "deviation_headings.column: kolumnen 'forecast_after' finns inte i driftbudgeten i en VB; välj bland: previous, "
     "budget, outcome, deviation, transfer, adjusted"),
    ({"area_texts": [{"row": "hemtjanst"}]},
     "area_texts[0].row: raden 'hemtjanst' finns inte i planens economy.areas; ange en av: iof, "
     "iof-barn, aldre, avskr"),
    ({"area_texts": [{"key": "aldre", "label": "Äldre"}]},
     "area_texts[0].key: 'aldre' är en rad i driftbudgeten; skriv row: aldre"),
    ({"area_texts": [{"row": "iof"}, {"row": "iof", "label": "IoF"}]},
     "area_texts[1]: texten 'ekonomi:iof' står redan i listan; varje text en gång"),
])
def test_check_config_names_the_profile_file_and_key_of_a_wrong_heading(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_own_cycle(tmp_path, {"extends": "VB", **change}))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.problems


def test_an_unknown_minus_sign_is_named_in_swedish(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_own_cycle(tmp_path, {"extends": "VB", "deviation_headings": {"minus": "minus"}}))
    assert caught.value.problems == ["deviation_headings.minus: förväntade ett av: '-', '\u2212' eller '\u2013' (fann 'minus')"]


@pytest.mark.parametrize("area, expected", [
    ({"row": "iof", "key": "x"}, "ange antingen row"),
    ({"key": "feriejobb"}, "rubriken 'feriejobb' har ingen rad i driftbudgeten och behöver en label"),
])
def test_a_heading_is_a_row_or_a_labelled_key(tmp_path, area, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_own_cycle(tmp_path, {"extends": "VB", "area_texts": [area]}))
    assert caught.value.file.name == "profil.yaml"
    assert any("area_texts[0]" in p and expected in p for p in caught.value.problems), caught.value.problems
