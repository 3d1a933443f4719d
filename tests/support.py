"""Test helpers shared by both environments: free ports, PostgreSQL databases, waiting on HTTP."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ops.ports import free_port

__all__ = [
    "APP_PYTHON",
    "PROJECT_ROOT",
    "free_port",
    "postgres_database",
    "store_process",
    "wait_http",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_PYTHON = PROJECT_ROOT / ".venv-app" / "bin" / "python"
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def wait_http(url: str, timeout: float = 60.0) -> None:
    """Poll url until it answers 200; raise TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(url)
        time.sleep(0.3)


@contextlib.contextmanager
def store_process(var_dir: Path, timeout: float = 60.0, **env: str) -> Iterator[str]:
    """`python -m store` on a free port with SQLite under var_dir; yields its URL.

    A real process over loopback HTTP, from any environment's tests; env adds tokens and admins.
    """
    port = free_port()
    variables = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    variables |= {"PYTHONPATH": str(PROJECT_ROOT), "VAR_DIR": str(var_dir), "STORE_PORT": str(port)}
    log = (var_dir / "store.log").open("wb")
    process = subprocess.Popen(
        [str(APP_PYTHON), "-m", "store"],
        cwd=PROJECT_ROOT,
        env=variables | env,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/health", timeout=timeout)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _pg_connect() -> Any:  # a psycopg2 connection (rasa env)
    import psycopg2 as driver  # rasa env

    return driver.connect(PG_ADMIN_URL)


def _admin_connection() -> Any:  # psycopg's (app env) or psycopg2's (rasa env) connection
    """Autocommit connection to the machine's PostgreSQL, starting the cluster if it is down."""
    try:
        import psycopg

        connect = lambda: psycopg.connect(PG_ADMIN_URL, autocommit=True)  # noqa: E731
    except ImportError:
        connect = _pg_connect
    try:
        connection = connect()
    except Exception:
        versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if not versions:
            raise
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=False,
        )
        time.sleep(2)
        connection = connect()
    if not hasattr(connection, "autocommit") or connection.autocommit is not True:
        connection.autocommit = True
    return connection


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test run, dropped afterwards; yields its URL."""
    name = f"trutet_test_{uuid.uuid4().hex[:10]}"
    connection = _admin_connection()
    cursor = connection.cursor()
    cursor.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()
