"""Store settings from the environment, with safe local defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from common.database import store_sqlalchemy_url
from common.env import env_int, env_str
from common.paths import PROJECT_ROOT
from common.tokens import store_api_token


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
