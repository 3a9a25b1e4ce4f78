"""Shared fixtures: one Prefect test harness per session, and the mini cycle."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pytest  # noqa: E402

from tertial.config import load_cycle  # noqa: E402
from tertial.cycle import Cycle  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini" / "cycle.yaml"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def mini_cycle() -> Cycle:
    return load_cycle(MINI)
