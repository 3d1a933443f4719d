"""One DATABASE_URL, read by the store (SQLAlchemy 2 + psycopg 3) and Rasa's tracker store."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common.paths import var_dir


def database_url() -> str | None:
    """The PostgreSQL URL when set; None means the embedded SQLite defaults."""
    value = os.environ.get("DATABASE_URL", "").strip()
    return value or None


def store_sqlalchemy_url() -> str:
    """URL for the store's engine: psycopg 3 for PostgreSQL, else var/store.db."""
    url = database_url()
    if url is None:
        return f"sqlite:///{var_dir() / 'store.db'}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql", "postgresql+psycopg2"):
        scheme = "postgresql+psycopg"
    return f"{scheme}://{rest}"


def tracker_store_url(url: str | None, var: Path) -> str:
    """Rasa's tracker store URL: its own SQLite file under var by default, else the PostgreSQL database.

    Rasa 3.6 uses SQLAlchemy 1.4 with psycopg2, so any driver suffix is dropped.
    """
    if not url:
        return f"sqlite:///{var / 'rasa_tracker.db'}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def tracker_store_env(url: str | None, var: Path) -> dict[str, str]:
    """Variables substituted into endpoints.yml's tracker_store section."""
    tracker_url = tracker_store_url(url, var)
    return {
        "TRACKER_DB_DIALECT": tracker_url.split(":", 1)[0],
        "TRACKER_DB_URL": tracker_url,
    }
