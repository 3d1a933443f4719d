"""One DATABASE_URL, read by the store (SQLAlchemy 2 + psycopg 3) and Rasa's tracker store."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

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


@dataclass(frozen=True)
class TrackerStoreSettings:
    """The pieces Rasa's SQLTrackerStore takes in endpoints.yml (it has no single URL field)."""

    dialect: str
    host: str
    port: str
    db: str
    username: str
    password: str

    def as_env(self) -> dict[str, str]:
        """Environment variables substituted into endpoints.yml."""
        return {
            "TRACKER_DB_DIALECT": self.dialect,
            "TRACKER_DB_HOST": self.host,
            "TRACKER_DB_PORT": self.port,
            "TRACKER_DB_NAME": self.db,
            "TRACKER_DB_USER": self.username,
            "TRACKER_DB_PASSWORD": self.password,
        }


def tracker_store_settings() -> TrackerStoreSettings:
    """Rasa's tracker store: its own SQLite file by default, the PostgreSQL database when set."""
    url = database_url()
    if url is None:
        return TrackerStoreSettings("sqlite", "", "", str(var_dir() / "rasa_tracker.db"), "", "")
    parts = urlsplit(url)
    return TrackerStoreSettings(
        dialect="postgresql",
        host=parts.hostname or "127.0.0.1",
        port=str(parts.port or 5432),
        db=parts.path.lstrip("/") or "postgres",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
