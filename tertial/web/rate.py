"""How often one personal link may hand in: a moving window counted by the `limits` library.

The count lives where TERTIAL_UPLOAD_LIMIT_STORAGE says: in the process by default, or in a storage that several
`tertial serve` processes share (redis://…), so a link cannot get more by landing on another process. The link is
counted under its SHA-256, so the storage never holds a link that would open a contributor's page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from tertial.settings import Settings, load_settings

_NAMESPACE = "tertial-inlamning"


class UploadRate:
    """At most `count` uploads per link within `minutes`, every attempt counted (a refused one too)."""

    def __init__(self, count: int, minutes: int, storage_uri: str = "memory://", namespace: str = _NAMESPACE) -> None:
        self.item = RateLimitItemPerMinute(count, minutes)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.namespace = namespace

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> UploadRate:
        settings = settings or load_settings()
        return cls(settings.upload_limit, settings.upload_window_minutes, settings.upload_limit_storage)

    @classmethod
    def sign_in_mails(cls, settings: Settings | None = None) -> UploadRate:
        """At most 5 sign-in links mailed to one address in 15 minutes, so the form cannot flood anyone's mailbox."""
        settings = settings or load_settings()
        return cls(5, 15, settings.upload_limit_storage, namespace="tertial-inloggning")

    def admit(self, token: str) -> dt.datetime | None:
        """None when this upload (or mail) may go ahead (it is counted); otherwise the moment the next one may."""
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        if self.limiter.hit(self.item, self.namespace, key):
            return None
        reset = self.limiter.get_window_stats(self.item, self.namespace, key).reset_time
        return dt.datetime.fromtimestamp(math.ceil(reset), dt.UTC)
