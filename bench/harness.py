"""What every benchmark shares: a fresh stack on free ports, and results written to var/bench."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from common.paths import var_dir
from ops.ports import free_port
from ops.stack import Stack


def bench_dir() -> Path:
    return var_dir() / "bench"


def fresh_stack(name: str, **env: str) -> Stack:
    """A stack in its own emptied directory: trackers left by an earlier run would lengthen every
    turn. SQLite unless `env` says otherwise, so runs compare like with like."""
    directory = bench_dir() / name
    shutil.rmtree(directory, ignore_errors=True)
    return Stack(
        var_dir=directory,
        store_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        extra_env={"DATABASE_URL": "", **env},
    )


def write_results(name: str, report: str, data: Any) -> Path:
    """The table printed, kept as <name>-<stamp>.md and <name>-latest.md, data as JSON."""
    out_dir = bench_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    print(report)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out_dir / f"{name}-{stamp}.md").write_text(report, encoding="utf-8")
    latest = out_dir / f"{name}-latest.md"
    latest.write_text(report, encoding="utf-8")
    (out_dir / f"{name}-latest.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(f"Written to {latest}")
    return latest
