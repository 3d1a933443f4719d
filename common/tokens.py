"""Shared secrets: from the environment, else generated once into var/ with mode 600.

The local default needs no configuration, yet every process (store, actions, gateway, tests) must
agree on the same token without it ever being printed or committed.
"""

from __future__ import annotations

import os
import secrets as _secrets
from pathlib import Path

from common.paths import var_dir


def _read(path: Path) -> str | None:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def load_or_create(env_name: str | None, file_name: str, directory: Path | None = None) -> str:
    """Return the secret named by env_name, or the one kept in var/file_name, creating it if absent."""
    value = os.environ.get(env_name, "").strip() if env_name else ""
    if value:
        return value
    folder = directory or var_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    existing = _read(path)
    if existing:
        return existing
    # Hex, never urlsafe: a token starting with '-' is read as an option by `rasa run --auth-token`.
    token = _secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process won the race; use what it wrote.
        return _read(path) or load_or_create(env_name, file_name, directory)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return token


def store_api_token() -> str:
    """Bearer token for the store's /api/ routes (STORE_API_TOKEN or var/store_api_token)."""
    return load_or_create("STORE_API_TOKEN", "store_api_token")


def rasa_api_token() -> str:
    """Token for Rasa's HTTP API (/model/parse, /status, trackers); user messages are signed instead."""
    return load_or_create("RASA_API_TOKEN", "rasa_api_token")


def rasa_channel_secret() -> str:
    """Key of the signed gateway → Rasa channel (RASA_CHANNEL_SECRET or var/rasa_channel_secret)."""
    return load_or_create("RASA_CHANNEL_SECRET", "rasa_channel_secret")


def action_server_token() -> str:
    """Token Rasa presents to the action server (ACTION_SERVER_TOKEN or var/action_server_token)."""
    return load_or_create("ACTION_SERVER_TOKEN", "action_server_token")
