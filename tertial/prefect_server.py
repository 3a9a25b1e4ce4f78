"""Which Prefect API the flows talk to: the configured server, else one local server per work folder.

Left to itself, Prefect starts a temporary server in every process that runs a flow (12–17 s each on two cores,
issue 18). Instead, when no PREFECT_API_URL is configured (environment or Prefect profile), the first command that
runs a flow in a work folder starts `prefect server start` in the background, with its own PREFECT_HOME and
database in WORKDIR/prefect/ and on a free loopback port, and records its address and process id in
WORKDIR/prefect/server.json; later commands find it there, check that it answers, and reuse it.
`tertial server start|stop|status` manages it explicitly (docs/drift.md §14).

A record whose process is gone, or is not this server any more, or does not answer, is stale: it is removed (the
process stopped) and a new server started. Starting is done under a lock, so two commands at once start one server.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from tertial.errors import TertialError
from tertial.workspace import Workspace

STARTUP_SECONDS = 120  # a busy two-core machine can take a minute to start it
STOP_SECONDS = 15
LOOPBACK = "127.0.0.1"
PROC = Path("/proc")


@dataclass(frozen=True)
class Running:
    """A local server that answers: its API address and its process (the leader of its own process group)."""

    url: str
    pid: int


@dataclass(frozen=True)
class LocalServer:
    """The work folder's own Prefect server: started on demand, found again by its record."""

    home: Path

    @classmethod
    def of(cls, workdir: Path) -> LocalServer:
        return cls(Workspace(workdir).prefect_home.resolve())

    @property
    def record(self) -> Path:
        return self.home / "server.json"

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    def running(self) -> Running | None:
        """The recorded server when its process is this server and it answers; None otherwise (nothing is changed)."""
        found = self._recorded()
        return found if found is not None and _ours(found) and _answers(found.url) else None

    def ensure(self) -> tuple[Running, bool]:
        """The running server, started if need be; True when this call started it."""
        with self._locked():
            found = self.running()
            if found is not None:
                return found, False
            self._clear()
            return self._start(), True

    def stop(self) -> Running | None:
        """Stop the recorded server (whatever its state) and remove its record; the server it was, or None."""
        if not self.home.is_dir():  # nothing was ever started here (a misspelt --workdir is not made)
            return None
        with self._locked():
            found = self._recorded()
            ours = found is not None and _ours(found)
            self._clear()
            return found if ours else None

    def _recorded(self) -> Running | None:
        try:
            return Running(**json.loads(self.record.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _clear(self) -> None:
        """Stop what the record names, if it is still this server, and forget it."""
        found = self._recorded()
        if found is not None and _ours(found):
            _terminate(found.pid)
        self.record.unlink(missing_ok=True)

    def _start(self) -> Running:
        """Recorded as soon as it is spawned, so a command interrupted while it starts leaves no server unknown."""
        for _ in range(3):  # the free port may be taken before the server binds it; then another
            port = _free_port()
            with self.log.open("ab") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "prefect", "server", "start", "--host", LOOPBACK, "--port", str(port)],
                    env=self._environment(), cwd=self.home, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)  # outlives this command, and a Ctrl-C here does not reach it
            server = Running(f"http://{LOOPBACK}:{port}/api", process.pid)
            self.record.write_text(json.dumps(asdict(server)) + "\n", encoding="utf-8")
            if _came_up(server, process):
                return server
            gave_up = process.poll() is None  # still starting after STARTUP_SECONDS, not lost to a taken port
            self._clear()
            if gave_up:
                break
        raise TertialError(f"Prefects lokala server i {self.home} startade inte inom {STARTUP_SECONDS} s. Se {self.log}, "
                           "eller ange en Prefect-server med PREFECT_API_URL.")

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{self.home / 'prefect.db'}"}
        env.pop("PREFECT_API_URL", None)  # the server is no client of another
        return env

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / "server.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


@contextmanager
def prefect_api(workdir: Path, make_folder: bool = True) -> Iterator[tuple[Running, bool] | None]:
    """Flows run in this block talk to the configured Prefect server (PREFECT_API_URL in the environment or the
    Prefect profile, as the tests' harness sets it) and then this yields None; otherwise to the work folder's local
    server, started if need be, and this yields it and whether it was started now.

    Without `make_folder`, a missing work folder is left for the flow to name (a misspelt --workdir is not made),
    and Prefect's temporary server serves that one run.
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if get_current_settings().api.url or not (make_folder or Path(workdir).is_dir()):
        yield None
        return
    server, started = LocalServer.of(workdir).ensure()
    os.environ["PREFECT_API_URL"] = server.url  # for the processes a flow's task runner starts, too
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.url}):
            yield server, started
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _answers(url: str, timeout: float = 3.0) -> bool:
    """Prefect's health check; no proxy is asked about a loopback address."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _came_up(server: Running, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if _answers(server.url, timeout=1.0):
            return True
        time.sleep(0.2)
    return False


def _ours(server: Running) -> bool:
    """The recorded process still lives and is a Prefect server on the recorded port (a pid may have been reused)."""
    if not PROC.is_dir():  # no /proc to ask (macOS): that the process lives must do
        return _group_alive(server.pid)
    try:
        arguments = (PROC / str(server.pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    port = server.url.rsplit(":", 1)[1].split("/")[0].encode()
    return b"prefect" in arguments and b"server" in arguments and port in arguments


def _terminate(pid: int) -> None:
    """The server's whole process group: politely, then for certain."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, 5)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _group_alive(pid):
                return
            time.sleep(0.1)


def _group_alive(pgid: int) -> bool:
    """Any process of the group still running (a zombie waiting for its parent counts as gone)."""
    if not PROC.is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
