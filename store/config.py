"""Store settings from the environment, with safe local defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from common.database import store_sqlalchemy_url
from common.env import env_float, env_int, env_str
from common.paths import PROJECT_ROOT
from common.tokens import load_or_create, store_api_token


def _staff_tokens() -> tuple[str, ...]:
    """STORE_STAFF_TOKENS, comma-separated; unset means no staff access at all."""
    return tuple(t.strip() for t in env_str("STORE_STAFF_TOKENS", "").split(",") if t.strip())


ADMIN_VARIABLES = {"telegram": "ADMIN_TELEGRAM_IDS", "zalo": "ADMIN_ZALO_IDS"}


def _admin_ids() -> frozenset[str]:
    """Admins as "<channel>:<id>", from the same variables the gateways read (comma-separated).

    The store needs them itself: only an admin may grant staff, and the store, not the gateway,
    decides who that is.
    """
    return frozenset(
        f"{channel}:{part.strip()}"
        for channel, name in ADMIN_VARIABLES.items()
        for part in env_str(name, "").split(",")
        if part.strip()
    )


def _webhook_url() -> str | None:
    return env_str("DEPARTMENT_WEBHOOK_URL", "") or None


def _webhook_secret() -> str:
    """The HMAC key; generated once into var/ (mode 600) when a webhook is set without one."""
    if _webhook_url() is None:
        return env_str("DEPARTMENT_WEBHOOK_SECRET", "")
    return load_or_create("DEPARTMENT_WEBHOOK_SECRET", "department_webhook_secret")


@dataclass(frozen=True)
class Settings:
    """Everything the store reads from its environment."""

    database_url: str = field(default_factory=store_sqlalchemy_url)
    api_token: str = field(default_factory=store_api_token, repr=False)
    directives_dir: Path = field(
        default_factory=lambda: Path(
            env_str("DIRECTIVES_DIR", str(PROJECT_ROOT / "data" / "directives"))
        )
    )
    host: str = field(default_factory=lambda: env_str("STORE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: env_int("STORE_PORT", 8000))
    staff_tokens: tuple[str, ...] = field(default_factory=_staff_tokens, repr=False)
    admin_ids: frozenset[str] = field(default_factory=_admin_ids)
    department_webhook_url: str | None = field(default_factory=_webhook_url, repr=False)
    department_webhook_secret: str = field(default_factory=_webhook_secret, repr=False)
    webhook_timeout: float = field(
        default_factory=lambda: env_float("DEPARTMENT_WEBHOOK_TIMEOUT", 5.0)
    )
    webhook_max_attempts: int = field(
        default_factory=lambda: env_int("DEPARTMENT_WEBHOOK_MAX_ATTEMPTS", 12)
    )
    webhook_retry_seconds: float = field(
        default_factory=lambda: env_float("DEPARTMENT_WEBHOOK_RETRY_SECONDS", 10.0)
    )
    reminder_offsets: str = field(default_factory=lambda: env_str("REMINDER_OFFSETS", "72h,24h,3h"))
    outbox_max_attempts: int = field(default_factory=lambda: env_int("OUTBOX_MAX_ATTEMPTS", 5))
