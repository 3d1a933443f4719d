"""A store app over TestClient with the tokens the store tests use (none of them secret)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from store.config import Settings
from store.main import create_app

TOKEN = "service-token-not-secret"
STAFF = "staff-token-not-secret"
DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"
SERVICE = {"Authorization": f"Bearer {TOKEN}"}
STAFF_AUTH = {"Authorization": f"Bearer {STAFF}"}
ADMINS = frozenset({"telegram:42", "telegram:43"})


def acting(user_id: str, channel: str = "telegram") -> dict[str, str]:
    """The service token acting for a chat user, as the gateway and the actions call."""
    return {**SERVICE, "X-Acting-User": f"{channel}:{user_id}"}


def make_client(database_url: str, directives: Path, **settings: Any) -> TestClient:
    """A service token, one staff token, two admins (telegram 42 and 43), no department webhook
    unless `settings` set one."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "api_token": TOKEN,
        "directives_dir": directives,
        "staff_tokens": (STAFF,),
        "admin_ids": ADMINS,
        "department_webhook_url": None,
        "department_webhook_secret": "",
        **settings,
    }
    return TestClient(create_app(Settings(**values)))


def without_directives(database_url: str, tmp_path: Path, **settings: Any) -> TestClient:
    """A store that loads no directive at start (fast): most API tests need none."""
    empty = tmp_path / "no-directives"
    empty.mkdir(exist_ok=True)
    return make_client(database_url, empty, **settings)
