"""The action server: rasa-sdk's app, a token check, and the spool worker that forwards submissions.

`python -m actions.server -p 5055` (host from SANIC_HOST, default 127.0.0.1).

rasa-sdk's `/webhook` trusts the tracker it is given, sender id included: anyone who can post to it
could file a report in another user's name. So every route but `/health` needs the token Rasa
presents (`action_endpoint.token` in endpoints.yml, sent as `?token=`; a Bearer header also works).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.delivery import drain_forever
from actions.spool import Spool
from actions.store_client import shared
from common import logs
from common.tokens import action_server_token

log = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})


def presented_token(request: Request) -> str:
    """The token in `?token=` (how Rasa sends it) or in an `Authorization: Bearer` header."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return str(request.args.get("token") or "")


def require_token(app: Sanic, token: str) -> None:
    """401 for any call but /health without the token, compared in constant time."""
    expected = token.encode()

    @app.middleware("request")
    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if hmac.compare_digest(presented_token(request).encode(), expected):
            return None
        log.warning("401 on %s %s from %s", request.method, request.path, request.ip or "?")
        return response.json({"error": "token required"}, status=401)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-p", "--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logs.configure()
    app = create_app("actions", cors_origins=[])
    require_token(app, action_server_token())

    @app.listener("after_server_start")
    async def start_spool_worker(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.spool_worker = asyncio.create_task(drain_forever(shared(), Spool()))

    @app.listener("before_server_stop")
    async def stop_spool_worker(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.spool_worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app.ctx.spool_worker

    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
