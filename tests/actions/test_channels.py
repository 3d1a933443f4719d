"""Rasa's input channels over real HTTP: the signed channel and the debugging REST channel.

A Sanic server with only our channels (no model) on a free loopback port; the handler records
each UserMessage, so the tests see exactly what Rasa's agent would be given.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from common.signing import HEADER, sign
from rasa_ext.signed_channel import DebugRestInput, SignedInput
from tests.support import free_port

SECRET = "channel-test-secret"
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def running() -> AsyncIterator[tuple[str, list[UserMessage]]]:
    """One server per module: Sanic 21.12 cannot set up a second app in the same process."""
    received: list[UserMessage] = []

    class Agent:
        """Stands in for Rasa's agent: records the message and answers once."""

        async def handle_message(self, message: UserMessage) -> None:
            received.append(message)
            await message.output_channel.send_text_message(message.sender_id or "", "đã nhận")

    app = Sanic(f"channels{free_port()}")
    app.ctx.agent = Agent()
    register([SignedInput(SECRET), DebugRestInput()], app, route="/webhooks/")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def server(running: tuple[str, list[UserMessage]]) -> tuple[str, list[UserMessage]]:
    running[1].clear()
    return running


def _body(sender: str = "telegram:7", role: str = "staff") -> bytes:
    message = {"sender": sender, "message": "xin chào", "metadata": {"profile": {"role": role}}}
    return json.dumps(message, ensure_ascii=False).encode()


async def _post(url: str, raw: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(
            url, content=raw, headers={"Content-Type": "application/json", **(headers or {})}
        )


async def test_signed_message_reaches_rasa_with_sender_and_profile(server: Any) -> None:
    base, received = server
    raw = _body()
    response = await _post(f"{base}/webhooks/trutet/webhook", raw, {HEADER: sign(SECRET, raw)})
    assert response.status_code == 200 and response.json()[0]["text"] == "đã nhận"
    (message,) = received
    assert message.sender_id == "telegram:7" and message.input_channel == "trutet"
    assert message.metadata == {"profile": {"role": "staff"}}


@pytest.mark.parametrize("header", [None, "t=1,v1=00", "garbage"])
async def test_unsigned_or_forged_message_never_reaches_rasa(
    server: Any, header: str | None
) -> None:
    base, received = server
    headers = {HEADER: header} if header else {}
    response = await _post(f"{base}/webhooks/trutet/webhook", _body(), headers)
    assert response.status_code == 401 and not received


async def test_signed_but_malformed_body_is_a_bad_request(server: Any) -> None:
    base, received = server
    raw = json.dumps({"sender": "", "message": 5}).encode()
    response = await _post(f"{base}/webhooks/trutet/webhook", raw, {HEADER: sign(SECRET, raw)})
    assert response.status_code == 400 and not received


async def test_rest_channel_is_off_by_default(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_OPEN_REST", raising=False)
    base, received = server
    response = await _post(f"{base}/webhooks/rest/webhook", _body())
    assert response.status_code == 403 and not received


async def test_open_rest_channel_cannot_speak_for_a_telegram_user(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASA_OPEN_REST", "1")
    base, received = server
    response = await _post(f"{base}/webhooks/rest/webhook", _body("telegram:7"))
    assert response.status_code == 200
    (message,) = received
    assert message.sender_id == "rest:telegram:7"
    assert not message.metadata


async def test_channels_answer_concurrently(server: Any) -> None:
    """The signature check reads the raw body without consuming it for the handler."""
    base, received = server
    bodies = [_body(f"telegram:{n}") for n in range(5)]
    responses = await asyncio.gather(
        *(
            _post(f"{base}/webhooks/trutet/webhook", raw, {HEADER: sign(SECRET, raw)})
            for raw in bodies
        )
    )
    assert [r.status_code for r in responses] == [200] * 5
    assert sorted(m.sender_id for m in received) == [f"telegram:{n}" for n in range(5)]
