"""Channel-independent relay to Rasa's signed channel: the one client that speaks for users.

Every channel turns a user's message into one `relay.send(...)` call and renders the replies it gets.
Rasa answers HTTP 200 with an empty list when an action fails, so an empty answer is a fault here.
Each body is signed (common/signing.py): Rasa believes the sender and profile only from us.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from common.env import env_float, env_str
from common.signing import HEADER, sign
from common.tokens import rasa_channel_secret
from vntext.normalize import clean_lines

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096
EMPTY_MESSAGE_TEXT = (
    "Bạn chưa nhập nội dung. Hãy gõ câu hỏi, ví dụ: «Số điện thoại đường dây nóng Hà Tĩnh»."
)
RASA_DOWN_TEXT = (
    "Xin lỗi, trợ lý đang tạm thời gián đoạn nên chưa trả lời được. "
    "Bạn vui lòng gửi lại tin nhắn sau ít phút."
)
UNKNOWN_COMMAND_TEXT = "Trợ lý không có lệnh «{command}». Đây là những việc tôi giúp được:"
# What a typed command becomes: Rasa's help, sent as the gateway's own payload, never the text.
HELP_PAYLOAD = "/help"
HELP_COMMANDS = frozenset({"/help", "/start", "/giup", "/trogiup"})
RASA_EMPTY_TEXT = (
    "Xin lỗi, tôi chưa xử lý được yêu cầu này do lỗi hệ thống. Bạn vui lòng gửi lại sau ít phút."
)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One bot message as any channel renders it."""

    text: str
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    is_fault: bool = False


@dataclass
class Profile:
    """What the gateway knows of the user; passed to Rasa as metadata."""

    role: str | None = None
    organisation: str | None = None
    province: str | None = None
    sector: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if k != "extra" and v is not None}
        return data | self.extra


WEBHOOK_PATH = "/webhooks/trutet/webhook"


def signed_request(body: dict[str, Any], secret: str | None = None) -> tuple[bytes, dict[str, str]]:
    """The exact bytes to post and their headers; the signature covers these bytes only."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: sign(secret or rasa_channel_secret(), raw),
    }
    return raw, headers


async def post_message(
    client: httpx.AsyncClient, rasa_url: str, body: dict[str, Any], secret: str | None = None
) -> httpx.Response:
    """POST one signed message to Rasa (also used as is by the benchmarks)."""
    raw, headers = signed_request(body, secret)
    return await client.post(f"{rasa_url.rstrip('/')}{WEBHOOK_PATH}", content=raw, headers=headers)


def sender_id(channel: str, user_id: str | int) -> str:
    """Stable Rasa sender per user and channel: the same person on Telegram and Zalo are two senders."""
    return f"{channel}:{user_id}"


def _parse_replies(payload: Any) -> list[Reply]:
    replies: list[Reply] = []
    for item in payload if isinstance(payload, list) else []:
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", "")))
            for b in item.get("buttons") or []
        )
        text = item.get("text") or ""
        if text or buttons or item.get("image"):
            replies.append(Reply(text=text, buttons=buttons, image=item.get("image")))
    return replies


class RasaRelay:
    """Sends one user message to Rasa and returns what to show; never raises for Rasa faults."""

    def __init__(
        self, rasa_url: str | None = None, timeout: float | None = None, secret: str | None = None
    ) -> None:
        self.rasa_url = (rasa_url or env_str("RASA_URL", "http://127.0.0.1:5005")).rstrip("/")
        self.timeout = timeout or env_float("RASA_TIMEOUT", 20.0)
        self.secret = secret or rasa_channel_secret()
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> RasaRelay:
        self._client = httpx.AsyncClient(timeout=self.timeout)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def send(
        self,
        channel: str,
        user_id: str | int,
        text: str,
        profile: Profile | None = None,
        max_chars: int | None = None,
        *,
        button: bool = False,
    ) -> list[Reply]:
        """Relay text; connection failures are retried once since Rasa never saw the message.

        max_chars lifts the one-message cap for text the gateway built itself (a roster file).
        Only a button's payload may use Rasa's `/intent{…}` syntax: typed text starting with "/"
        is a command, and one the channel did not handle gets the help instead.
        """
        message = clean_lines(text)[: max_chars or MAX_MESSAGE_CHARS]
        if not message:
            return [Reply(EMPTY_MESSAGE_TEXT)]
        if not button and message.lstrip().startswith("/"):
            return await self._command_help(channel, user_id, message, profile)
        return await self._relay(channel, user_id, message, profile)

    async def _command_help(
        self, channel: str, user_id: str | int, message: str, profile: Profile | None
    ) -> list[Reply]:
        """A typed command nobody handled: say so (unless it asked for help) and show the help."""
        command = message.split()[0].partition("@")[0][:40]
        replies = await self._relay(channel, user_id, HELP_PAYLOAD, profile)
        if command.lower() in HELP_COMMANDS or any(r.is_fault for r in replies):
            return replies
        return [Reply(UNKNOWN_COMMAND_TEXT.format(command=command)), *replies]

    async def _relay(
        self, channel: str, user_id: str | int, message: str, profile: Profile | None
    ) -> list[Reply]:
        body = {
            "sender": sender_id(channel, user_id),
            "message": message,
            "metadata": {"channel": channel, "profile": (profile or Profile()).as_metadata()},
        }
        client = self._client or httpx.AsyncClient(timeout=self.timeout)
        try:
            for attempt in (1, 2):
                try:
                    response = await post_message(client, self.rasa_url, body, self.secret)
                    response.raise_for_status()
                    break
                except httpx.ConnectError:
                    if attempt == 2:
                        raise
        except httpx.HTTPError as error:
            log.warning("Rasa unreachable for %s: %s", body["sender"], type(error).__name__)
            return [Reply(RASA_DOWN_TEXT, is_fault=True)]
        finally:
            if client is not self._client:
                await client.aclose()
        replies = _parse_replies(response.json())
        if not replies:
            log.warning("Rasa returned no reply for %s (action failure?)", body["sender"])
            return [Reply(RASA_EMPTY_TEXT, is_fault=True)]
        return replies
