"""Only the contributor a workbook was issued to can submit it.

Each handout carries a token: an HMAC of cycle and contributor under a key only the
controller's installation knows. A workbook whose hidden sheet names another contributor,
or was copied from another cycle, does not carry that contributor's token.

The key is TERTIAL_TOKEN_KEY when set, otherwise the file nyckel/token.key in the work
folder, which `tertial open` creates (permissions 600) when neither exists. Every command
that reads submissions finds it in the same work folder, so tokens are always required.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from tertial.errors import SubmissionError, TertialError
from tertial.findings import refusal
from tertial.settings import env_name, load_settings

UNKNOWN_CONTRIBUTOR = "okand"  # the id a file is recorded under when no contributor can be named as its sender
TOKEN_KEY_ENV = env_name("token_key")
KEY_FILE = Path("nyckel") / "token.key"
# The published key the examples, the demo, the benchmark and the tests sign their submissions with.
# Everyone can read it, so it proves nothing: an installation's own key is made by `tertial open`.
EXAMPLE_TOKEN_KEY = b"tertial-exempel-offentlig-nyckel"


def key_file(workdir: Path) -> Path:
    return Path(workdir) / KEY_FILE


def token_key(workdir: Path) -> bytes | None:
    """The installation's key: the environment wins over the work folder's key file; None when neither exists."""
    key = load_settings().token_key
    if key and key.get_secret_value():
        return key.get_secret_value().encode("utf-8")
    try:
        return key_file(workdir).read_bytes().strip() or None
    except FileNotFoundError:
        return None


def require_token_key(workdir: Path) -> bytes:
    """The key, or a Swedish error before anything is read: without it no submission can be trusted."""
    key = token_key(workdir)
    if key is None:
        raise TertialError(
            f"Nyckeln som styrker vem en arbetsbok är utfärdad till saknas: varken {TOKEN_KEY_ENV} eller "
            f"{key_file(workdir)} finns. Kör 'tertial open' med samma --workdir (den skapar nyckeln) "
            f"eller sätt {TOKEN_KEY_ENV}.")
    return key


def ensure_token_key(workdir: Path) -> bytes:
    """The key, created in the work folder when none exists (once, atomically, readable only by its owner)."""
    key = token_key(workdir)
    if key is not None:
        return key
    path = key_file(workdir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mkstemp creates the file with mode 600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32))
        os.link(staged, path)  # fails if another run created the key meanwhile: its key stays
    except FileExistsError:
        pass
    finally:
        os.unlink(staged)
    return require_token_key(workdir)


def issue_token(key: bytes, cycle_id: str, contributor_id: str) -> str:
    return hmac.new(key, f"{cycle_id}:{contributor_id}".encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def token_matches(key: bytes, cycle_id: str, contributor_id: str, token: str) -> bool:
    """Compared as bytes: a token with any characters at all is a mismatch, never a crash."""
    expected = issue_token(key, cycle_id, contributor_id).encode("ascii")
    return bool(token) and hmac.compare_digest(token.encode("utf-8", "surrogatepass"), expected)


def verify_token(key: bytes, cycle_id: str, contributor_id: str, token: str, file: str) -> None:
    """Raise a SubmissionError, for the controller's attention, when the token does not match."""
    if not token_matches(key, cycle_id, contributor_id, token):
        raise not_issued(contributor_id, file, token)


def not_issued(contributor_id: str, file: str, token: str = "") -> SubmissionError:
    """The refusal of a workbook that claims a contributor it was not issued to; it names no one as its sender,
    and says which of the two causes applies: the key is missing, or it is not that contributor's."""
    cause = "nyckeln stämmer inte" if token else "nyckeln saknas"
    return refusal("structure_not_issued", file=file, sheet="_tertial", column="nyckel", contributor=contributor_id,
                   cause=cause)
