"""One measurement in a fresh process, so its memory and warm-up are its own.

bench/run.py starts this module once per measurement and reads the last line,
``RESULT {json}``. Run by hand:

    python -m bench.measure feedback --city /tmp/stad
    python -m bench.measure city --city /tmp/stad --mode prefect --namnder 2
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

for _name, _value in (("PREFECT_LOGGING_LEVEL", "CRITICAL"), ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
                      ("GX_ANALYTICS_ENABLED", "False")):
    os.environ.setdefault(_name, _value)

from bench.city import Namnd, load_city  # noqa: E402
from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV  # noqa: E402

os.environ[TOKEN_KEY_ENV] = EXAMPLE_TOKEN_KEY.decode("ascii")  # the synthetic city's submissions are signed with it
from tertial.config import load_cycle  # noqa: E402

ALL_FORMATS = ("html", "pdf", "docx", "json")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry))
    return tree


def tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants (e.g. Prefect's server), in KiB."""
    tree, total, stack = _children(), 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


class PeakSampler(threading.Thread):
    """Samples the process tree's RSS every 100 ms and keeps the highest."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.loads: list[float] = []  # 1-minute load average: other work on the machine shows here
        self._halt = threading.Event()

    def run(self) -> None:
        ticks = 0
        while not self._halt.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(os.getpid()))
            if ticks % 50 == 0:
                self.loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
            ticks += 1
            self._halt.wait(0.1)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return max(self.peak_kib, tree_rss_kib(os.getpid()))


def memory(sampler: PeakSampler) -> dict[str, float]:
    """Peak RSS of this process (getrusage) and of its whole tree incl. Prefect's server (sampled)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tree = sampler.stop()
    return {"peak_rss_self_mib": own / 1024, "peak_rss_tree_mib": tree / 1024,
            "load_avg_mean": statistics.mean(sampler.loads) if sampler.loads else None}


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by this process and by its descendants (Prefect's server, the PDF's child process)."""
    tick = os.sysconf("SC_CLK_TCK")
    tree, stack, others = _children(), list(_children().get(os.getpid(), [])), 0.0
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        others += (int(fields[11]) + int(fields[12])) / tick
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # Children that have ended and been waited for count too: the PDF's child process is replaced every few reports.
    return {"self": own.ru_utime + own.ru_stime, "descendants": others + ended.ru_utime + ended.ru_stime}


def skip_heartbeat_join() -> None:
    """What-if for bench only: Prefect joins each flow run's heartbeat thread, which sleeps in 1 s steps."""
    import prefect.flow_engine as engine

    original = engine._send_heartbeats
    engine._send_heartbeats = lambda run_engine, join_on_exit=True: original(run_engine, join_on_exit=False)


def feedback(namnd: Namnd, repetitions: int) -> dict[str, object]:
    """Read + validate one workbook: the first (cold) call, then `repetitions` warm ones."""
    from tertial.reading import read_submission
    from tasks.validation import validate_submission

    imported = time.perf_counter() - STARTED
    cycle = load_cycle(namnd.cycle_path)
    economy = cycle.economy_owner
    path = namnd.inbox / f"{economy}.xlsx"  # the economy owner's workbook has every sheet
    times = []
    for _ in range(repetitions + 1):
        start = time.perf_counter()
        findings = validate_submission.fn(read_submission(path, cycle), cycle)
        times.append(time.perf_counter() - start)
    return {"file": path.name, "findings": len(findings), "import_s": imported, "cold_s": times[0],
            "median_s": statistics.median(times[1:]), "min_s": min(times[1:]), "max_s": max(times[1:]),
            "repetitions": repetitions}


def _start_prefect() -> float:
    """Start Prefect's ephemeral server with a trivial flow; the seconds it took."""
    from prefect import flow

    @flow(name="bench-ping")
    def ping() -> int:
        return 1

    start = time.perf_counter()
    ping()
    return time.perf_counter() - start


def _cycle_runner(mode: str):
    if mode == "prefect":
        from flows.run_cycle import run_cycle

        def run(namnd: Namnd, workdir: Path, ledger_url: str) -> list:
            result = run_cycle(cycle_path=namnd.cycle_path, inbox=namnd.inbox, workdir=workdir,
                               ledger_url=ledger_url, formats=ALL_FORMATS)
            return result.intake
    else:
        from bench import direct

        def run(namnd: Namnd, workdir: Path, ledger_url: str) -> list:
            return direct.run_cycle(namnd.cycle_path, namnd.inbox, workdir, ledger_url, ALL_FORMATS)[0]
    return run


