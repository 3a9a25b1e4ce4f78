"""Great Expectations' cost per submission: the suites' runs on the demo's workbooks, warm (issue 18, point 6).

Reads and prepares the demo's submissions once, warms GX with one run, then times `run_suites` (one GX run per
sheet kind, every file's frames stacked) for one submission and for all of them, as CPU seconds of this process
(steadier than wall time on a shared machine), and prints each sheet kind's share. Run from the repository root:

    .venv/bin/python -m bench.validation            # 7 rounds
    .venv/bin/python -m bench.validation --rounds 15

The last line is ``BENCH {json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from tertial.checking import suites  # noqa: E402
from tertial.checking.prepare import prepare  # noqa: E402
from tertial.config import load_cycle  # noqa: E402
from tertial.reading import read_submission  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "examples" / "eav-t1-2024"


def measure(rounds: int) -> dict:
    cycle = load_cycle(DEMO / "cycle.yaml")
    files = sorted((DEMO / "submissions").glob("*.xlsx"))
    prepared = [prepare(read_submission(path, cycle), cycle) for path in files]
    names = [path.name for path in files]
    per_sheet: dict[str, list[float]] = defaultdict(list)
    validate = suites._validate_together

    def timed(key, group, sheet):  # each sheet kind's GX run, timed where run_suites makes it
        began = time.process_time()
        try:
            return validate(key, group, sheet)
        finally:
            per_sheet[key].append(time.process_time() - began)

    def run(count: int) -> float:
        began = time.process_time()
        suites.run_suites(prepared[:count], names[:count], cycle.config.kind, cycle.config.year, cycle.outline.economy)
        return time.process_time() - began

    run(1)  # GX's context, the suites and pandas' first queries
    one = statistics.median(run(1) for _ in range(rounds))
    suites._validate_together = timed
    try:
        every = statistics.median(run(len(prepared)) for _ in range(rounds))
    finally:
        suites._validate_together = validate
    return {"files": len(prepared), "rounds": rounds, "one_submission_cpu_s": one, "all_submissions_cpu_s": every,
            "per_submission_together_cpu_s": every / len(prepared),
            "per_sheet_cpu_s": {k: statistics.median(v) for k, v in per_sheet.items()},
            "load_1min": float(Path("/proc/loadavg").read_text().split()[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    result = measure(parser.parse_args().rounds)
    print(f"GX suites, CPU (median of {result['rounds']}), load {result['load_1min']:.2f}:")
    print(f"  one submission alone      {result['one_submission_cpu_s'] * 1000:6.0f} ms")
    print(f"  {result['files']} submissions together   {result['all_submissions_cpu_s'] * 1000:6.0f} ms "
          f"({result['per_submission_together_cpu_s'] * 1000:.0f} ms each)")
    for key, seconds in sorted(result["per_sheet_cpu_s"].items(), key=lambda item: -item[1]):
        print(f"    {key:<16} {seconds * 1000:6.0f} ms")
    print("BENCH " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
