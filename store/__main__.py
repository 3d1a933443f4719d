"""Run the store: `python -m store` (host and port from STORE_HOST / STORE_PORT)."""

from __future__ import annotations

import uvicorn

from common import logs
from store.config import Settings
from store.main import create_app


def main() -> None:
    logs.configure()
    settings = Settings()
    # log_config=None keeps the filter configure() put on uvicorn.access (uvicorn would replace it).
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=None,
    )


if __name__ == "__main__":
    main()
