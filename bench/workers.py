"""The whole city on long-lived, warm task workers against one Prefect server (issue 18, point 7).

Starts `prefect server start` on loopback with a Prefect home of its own, then N `tertial worker` processes (the
product's command: each warms up once, then takes one nämnd at a time), waits until every worker is warm, and only
then starts the clock and hands the city to them with the `alla-cykler` flow (flows/run_cycles.py): intake,
validation and a draft in all four formats per nämnd, one shared SQLite ledger as in bench/run.py.

    .venv/bin/python -m bench.workers                 # the full city (30 nämnder), 2 workers
    .venv/bin/python -m bench.workers --quick         # the reduced city
    .venv/bin/python -m bench.workers --namnder 10    # the first 10 nämnder of the full city

Reported: wall time from hand-over to the last result; CPU seconds of the server, the workers and this process;
peak memory (RSS summed over all of them, sampled every 100 ms); seconds per nämnd; the load average. The last line
is ``BENCH {json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench.city import load_city
from bench.measure import tree_rss_kib
from bench.run import ENV, FULL, QUICK, TARGETS, city_folder
from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICKS


def load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


@contextmanager
def server(home: Path):
    """Prefect's server on a free loopback port; the environment that points at it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, **ENV, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           TOKEN_KEY_ENV: EXAMPLE_TOKEN_KEY.decode("ascii")}
    process = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_health(env["PREFECT_API_URL"])
        yield process, env
    finally:
        process.terminate()
        process.wait(timeout=60)


def _wait_for_health(api: str) -> None:
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("Prefect-servern startade inte inom 180 s")


@contextmanager
def task_workers(env: dict, count: int):
    """`tertial worker` processes, yielded once each has printed that it is warm."""
    started = [subprocess.Popen([str(BIN / "tertial"), "worker"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, cwd=ROOT, start_new_session=True)
               for _ in range(count)]
    try:
        for process in started:
            if not process.stdout.readline().startswith("Arbetaren är redo"):
                raise SystemExit("en arbetare startade inte")
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=60)


class Sampler(threading.Thread):
    """The RSS of this process and all its descendants (the server and the workers) every 100 ms, and its peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib, self._halt = 0, threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.1):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(os.getpid()))

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak_kib


def run(namnder: int, count: int, quick: bool) -> dict:
    spec = QUICK if quick else FULL
    city = load_city(city_folder(spec, fresh=False))
    city = city[:namnder] if namnder else city
    home = Path(tempfile.mkdtemp(prefix="tertial-bench-prefect-"))
    workroot = Path(tempfile.mkdtemp(prefix="tertial-bench-workers-"))
    ready = time.perf_counter()
    with server(home) as (server_process, env), task_workers(env, count) as workers:
        warm_s = time.perf_counter() - ready
        os.environ.update({k: env[k] for k in ("PREFECT_HOME", "PREFECT_API_URL", TOKEN_KEY_ENV)} | ENV)
        from flows.run_cycles import CycleJob, run_cycles, wait_for_workers  # Prefect only now, at the server

        wait_for_workers(count)

        jobs = [CycleJob(n.cycle_path, n.inbox, workroot / n.cycle_path.parent.name) for n in city]
        pids = [server_process.pid, *(w.pid for w in workers), os.getpid()]
        sampler = Sampler()
        sampler.start()
        loads, before = [load()], {pid: cpu_s(pid) for pid in pids}
        began = time.perf_counter()
        done = run_cycles(jobs, ledger_url=f"sqlite:///{workroot / 'liggare.sqlite'}")
        wall = time.perf_counter() - began
        after = {pid: cpu_s(pid) for pid in pids}
        loads.append(load())
        peak = sampler.stop() / 1024
    spent = {pid: after[pid] - before[pid] for pid in pids}
    return {
        "machine": {"cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(), "load_1min": loads},
        "namnder": len(city), "submissions": sum(d.versions for d in done), "workers": count,
        "ran_on": sorted({d.worker for d in done}), "warm_up_s": warm_s, "wall_s": wall,
        "s_per_namnd": wall / len(city), "cpu_server_s": spent[server_process.pid],
        "cpu_workers_s": sum(spent[w.pid] for w in workers), "cpu_sender_s": spent[os.getpid()],
        "peak_memory_mib": peak, "formats": sorted(done[0].files) if done else [],
        "met": {"city_120s": wall <= TARGETS["city_wall_s"], "memory_1_5_gib": peak <= TARGETS["peak_memory_mib"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--namnder", type=int, default=0, help="only the first N nämnder (0 = all)")
    parser.add_argument("--quick", action="store_true", help="the reduced city")
    args = parser.parse_args()
    result = run(args.namnder, args.workers, args.quick)
    print(f"Machine: {result['machine']['cores']} cores, load {result['machine']['load_1min'][0]:.2f} before, "
          f"{result['machine']['load_1min'][1]:.2f} after")
    print(f"{result['namnder']} nämnder, {result['submissions']} submissions, formats {', '.join(result['formats'])}, "
          f"on {result['workers']} warm workers (warm-up {result['warm_up_s']:.1f} s, not counted)")
    print(f"Wall: {result['wall_s']:.1f} s ({result['s_per_namnd']:.2f} s per nämnd); target <= 120 s for the city: "
          f"{'yes' if result['met']['city_120s'] else 'NO'}")
    print(f"CPU: workers {result['cpu_workers_s']:.1f} s, server {result['cpu_server_s']:.1f} s, "
          f"sender {result['cpu_sender_s']:.1f} s")
    print(f"Peak memory (all processes): {result['peak_memory_mib']:.0f} MiB; target <= 1536 MiB: "
          f"{'yes' if result['met']['memory_1_5_gib'] else 'NO'}")
    print("BENCH " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
