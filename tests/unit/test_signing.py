"""The gateway → Rasa signature: what the signer writes, the verifier accepts, and nothing else."""

from __future__ import annotations

import pytest

from common.signing import MAX_AGE_SECONDS, sign, verify

BODY = b'{"sender":"telegram:1","message":"xin chao"}'


def test_signed_body_verifies() -> None:
    assert verify("k", sign("k", BODY), BODY) is None


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing signature"),
        ("", "missing signature"),
        ("v1=abc", "malformed signature"),
        ("t=abc,v1=abc", "malformed signature"),
        ("t=123", "malformed signature"),
    ],
)
def test_malformed_headers_are_refused(header: str | None, reason: str) -> None:
    assert verify("k", header, BODY) == reason


def test_other_key_other_body_and_old_stamp_are_refused() -> None:
    assert verify("k", sign("other", BODY), BODY) == "wrong signature"
    assert verify("k", sign("k", BODY), BODY.replace(b"1", b"2")) == "wrong signature"
    stamp = 1_000_000
    header = sign("k", BODY, timestamp=stamp)
    assert verify("k", header, BODY, now=stamp + MAX_AGE_SECONDS) is None
    assert verify("k", header, BODY, now=stamp + MAX_AGE_SECONDS + 1) == "stale signature"
    assert verify("k", header, BODY, now=stamp - MAX_AGE_SECONDS - 1) == "stale signature"


def test_timestamp_is_covered_by_the_mac() -> None:
    """Moving t forward to dodge expiry breaks the MAC."""
    header = sign("k", BODY, timestamp=1_000_000)
    moved = header.replace("t=1000000", "t=1000900")
    assert verify("k", moved, BODY, now=1_000_900) == "wrong signature"