def run_namnd(namnd: Namnd, workdir: Path, ledger_url: str, mode: str = "prefect") -> tuple[float, int, int]:
    """One nämnd's cycle: seconds taken, versions and accepted versions."""
    began = time.perf_counter()
    intake = _cycle_runner(mode)(namnd, workdir, ledger_url)
    return time.perf_counter() - began, len(intake), sum(o.version.accepted for o in intake)


def _city_flow(runner: str):
    """The nämnder as tasks of one flow, run side by side by the named Prefect task runner."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    from tertial.runners import task_runner

    namnd_task = task(run_namnd, name="namnd", cache_policy=NO_CACHE)

    @flow(name="stad", task_runner=task_runner(runner))
    def whole_city(namnder: list[Namnd], workroot: Path, ledger_url: str) -> list[tuple[float, int, int]]:
        futures = [namnd_task.submit(n, workroot / n.cycle_path.parent.name, ledger_url) for n in namnder]
        return [future.result() for future in futures]
    return whole_city


def city(namnder: list[Namnd], mode: str, workroot: Path, city_runner: str | None = None) -> dict[str, object]:
    """Intake, validation and assembly in every format for each nämnd, one shared ledger.

    With `city_runner` the nämnder run side by side as tasks of one flow; their times then overlap.
    """
    sampler = PeakSampler()
    sampler.start()
    imported = time.perf_counter() - STARTED
    startup = _start_prefect() if mode != "direct" else 0.0
    ledger_url = f"sqlite:///{workroot / 'liggare.sqlite'}"
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    if city_runner:
        runs = _city_flow(city_runner)(namnder, workroot, ledger_url)
    else:
        runs = [run_namnd(n, workroot / n.cycle_path.parent.name, ledger_url, mode) for n in namnder]
    wall = time.perf_counter() - start
    cpu_after = cpu_seconds()
    return {"mode": mode, "city_runner": city_runner, "namnder": len(namnder), "submissions": sum(r[1] for r in runs),
            "accepted": sum(r[2] for r in runs), "wall_s": wall, "per_namnd_s": [r[0] for r in runs],
            "import_s": imported, "prefect_startup_s": startup,
            "cpu_self_s": cpu_after["self"] - cpu_before["self"],
            "cpu_server_s": cpu_after["descendants"] - cpu_before["descendants"], **memory(sampler)}


def suite(namnder: list[Namnd], repetitions: int) -> dict[str, object]:
    """Feedback, then the city directly, then through Prefect, in this one process (for --quick); each side runs one
    nämnd first, uncounted, so that neither pays the cold start in the ratio."""
    results: dict[str, object] = {"feedback": feedback(namnder[0], repetitions)}
    for mode in ("direct", "prefect"):  # both sides warm first (imports, GX, fonts, Prefect's server), not counted
        workroot = Path(tempfile.mkdtemp(prefix="tertial-bench-warm-"))
        try:
            city(namnder[:1], mode, workroot)
        finally:
            shutil.rmtree(workroot, ignore_errors=True)
    for mode in ("direct", "prefect"):
        workroot = Path(tempfile.mkdtemp(prefix="tertial-bench-"))
        try:
            results[mode] = city(namnder, mode, workroot)
        finally:
            shutil.rmtree(workroot, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("feedback", "city", "suite"))
    parser.add_argument("--city", type=Path, required=True)
    parser.add_argument("--mode", choices=("prefect", "direct"), default="prefect",
                        help="the flows, or the task functions without Prefect")
    parser.add_argument("--city-runner", help="run the nämnder side by side with this task runner, e.g. processes:2")
    parser.add_argument("--namnder", type=int, default=0, help="only the first N (0 = all)")
    parser.add_argument("--skip", type=int, default=0, help="start after the first SKIP nämnder")
    parser.add_argument("--step", type=int, default=1, help="every STEP:th nämnd (for parallel workers)")
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--workroot", type=Path, help="shared work folder (for parallel workers); default a new temp folder")
    parser.add_argument("--no-heartbeat-join", action="store_true", help="what-if: do not wait for Prefect's heartbeat threads")
    args = parser.parse_args()
    if args.no_heartbeat_join:
        skip_heartbeat_join()
    namnder = load_city(args.city)[args.skip::args.step]
    namnder = namnder[:args.namnder] if args.namnder else namnder
    if args.what == "feedback":
        result = feedback(namnder[0], args.repetitions)
    elif args.what == "suite":
        result = suite(namnder, args.repetitions)
    elif args.workroot:
        args.workroot.mkdir(parents=True, exist_ok=True)
        result = city(namnder, args.mode, args.workroot, args.city_runner)
    else:
        workroot = Path(tempfile.mkdtemp(prefix="tertial-bench-"))
        try:
            result = city(namnder, args.mode, workroot, args.city_runner)
        finally:
            shutil.rmtree(workroot, ignore_errors=True)
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
