"""How many Prefect task runs one nämnd's cycle makes (issue 18.5), by task: `run_cycle` in every format, as the city
benchmark runs each nämnd, on one nämnd of the city (its drafts included).

    .venv/bin/python -m bench.task_runs [--namnd 1]

It runs on a Prefect server of its own (Prefect's test harness), which it reads the task runs back from.
"""

from __future__ import annotations

import argparse
import collections
import os
import tempfile
from pathlib import Path

from bench.city import CitySpec, generate_namnd
from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV

for name, value in {"PREFECT_LOGGING_LEVEL": "CRITICAL", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                    "GX_ANALYTICS_ENABLED": "False"}.items():
    os.environ.setdefault(name, value)
os.environ[TOKEN_KEY_ENV] = EXAMPLE_TOKEN_KEY.decode("ascii")  # the synthetic city's submissions are signed with it

ALL_FORMATS = ("html", "pdf", "docx", "json")


def count(namnd_index: int, root: Path) -> tuple[int, collections.Counter]:
    """The nämnd's submissions, and its cycle's task runs by task name."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.testing.utilities import prefect_test_harness

    from flows.run_cycle import run_cycle

    namnd = generate_namnd(CitySpec(), namnd_index - 1, root / "stad")
    with prefect_test_harness(server_startup_timeout=180):
        state = run_cycle(cycle_path=namnd.cycle_path, inbox=namnd.inbox, workdir=root / "arbete", formats=ALL_FORMATS,
                          return_state=True)
        state.result()  # a failed run raises here rather than being counted
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    return namnd.submissions, collections.Counter(run.name.rsplit("-", 1)[0] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--namnd", type=int, default=1, help="Which nämnd of the city (1-30).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-task-runs-") as scratch:
        submissions, runs = count(args.namnd, Path(scratch))
    print(f"Nämnd {args.namnd}: {submissions} submissions, {sum(runs.values())} task runs")
    for name, number in sorted(runs.items()):
        print(f"  {name:28} {number}")


if __name__ == "__main__":
    main()
