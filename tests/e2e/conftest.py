"""The real stack (store, action server, Rasa with the trained model), once per backend per run.

Session-scoped and parametrised: every end-to-end module runs on SQLite and on a fresh database of
the machine's PostgreSQL, and the (slow) Rasa start-up happens once per backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.ports import free_port
from ops.stack import MODEL, Stack
from tests.support import postgres_database

STAFF_TOKEN = "e2e-staff-token"
SERVICE_TOKEN = "e2e-service-token"
ADMIN_ID = 9001  # the admin in ADMIN_TELEGRAM_IDS, for the store and the gateway alike
FIXED_NOW = "2026-02-20T04:30:00+07:00"


def start_stack(var_dir: Path, database_url: str) -> Stack:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does) before these tests")
    stack = Stack(
        var_dir=var_dir,
        store_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        extra_env={
            "DATABASE_URL": database_url,
            "STORE_API_TOKEN": SERVICE_TOKEN,
            "STORE_STAFF_TOKENS": STAFF_TOKEN,
            "RASA_API_TOKEN": "",
            "TRUTET_NOW": FIXED_NOW,
            "ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
            # 80 h before a deadline is already past at FIXED_NOW for deadlines up to 23/02 12h30:
            # the reminder tests see a reminder "missed while the gateway was down".
            "REMINDER_OFFSETS": "80h,24h,3h",
        },
    )
    stack.start(timeout=240)
    return stack


# Vietnamese phone numbers as users type them: 0912345678, 0912 345 678, 0912.345.678, +84912345678.
PHONE_RE = re.compile(r"(?<![\d.])(?:\+?84|0)[35789]\d(?:[ .]?\d){7}(?![\d])")
SECRET_NAMES = ("RASA_API_TOKEN", "RASA_CHANNEL_SECRET", "ACTION_SERVER_TOKEN", "STORE_API_TOKEN")


def leaks_in_logs(stack: Stack) -> list[str]:
    """Which log lines hold a token or a phone number (named by file and line, never quoted)."""
    env = stack.env()
    secrets = {name: env[name] for name in SECRET_NAMES} | {"STORE_STAFF_TOKENS": STAFF_TOKEN}
    found = []
    for log in sorted((stack.var_dir / "log").glob("*.log")):
        for number, line in enumerate(log.read_text(errors="replace").splitlines(), start=1):
            kinds = [name for name, value in secrets.items() if value and value in line]
            kinds += ["phone number"] if PHONE_RE.search(line) else []
            found += [f"{log.name}:{number}: {kind}" for kind in kinds]
    return found


def stop_and_check_logs(stack: Stack) -> None:
    """Every end-to-end run ends with the logs it produced searched for secrets and phones."""
    stack.stop()
    leaks = leaks_in_logs(stack)
    assert not leaks, "personal data or tokens in logs:\n" + "\n".join(leaks[:50])


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp(f"stack-{request.param}")
    if request.param == "sqlite":
        running = start_stack(var_dir, "")
        try:
            yield running
        finally:
            stop_and_check_logs(running)
        return
    with postgres_database() as url:
        running = start_stack(var_dir, url)
        try:
            yield running
        finally:
            stop_and_check_logs(running)
