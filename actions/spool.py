"""Durable local spool: a submission the store could not take is kept on disk until it can.

Each submission is one JSON file written to a temporary name, fsync'd, renamed and the directory
fsync'd, so a crash never leaves half a file and an acknowledged submission is never lost. The store
de-duplicates on the idempotency key, so delivering a file twice still makes one record.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.paths import var_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spooled:
    """A submission waiting on disk."""

    path: Path
    kind: str
    payload: dict[str, Any]


class Spool:
    """A directory of pending submissions; rejected ones are set aside, not retried forever."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or var_dir() / "spool"
        self.rejected = self.directory / "rejected"
        self.rejected.mkdir(parents=True, exist_ok=True)

    def _name(self, kind: str, payload: dict[str, Any]) -> str:
        digest = hashlib.sha256(str(payload["idempotency_key"]).encode()).hexdigest()[:24]
        return f"{kind}-{digest}.json"

    def put(self, kind: str, payload: dict[str, Any]) -> Path:
        """Write atomically and durably; returns the file's path."""
        target = self.directory / self._name(kind, payload)
        temporary = target.with_suffix(".tmp")
        data = json.dumps({"kind": kind, "payload": payload}, ensure_ascii=False).encode("utf-8")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
        directory_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
        log.info("spooled %s %s", kind, target.name)
        return target

    def pending(self) -> list[Spooled]:
        """Waiting submissions, oldest first; unreadable files are set aside."""
        items = []
        for path in sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                items.append(Spooled(path, record["kind"], record["payload"]))
            except (OSError, ValueError, KeyError):
                log.exception("unreadable spool file %s", path.name)
                path.replace(self.rejected / path.name)
        return items

    def done(self, item: Spooled) -> None:
        item.path.unlink(missing_ok=True)

    def reject(self, item: Spooled, reason: str) -> None:
        """The store refused it for good (validation): keep it for a person to look at."""
        (self.rejected / f"{item.path.stem}.reason.txt").write_text(reason, encoding="utf-8")
        item.path.replace(self.rejected / item.path.name)
