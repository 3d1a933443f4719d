"""Gateway settings from the environment, with safe defaults (README lists every variable)."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.env import env_float, env_int, env_str
from common.tokens import store_api_token


def _ids(name: str) -> frozenset[int]:
    """Comma-separated Telegram user ids; anything that is not a number is ignored."""
    parts = (part.strip() for part in env_str(name, "").split(","))
    return frozenset(int(part) for part in parts if part.lstrip("-").isdigit())


@dataclass(frozen=True)
class GatewaySettings:
    """Everything the Telegram gateway reads from its environment."""

    token: str = field(default_factory=lambda: env_str("TELEGRAM_BOT_TOKEN", ""), repr=False)
    base_url: str = field(default_factory=lambda: env_str("TELEGRAM_BASE_URL", ""))
    webhook_url: str = field(default_factory=lambda: env_str("TELEGRAM_WEBHOOK_URL", ""))
    webhook_secret: str = field(
        default_factory=lambda: env_str("TELEGRAM_WEBHOOK_SECRET", ""), repr=False
    )
    webhook_listen: str = field(default_factory=lambda: env_str("GATEWAY_HOST", "127.0.0.1"))
    webhook_port: int = field(default_factory=lambda: env_int("GATEWAY_PORT", 8080))
    admin_ids: frozenset[int] = field(default_factory=lambda: _ids("ADMIN_TELEGRAM_IDS"))
    store_url: str = field(default_factory=lambda: env_str("STORE_URL", "http://127.0.0.1:8000"))
    store_token: str = field(default_factory=store_api_token, repr=False)
    store_timeout: float = field(default_factory=lambda: env_float("STORE_TIMEOUT", 5.0))
    # Telegram allows ~30 messages/s overall; a little below keeps any 1-second window under it.
    send_rate: float = field(default_factory=lambda: env_float("TELEGRAM_SEND_RATE", 29.0))
    group_rate_per_minute: int = field(
        default_factory=lambda: env_int("TELEGRAM_GROUP_RATE_PER_MINUTE", 20)
    )
    outbox_poll_seconds: float = field(
        default_factory=lambda: env_float("OUTBOX_POLL_SECONDS", 2.0)
    )
    alert_poll_seconds: float = field(default_factory=lambda: env_float("ALERT_POLL_SECONDS", 10.0))
    reminder_check_seconds: float = field(
        default_factory=lambda: env_float("REMINDER_CHECK_SECONDS", 600.0)
    )
    max_file_bytes: int = field(default_factory=lambda: env_int("MAX_UPLOAD_BYTES", 20_000_000))
