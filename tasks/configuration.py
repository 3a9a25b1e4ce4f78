"""Opening a cycle: its configuration and plan, checked."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.config import load_cycle
from tertial.cycle import Cycle


@task(cache_policy=NO_CACHE)
def open_cycle(cycle_path: Path) -> Cycle:
    """Load and check the cycle file; a ConfigError names the file, key and what was expected."""
    return load_cycle(cycle_path)
