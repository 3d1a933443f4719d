"""Start, check and stop the native stack: store, action server, Rasa (and the Telegram gateway).

`make up` / `make down` / `make run` call this module; the end-to-end tests and the benchmark use
the same `Stack` on free ports, so what is tested is what runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.relay import RasaRelay
from common.database import tracker_store_env
from common.env import env_int, env_str
from common.paths import PROJECT_ROOT, private_dir, restrict_tree
from common.tokens import load_or_create

APP_PYTHON = PROJECT_ROOT / ".venv-app" / "bin" / "python"
RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin"
MODEL = PROJECT_ROOT / "models" / "trutet.tar.gz"


@dataclass
class Service:
    """One process of the stack and how to tell it is ready."""

    name: str
    argv: list[str]
    health_url: str


@dataclass
class Stack:
    """The processes on given ports, with pid files and logs under var_dir."""

    var_dir: Path
    host: str = "127.0.0.1"
    store_port: int = 8000
    actions_port: int = 5055
    rasa_port: int = 5005
    model: Path = MODEL
    extra_env: dict[str, str] = field(default_factory=dict)
    with_telegram: bool = False

    @property
    def store_url(self) -> str:
        return f"http://{self.host}:{self.store_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def channel_secret(self) -> str:
        """The key gateway messages to this stack's Rasa are signed with (tests, bench)."""
        return self.env()["RASA_CHANNEL_SECRET"]

    def relay(self, timeout: float = 30.0) -> RasaRelay:
        """A gateway relay to this stack's Rasa, signing with this stack's key."""
        return RasaRelay(self.rasa_url, timeout=timeout, secret=self.channel_secret)

    def env(self) -> dict[str, str]:
        """Environment shared by every process; DATABASE_URL decides SQLite or PostgreSQL."""
        env = dict(os.environ)
        env.update(self.extra_env)
        env["VAR_DIR"] = str(self.var_dir)
        env.update(tracker_store_env(env.get("DATABASE_URL"), self.var_dir))
        env.setdefault("LOCK_STORE_TYPE", "in_memory")
        env.setdefault(
            "TRACKER_CACHE_SIZE", "2000" if env["LOCK_STORE_TYPE"] == "in_memory" else "0"
        )
        env.setdefault("LOCK_STORE_HOST", "127.0.0.1")
        env.setdefault("LOCK_STORE_PORT", "6379")
        env.update(
            {
                "PYTHONPATH": str(PROJECT_ROOT),
                "STORE_HOST": self.host,
                "STORE_PORT": str(self.store_port),
                "STORE_URL": self.store_url,
                "STORE_API_TOKEN": env.get("STORE_API_TOKEN") or self._secret("store_api_token"),
                "RASA_API_TOKEN": env.get("RASA_API_TOKEN") or self._secret("rasa_api_token"),
                "RASA_CHANNEL_SECRET": env.get("RASA_CHANNEL_SECRET")
                or self._secret("rasa_channel_secret"),
                "ACTION_SERVER_TOKEN": env.get("ACTION_SERVER_TOKEN")
                or self._secret("action_server_token"),
                "RASA_URL": self.rasa_url,
                "ACTION_ENDPOINT_URL": f"{self.actions_url}/webhook",
                "SANIC_HOST": self.host,
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def _secret(self, file_name: str) -> str:
        """The token kept in this stack's var dir (created once, mode 600)."""
        return load_or_create(None, file_name, self.var_dir)

    def services(self, env: dict[str, str]) -> list[Service]:
        rasa_token = env["RASA_API_TOKEN"]
        services = [
            Service("store", [str(APP_PYTHON), "-m", "store"], f"{self.store_url}/health"),
            Service(
                "actions",
                [str(RASA_BIN / "python"), "-m", "actions.server", "-p", str(self.actions_port)],
                f"{self.actions_url}/health",
            ),
            Service(
                "rasa",
                # The API token reaches Rasa through its environment, never argv (`ps` shows argv).
                [str(RASA_BIN / "python"), "-m", "rasa_ext.run", "run", "--enable-api",
                 "-m", str(self.model), "-i", self.host, "-p", str(self.rasa_port),
                 "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
                f"{self.rasa_url}/status?token={rasa_token}",
            ),
        ]  # fmt: skip
        if self.with_telegram:
            services.append(
                Service("telegram", [str(APP_PYTHON), "-m", "bot.telegram_channel"], "")
            )
        return services

    # -- pid files -----------------------------------------------------------------------------

    def _run_dir(self) -> Path:
        return private_dir(self.var_dir / "run")

    def _log_dir(self) -> Path:
        return private_dir(self.var_dir / "log")

    def _open_log(self, name: str) -> int:
        """The service's log for appending, readable by its owner only (it may hold user text)."""
        path = self._log_dir() / f"{name}.log"
        return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def pids(self) -> dict[str, int]:
        """Processes this stack started and that are still the same processes."""
        alive: dict[str, int] = {}
        for pid_file in self._run_dir().glob("*.pid"):
            pid_text, _, started = pid_file.read_text().partition("\n")
            pid = int(pid_text)
            if _start_time(pid) == started.strip():
                alive[pid_file.stem] = pid
            else:
                pid_file.unlink(missing_ok=True)
        return alive

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, timeout: float = 180.0) -> None:
        """Start every service detached and return once each answers its health check."""
        if not self.model.exists():
            raise SystemExit(f"Chưa có mô hình {self.model}: chạy `make train` trước.")
        env = self.env()
        restrict_tree(self.var_dir)
        running = self.pids()
        for service in self.services(env):
            if service.name in running:
                continue
            log_fd = self._open_log(service.name)
            # umask 077: databases, spools and tokens the services create are owner-only too.
            process = subprocess.Popen(
                service.argv,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=0o077,
            )
            os.close(log_fd)
            pid_file = self._run_dir() / f"{service.name}.pid"
            pid_file.touch(mode=0o600)
            pid_file.write_text(f"{process.pid}\n{_start_time(process.pid)}\n")
        try:
            self._wait_healthy(self.services(env), timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, services: list[Service], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = [s for s in services if s.health_url]
        with httpx.Client(timeout=2.0) as client:
            while pending:
                alive = self.pids()
                for service in list(pending):
                    if service.name not in alive:
                        tail = _tail(self._log_dir() / f"{service.name}.log")
                        raise RuntimeError(f"{service.name} exited during start-up:\n{tail}")
                    try:
                        if client.get(service.health_url).status_code == 200:
                            pending.remove(service)
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    names = ", ".join(s.name for s in pending)
                    raise TimeoutError(f"not healthy after {timeout:.0f}s: {names}")
                if pending:
                    time.sleep(0.5)

    def stop(self, names: list[str] | None = None, timeout: float = 20.0) -> list[str]:
        """Stop only processes this stack started (whole process groups); all unless names given."""
        stopped = []
        for name, pid in self.pids().items():
            if names is not None and name not in names:
                continue
            _signal_group(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _start_time(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _start_time(pid):
                _signal_group(pid, signal.SIGKILL)
            (self._run_dir() / f"{name}.pid").unlink(missing_ok=True)
            stopped.append(name)
        return stopped


def _start_time(pid: int) -> str:
    """Process start time from /proc (pids are reused; this tells our process from a stranger)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return ""
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return ""
    return fields[19]


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def from_environment() -> Stack:
    """The default stack: ports and host from the environment, var/ under the project."""
    return Stack(
        var_dir=Path(env_str("VAR_DIR", str(PROJECT_ROOT / "var"))).resolve(),
        host=env_str("STACK_HOST", "127.0.0.1"),
        store_port=env_int("STORE_PORT", 8000),
        actions_port=env_int("ACTIONS_PORT", 5055),
        rasa_port=env_int("RASA_PORT", 5005),
        with_telegram=bool(env_str("TELEGRAM_BOT_TOKEN", "")),
    )


def warn_open_rest() -> None:
    """RASA_OPEN_REST opens Rasa's unauthenticated REST channel: say so loudly, every start."""
    if env_str("RASA_OPEN_REST", "").lower() in {"1", "true", "yes"}:
        print(
            "CẢNH BÁO: RASA_OPEN_REST=1 đang mở kênh REST không xác thực của Rasa "
            "(/webhooks/rest/webhook). Chỉ dùng để gỡ lỗi trên máy cá nhân.",
            file=sys.stderr,
            flush=True,
        )


def _run(stack: Stack) -> int:
    """Foreground: start all, then the console chat unless Telegram runs; Ctrl-C stops everything."""
    warn_open_rest()
    print("Đang khởi động store, action server và Rasa (khoảng 30 giây)…", flush=True)
    try:
        stack.start()
        if stack.with_telegram:
            print("Gateway Telegram đang chạy. Nhấn Ctrl-C để dừng.", flush=True)
            while "telegram" in stack.pids():
                time.sleep(1)
            return 1
        os.environ.update(stack.env())
        from bot.console import main as console_main

        return console_main([])
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
        print("Đã dừng toàn bộ.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "run", "status"])
    args = parser.parse_args(argv)
    stack = from_environment()
    if args.command == "up":
        warn_open_rest()
        stack.start()
        print(
            f"Sẵn sàng: Rasa {stack.rasa_url}, store {stack.store_url}, actions {stack.actions_url}"
        )
        print(f"Nhật ký: {stack.var_dir / 'log'}")
        return 0
    if args.command == "down":
        stopped = stack.stop()
        print("Đã dừng: " + (", ".join(stopped) if stopped else "không có tiến trình nào"))
        return 0
    if args.command == "status":
        for name, pid in sorted(stack.pids().items()):
            print(f"{name}: pid {pid}")
        return 0
    return _run(stack)


if __name__ == "__main__":
    sys.exit(main())
