"""Only the contributor a workbook was issued to can submit it.

Each handout carries a token: an HMAC of cycle and contributor under a key only the
controller's installation knows (TERTIAL_TOKEN_KEY). A workbook whose hidden sheet names
another contributor, or was copied from another cycle, does not carry that contributor's
token. Without a configured key, no tokens are written or required.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from tertial.errors import SubmissionError

TOKEN_KEY_ENV = "TERTIAL_TOKEN_KEY"


def token_key() -> bytes | None:
    key = os.environ.get(TOKEN_KEY_ENV)
    return key.encode("utf-8") if key else None


def issue_token(key: bytes, cycle_id: str, contributor_id: str) -> str:
    return hmac.new(key, f"{cycle_id}:{contributor_id}".encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def verify_token(key: bytes | None, cycle_id: str, contributor_id: str, token: str, file: str) -> None:
    """Raise a SubmissionError, for the controller's attention, when the token does not match."""
    if key is None:
        return
    if not token or not hmac.compare_digest(token, issue_token(key, cycle_id, contributor_id)):
        raise SubmissionError(
            file=file, sheet="_tertial", column="nyckel", contributor_id=contributor_id, rule_id="structure",
            message=(f"arbetsboken är inte utfärdad till bidragsgivaren '{contributor_id}' (nyckeln saknas eller stämmer inte). "
                     "Använd arbetsboken du fick från controllern; controllern har fått besked."),
        )
