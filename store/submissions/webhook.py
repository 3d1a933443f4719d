"""Forwarding new submissions to the department's webhook, signed, retried, resumable.

The department's server may be down on the night of Giao thừa; a submission must still reach it.
So the POST only marks the row "pending"; this worker sends it, backs off exponentially on
failure, and works from the database, so a restart (or a second store process) resumes where
it stopped. A row is claimed with a conditional UPDATE (a lease) before it is sent, so two
workers do not send the same row at the same moment; the receiver dedupes by reference anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from store.models import Submission
from store.submissions.crud import record_loads
from store.submissions.schemas import record_out

log = logging.getLogger("store.webhook")
SIGNATURE_HEADER = "X-TrucTet-Signature"
BATCH = 20
MAX_BACKOFF = timedelta(hours=1)
IDLE_WAIT = 30.0


def sign(body: bytes, secret: str) -> str:
    """The signature header value, sha256=<hex HMAC-SHA256 of the raw body>.

    The receiver recomputes it over the bytes it read, with the shared secret, and compares.
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(submission: Submission) -> bytes:
    """The record exactly as the API returns it, wrapped with its kind and reference."""
    record = record_out(submission).model_dump(mode="json", exclude={"duplicate"})
    document = {
        "event": "submission.created",
        "kind": submission.kind,
        "reference": submission.reference,
        "record": record,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """base, 2·base, 4·base … after the 1st, 2nd, 3rd failure, at most an hour."""
    delay = timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _utcnow() -> datetime:
    # The real clock, never TRUTET_NOW: back-off must pass even when "now" is pinned for tests.
    return datetime.now(timezone.utc)


class Forwarder:
    """Background thread that POSTs pending submissions to the department."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        url: str,
        secret: str,
        timeout: float,
        max_attempts: int,
        retry_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._retry_seconds = retry_seconds
        self._lease = timedelta(seconds=timeout + 30)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="department-webhook", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its current request and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """A new submission is pending: send it now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
            while not self._stop.is_set():
                wait = IDLE_WAIT
                try:
                    attempted = self.run_once(client)
                    wait = 0.0 if attempted >= BATCH else self._next_wait()
                except Exception:  # a broken database must not kill the thread for good
                    log.exception("department webhook worker: unexpected error")
                self._wake.wait(wait)
                self._wake.clear()

    def run_once(self, client: httpx.Client) -> int:
        """Send every due row once; returns how many were attempted."""
        attempted = 0
        for submission_id in self._due_ids():
            if self._stop.is_set():
                break
            if self._claim(submission_id):
                self._deliver(client, submission_id)
                attempted += 1
        return attempted

    def _due_ids(self) -> list[int]:
        now = _utcnow()
        query = (
            select(Submission.id)
            .where(
                Submission.forward_status == "pending",
                or_(Submission.forward_next_at.is_(None), Submission.forward_next_at <= now),
            )
            .order_by(Submission.id)
            .limit(BATCH)
        )
        with self._sessions() as session:
            return list(session.scalars(query))

    def _claim(self, submission_id: int) -> bool:
        """Take a lease on the row; False when another worker holds it or it is done."""
        now = _utcnow()
        statement = (
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.forward_status == "pending",
                or_(Submission.forward_next_at.is_(None), Submission.forward_next_at <= now),
            )
            .values(forward_next_at=now + self._lease)
        )
        with self._sessions() as session:
            # Session.execute is typed as returning Result; an UPDATE's result is a CursorResult.
            result = cast(CursorResult[Any], session.execute(statement))
            claimed = result.rowcount == 1
            session.commit()
        return claimed

    def _deliver(self, client: httpx.Client, submission_id: int) -> None:
        with self._sessions() as session:
            query = select(Submission).where(Submission.id == submission_id)
            submission = session.scalar(query.options(*record_loads()))
            if submission is None:
                return
            body = payload(submission)
            error = self._post(client, body, submission.reference)
            self._record(submission, error)
            session.commit()

    def _post(self, client: httpx.Client, body: bytes, reference: str) -> str | None:
        """None on a 2xx answer, else a short reason (no URL, no secret)."""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(body, self._secret),
            "X-TrucTet-Reference": reference,
        }
        try:
            response = client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as error:
            return f"{type(error).__name__}: {str(error)[:200]}"
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}"

    def _record(self, submission: Submission, error: str | None) -> None:
        submission.forward_attempts += 1
        now = _utcnow()
        if error is None:
            submission.forward_status = "sent"
            submission.forwarded_at = now
            submission.forward_next_at = None
            submission.forward_last_error = None
            log.info("forwarded %s to the department", submission.reference)
            return
        submission.forward_last_error = error
        attempts = submission.forward_attempts
        if attempts >= self._max_attempts:
            submission.forward_status = "failed"
            submission.forward_next_at = None
            log.error(
                "forwarding %s gave up after %d tries: %s", submission.reference, attempts, error
            )
            return
        delay = backoff(attempts, self._retry_seconds)
        submission.forward_next_at = now + delay
        log.warning(
            "forwarding %s failed (try %d/%d): %s; next try in %.0f s",
            submission.reference,
            attempts,
            self._max_attempts,
            error,
            delay.total_seconds(),
        )

    def _next_wait(self) -> float:
        """Seconds until the earliest pending retry (idle wait when nothing is pending)."""
        query = select(func.min(Submission.forward_next_at)).where(
            Submission.forward_status == "pending"
        )
        with self._sessions() as session:
            earliest = session.scalar(query)
        if earliest is None:
            return IDLE_WAIT
        if earliest.tzinfo is None:  # aggregate results bypass the column type on SQLite
            earliest = earliest.replace(tzinfo=timezone.utc)
        seconds = (earliest - _utcnow()).total_seconds()
        return min(max(seconds, 0.05), IDLE_WAIT)
