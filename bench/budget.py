"""One nämnd's CPU budget by step (issue 18: "one nämnd's CPU budget by step").

Runs one nämnd of the generated city through bench/direct.py (the flows' steps without Prefect, see that module)
twice in one process: once to warm up (imports, GX's context and suites, the PDF engine's fonts), uncounted; then,
after freezing the warm objects as `tertial worker` does (tertial/heap.py; `--unfrozen` leaves them), again in a
fresh work folder and ledger with every step timed in CPU seconds of this process and its children.
The steps are the task functions direct.py calls, and inside writing the report each format on its own. Prefect's
share is not in this budget: bench/workers.py gives the CPU of the workers and of Prefect's server for the whole
city, and bench.run --quick the ratio Prefect / direct.

    .venv/bin/python -m bench.budget                 # the first nämnd of the full city
    .venv/bin/python -m bench.budget --namnd 3 --json budget.json

Prints a table (step, CPU seconds, share) and, last, ``BENCH {json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from bench.run import ENV, FULL, QUICK, city_folder
from bench.city import load_city
from bench.measure import cpu_seconds
from tertial.heap import freeze_warm_objects
from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV

# The city's workbooks are signed with the published example key, as in bench/run.py.
os.environ.update(ENV | {TOKEN_KEY_ENV: EXAMPLE_TOKEN_KEY.decode("ascii")})

# The steps of bench/direct.py, by the names it calls them, with the budget line each is counted under.
DIRECT_STEPS = {
    "find_submissions": "arkivering", "archive_originals": "arkivering",
    "read_archived": "läsning", "validate_submissions": "validering (GX)", "record_versions": "liggaren",
    "write_feedback": "återkoppling", "write_feedback_html": "återkoppling", "write_annotated": "återkoppling",
    "accepted_submissions": "godkända läses igen", "build_report": "rapportmodellen",
    "report_standing": "liggaren", "check_narrative": "rapportkontroller", "write_checks": "rapportkontroller",
    "record_assembly": "liggaren", "contributor_statuses": "statussidan", "write_status_page": "statussidan",
}
FORMAT_STEPS = {"html": "HTML", "pdf": "PDF", "docx": "Word", "json": "JSON"}


def cpu() -> float:
    """CPU seconds of this process and its live children (the PDF is set in one, tertial/render/pdf_setter.py)."""
    return sum(cpu_seconds().values())


class Budget:
    """CPU seconds by step; a step inside another is taken out of the outer one, so the lines add up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._open: list[list[float]] = []  # per open step: [its start, CPU of steps nested in it]

    def timed(self, step: str, function: Callable) -> Callable:
        def run(*args, **kwargs):
            self._open.append([cpu(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                began, nested = self._open.pop()
                spent = cpu() - began
                self.seconds[step] += spent - nested
                if self._open:
                    self._open[-1][1] += spent
        return run


def instrument(budget: Budget) -> None:
    """Wrap direct.py's steps and each format's rendering; bench only, the product is not changed."""
    from bench import direct
    from tertial.render import charts, formats

    for name, step in DIRECT_STEPS.items():
        task = getattr(direct, name)
        setattr(direct, name, SimpleNamespace(fn=budget.timed(step, task.fn)))
    render = formats._render

    def render_by_kind(report, kind, *args, **kwargs):
        return budget.timed(FORMAT_STEPS[kind], render)(report, kind, *args, **kwargs)

    formats._render = render_by_kind
    formats.render_html = budget.timed("HTML", formats.render_html)
    formats.typst_inputs = budget.timed("PDF", formats.typst_inputs)  # what the PDF is set from
    formats.render_pdf = budget.timed("PDF", formats.render_pdf)
    charts.ReportCharts = budget.timed("diagram", charts.ReportCharts)


def run_once(namnd, root: Path) -> None:
    from bench import direct

    direct.run_cycle(namnd.cycle_path, namnd.inbox, root / "work", f"sqlite:///{root / 'ledger.sqlite'}")


def main() -> None:
    parser = argparse.ArgumentParser(description="En nämnds CPU-budget per steg.")
    parser.add_argument("--quick", action="store_true", help="den mindre staden")
    parser.add_argument("--namnd", type=int, default=0, help="vilken nämnd i staden (från 0)")
    parser.add_argument("--unfrozen", action="store_true", help="frys inte de varma objekten (som före tertial.heap)")
    parser.add_argument("--json", type=Path, help="spara mätvärdena här")
    args = parser.parse_args()
    namnd = load_city(city_folder(QUICK if args.quick else FULL, fresh=False))[args.namnd]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tertial-bench-budget-") as scratch:
        run_once(namnd, Path(scratch) / "warm")
        if not args.unfrozen:
            freeze_warm_objects()  # as `tertial worker` does after warming up
        budget = Budget()
        instrument(budget)
        began, wall = cpu(), time.perf_counter()
        run_once(namnd, Path(scratch) / "timed")
        total, wall = cpu() - began, time.perf_counter() - wall
    steps = dict(sorted(budget.seconds.items(), key=lambda item: -item[1]))
    steps["övrigt"] = max(0.0, total - sum(steps.values()))
    print(f"Nämnd: {namnd.name}, {namnd.submissions} inlämningar; maskin: {os.cpu_count()} kärnor, "
          f"{platform.processor() or platform.machine()}, belastning {load_before:.1f} → {os.getloadavg()[0]:.1f}")
    for step, seconds in steps.items():
        print(f"{step:<24}{seconds:7.2f} s CPU  {seconds / total:6.1%}")
    print(f"{'summa':<24}{total:7.2f} s CPU  (väggtid {wall:.2f} s)")
    result = {"namnd": namnd.name, "submissions": namnd.submissions, "cpu_s": round(total, 3), "wall_s": round(wall, 3),
              "steps_cpu_s": {k: round(v, 3) for k, v in steps.items()}, "frozen": not args.unfrozen, "load": [load_before, os.getloadavg()[0]]}
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print("BENCH " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
