"""Rasa input channels: the gateway's signed channel, and the stock REST channel kept for debugging.

Rasa's REST channel believes whatever the caller says: the `sender` decides whose conversation it
drives and `metadata.profile` what the actions think of the user. Only the gateway may say either,
so its messages carry an HMAC of the raw body (common/signing.py) under a secret only it and Rasa
hold. The stock channel stays off unless RASA_OPEN_REST=1, and even then its senders live in their
own `rest:` namespace and their metadata is dropped, so it can never speak for a Telegram user.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from common.signing import HEADER, verify
from common.tokens import rasa_channel_secret

log = logging.getLogger(__name__)

SIGNED_CHANNEL = "trutet"
OPEN_REST_ENV = "RASA_OPEN_REST"
_MAX_SENDER_CHARS = 200


def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = request.json
    except Exception:  # Sanic raises its own InvalidUsage subclasses for bad JSON
        return None
    return body if isinstance(body, dict) else None


def _bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


def _valid_message(body: dict[str, Any] | None) -> str | None:
    """Why a (signed) body cannot be a user message, or None when it can."""
    if body is None:
        return "body must be a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > _MAX_SENDER_CHARS:
        return "sender must be a non-empty string"
    if not isinstance(body.get("message"), str):
        return "message must be a string"
    if not isinstance(body.get("metadata") or {}, dict):
        return "metadata must be an object"
    return None


class SignedInput(RestInput):
    """`POST /webhooks/trutet/webhook`: the REST body and reply, accepted only when signed."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or rasa_channel_secret()

    @classmethod
    def name(cls) -> str:
        return SIGNED_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedInput:
        return cls((credentials or {}).get("secret") or None)

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def check_signature(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            reason = verify(self.secret, request.headers.get(HEADER), request.body)
            if reason:
                client = request.ip or "?"
                log.warning("401 on %s channel from %s: %s", SIGNED_CHANNEL, client, reason)
                return response.json({"error": "signature required"}, status=401)
            problem = _valid_message(_json_body(request))
            return _bad_request(problem) if problem else None

        return blueprint


class DebugRestInput(RestInput):
    """Rasa's `/webhooks/rest/webhook` for local debugging: 403 unless RASA_OPEN_REST=1.

    When open, a sender "telegram:1" becomes "rest:telegram:1" and metadata is ignored: an
    unauthenticated caller gets a conversation of its own and no profile, never someone else's.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    @staticmethod
    def is_open() -> bool:
        return os.environ.get(OPEN_REST_ENV, "").strip().lower() in {"1", "true", "yes"}

    async def _extract_sender(self, req: Request) -> str | None:
        sender = await super()._extract_sender(req)
        if not isinstance(sender, str) or not sender.strip():
            return None
        return sender if sender.startswith("rest:") else f"rest:{sender}"

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def only_when_open(request: Request) -> HTTPResponse | None:
            if not self.is_open():
                return response.json(
                    {"error": f"REST channel is off; set {OPEN_REST_ENV}=1 to debug"}, status=403
                )
            if request.method == "POST" and _valid_message(_json_body(request)):
                return _bad_request(_valid_message(_json_body(request)) or "")
            return None

        return blueprint
