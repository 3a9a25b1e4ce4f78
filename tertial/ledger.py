"""The ledger: every submission version and its findings, in SQLite or PostgreSQL.

The ledger is the single record of what arrived and how it was judged. It never
overwrites: a resubmission is a new version; an identical re-send is recognised by its
SHA-256 and returns the version already recorded.

It also keeps the cycle's events: a controller's approval or return of a version, and
every reminder sent, every assembly of the report. Each event has a key unique within its
cycle, so recording the same event twice (two reminder runs, a retried task) keeps one.

Every version and event is also an entry in the cycle's hash chain (tertial/chain.py), written
in the same transaction: one entry per place in the chain, so workers racing for a place retry
and the chain stays a line.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from sqlalchemy import (
    DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, func, select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from tertial.chain import GENESIS, Entry, as_utc, canonical, event_content, link_hash, version_content
from tertial.errors import TertialError
# The stored statuses are the verdicts; ACCEPTED and REJECTED are named here too, where the ledger's readers look.
from tertial.findings import ACCEPTED, REJECTED, Finding, Severity, Verdict, count, verdict  # noqa: F401


class Base(DeclarativeBase):
    pass


class VersionRow(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("cycle_id", "sha256", name="one_version_per_content"),
        UniqueConstraint("cycle_id", "contributor_id", "number", name="version_numbers_unique"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(100), index=True)
    contributor_id: Mapped[str] = mapped_column(String(100), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(500))
    archive_path: Mapped[str] = mapped_column(String(1000))
    source: Mapped[str] = mapped_column(String(1000))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    errors: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    findings: Mapped[list["FindingRow"]] = relationship(back_populates="version", order_by="FindingRow.id")


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    sheet: Mapped[str | None] = mapped_column(String(100))
    row: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(200))
    item_id: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    version: Mapped[VersionRow] = relationship(back_populates="findings")


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("cycle_id", "key", name="one_event_per_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(100), index=True)
    contributor_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    key: Mapped[str] = mapped_column(String(300))
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ChainRow(Base):
    """One entry of a cycle's hash chain: what was chained (its content as canonical JSON) and the two hashes."""

    __tablename__ = "chain"
    __table_args__ = (UniqueConstraint("cycle_id", "seq", name="one_entry_per_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(100), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class Link:
    """A chain entry, detached from the database session."""

    seq: int
    entry: str
    ref_id: int
    content: str
    prev_hash: str
    hash: str


def _append_link(session: Session, cycle_id: str, entry: Entry, ref_id: int, content: dict) -> None:
    """Chain an entry after the cycle's newest; a worker that took the same place meanwhile makes the commit fail."""
    tail = session.scalars(select(ChainRow).where(ChainRow.cycle_id == cycle_id)
                           .order_by(ChainRow.seq.desc()).limit(1)).first()
    seq, prev = (tail.seq + 1, tail.hash) if tail else (1, GENESIS)
    text = canonical(content)
    session.add(ChainRow(cycle_id=cycle_id, seq=seq, entry=entry.value, ref_id=ref_id, content=text,
                         prev_hash=prev, hash=link_hash(prev, seq, entry.value, text)))


def chain_existing(session: Session) -> None:
    """Chain the rows of a ledger made before the chain, oldest first (the migration that adds the chain does this once)."""
    rows = [(r.received_at, Entry.VERSION, r) for r in session.scalars(select(VersionRow))]
    rows += [(r.at, Entry.EVENT, r) for r in session.scalars(select(EventRow))]
    for _, entry, row in sorted(rows, key=lambda item: (as_utc(item[0]), item[1], item[2].id)):
        content = version_content(row) if entry is Entry.VERSION else event_content(row)
        _append_link(session, row.cycle_id, entry, row.id, content)
        session.flush()


@dataclass(frozen=True)
class Event:
    """Something that happened to a contributor's submission besides its arrival."""

    cycle_id: str
    contributor_id: str
    kind: str
    at: dt.datetime
    actor: str
    key: str
    comment: str = ""
    version: int | None = None
    id: int | None = None


def _detach_event(row: EventRow) -> Event:
    # SQLite drops the time zone; every event is written in UTC, so it is put back.
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
    return Event(cycle_id=row.cycle_id, contributor_id=row.contributor_id, kind=row.kind, at=at,
                 actor=row.actor, key=row.key, comment=row.comment or "", version=row.version, id=row.id)


@dataclass(frozen=True)
class Version:
    """A recorded submission version, detached from the database session."""

    id: int
    cycle_id: str
    contributor_id: str
    number: int
    sha256: str
    original_name: str
    archive_path: str
    received_at: dt.datetime
    status: Verdict
    errors: int
    warnings: int

    @property
    def accepted(self) -> bool:
        return self.status == Verdict.ACCEPTED


def _detach(row: VersionRow) -> Version:
    return Version(
        id=row.id, cycle_id=row.cycle_id, contributor_id=row.contributor_id, number=row.number,
        sha256=row.sha256, original_name=row.original_name, archive_path=row.archive_path,
        received_at=row.received_at, status=Verdict(row.status), errors=row.errors, warnings=row.warnings,
    )


@dataclass(frozen=True)
class Arrival:
    """What is known of a file when it is recorded."""

    cycle_id: str
    contributor_id: str
    sha256: str
    original_name: str
    archive_path: str
    source: str
    received_at: dt.datetime


# Several workers may record into one ledger at once (two `tertial collect` on one inbox, a
# Prefect work pool). A lost race is retried this many times before the error is let through.
RECORD_ATTEMPTS = 8
SQLITE_BUSY_TIMEOUT_S = 30  # SQLite lets one writer in at a time; the others wait this long


class LedgerContention(TertialError):
    """Other workers kept winning the race to record; nothing was lost, the run can be repeated."""


def _engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    return create_engine(url, pool_pre_ping=True)


def _create_tables(engine: Engine) -> None:
    """Create missing tables; two workers opening a new ledger at once both try, and one loses."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            Base.metadata.create_all(engine)
            return
        except DBAPIError:  # "table already exists" / duplicate pg_type row from the other worker
            if attempt == RECORD_ATTEMPTS - 1:
                raise
            _pause(attempt)


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.02 * 2 ** attempt))


class Ledger:
    def __init__(self, url: str) -> None:
        self.engine = _engine(url)
        _create_tables(self.engine)

    def find(self, cycle_id: str, sha256: str) -> Version | None:
        with Session(self.engine) as session:
            row = session.scalars(select(VersionRow).where(VersionRow.cycle_id == cycle_id, VersionRow.sha256 == sha256)).first()
            return _detach(row) if row else None

    def record(self, arrival: Arrival, findings: list[Finding]) -> tuple[Version, bool]:
        """Record a new version with its findings; (version, False) when the content was already recorded.

        Safe when several workers record at once: the unique constraints decide, and a worker
        that lost the race for a version number takes the next one.
        """
        for attempt in range(RECORD_ATTEMPTS):
            existing = self.find(arrival.cycle_id, arrival.sha256)
            if existing:
                return existing, False
            recorded = self._insert(arrival, findings)
            if recorded is not None:
                return recorded, True
            _pause(attempt)  # lost a race: the same content (found above next time) or the same number
        raise LedgerContention(f"versionen av {arrival.original_name} kunde inte sparas i liggaren efter "
                               f"{RECORD_ATTEMPTS} försök; andra processer skriver samtidigt. Kör igen.")

    def _insert(self, arrival: Arrival, findings: list[Finding]) -> Version | None:
        """Insert as the contributor's next version; None when another worker got there first."""
        errors = count(findings, Severity.ERROR)
        with Session(self.engine) as session:
            number = (session.scalar(select(func.max(VersionRow.number)).where(
                VersionRow.cycle_id == arrival.cycle_id, VersionRow.contributor_id == arrival.contributor_id)) or 0) + 1
            row = VersionRow(
                **(arrival.__dict__ | {"received_at": as_utc(arrival.received_at)}), number=number,
                status=verdict(findings), errors=errors, warnings=len(findings) - errors,
                findings=[_finding_row(f) for f in findings],
            )
            session.add(row)
            try:
                session.flush()
                _append_link(session, arrival.cycle_id, Entry.VERSION, row.id, version_content(row))
                session.commit()
            except IntegrityError:  # same content, version number or chain place, committed by another worker
                session.rollback()
                return None
            return _detach(row)

    def versions(self, cycle_id: str, contributor_id: str | None = None) -> list[Version]:
        query = select(VersionRow).where(VersionRow.cycle_id == cycle_id)
        if contributor_id is not None:
            query = query.where(VersionRow.contributor_id == contributor_id)
        with Session(self.engine) as session:
            rows = session.scalars(query.order_by(VersionRow.contributor_id, VersionRow.number))
            return [_detach(r) for r in rows]

    def record_event(self, event: Event) -> tuple[Event, bool]:
        """Record and chain an event; (the event already recorded under its key, False) when there is one."""
        fields = {k: v for k, v in event.__dict__.items() if k != "id"} | {"at": as_utc(event.at)}
        for attempt in range(RECORD_ATTEMPTS):
            with Session(self.engine) as session:
                row = EventRow(**fields)
                session.add(row)
                try:
                    session.flush()
                    _append_link(session, event.cycle_id, Entry.EVENT, row.id, event_content(row))
                    session.commit()
                    return _detach_event(row), True
                except IntegrityError:  # the key is taken (by an earlier or a concurrent run), or the chain place
                    session.rollback()
            existing = self.event(event.cycle_id, event.key)
            if existing:
                return existing, False
            _pause(attempt)
        raise LedgerContention(f"händelsen {event.key} kunde inte sparas i liggaren efter {RECORD_ATTEMPTS} försök; "
                               "andra processer skriver samtidigt. Kör igen.")

    def event(self, cycle_id: str, key: str) -> Event | None:
        with Session(self.engine) as session:
            row = session.scalars(select(EventRow).where(EventRow.cycle_id == cycle_id, EventRow.key == key)).first()
            return _detach_event(row) if row else None

    def events(self, cycle_id: str, contributor_id: str | None = None, kinds: tuple[str, ...] = ()) -> list[Event]:
        """Events in the order they were recorded."""
        query = select(EventRow).where(EventRow.cycle_id == cycle_id)
        if contributor_id is not None:
            query = query.where(EventRow.contributor_id == contributor_id)
        if kinds:
            query = query.where(EventRow.kind.in_(kinds))
        with Session(self.engine) as session:
            return [_detach_event(r) for r in session.scalars(query.order_by(EventRow.id))]

    def forget_event(self, cycle_id: str, key: str) -> None:
        """Remove an event that did not happen after all (a claimed reminder whose sending failed).

        The chain keeps its entry, and a new entry says it was removed, so the gap is accounted for.
        """
        for attempt in range(RECORD_ATTEMPTS):
            with Session(self.engine) as session:
                row = session.scalars(select(EventRow).where(EventRow.cycle_id == cycle_id, EventRow.key == key)).first()
                if row is None:
                    return
                content = event_content(row)
                session.delete(row)
                try:
                    session.flush()
                    _append_link(session, cycle_id, Entry.FORGOTTEN, content["id"], content)
                    session.commit()
                    return
                except IntegrityError:  # another worker took the chain place
                    session.rollback()
            _pause(attempt)
        raise LedgerContention(f"händelsen {key} kunde inte tas bort ur liggaren efter {RECORD_ATTEMPTS} försök. Kör igen.")

    def chain(self, cycle_id: str) -> list[Link]:
        """The cycle's chain entries in order."""
        with Session(self.engine) as session:
            rows = session.scalars(select(ChainRow).where(ChainRow.cycle_id == cycle_id).order_by(ChainRow.seq))
            return [Link(r.seq, r.entry, r.ref_id, r.content, r.prev_hash, r.hash) for r in rows]

    def chained_contents(self, cycle_id: str) -> dict[tuple[str, int], dict]:
        """Every version and event of the cycle as it reads now, in the form the chain keeps, by (entry, id)."""
        with Session(self.engine) as session:
            versions = session.scalars(select(VersionRow).where(VersionRow.cycle_id == cycle_id))
            contents = {(Entry.VERSION.value, r.id): version_content(r) for r in versions}
            events = session.scalars(select(EventRow).where(EventRow.cycle_id == cycle_id))
            return contents | {(Entry.EVENT.value, r.id): event_content(r) for r in events}

    def findings(self, version_id: int) -> list[Finding]:
        with Session(self.engine) as session:
            rows = session.scalars(select(FindingRow).where(FindingRow.version_id == version_id).order_by(FindingRow.id))
            return [Finding(r.rule_id, Severity(r.severity), r.message, sheet=r.sheet, row=r.row, column=r.column,
                            item_id=r.item_id, value=r.value) for r in rows]


def _finding_row(finding: Finding) -> FindingRow:
    return FindingRow(
        rule_id=finding.rule_id, severity=finding.severity.value, message=finding.message, sheet=finding.sheet,
        row=finding.row, column=finding.column, item_id=finding.item_id, value=finding.value,
    )

