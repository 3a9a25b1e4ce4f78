"""A throwaway PostgreSQL cluster for the tests that need a real server (the `cluster` fixture in conftest.py).

initdb into a temporary folder, a unix socket only, no TCP. PostgreSQL refuses to run as root,
so as root it runs as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text


def postgres_bin() -> Path | None:
    """The server binaries of Debian's postgresql package, 15 preferred."""
    candidates = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
    return next((c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None)


def as_cluster_owner(args: list[str]) -> list[str]:
    """PostgreSQL will not run as root: run it as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    """A throwaway PostgreSQL cluster listening on a unix socket in its own folder."""

    def __init__(self, binaries: Path) -> None:
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="tertial-pg-"))  # not under pytest's 0700 root-only folder
        self.data, self.socket = self.root / "data", self.root / "sock"
        self.socket.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")

    def run(self, *args: str) -> None:
        done = subprocess.run(as_cluster_owner([str(self.bin / args[0]), *args[1:]]), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{args[0]} misslyckades:\n{done.stdout}\n{done.stderr}"

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "tertial", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c max_connections=100"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self) -> None:
        subprocess.run(as_cluster_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, user: str = "tertial", driver: str = "psycopg") -> str:
        return f"postgresql+{driver}://{user}@/{database}?host={self.socket}"

    def execute(self, statement: str) -> None:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def new_database(self, name: str, owner: str = "tertial") -> str:
        self.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return self.url(name, owner)

    def role_with_password(self, name: str, password: str) -> None:
        """A role that must give its password (scram-sha-256), as on a real server; every other role is trusted."""
        self.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {name} scram-sha-256\n" + hba.read_text(encoding="utf-8"), encoding="utf-8")
        self.run("pg_ctl", "-D", str(self.data), "reload")
