"""HMAC signatures on gateway → Rasa messages: only a holder of the channel secret speaks for a user.

The header reads `X-TrucTet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + raw body>`.
The timestamp is inside the MAC so a captured message cannot be replayed after MAX_AGE_SECONDS.
Shared by the signer (gateway, console, tests, bench; Python 3.11) and the verifier (Rasa's input
channel; Python 3.10), so the two can never disagree on the format.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-TrucTet-Signature"
MAX_AGE_SECONDS = 300


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for body, stamped now unless a timestamp is given (tests of expiry)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={_mac(secret, stamp, body)}"


def _fields(header: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, value)
    return fields


def verify(secret: str, header: str | None, body: bytes, now: float | None = None) -> str | None:
    """None when the signature holds; otherwise why not (for the log, never the secret)."""
    if not header:
        return "missing signature"
    fields = _fields(header)
    stamp, presented = fields.get("t", ""), fields.get("v1", "")
    if not stamp.isdigit() or not presented:
        return "malformed signature"
    age = (time.time() if now is None else now) - int(stamp)
    if abs(age) > MAX_AGE_SECONDS:
        return "stale signature"
    expected = _mac(secret, int(stamp), body)
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        return "wrong signature"
    return None
