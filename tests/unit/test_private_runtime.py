"""Runtime files stay private and access logs keep no query string."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from common.logs import PathOnlyAccessFilter
from common.paths import restrict_tree


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_loose_runtime_files_are_tightened(tmp_path: Path) -> None:
    root = tmp_path / "var"
    (root / "log").mkdir(parents=True)
    root.chmod(0o755)
    (root / "log").chmod(0o775)
    db = root / "store.db"
    db.write_text("phones")
    db.chmod(0o644)
    log = root / "log" / "store.log"
    log.write_text("x")
    log.chmod(0o666)
    restrict_tree(root)
    assert (_mode(root), _mode(root / "log")) == (0o700, 0o700)
    assert (_mode(db), _mode(log)) == (0o600, 0o600)


def test_access_log_keeps_the_path_only() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/status?token=s3cret&x=1", "1.1", 200), None,
    )  # fmt: skip
    assert PathOnlyAccessFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /status HTTP/1.1" 200'
