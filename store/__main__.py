"""Run the store: `python -m store` (host and port from STORE_HOST / STORE_PORT)."""

from __future__ import annotations

import logging

import uvicorn

from store.config import Settings
from store.main import create_app


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
