"""Store settings from the environment, with safe local defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from common.database import store_sqlalchemy_url
from common.paths import PROJECT_ROOT
from common.tokens import store_api_token


@dataclass(frozen=True)
class Settings:
    """Everything the store reads from its environment."""

    database_url: str = field(default_factory=store_sqlalchemy_url)
    api_token: str = field(default_factory=store_api_token, repr=False)
    directives_dir: Path = field(
        default_factory=lambda: Path(
            os.environ.get("DIRECTIVES_DIR", PROJECT_ROOT / "data" / "directives")
        )
    )
    host: str = field(default_factory=lambda: os.environ.get("STORE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("STORE_PORT", "8000")))
