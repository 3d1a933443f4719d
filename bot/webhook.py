"""Webhook mode: a small Starlette app receives Telegram's updates and checks its secret token.

Follows python-telegram-bot's custom-webhook example: the updates go to the Application's queue,
so handlers, ordering and jobs are the same as in polling mode.
"""

from __future__ import annotations

import hmac
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000


def webhook_app(application: Application, path: str, secret: str) -> Starlette:
    """POST path: one update (refused without the right secret); GET /health: 200."""

    async def receive(request: Request) -> Response:
        presented = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(presented.encode(), secret.encode()):
            log.warning("webhook call without the right secret token from %s", request.client)
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return PlainTextResponse("bad update", status_code=400)
        await application.update_queue.put(update)
        return Response()

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(path, receive, methods=["POST"]), Route("/health", health, methods=["GET"])]
    )
