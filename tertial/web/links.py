"""A contributor's personal link: signed, expiring and revocable, under the installation's token key.

The link token carries cycle, contributor, expiry and the contributor's link generation, signed by itsdangerous
(HMAC-SHA256) under the same key that signs the workbooks (tertial/access.py), with a salt of its own per purpose
(link, form), so a link's signature can never pass for a form's token or a workbook's. The token carries no time of
issue: the same claim gives the same link, so a handout workbook that prints it stays byte-identical. Revoking bumps
the contributor's generation (a small file in the work folder); every link of an earlier generation is refused
from then on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadData, Signer, URLSafeSerializer

from tertial.cycle import Cycle
from tertial.errors import TertialError

GENERATIONS_FILE = Path("lankar") / "generationer.json"
_LINK_SALT = "tertial-lank"
_CSRF_SALT = "tertial-csrf"


@dataclass(frozen=True)
class LinkClaim:
    cycle_id: str
    contributor_id: str
    expires: dt.datetime
    generation: int


class LinkRefused(Exception):
    """A link that opens nothing, with the HTTP status and the Swedish sentence the contributor sees."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def generations_file(workdir: Path) -> Path:
    return Path(workdir) / GENERATIONS_FILE


def generation(workdir: Path, contributor_id: str) -> int:
    try:
        return int(json.loads(generations_file(workdir).read_text(encoding="utf-8")).get(contributor_id, 0))
    except FileNotFoundError:
        return 0


def revoke(workdir: Path, contributor_id: str) -> int:
    """Every earlier link of the contributor stops working; returns the new generation."""
    path = generations_file(workdir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    known[contributor_id] = int(known.get(contributor_id, 0)) + 1
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(known, out, ensure_ascii=False, sort_keys=True)
    os.replace(staged, path)  # atomic: a reader sees the old counters or the new ones
    return known[contributor_id]


def issue_link(key: bytes, claim: LinkClaim) -> str:
    return _links(key).dumps([claim.cycle_id, claim.contributor_id, int(claim.expires.timestamp()), claim.generation])


def read_link(key: bytes, token: str, cycle: Cycle, workdir: Path, now: dt.datetime) -> LinkClaim:
    """The claim of a genuine, current link for this cycle; LinkRefused (403 or 410) with why, in Swedish."""
    claim = _verified(key, token)
    if claim is None or claim.cycle_id != cycle.config.id or claim.contributor_id not in {c.id for c in cycle.config.contributors}:
        raise LinkRefused(403, "Länken är inte giltig. Kontrollera att hela länken kom med, eller be controllern om en ny.")
    if claim.expires <= now:
        raise LinkRefused(410, f"Länken gick ut {claim.expires.date().isoformat()}. Be controllern om en ny länk.")
    if claim.generation != generation(workdir, claim.contributor_id):
        raise LinkRefused(410, "Länken har ersatts av en nyare och gäller inte längre. Använd den senaste länken "
                               "du fått, eller be controllern om en ny.")
    return claim


def csrf_token(key: bytes, token: str) -> str:
    """The form's token for this link: only a page served for the link carries it."""
    return _forms(key).get_signature(token).decode("ascii")


def csrf_matches(key: bytes, token: str, given: str | None) -> bool:
    return bool(given) and _forms(key).verify_signature(token, given.encode("utf-8", "replace"))


def _verified(key: bytes, token: str) -> LinkClaim | None:
    try:
        cycle_id, contributor_id, expires, number = _links(key).loads(token)
        return LinkClaim(str(cycle_id), str(contributor_id), dt.datetime.fromtimestamp(int(expires), dt.UTC), int(number))
    except (BadData, ValueError, TypeError, OverflowError, OSError):  # forged, cut short, or a claim of another shape
        return None


def _links(key: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=_LINK_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _forms(key: bytes) -> Signer:
    return Signer(key, salt=_CSRF_SALT, digest_method=hashlib.sha256)


def personal_link(key: bytes, cycle: Cycle, workdir: Path, contributor_id: str, days: int, now: dt.datetime) -> str:
    """The contributor's current link token, valid for `days` days from `now`."""
    require_contributor(cycle, contributor_id)
    claim = LinkClaim(cycle.config.id, contributor_id, now + dt.timedelta(days=days), generation(workdir, contributor_id))
    return issue_link(key, claim)


LINK_DAYS_AFTER_DEADLINE = 30  # time to correct after the deadline; a new link is one `tertial lank` away


def handout_link(key: bytes, cycle: Cycle, workdir: Path, contributor_id: str, base_url: str) -> str:
    """The page address printed in the contributor's workbook: valid until 30 days after their deadline. Its expiry
    follows from the cycle, not the clock, so the same cycle gives the same workbook."""
    start = dt.datetime.combine(cycle.deadline(contributor_id), dt.time(), tzinfo=dt.UTC)
    token = personal_link(key, cycle, workdir, contributor_id, LINK_DAYS_AFTER_DEADLINE, start)
    return f"{base_url.rstrip('/')}/b/{token}"


def require_contributor(cycle: Cycle, contributor_id: str) -> None:
    if contributor_id not in {c.id for c in cycle.config.contributors}:
        known = ", ".join(c.id for c in cycle.config.contributors)
        raise TertialError(f"Bidragsgivaren '{contributor_id}' finns inte i {cycle.config.id}. Välj bland: {known}.")
