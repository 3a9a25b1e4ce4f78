"""Deployments with schedules, registered on a real Prefect server (the test harness's)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from flows.deploy import collection_window, deploy_cycle, every_few_seconds, planned_deployments
from flows.run_names import cycle_id
from tertial.errors import TertialError
from tertial.ledger import Ledger
from tests.builders import write_filled
from tests.conftest import MINI

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]
CYCLE = "testdal-t1-2025"
LEDGER = "postgresql+psycopg://tertial@db.stad.local/tertial"


def test_collection_window_runs_from_period_end_to_attest(mini_cycle):
    rule = collection_window(mini_cycle, 15)
    assert rule.startswith("DTSTART:20250430T070000\n")
    assert "INTERVAL=15" in rule and "BYDAY=MO,TU,WE,TH,FR" in rule and "UNTIL=20250516T180000" in rule


def _deployments(registered: dict) -> dict:
    """The server's deployments, by the "flow/deployment" names deploy_cycle returned."""
    with get_client(sync_client=True) as client:
        return {name: client.read_deployment_by_name(name) for name in registered}


def test_deploy_registers_four_deployments_on_the_ledger_given(tmp_path, capsys):
    registered = deploy_cycle(MINI, "tertial-test", tmp_path, tmp_path / "inkorg", every_minutes=10, ledger_url=LEDGER)
    assert capsys.readouterr().out == ""  # Prefect's English summary is not printed; `tertial deploy` says it in Swedish
    assert sorted(registered) == [f"paminnelser/paminnelser-{CYCLE}", f"samla-in/samla-in-{CYCLE}",
                                  f"sammanstall-rapport/utkast-{CYCLE}", f"tertialcykel/cykel-{CYCLE}"]
    deployments = _deployments(registered)  # found by the very names printed for `prefect deployment run`
    schedules = {name: [s.schedule for s in d.schedules] for name, d in deployments.items()}
    assert schedules[f"paminnelser/paminnelser-{CYCLE}"][0].cron == "30 7 * * 1-5"
    assert schedules[f"sammanstall-rapport/utkast-{CYCLE}"][0].cron == "0 2 * * *"
    assert "INTERVAL=10" in schedules[f"samla-in/samla-in-{CYCLE}"][0].rrule
    assert schedules[f"tertialcykel/cykel-{CYCLE}"] == []  # the whole cycle runs on demand
    assert {d.parameters["ledger_url"] for d in deployments.values()} == {LEDGER}
    collect, cycle = deployments[f"samla-in/samla-in-{CYCLE}"], deployments[f"tertialcykel/cykel-{CYCLE}"]
    assert collect.work_pool_name == "tertial-test"
    assert collect.parameters["inbox"] == cycle.parameters["inbox"] == str((tmp_path / "inkorg").resolve())
    assert deployments[f"sammanstall-rapport/utkast-{CYCLE}"].parameters["allow_missing"] is True
    again = deploy_cycle(MINI, "tertial-test", tmp_path, tmp_path / "inkorg", every_minutes=10, ledger_url=LEDGER)
    assert again == registered  # re-deploying updates in place


def test_the_ledger_comes_from_tertial_ledger_url_and_is_left_out_without_one(tmp_path, monkeypatch, mini_cycle):
    monkeypatch.setenv("TERTIAL_LEDGER_URL", LEDGER)
    registered = deploy_cycle(MINI, "tertial-test", tmp_path, tmp_path / "inkorg")
    assert {d.parameters["ledger_url"] for d in _deployments(registered).values()} == {LEDGER}
    planned = planned_deployments(mini_cycle, MINI, tmp_path, tmp_path / "inkorg", 15)
    assert all("ledger_url" not in p.parameters for p in planned)  # the worker's own setting then decides


def test_with_a_mailbox_it_is_collected_from_in_the_same_window_with_no_password(tmp_path, monkeypatch, mini_cycle):
    monkeypatch.setenv("TERTIAL_IMAP_HOST", "imap.stad.test")
    monkeypatch.setenv("TERTIAL_IMAP_PASSWORD", "hemligt-Imap-9")
    planned = {p.name: p for p in planned_deployments(mini_cycle, MINI, tmp_path, tmp_path / "inkorg", 15)}
    mailed, collect = planned[f"samla-in-e-post-{CYCLE}"], planned[f"samla-in-{CYCLE}"]
    assert mailed.entrypoint == "flows/mail_intake.py:collect_mail" and mailed.schedule.rrule == collect.schedule.rrule
    assert mailed.parameters == {"cycle_path": str(MINI.resolve()), "workdir": str(tmp_path.resolve())}
    monkeypatch.delenv("TERTIAL_IMAP_HOST")
    assert f"samla-in-e-post-{CYCLE}" not in {p.name for p in planned_deployments(mini_cycle, MINI, tmp_path, tmp_path, 15)}


def test_a_run_without_ledger_url_takes_tertial_ledger_url(tmp_path, monkeypatch, mini_cycle):
    """As a deployment without --ledger runs on a worker whose environment names the ledger."""
    from flows.collect import collect

    ledger = tmp_path / "delad.sqlite"
    monkeypatch.setenv("TERTIAL_LEDGER_URL", f"sqlite:///{ledger}")
    write_filled(tmp_path / "inkorg", mini_cycle, "barn")
    collect(cycle_path=MINI, inbox=tmp_path / "inkorg", workdir=tmp_path / "arbete")
    assert [v.contributor_id for v in Ledger(f"sqlite:///{ledger}").versions(CYCLE)] == ["barn"]
    assert not (tmp_path / "arbete" / "tertial.sqlite").exists()


def test_a_ledger_url_with_a_password_is_refused_and_never_shown(tmp_path):
    with pytest.raises(TertialError) as refused:
        deploy_cycle(MINI, "tertial-test", tmp_path, tmp_path / "inkorg",
                     ledger_url="postgresql+psycopg://tertial:Hemligt-77@db.stad.local/tertial")
    message = refused.value.message_sv
    assert "postgresql+psycopg://tertial:***@db.stad.local/tertial" in message and "PGPASSWORD" in message
    assert "Hemligt-77" not in message


def test_an_interval_puts_the_scheduled_flows_in_turns(mini_cycle, tmp_path):
    planned = every_few_seconds(planned_deployments(mini_cycle, MINI, tmp_path, tmp_path / "inkorg", 15), 12)
    schedules = {p.name: p.schedule for p in planned}
    assert schedules[f"cykel-{CYCLE}"] is None
    turns = [schedules[f"{name}-{CYCLE}"] for name in ("samla-in", "paminnelser", "utkast")]
    assert [s.interval for s in turns] == [dt.timedelta(seconds=12)] * 3
    assert [s.anchor_date - turns[0].anchor_date for s in turns] == [dt.timedelta(seconds=n) for n in (0, 4, 8)]


def test_deploy_without_a_server_is_refused(tmp_path):
    """Against Prefect's temporary server the deployments would vanish with the command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")} | {"PREFECT_HOME": str(tmp_path)}
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "deploy", "--cycle", str(MINI)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.startswith("PREFECT_API_URL är inte satt") and "Traceback" not in done.stderr + done.stdout
    assert done.stdout == ""


def test_runs_are_named_after_the_cycle_id(tmp_path):
    assert cycle_id(MINI) == CYCLE  # the file is cycle.yaml, as for every nämnd
    broken = tmp_path / "t1.yaml"
    broken.write_text("id: [", encoding="utf-8")
    assert cycle_id(broken) == "t1" and cycle_id(tmp_path / "saknas.yaml") == "saknas"  # the flow itself says why
