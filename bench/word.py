"""The Word document's cost: its pictures and the whole .docx, for one nämnd of the synthetic city.

    python -m bench.word [--rounds 9] [--json word.json]

Assembles nämnd 1 of the city (bench/city.py: 80 indicators) once without Prefect, then times, in this
process and warm, each of: every indicator's trend picture, the economy chart, and the whole Word
document (pictures included), `--rounds` times each; prints the medians (wall and CPU) and the machine's
load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.city import CitySpec, generate_namnd
from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV

os.environ[TOKEN_KEY_ENV] = EXAMPLE_TOKEN_KEY.decode("ascii")  # the synthetic city's submissions are signed with it


def city_report(root: Path):
    """Nämnd 1's report, assembled by the cycle's own steps (bench/direct.py), read back from its JSON."""
    from bench.direct import run_cycle
    from tertial.report import Report

    namnd = generate_namnd(CitySpec(namnder=1), 0, root / "stad")
    workdir = root / "arbete"
    _, files = run_cycle(namnd.cycle_path, namnd.inbox, workdir, f"sqlite:///{workdir / 'tertial.sqlite'}", ("json",))
    return Report.model_validate_json(files["json"].read_text(encoding="utf-8"))


def medians(work: Callable[[], object], rounds: int) -> dict[str, float]:
    """Median wall and CPU seconds of `rounds` calls; the CPU time says more on a shared machine."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"wall_s": statistics.median(wall), "cpu_s": statistics.median(cpu)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    from tertial.render import charts as charts_module
    from tertial.render.charts import ReportCharts
    from tertial.render.word import document_bytes

    def fresh_charts() -> ReportCharts:
        """The report's charts drawn anew: the economy chart is otherwise kept by its content."""
        if hasattr(charts_module, "_economy_chart_of"):  # absent before the cache (for before/after runs)
            charts_module._economy_chart_of.cache_clear()
        return ReportCharts(report)

    with tempfile.TemporaryDirectory() as folder:
        report = city_report(Path(folder))
    charts = ReportCharts(report)
    pictures = len(charts.trends)
    document_bytes(report, True, charts)  # warm: fonts, imports, caches of the libraries
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    timed = {
        f"Trendbilder ({pictures} st)": medians(lambda: fresh_charts().trends, args.rounds),
        "Ekonomidiagrammet": medians(lambda: fresh_charts().economy, args.rounds),
        "Hela Word-filen": medians(lambda: document_bytes(report, True, fresh_charts()), args.rounds),
    }
    results = {"trend_pictures": pictures, "rounds": args.rounds, "medians": timed,
               "load_average": {"before": load_before, "after": Path("/proc/loadavg").read_text().split()[:3]}}
    for label, median in timed.items():
        print(f"{label + ', median':34} {median['wall_s'] * 1000:8.1f} ms (CPU {median['cpu_s'] * 1000:.1f} ms)")
    print(f"{'Maskinens last (1, 5, 15 min)':34} före {' '.join(load_before)}, efter {' '.join(results['load_average']['after'])}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
