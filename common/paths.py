"""Where the project and its runtime data live; everything under var/ is git-ignored."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    """Runtime data directory (databases, tokens, logs, spools); created on first use.

    It holds phone numbers and tokens, so only its owner may enter it (0700), whoever created it.
    """
    path = Path(os.environ.get("VAR_DIR") or PROJECT_ROOT / "var").resolve()
    return private_dir(path)


def private_dir(path: Path) -> Path:
    """Create path (and parents) if needed and restrict it to its owner."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def restrict_tree(root: Path) -> None:
    """Owner-only modes under root: directories 0700, files 0600 (databases, logs, tokens, spools).

    Files written before this rule (or by a process with a looser umask) are fixed on every start.
    """
    private_dir(root)
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        wanted = 0o700 if path.is_dir() else 0o600
        if path.stat().st_mode & 0o777 != wanted:
            path.chmod(wanted)
