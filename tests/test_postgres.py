"""The ledger on a real PostgreSQL 15 server, and several workers recording into one ledger at once.

The server is the throwaway cluster of tests/postgres.py (the `cluster` and `postgres_url` fixtures).
Without PostgreSQL the PostgreSQL tests are skipped, except under CI, where they fail:
`make test` installs it (`make system-deps`).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.builders import filled_rows, write_filled, write_filled_csv
from tests.conftest import MINI
from tertial.findings import Finding, Severity
from tertial.archive import content_hash
from tertial.ledger import Arrival, Event, Ledger
from tertial.verify import verify_cycle

pytestmark = pytest.mark.slow

CYCLE = "testdal-t1-2025"
TERTIAL = Path(sys.executable).parent / "tertial"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'liggare.sqlite'}"


# --------------------------------------------------------------------------- the real flows on PostgreSQL


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_collect_and_assemble_against_postgresql(postgres_url, tmp_path, mini_cycle):
    from flows.assemble import assemble
    from flows.collect import collect

    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    write_filled(inbox, mini_cycle, "barn")
    write_filled_csv(inbox, mini_cycle, "stab")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")

    outcomes = collect(cycle_path=MINI, inbox=inbox, workdir=workdir, ledger_url=postgres_url)
    verdicts = {o.file: (o.version.status, o.version.number, o.new) for o in outcomes}
    assert verdicts == {"aldre-utkast.xlsx": ("underkänd", 1, True), "barn.xlsx": ("godkänd", 1, True),
                        "stab": ("godkänd", 1, True)}
    again = collect(cycle_path=MINI, inbox=inbox, workdir=workdir, ledger_url=postgres_url)
    assert [o.new for o in again] == [False, False, False]
    assert not (workdir / "tertial.sqlite").exists()  # everything went to PostgreSQL

    ledger = Ledger(postgres_url)
    rejected = ledger.versions(CYCLE, "aldre")[0]
    assert "Perioden är 'Tertial 2 2025'" in ledger.findings(rejected.id)[0].message
    assembled = assemble(cycle_path=MINI, workdir=workdir, formats=("json",), allow_missing=True, ledger_url=postgres_url)
    assert assembled.report.missing == ["Äldreavdelningen"]
    assert verify_cycle(ledger, CYCLE).problems == []
    assembly = ledger.events(CYCLE, kinds=("sammanstallning",))[0]  # chained, with each output's SHA-256
    assert json.loads(assembly.comment)["filer"] == {str(path.resolve()): content_hash(path) for path in assembled.files.values()}
    with ledger.engine.begin() as connection:  # a rejected version "approved" behind Tertial's back
        connection.execute(text("UPDATE versions SET status = 'godkänd' WHERE id = :id"), {"id": rejected.id})
    assert verify_cycle(ledger, CYCLE).problems == [
        'Liggaren: version 1 från aldre (aldre-utkast.xlsx) har ändrats efter att den sparades (post 3 i kedjan): '  # it arrived third
        'status: väntat "underkänd", fann "godkänd".']


def test_tertial_serve_on_postgresql_takes_uploads_sign_ins_and_decisions_into_it(postgres_url, tmp_path, mini_cycle):
    """`tertial serve --ledger postgresql+psycopg://…`: an upload, a controller's sign-in and approval all land in the
    PostgreSQL ledger, chained, and nothing in a SQLite file beside it."""
    import httpx

    from commands.web import build_app
    from tertial.access import require_token_key
    from tertial.web import links
    from tests.webapp import CONTROLLER, CSRF, free_port, mail_server, running, sign_in

    workdir, port = tmp_path / "arbete", free_port()
    workbook = write_filled(tmp_path / "bok", mini_cycle, "barn")
    with mail_server() as (box, mailer), \
            running(build_app(MINI, workdir, postgres_url, base_url=f"http://127.0.0.1:{port}", mailer=mailer), port) as url, \
            httpx.Client(base_url=url, timeout=120) as controller:
        token = links.personal_link(require_token_key(workdir), mini_cycle, workdir, "barn", 30, dt.datetime.now(dt.UTC))
        csrf = CSRF.search(httpx.get(f"{url}/b/{token}").text)[1]
        handed = httpx.post(f"{url}/b/{token}/inlamning", data={"csrf": csrf}, timeout=120,
                            files={"fil": (workbook.name, workbook.read_bytes(), "application/octet-stream")})
        assert handed.status_code == 200 and "Inlämningen är godkänd" in handed.text
        assert sign_in(controller, url, box, CONTROLLER).status_code == 303
        page = controller.get("/controller/bidrag/barn")
        assert controller.post("/controller/bidrag/barn/godkann", data={"csrf": CSRF.search(page.text)[1]}).status_code == 200
    ledger = Ledger(postgres_url)
    assert [(v.contributor_id, v.number, v.status) for v in ledger.versions(CYCLE)] == [("barn", 1, "godkänd")]
    assert [(e.kind, e.actor) for e in ledger.events(CYCLE, kinds=("signed_in", "approved"))] == [
        ("signed_in", CONTROLLER), ("approved", CONTROLLER)]
    assert verify_cycle(ledger, CYCLE).problems == [] and not (workdir / "tertial.sqlite").exists()


# --------------------------------------------------------------------------- racing workers


def _arrival(contributor: str, content: str, worker: int) -> Arrival:
    return Arrival(CYCLE, contributor, f"{content}-".ljust(64, "0"), f"{content}.xlsx", f"/arkiv/{content}", f"worker-{worker}",
                   dt.datetime(2025, 5, 6, 9, 0, tzinfo=dt.UTC))


def _record_in_lockstep(url: str, worker: int, rounds: int, barrier, results) -> None:
    """One worker: open the ledger at the same moment as the other, then in each round record
    a file of its own and a file both workers received, both at the same moment as the other."""
    barrier.wait()
    ledger = Ledger(url)
    finding = [Finding("text_missing", Severity.ERROR, "Texten saknas.", sheet="Texter", row=2)]
    for n in range(rounds):
        barrier.wait()
        own, _ = ledger.record(_arrival(f"c{n}", f"own{n}w{worker}", worker), finding if worker else [])
        shared, new = ledger.record(_arrival(f"s{n}", f"shared{n}", worker), [])
        ledger.record_event(Event(CYCLE, f"s{n}", "paminnelse", dt.datetime(2025, 5, 7, tzinfo=dt.UTC), f"worker-{worker}",
                                  f"paminnelse:s{n}"))  # both claim the same reminder: one event
        results.put((worker, n, own.number, shared.id, new))
    ledger.engine.dispose()


def race(url: str, rounds: int = 15) -> list[tuple[int, int, int, int, bool]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_record_in_lockstep, args=(url, w, rounds, barrier, results)) for w in (0, 1)]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=120) for _ in range(2 * rounds)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0, "a worker failed; its traceback is above"
    return collected


def assert_nothing_lost_or_doubled(url: str, collected: list, rounds: int) -> None:
    ledger = Ledger(url)
    for n in range(rounds):
        own = ledger.versions(CYCLE, f"c{n}")
        assert sorted(v.number for v in own) == [1, 2], f"round {n}: {own}"
        assert {v.original_name for v in own} == {f"own{n}w0.xlsx", f"own{n}w1.xlsx"}
        assert [len(ledger.findings(v.id)) for v in own if v.original_name == f"own{n}w1.xlsx"] == [1]
        shared = ledger.versions(CYCLE, f"s{n}")
        assert [v.number for v in shared] == [1]
        answers = [(shared_id, new) for _, m, _, shared_id, new in collected if m == n]
        assert {shared_id for shared_id, _ in answers} == {shared[0].id}  # both got the one version
        assert sorted(new for _, new in answers) == [False, True]  # exactly one recorded it
    assert len(ledger.events(CYCLE)) == rounds
    chain = ledger.chain(CYCLE)  # one line through every version and event, every hash matching
    assert [link.seq for link in chain] == list(range(1, 4 * rounds + 1))
    assert [p for p in verify_cycle(ledger, CYCLE).problems if not p.startswith("Arkivet:")] == []


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_two_workers_recording_at_once_lose_and_double_nothing(backend, request):
    url = request.getfixturevalue(f"{backend}_url")
    collected = race(url)
    assert_nothing_lost_or_doubled(url, collected, 15)


def _collect_command(workdir: Path, inbox: Path, url: str) -> list[str]:
    return [str(TERTIAL), "collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(workdir), "--ledger", url]


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_two_collect_processes_on_one_inbox(backend, request, tmp_path, mini_cycle, server_env):
    """Two `tertial collect` at once on the same inbox: every file one version, numbers 1..n per contributor."""
    url = request.getfixturevalue(f"{backend}_url")
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    write_filled(inbox, mini_cycle, "barn")
    write_filled_csv(inbox, mini_cycle, "stab")
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")
    write_filled(inbox, mini_cycle, "aldre")
    processes = []
    for _ in (1, 2):  # two processes on one Prefect server, as two workers; what they share is the ledger and the archive
        processes.append(subprocess.Popen(_collect_command(workdir, inbox, url), env=server_env, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=600) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, f"{out}\n{err}"
    versions = Ledger(url).versions(mini_cycle.config.id)
    by_contributor = {c: sorted(v.number for v in versions if v.contributor_id == c) for c in ("aldre", "barn", "stab")}
    assert by_contributor == {"aldre": [1, 2], "barn": [1], "stab": [1]}
    assert len({v.sha256 for v in versions}) == len(versions) == 4
    for version in versions:  # each archived original is whole and where the ledger says
        assert Path(version.archive_path).exists()
        assert (Path(version.archive_path).parent / "mottagen.json").read_text(encoding="utf-8").startswith("{")
    assert not list((workdir / "arkiv").glob(".tmp-*"))
    assert verify_cycle(Ledger(url), mini_cycle.config.id).problems == []


# --------------------------------------------------------------------------- migrations


def schema(url: str) -> dict[str, dict[str, object]]:
    """Tables with their columns, keys, unique constraints and indexes, as the database reports them."""
    from sqlalchemy import inspect

    engine = create_engine(url)
    found = inspect(engine)
    tables = {}
    for table in sorted(set(found.get_table_names()) - {"alembic_version"}):
        tables[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
            "primary_key": found.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in found.get_unique_constraints(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in found.get_indexes(table)),
            "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in found.get_foreign_keys(table)),
        }
    engine.dispose()
    return tables


def test_alembic_upgrade_head_gives_the_tables_the_ledger_creates(cluster):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from tertial.ledger import Base

    migrated, created = cluster.new_database("migrerad"), cluster.new_database("skapad")
    config = Config(str(Path(__file__).parents[1] / "alembic.ini"))
    config.attributes["configure_logger"] = False
    config.set_main_option("sqlalchemy.url", migrated)
    command.upgrade(config, "head")
    Ledger(created)  # Base.metadata.create_all, as every Tertial command does on a new ledger
    assert schema(migrated) == schema(created)
    assert set(schema(migrated)) == set(Base.metadata.tables)
    engine = create_engine(migrated)
    with engine.connect() as connection:  # and alembic itself sees nothing left to migrate
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()
