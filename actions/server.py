"""The action server: rasa-sdk's app plus the spool worker that forwards saved submissions.

`python -m actions.server -p 5055` (host from SANIC_HOST, default 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os

from rasa_sdk.endpoint import create_app

from actions.delivery import drain_forever
from actions.spool import Spool
from actions.store_client import StoreClient


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-p", "--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = create_app("actions", cors_origins=[])

    @app.listener("after_server_start")
    async def start_spool_worker(app, _loop) -> None:  # type: ignore[no-untyped-def]
        app.ctx.spool_worker = asyncio.create_task(drain_forever(StoreClient(), Spool()))

    @app.listener("before_server_stop")
    async def stop_spool_worker(app, _loop) -> None:  # type: ignore[no-untyped-def]
        app.ctx.spool_worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app.ctx.spool_worker

    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
