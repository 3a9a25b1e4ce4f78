"""Deployments with schedules, registered on a real Prefect server (the test harness's)."""

import pytest
from prefect.client.orchestration import get_client

from flows.deploy import collection_window, deploy_cycle
from tests.conftest import MINI

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def test_collection_window_runs_from_period_end_to_attest(mini_cycle):
    rule = collection_window(mini_cycle, 15)
    assert rule.startswith("DTSTART:20250430T070000\n")
    assert "INTERVAL=15" in rule and "BYDAY=MO,TU,WE,TH,FR" in rule and "UNTIL=20250516T180000" in rule


def test_deploy_registers_three_scheduled_deployments(tmp_path):
    registered = deploy_cycle(MINI, "tertial-test", tmp_path, tmp_path / "inkorg", every_minutes=10)
    assert sorted(registered) == ["paminnelser-testdal-t1-2025", "samla-in-testdal-t1-2025", "utkast-testdal-t1-2025"]
    with get_client(sync_client=True) as client:
        deployments = {d.name: d for d in client.read_deployments() if d.name in registered}
        schedules = {name: d.schedules[0].schedule for name, d in deployments.items()}
        assert schedules["paminnelser-testdal-t1-2025"].cron == "30 7 * * 1-5"
        assert schedules["utkast-testdal-t1-2025"].cron == "0 2 * * *"
        assert "INTERVAL=10" in schedules["samla-in-testdal-t1-2025"].rrule
        collect = deployments["samla-in-testdal-t1-2025"]
        assert collect.work_pool_name == "tertial-test"
        assert collect.parameters["inbox"] == str((tmp_path / "inkorg").resolve())
        assert deployments["utkast-testdal-t1-2025"].parameters["allow_missing"] is True
    again = deploy_cycle(MINI, "tertial-test", tmp_path, tmp_path / "inkorg", every_minutes=10)
    assert again == registered  # re-deploying updates in place
