"""Where the project and its runtime data live; everything under var/ is git-ignored."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    """Runtime data directory (databases, tokens, logs, spools); created on first use."""
    path = Path(os.environ.get("VAR_DIR") or PROJECT_ROOT / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
