"""Upload → feedback page under `tertial serve`, with N contributors handing in at the same moment.

Issue 17's target: median ≤ 1 s and p95 ≤ 2 s with 10 uploads at once on the 2-core machine.

Starts `tertial serve` (the real command, which warms up before it listens) on the demo cycle
(examples/eav-t1-2024) in a fresh work folder, on a free port of 127.0.0.1, with a PREFECT_HOME of its own
(should anything start Prefect's temporary server) and the published example key the demo's workbooks are
signed with. Then:

1. uploads alone, one after the other (default 3), their median reported (the service warm, nothing else
   running in it);
2. N uploads at once (default 10), one thread each, released together by a barrier. Each thread first
   fetches its contributor's page for the form's CSRF field (not timed); what is timed is sending the form
   until the whole feedback page has arrived.

Every upload is a distinct file, so each is a new version through the whole intake (archive, ledger,
validation, feedback): the demo's workbooks in turn, each saved with its own document title. Run from the
repository root, as a module:

    .venv/bin/python -m bench.serve_upload                    # 10 at once
    .venv/bin/python -m bench.serve_upload --uploads 20 --json serve.json

It prints the machine (cores, CPU, load average before and after), then median, p95 and max, and the CPU seconds
the service's processes used for the uploads at once (steadier than wall time on a shared machine); the last line
is ``BENCH {json}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from openpyxl import load_workbook

from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV
from tertial.config import load_cycle
from tertial.submission import META_SHEET
from tertial.web.links import personal_link

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "eav-t1-2024"
QUIET = {"PREFECT_LOGGING_LEVEL": "CRITICAL", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Upload:
    contributor: str
    name: str
    content: bytes


def distinct_uploads(count: int, folder: Path) -> list[Upload]:
    """`count` different files: the demo's workbooks in turn, each with its own document title."""
    sources = sorted((DEMO / "submissions").glob("*.xlsx"))
    uploads = []
    for number in range(count):
        source = sources[number % len(sources)]
        book = load_workbook(source)
        book.properties.title = f"Mätning {number}"
        meta = {row[0]: row[1] for row in book[META_SHEET].iter_rows(values_only=True)}
        path = folder / f"{number:02d}-{source.name}"
        book.save(path)
        uploads.append(Upload(str(meta["bidragsgivare"]), source.name, path.read_bytes()))
    return uploads


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(workdir: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`tertial serve` on the demo cycle in its own process; its address once it answers, and its process id."""
    port = free_port()
    env = {**os.environ, **QUIET, TOKEN_KEY_ENV: EXAMPLE_TOKEN_KEY.decode("ascii"),
           "PREFECT_HOME": tempfile.mkdtemp(prefix="tertial-bench-prefect-")}
    env.pop("PREFECT_API_URL", None)  # the temporary local server, as `make demo` uses
    command = [sys.executable, "-c", "from commands import app; app()", "serve", "--cycle", str(DEMO / "cycle.yaml"),
               "--workdir", str(workdir), "--port", str(port)]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server, log)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=60)
        subprocess.run([sys.executable, "-c", "from commands import app; app()", "server", "stop", "--workdir", str(workdir)],
                       cwd=ROOT, env=env, capture_output=True)  # the work folder's Prefect server, should it have started


def wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"tertial serve stopped ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"tertial serve did not answer within {timeout:.0f} s")


def hand_in(client: httpx.Client, url: str, token: str, upload: Upload, barrier: threading.Barrier | None) -> float:
    """Seconds from sending the form to having the whole feedback page."""
    csrf = CSRF.search(client.get(f"{url}/b/{token}").text)[1]
    if barrier is not None:
        barrier.wait()
    started = time.perf_counter()
    answer = client.post(f"{url}/b/{token}/inlamning", data={"csrf": csrf}, files={"fil": (upload.name, upload.content, XLSX)})
    elapsed = time.perf_counter() - started
    if answer.status_code != 200 or "Inlämningen är" not in answer.text:
        raise RuntimeError(f"{upload.name}: {answer.status_code} {answer.text[:300]}")
    return elapsed


def at_once(url: str, tokens: dict[str, str], uploads: list[Upload]) -> list[float]:
    """Every upload from its own thread, sent at the same moment."""
    barrier, times, failures = threading.Barrier(len(uploads)), [], []

    def one(upload: Upload) -> None:
        try:
            times.append(hand_in(client, url, tokens[upload.contributor], upload, barrier))
        except Exception as error:  # reported below; the other threads still finish
            failures.append(error)
            barrier.abort()

    with httpx.Client(timeout=300, limits=httpx.Limits(max_connections=len(uploads))) as client:
        threads = [threading.Thread(target=one, args=(upload,)) for upload in uploads]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} uploads failed; the first: {failures[0]!r}")
    return times


def service_cpu(pid: int) -> float:
    """CPU seconds (user + system) of `tertial serve` and the processes it started, Prefect's server left out."""
    total, todo = 0.0, [pid]
    while todo:
        process = Path(f"/proc/{todo.pop()}")
        try:
            if b"prefect" in (process / "cmdline").read_bytes():
                continue
            fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            todo += [int(c) for task in (process / "task").iterdir() for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # ended meanwhile
            continue
    return total


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "commit": commit}


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else ordered[0]
    return {"n": len(ordered), "median_s": round(statistics.median(ordered), 3), "p95_s": round(p95, 3),
            "min_s": round(ordered[0], 3), "max_s": round(ordered[-1], 3)}


def measure(count: int, alone_count: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="tertial-bench-serve-") as scratch:
        folder = Path(scratch)
        (folder / "filer").mkdir()
        uploads = distinct_uploads(count + alone_count, folder / "filer")
        workdir, cycle = folder / "arbete", load_cycle(DEMO / "cycle.yaml")
        tokens = {u.contributor: personal_link(EXAMPLE_TOKEN_KEY, cycle, workdir, u.contributor, 1, dt.datetime.now(dt.UTC)) for u in uploads}
        started = time.monotonic()
        with serving(workdir, folder / "serve.log") as (url, pid):
            ready = time.monotonic() - started
            with httpx.Client(timeout=300) as client:
                alone = [hand_in(client, url, tokens[u.contributor], u, None) for u in uploads[:alone_count]]
            load_before, cpu_before = os.getloadavg()[0], service_cpu(pid)
            times = at_once(url, tokens, uploads[alone_count:])
            load_after, cpu = os.getloadavg()[0], service_cpu(pid) - cpu_before
    return {"machine": machine(), "server_ready_s": round(ready, 1), "alone_s": round(statistics.median(alone), 3),
            "alone_each_s": [round(t, 3) for t in alone], "at_once": summary(times),
            "service_cpu_s": round(cpu, 2), "load_1min_before": load_before, "load_1min_after": load_after}


def report(result: dict) -> None:
    m, once = result["machine"], result["at_once"]
    print(f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}, commit {m['commit']}")
    print(f"Load average (1 min): {result['load_1min_before']:.2f} before, {result['load_1min_after']:.2f} after the uploads at once")
    print(f"tertial serve ready after {result['server_ready_s']} s (warm-up included)")
    print(f"One upload alone: {result['alone_s']:.2f} s (median of {len(result['alone_each_s'])}: "
          f"{', '.join(f'{t:.2f}' for t in result['alone_each_s'])} s)")
    print(f"{once['n']} uploads at once: median {once['median_s']:.2f} s, p95 {once['p95_s']:.2f} s, "
          f"min {once['min_s']:.2f} s, max {once['max_s']:.2f} s (target: median ≤ 1 s, p95 ≤ 2 s)")
    print(f"CPU of the service (its processes) for the uploads at once: {result['service_cpu_s']:.2f} s")
    print("BENCH " + json.dumps(result, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=10, help="how many uploads at once")
    parser.add_argument("--alone", type=int, default=3, help="how many uploads alone, one after the other")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    result = measure(args.uploads, args.alone)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
