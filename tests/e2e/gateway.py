"""The Telegram gateway as a process of the test stack, talking to a fake Bot API server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from ops.stack import APP_PYTHON, Stack
from tests.support import PROJECT_ROOT

BOT_TOKEN = "123456:TEST-token-not-secret"


class Gateway:
    """`python -m bot.telegram_channel` with the stack's environment; started and stopped by tests."""

    def __init__(self, stack: Stack, telegram_url: str, log_dir: Path, **env: str) -> None:
        self.stack = stack
        self.telegram_url = telegram_url
        # Beside the stack's own logs, so the end-of-run scan for tokens and phones reads it too.
        self.log_path = stack.var_dir / "log" / f"gateway-{log_dir.name}.log"
        self.extra = env
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = self.stack.env()
        env.update(
            {
                "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
                "TELEGRAM_BASE_URL": self.telegram_url,
                "OUTBOX_POLL_SECONDS": "0.5",
                "ALERT_POLL_SECONDS": "1",
                "TYPING_DELAY_SECONDS": "0",  # the tests check that typing is shown
                **self.extra,
            }
        )
        return env

    def start(self) -> None:
        log = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
        self.process = subprocess.Popen(
            [str(APP_PYTHON), "-m", "bot.telegram_channel"],
            cwd=PROJECT_ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> None:
        """SIGTERM lets it finish in-flight sends; SIGKILL is a crash."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, every: float = 0.2) -> bool:
    """Poll predicate until true or timeout; returns the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() > deadline:
            return bool(result)
        time.sleep(every)
