"""Flow run names from the cycle's id ("samla in eav-t1-2024"), so each nämnd's runs are told apart on a server.

Every flow takes the cycle's file, not its id, and the files of all nämnder are usually called
cycle.yaml. Prefect 3.8.8 calls a `flow_run_name` callable without arguments, inside the run's
context, where the run's parameters are at hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect.runtime import flow_run

from tertial.config import read_yaml
from tertial.errors import TertialError


def cycle_id(cycle_path: Path) -> str:
    """The id in the cycle file; its name when the file cannot be read, for the flow itself to report why."""
    try:
        data = read_yaml(cycle_path)
    except (TertialError, OSError):
        return cycle_path.stem
    ident = data.get("id") if isinstance(data, dict) else None
    return ident if isinstance(ident, str) and ident else cycle_path.stem


def named(action: str) -> Callable[[], str]:
    """A `flow_run_name` for a flow with a `cycle_path` parameter: the action and the cycle's id."""
    def name() -> str:
        return f"{action} {cycle_id(Path(str(flow_run.parameters['cycle_path'])))}"
    return name
