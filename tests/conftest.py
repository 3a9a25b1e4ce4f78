"""Shared fixtures: one Prefect test harness per session, the mini cycle, and a throwaway PostgreSQL."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pytest  # noqa: E402

from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV  # noqa: E402
from tertial.config import load_cycle  # noqa: E402
from tertial.cycle import Cycle  # noqa: E402
from tests.postgres import Cluster, postgres_bin  # noqa: E402

# The installation's key for every test (and every `tertial` the tests start): the tests' submissions carry
# tokens under the published example key, as the examples' do. Set, not defaulted, so a developer's own key cannot leak in.
os.environ[TOKEN_KEY_ENV] = EXAMPLE_TOKEN_KEY.decode("ascii")

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini" / "cycle.yaml"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def server_env(prefect_harness) -> dict[str, str]:
    """For a `tertial` the test starts: talk to the harness's server, never start a Prefect server of its own
    (neither Prefect's temporary one nor the work folder's local one, tertial/prefect_server.py)."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}


@pytest.fixture(scope="session")
def mini_cycle() -> Cycle:
    return load_cycle(MINI)


_DATABASES = itertools.count(1)


@pytest.fixture(scope="session")
def cluster():
    """One throwaway PostgreSQL server for the session (tests/postgres.py); each test takes its own database."""
    binaries = postgres_bin()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have PostgreSQL (make test installs the postgresql package)")
        pytest.skip("PostgreSQL is not installed; `make system-deps` installs it")
    server = Cluster(binaries)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(cluster) -> str:
    """A new, empty database for each test."""
    return cluster.new_database(f"liggare_{next(_DATABASES)}")
