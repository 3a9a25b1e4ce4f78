"""Configuration: plan and cycle load, and every mistake is named in Swedish with its key path."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tertial.config import MAX_CONFIG_BYTES, load_cycle, load_plan
from tertial.errors import ConfigError
from tertial.vocabulary import Level, ReportKind

MINI_DIR = Path(__file__).parent / "data" / "mini"


def test_mini_cycle_loads_with_every_item_owned(mini_cycle):
    assert mini_cycle.kind is ReportKind.T1
    assert mini_cycle.title == "Tertialrapport 1 år 2025 för Testdals socialnämnd"
    # Indicators and activities follow the owner of their goal.
    assert mini_cycle.indicator_owner["1.1.1-I1"] == "barn"
    assert mini_cycle.activity_owner["1.2-A1"] == "aldre"
    assert mini_cycle.economy_owner == "stab"
    assert mini_cycle.deadline("aldre").isoformat() == "2025-05-05"  # its own deadline
    assert mini_cycle.deadline("barn").isoformat() == "2025-05-07"  # the cycle default


def test_indicator_level_follows_goal_depth(mini_cycle):
    plan = mini_cycle.plan
    levels = {i.id: plan.indicator_level(i) for i in plan.indicators}
    assert levels["1.1-I1"] is Level.KF
    assert levels["1.1.1-I1"] is Level.NAMND


def test_targets_parse_numbers_and_closed_texts(mini_cycle):
    by_id = {i.id: i for i in mini_cycle.plan.indicators}
    assert str(by_id["1.1-I1"].annual_target.value) == "70"
    assert by_id["1.1-I1"].kf_target.text == "Tas fram av nämnd"
    assert by_id["2.1-I1"].annual_target.text == "+/- 1 %"


def _write_variant(tmp_path: Path, change) -> Path:
    """Copy the mini cycle to tmp_path, applying `change` to the cycle data."""
    data = yaml.safe_load((MINI_DIR / "cycle.yaml").read_text(encoding="utf-8"))
    plan = yaml.safe_load((MINI_DIR / "plan.yaml").read_text(encoding="utf-8"))
    change(data, plan)
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    path = tmp_path / "cycle.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _problems(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_cycle(path)
    assert caught.value.file.name in ("cycle.yaml", "plan.yaml")
    return caught.value.message_sv


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda c, p: c.update(kind="T3"), "kind: förväntade ett av: 'T1', 'T2' eller 'VB'"),
        (lambda c, p: c.update(period_end="30 april"), "period_end: förväntade ett datum på formen ÅÅÅÅ-MM-DD"),
        (lambda c, p: c["contributors"][1].update(email="inte-en-adress"), "contributors[1] (id barn).email: har fel form"),
        (lambda c, p: c["contributors"][0].update(färg="blå"), "contributors[0] (id stab).färg: okänd nyckel"),
        (lambda c, p: c["contributors"][2]["owns"].update(goals=[]), "mål 1.2 ägs inte av någon bidragsgivare"),
        (lambda c, p: c["contributors"][2]["owns"].update(goals=["1.2", "1.1"]), "mål 1.1 ägs av flera: barn, aldre"),
        (lambda c, p: c["contributors"][0]["owns"]["texts"].remove("direktiv"), "textavsnitt direktiv ägs inte av någon"),
        (lambda c, p: c["contributors"][1]["owns"].update(indicators=["9.9-I1"]), "indikator '9.9-I1' (hos barn) finns inte i planen"),
        (lambda c, p: c["contributors"][0]["owns"].update(economy=False), "ekonomin ska ägas av exakt en bidragsgivare"),
        (lambda c, p: c.update(year=2026), "year: cykeln gäller 2026 men planen"),
    ],
)
def test_cycle_mistakes_name_the_key_and_what_was_expected(tmp_path, change, expected):
    assert expected in _problems(_write_variant(tmp_path, change))


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda c, p: p["indicators"][0].update(kf_target="Fastställs 2025"), "indicators[0] (id 1.1-I1).kf_target"),
        (lambda c, p: p["indicators"][0].update(direction="uppåt"), "förväntade ett av: 'higher', 'lower', 'band' eller 'unknown'"),
        (lambda c, p: p["indicators"][1].update(goal="7.7"), "indikatorn 1.1-I2 hänvisar till okänt mål 7.7"),
        (lambda c, p: p["goals"].append({"number": "3.1", "title": "Föräldralöst"}), "mål 3.1 saknar överordnat mål 3"),
        (lambda c, p: p["activities"][0].update(end="2024-12-31"), "slutdatum 2024-12-31 ligger före startdatum"),
    ],
)
def test_plan_mistakes_name_the_key(tmp_path, change, expected):
    message = _problems(_write_variant(tmp_path, change))
    assert "plan.yaml" in message
    assert expected in message


def test_unknown_kf_target_text_lists_the_closed_vocabulary(tmp_path):
    message = _problems(_write_variant(tmp_path, lambda c, p: p["indicators"][0].update(kf_target="Faststälts 2025")))
    assert "'Faststälts 2025' är varken ett tal eller en av de fasta texterna" in message
    assert "Fastställt <år>" in message


def test_broken_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "cycle.yaml"
    path.write_text("id: x\nkind: [T1\n", encoding="utf-8")
    message = _problems(path)
    assert "cycle.yaml" in message and "rad 3" in message and "ogiltig YAML" in message


def test_a_date_that_does_not_exist_names_its_key(tmp_path):
    path = tmp_path / "cycle.yaml"
    path.write_text((MINI_DIR / "cycle.yaml").read_text(encoding="utf-8").replace("period_end: 2025-04-30", "period_end: 2025-04-31"),
                    encoding="utf-8")
    message = _problems(path)
    assert "period_end: datumet 2025-04-31 finns inte i kalendern" in message
    assert "Oväntat" not in message and "out of range" not in message


def test_a_found_value_is_shown_as_written_not_as_python_prints_it(tmp_path):
    import datetime as dt

    message = _problems(_write_variant(tmp_path, lambda c, p: c.update(startdag=dt.date(2025, 5, 2))))
    assert "startdag: okänd nyckel (fann 2025-05-02)" in message
    assert "datetime" not in message


def test_missing_plan_file_is_named(tmp_path):
    path = _write_variant(tmp_path, lambda c, p: c.update(plan="saknas.yaml"))
    with pytest.raises(ConfigError) as caught:
        load_cycle(path)
    assert caught.value.file.name == "saknas.yaml"
    assert "filen finns inte" in caught.value.message_sv


def test_plan_loads_on_its_own():
    plan = load_plan(MINI_DIR / "plan.yaml")
    assert [g.number for g in plan.children("1")] == ["1.1", "1.2"]


# --- Values that reach mail headers, and files that are not files (issue #12) ----------------

CONTROL = "innehåller ett styrtecken (radbrytning, tabb eller liknande); värdet hamnar i e-post"


@pytest.mark.parametrize(
    "change, key, found",
    [
        (lambda c: c["contributors"][2].update(avdelning="Äldre\r\nBcc: alla@example.se"), "contributors[2] (id aldre).avdelning",
         "'Äldre\\r\\nBcc: alla@example.se'"),
        (lambda c: c["contributors"][1].update(email="alex@example.se\nBcc: x@y.se"), "contributors[1] (id barn).email", None),
        (lambda c: c["contributors"][1].update(deputy_email="a@b.se\x00"), "contributors[1] (id barn).deputy_email", None),
        (lambda c: c["contributors"][0].update(responsible="Kim\x1b[2J"), "contributors[0] (id stab).responsible", None),
        (lambda c: c["handlaggare"].update(name="Kim\tController"), "handlaggare.name", None),
        (lambda c: c.update(namnd="Testdals\x7fsocialnämnd"), "namnd", None),
    ],
)
def test_control_characters_in_mail_values_name_file_and_key(tmp_path, change, key, found):
    message = _problems(_write_variant(tmp_path, lambda c, p: change(c)))
    assert "Fel i konfigurationsfilen cycle.yaml" in message
    assert f"{key}: {CONTROL}" in message
    assert found is None or f"(fann {found})" in message


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_plan_that_is_not_a_file_is_refused_by_its_key(tmp_path, target):
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")  # opening it would wait for a writer forever
    message = _problems(_write_variant(tmp_path, lambda c, p: c.update(plan=target)))
    assert f"plan: '{target}' är inte en vanlig fil; ange sökvägen till en fil" in message


def test_a_huge_plan_is_refused_before_it_is_read(tmp_path):
    path = _write_variant(tmp_path, lambda c, p: c.update(plan="stor.yaml"))
    with (tmp_path / "stor.yaml").open("wb") as handle:
        handle.truncate(MAX_CONFIG_BYTES + 1)  # sparse: large to stat, nothing on disk
    assert "plan: 'stor.yaml' är för stor (20 MB; högst 20 MB)" in _problems(path)


def test_check_config_names_the_problem_in_swedish_without_a_traceback(tmp_path):
    path = _write_variant(tmp_path, lambda c, p: c["contributors"][2].update(avdelning="Äldre\r\nBcc: alla@example.se"))
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "check-config", "--cycle", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "Fel i konfigurationsfilen cycle.yaml:",
        f"  - contributors[2] (id aldre).avdelning: {CONTROL} och ska vara en enda rad text "
        "(fann 'Äldre\\r\\nBcc: alla@example.se')",
    ]
    zero = subprocess.run([str(Path(sys.executable).parent / "tertial"), "check-config", "--cycle", "/dev/zero"],
                          capture_output=True, text=True, timeout=120)
    assert zero.returncode == 2 and zero.stderr.splitlines() == [
        "Fel i konfigurationsfilen zero:", "  - filen är inte en vanlig fil; ange en YAML-fil"]
