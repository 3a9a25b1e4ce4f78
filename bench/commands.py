"""How fast the commands that read or check answer, side by side with bare imports of their libraries.

Issue 18 sets the targets: `tertial validate` of one workbook at most 1.3 × a bare
`python -c "import great_expectations"`, and `status`, `history`, `diff` at most 3 × a bare
`python -c "import pandas"`. `collect` of an inbox already taken in is the command that runs a flow: it shows
what talking to Prefect costs (the work folder's local server, reused; before issue 18.2 a temporary server per run). Each measurement is a fresh process, and the rounds interleave them, so a
change in the machine's load hits all of them alike. Run from the repository root:

    .venv/bin/python -m bench.commands                    # the demo cycle, 5 rounds
    .venv/bin/python -m bench.commands --workdir /tmp/w   # reuse (or make once) a work folder

The work folder is made by one `tertial collect` of the demo's submissions (that one starts Prefect).
Every command gets its own PREFECT_HOME, so the table can say whether it started Prefect's temporary server
(which leaves its database there) or used the work folder's local one (WORKDIR/prefect/server.json), which the
benchmark stops at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV
from tertial.resources import EXAMPLES
from tertial.workspace import LEDGER_FILE, Workspace

CYCLE = EXAMPLES / "eav-t1-2024"
WORKBOOK = CYCLE / "submissions" / "aldre.xlsx"  # no errors, so `validate` exits 0
CONTRIBUTOR = "forskola"  # two versions, so `diff` has something to compare
QUIET = {"PREFECT_LOGGING_LEVEL": "CRITICAL", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False"}


@dataclass(frozen=True)
class Result:
    name: str
    wall_median: float
    wall_min: float
    cpu_median: float
    prefect_server: str  # "started" (a temporary one in this run), "local, reused" or "no"
    target: str = ""
    ratio: float | None = None  # of the wall medians, as the targets are set
    cpu_ratio: float | None = None  # of the CPU medians, which the machine's load moves less


def tertial(*args: str) -> list[str]:
    """The installed `tertial` script when there is one (what a user runs), else `python -m commands`."""
    script = Path(sys.executable).with_name("tertial")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "commands", *args]


def measurements(workdir: Path) -> dict[str, list[str]]:
    cycle, work = str(CYCLE / "cycle.yaml"), str(workdir)
    return {
        "import great_expectations": [sys.executable, "-c", "import great_expectations"],
        "import pandas": [sys.executable, "-c", "import pandas"],
        "validate": tertial("validate", str(WORKBOOK), "--cycle", cycle, "--workdir", work),
        "status": tertial("status", "--cycle", cycle, "--workdir", work, "--as-of", "2024-05-01"),
        "history": tertial("history", "--cycle", cycle, "--workdir", work, "--contributor", CONTRIBUTOR),
        "diff": tertial("diff", "--cycle", cycle, "--workdir", work, "--contributor", CONTRIBUTOR),
        "check-config": tertial("check-config", "--cycle", cycle),
        "verify": tertial("verify", "--cycle", cycle, "--workdir", work),
        "collect": tertial("collect", "--cycle", cycle, "--inbox", str(inbox_of(workdir)), "--workdir", work),
    }


def inbox_of(workdir: Path) -> Path:
    return workdir.parent / f"{workdir.name}-inkorg"


def environment(prefect_home: Path) -> dict[str, str]:
    prefect_home.mkdir(parents=True, exist_ok=True)  # Prefect does not make its home's parents
    env = {**os.environ, **QUIET, "PREFECT_HOME": str(prefect_home), TOKEN_KEY_ENV: EXAMPLE_TOKEN_KEY.decode("ascii")}
    root = str(Path(__file__).resolve().parent.parent)  # this checkout, also under an editable install of another
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    return env


def make_workdir(workdir: Path, prefect_home: Path) -> None:
    """One collect of the demo's submissions, in name order as `tertial demo` delivers them."""
    inbox = inbox_of(workdir)
    shutil.copytree(CYCLE / "submissions", inbox, dirs_exist_ok=True)
    subprocess.run(tertial("collect", "--cycle", str(CYCLE / "cycle.yaml"), "--inbox", str(inbox), "--workdir", str(workdir)),
                   env=environment(prefect_home), check=True, stdout=subprocess.DEVNULL)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (the child's user + system) of one run, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def server_used(name: str, home: Path, workdir: Path) -> str:
    if any(home.glob("prefect.db*")):
        return "started"
    local = (Workspace(workdir).prefect_home / "server.json").exists()
    return "local, reused" if name == "collect" and local else "no"  # collect is the one that runs a flow


def measure(commands: dict[str, list[str]], rounds: int, homes: Path, workdir: Path) -> dict[str, Result]:
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            wall, cpu = timed(command, environment(homes / name.replace(" ", "-")))
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {name: Result(name, statistics.median(walls[name]), min(walls[name]), statistics.median(cpus[name]),
                         server_used(name, homes / name.replace(" ", "-"), workdir))
            for name in commands}


def with_targets(results: dict[str, Result]) -> list[Result]:
    gx, pandas = results["import great_expectations"], results["import pandas"]
    limits = {"validate": ("≤ 1.3 × import great_expectations", gx)}
    limits |= {name: ("≤ 3 × import pandas", pandas) for name in ("status", "history", "diff")}
    limits |= {name: ("(none; × import pandas)", pandas) for name in ("check-config", "verify", "collect")}
    rows = []
    for name, result in results.items():
        if name in limits:
            text, base = limits[name]
            result = Result(**{**asdict(result), "target": text, "ratio": result.wall_median / base.wall_median,
                               "cpu_ratio": result.cpu_median / base.cpu_median})
        rows.append(result)
    return rows


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {model}; Python {platform.python_version()}"


def table(rows: list[Result]) -> str:
    limits = {"validate": 1.3, "status": 3.0, "history": 3.0, "diff": 3.0}
    lines = ["| Measure | Wall median (min) | CPU median | Prefect server | Ratio wall (CPU) | Target | Met (wall) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r.ratio:.2f} ({r.cpu_ratio:.2f})" if r.ratio is not None and r.cpu_ratio is not None else ""
        met = ("yes" if r.ratio <= limits[r.name] else "no") if r.name in limits and r.ratio is not None else ""
        lines.append(f"| `{r.name}` | {r.wall_median:.2f} s ({r.wall_min:.2f}) | {r.cpu_median:.2f} s | "
                     f"{r.prefect_server} | {ratio} | {r.target} | {met} |")
    return "\n".join(lines)


def stop_local_server(workdir: Path, prefect_home: Path) -> None:
    if (Workspace(workdir).prefect_home / "server.json").exists():
        subprocess.run(tertial("server", "stop", "--workdir", str(workdir)), env=environment(prefect_home), check=True,
                       stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, help="Work folder with one collect of the demo (made if missing).")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as scratch:
        homes = Path(scratch) / "prefect-homes"
        workdir = args.workdir or Path(scratch) / "work"
        if not (workdir / LEDGER_FILE).exists():
            make_workdir(workdir, Path(scratch) / "prefect-collect")
        load_before = os.getloadavg()
        try:
            rows = with_targets(measure(measurements(workdir), args.rounds, homes, workdir))
        finally:
            stop_local_server(workdir, Path(scratch) / "prefect-collect")
        load_after = os.getloadavg()
    print(f"Machine: {machine()}")
    print(f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.2f}' for x in load_after)}")
    print(f"Median of {args.rounds} interleaved runs each:\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "load_before": load_before, "load_after": load_after,
                                         "results": [asdict(r) for r in rows]}, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
