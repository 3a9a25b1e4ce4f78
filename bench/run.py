"""City-scale benchmark: feedback latency, the full city cycle, Prefect's overhead, growth with N.

    .venv/bin/python -m bench.run            # 30 nämnder x 8 bidragsgivare x 80 indikatorer (~30 min on 2 cores)
    .venv/bin/python -m bench.run --quick    # a reduced city, under a minute

Each measurement runs in a fresh process (bench/measure.py) so its memory and warm-up are its own;
--quick runs them in one process to stay under a minute. Prints a table and, last, one line
`BENCH {json}` for machines. Timings belong here, never in the unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.city import CitySpec, generate_city, load_city

FULL = CitySpec(namnder=30, contributors=8, indicators=80, activities=60, error_share=0.25)
QUICK = CitySpec(namnder=2, contributors=1, indicators=10, activities=6, error_share=0.5)
TARGETS = {"feedback_median_s": 2.0, "city_wall_s": 120.0, "overhead_ratio": 1.5, "peak_memory_mib": 1536.0}
SCALING_POINTS = (1, 2, 5, 10, 30)
CITY_RUNNER = "processes:2"  # nämnder side by side through Prefect's ProcessPoolTaskRunner, one per core
ENV = {"PREFECT_LOGGING_LEVEL": "CRITICAL", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False"}


def city_folder(spec: CitySpec, fresh: bool) -> Path:
    """The generated city, kept between runs: it is deterministic from the spec."""
    root = Path(tempfile.gettempdir()) / "tertial-bench-city" / spec.key
    if fresh or not (root / "city.json").exists():
        generate_city(spec, root)
    return root


def measure(*args: str) -> dict:
    """Run bench.measure in a fresh process with its own Prefect home; its RESULT line."""
    env = {**os.environ, **ENV, "PREFECT_HOME": tempfile.mkdtemp(prefix="tertial-bench-prefect-")}
    env.pop("PREFECT_API_URL", None)  # the temporary local server, as `make demo` uses
    done = subprocess.run([sys.executable, "-m", "bench.measure", *args], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[1])
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"bench.measure {' '.join(args)} misslyckades:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def parallel_city(city: Path, workers: int) -> dict:
    """The city split over `workers` processes (as a process work pool would), one shared ledger."""
    shared = Path(tempfile.mkdtemp(prefix="tertial-bench-shared-"))
    env = {**os.environ, **ENV}
    env.pop("PREFECT_API_URL", None)
    start = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-m", "bench.measure", "city", "--city", str(city), "--mode", "prefect",
                                   "--skip", str(w), "--step", str(workers), "--workroot", str(shared)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**env, "PREFECT_HOME": tempfile.mkdtemp(prefix="tertial-bench-prefect-")},
                                  cwd=Path(__file__).resolve().parents[1]) for w in range(workers)]
    results = []
    for process in processes:
        out, err = process.communicate()
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        if process.returncode != 0 or not lines:
            raise SystemExit(f"parallell arbetare misslyckades:\n{err[-3000:]}")
        results.append(json.loads(lines[-1][len("RESULT "):]))
    elapsed = time.perf_counter() - start
    return {"workers": workers, "wall_s": max(r["wall_s"] + r["prefect_startup_s"] for r in results),
            "elapsed_incl_startup_s": elapsed, "submissions": sum(r["submissions"] for r in results),
            "peak_rss_tree_mib_sum": sum(r["peak_rss_tree_mib"] for r in results)}


def scaling(per_namnd: list[float], submissions_per_namnd: list[int]) -> dict:
    """Cumulative wall time after N nämnder, and whether the time per submission stays flat."""
    points = {n: sum(per_namnd[:n]) for n in SCALING_POINTS if n <= len(per_namnd)}
    rates = [t / s for t, s in zip(per_namnd, submissions_per_namnd)]
    head, tail = rates[:max(1, len(rates) // 5)], rates[-max(1, len(rates) // 5):]
    drift = statistics.mean(tail) / statistics.mean(head) - 1
    return {"cumulative_s": points, "s_per_submission_first": statistics.mean(head),
            "s_per_submission_last": statistics.mean(tail), "drift": drift, "linear": abs(drift) <= 0.15}


def run_full(city: Path, overhead_namnder: int, workers: int) -> dict:
    # Feedback and the overhead as in --quick: both sides warm, the same first nämnder, in one process.
    warm = measure("suite", "--city", str(city), "--namnder", str(overhead_namnder), "--repetitions", "9")
    results = {"feedback": warm["feedback"], "direct": warm["direct"], "prefect_overhead": warm["prefect"]}
    results["prefect"] = measure("city", "--city", str(city), "--mode", "prefect")
    results["prefect_no_heartbeat_join"] = measure("city", "--city", str(city), "--mode", "prefect",
                                                   "--namnder", str(overhead_namnder), "--no-heartbeat-join")
    results["prefect_side_by_side"] = measure("city", "--city", str(city), "--mode", "prefect", "--namnder",
                                              str(overhead_namnder), "--city-runner", CITY_RUNNER)
    if workers > 1:
        results["parallel"] = parallel_city(city, workers)
    return results


def overhead(prefect: dict, direct: dict) -> tuple[float, float]:
    """Prefect / direct for the same nämnder, both warm: in CPU (each process with its children: Prefect's server, the
    PDF's child process; the issue's measure) and in wall time."""
    cpu = (prefect["cpu_self_s"] + prefect["cpu_server_s"]) / (direct["cpu_self_s"] + direct["cpu_server_s"])
    return cpu, prefect["wall_s"] / direct["wall_s"]


def summarize(results: dict, namnder: list, overhead_namnder: int) -> dict:
    prefect, direct = results["prefect"], results["direct"]
    k = direct["namnder"]
    ratio, wall_ratio = overhead(results.get("prefect_overhead", prefect), direct)
    peak = max(prefect["peak_rss_tree_mib"], direct["peak_rss_tree_mib"])
    summary = {
        "feedback_median_s": results["feedback"]["median_s"], "city_wall_s": prefect["wall_s"],
        "city_namnder": prefect["namnder"], "city_submissions": prefect["submissions"],
        "overhead_ratio": ratio, "overhead_ratio_wall": wall_ratio, "overhead_namnder": k, "peak_memory_mib": peak,
        "scaling": scaling(prefect["per_namnd_s"], [n.submissions for n in namnder]),
    }
    if "prefect_no_heartbeat_join" in results:
        summary["overhead_ratio_no_heartbeat_join"] = results["prefect_no_heartbeat_join"]["wall_s"] / direct["wall_s"]
    if "prefect_side_by_side" in results:
        summary["side_by_side_wall_s"] = results["prefect_side_by_side"]["wall_s"]
    summary["met"] = {
        "feedback": summary["feedback_median_s"] <= TARGETS["feedback_median_s"],
        "city_120s": summary["city_wall_s"] <= TARGETS["city_wall_s"],
        "overhead_1_5": ratio <= TARGETS["overhead_ratio"],
        "memory_1_5_gib": peak <= TARGETS["peak_memory_mib"],
        "linear": summary["scaling"]["linear"],
    }
    return summary


def table(spec: CitySpec, results: dict, summary: dict) -> str:
    prefect, direct, feedback = results["prefect"], results["direct"], results["feedback"]
    ok = {True: "ja", False: "NEJ"}
    met = summary["met"]
    rows = [
        ("Stad", f"{spec.namnder} nämnder x {spec.contributors} bidragsgivare x {spec.indicators} indikatorer, "
                 f"{spec.activities} aktiviteter, {prefect['submissions']} inlämningar", ""),
        ("Återkoppling, median (läs + validera, varm)", f"{feedback['median_s']:.2f} s (kall {feedback['cold_s']:.2f} s, "
                                                        f"min {feedback['min_s']:.2f}, max {feedback['max_s']:.2f})",
         f"<= 2 s: {ok[met['feedback']]}"),
        ("Hela staden via Prefect, alla format", f"{prefect['wall_s']:.1f} s (+ serverstart {prefect['prefect_startup_s']:.1f} s, "
                                                 f"import {prefect['import_s']:.1f} s)", f"<= 120 s: {ok[met['city_120s']]}"),
        ("  CPU: processen / Prefect-servern", f"{prefect['cpu_self_s']:.1f} s / {prefect['cpu_server_s']:.1f} s", ""),
        ("  Maskinens last under körningen (1 min, medel)", f"{prefect['load_avg_mean']:.1f} på {os.cpu_count()} kärnor", ""),
        (f"Direkt (.fn), {direct['namnder']} nämnder", f"{direct['wall_s']:.1f} s (CPU {direct['cpu_self_s']:.1f} s)", ""),
        ("Overhead Prefect / direkt, båda varma: CPU (väggtid)", f"{summary['overhead_ratio']:.2f} "
                                                                  f"({summary['overhead_ratio_wall']:.2f})",
         f"<= 1,5: {ok[met['overhead_1_5']]}"),
        ("Toppminne (RSS, processträd inkl. server, samplat)", f"{summary['peak_memory_mib']:.0f} MiB "
                                                                f"(getrusage självt {prefect['peak_rss_self_mib']:.0f} MiB)",
         f"<= 1 536 MiB: {ok[met['memory_1_5_gib']]}"),
    ]
    for n, seconds in summary["scaling"]["cumulative_s"].items():
        rows.append((f"  tid efter {n} nämnder", f"{seconds:.1f} s", ""))
    scale = summary["scaling"]
    rows.append(("Tid per inlämning, första / sista femtedelen", f"{scale['s_per_submission_first']:.2f} / "
                 f"{scale['s_per_submission_last']:.2f} s ({scale['drift']:+.0%})", f"linjär: {ok[met['linear']]}"))
    if "overhead_ratio_no_heartbeat_join" in summary:
        rows.append(("Overhead utan väntan på heartbeat-tråd (what-if)", f"{summary['overhead_ratio_no_heartbeat_join']:.2f}", ""))
    if "side_by_side_wall_s" in summary:
        rows.append((f"{direct['namnder']} nämnder sida vid sida ({CITY_RUNNER})", f"{summary['side_by_side_wall_s']:.1f} s", ""))
    if "parallel" in results:
        par = results["parallel"]
        rows.append((f"Hela staden, {par['workers']} processer", f"{par['wall_s']:.1f} s", ""))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name.ljust(width)}  {value}  {target}".rstrip() for name, value, target in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="Tertials stadsbenchmark.")
    parser.add_argument("--quick", action="store_true", help="en mindre stad, under en minut")
    parser.add_argument("--fresh", action="store_true", help="generera staden på nytt")
    parser.add_argument("--overhead-namnder", type=int, default=5, help="nämnder i jämförelsen Prefect/direkt")
    parser.add_argument("--workers", type=int, default=1, help="kör även hela staden i så många processer")
    parser.add_argument("--json", type=Path, help="spara alla mätvärden här")
    args = parser.parse_args()
    spec = QUICK if args.quick else FULL
    city = city_folder(spec, args.fresh)
    namnder = load_city(city)
    if args.quick:
        results = measure("suite", "--city", str(city), "--repetitions", "3")
    else:
        results = run_full(city, args.overhead_namnder, args.workers)
    summary = summarize(results, namnder, args.overhead_namnder)
    machine = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    print(table(spec, results, summary))
    if args.json:
        args.json.write_text(json.dumps({"spec": spec.__dict__, "machine": machine, "results": results,
                                         "summary": summary}, ensure_ascii=False, indent=2), encoding="utf-8")
    print("BENCH " + json.dumps({"quick": args.quick, "spec": spec.__dict__, "machine": machine, **summary}, ensure_ascii=False))


if __name__ == "__main__":
    main()
