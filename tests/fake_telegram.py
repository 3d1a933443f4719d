"""A fake Telegram Bot API server for tests and benchmarks.

It speaks real HTTP on loopback so that python-telegram-bot runs its own request, serialisation
and error-mapping code exactly as it would against api.telegram.org: point it there with
``Application.builder().token(tg.token).base_url(f"{tg.url}/bot").base_file_url(f"{tg.url}/file/bot")``.

In-process use (tests)::

    with FakeTelegram() as tg:
        tg.send_text(1001, "/start")            # what a user does
        tg.wait_for_text(1001, "Xin chào")      # what the bot did

Out-of-process use (benchmarks)::

    python -m tests.fake_telegram --port 8081 --rate-limit 30 --group-limit 20
    client = FakeTelegramClient("http://127.0.0.1:8081")

Fidelity is deliberate where real bots trip: offsets confirm updates, a second getUpdates
terminates the first (409), getUpdates is refused while a webhook is set, unchanged edits are
refused ("message is not modified"), texts over 4,096 characters and callback data over 64 bytes
are refused, editing a text without a keyboard removes the keyboard, and 429 answers carry
``retry_after``. Webhook deliveries are sequential and retried until they succeed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import copy
import html
import itertools
import json
import math
import mimetypes
import re
import signal
import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypeVar

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["DEFAULT_TOKEN", "FakeTelegram", "FakeTelegramClient", "Upload"]

DEFAULT_TOKEN = "123456789:fake-telegram-token-for-tests"
DEFAULT_BOT_USERNAME = "truc_tet_test_bot"
DEFAULT_BOT_NAME = "Trực Tết (test)"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
DEFAULT_WAIT = 15.0

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: BLOCKED,
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

# Form values arrive as strings; these are decoded to what Telegram means by them.
INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "max_connections",
        "cache_time",
        "message_thread_id",
        "user_id",
    }
)
BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
    }
)
JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
    }
)
# Copied from the parameters onto every recorded call, so tests read them without digging.
RECORDED_PARAMS = (
    "chat_id",
    "text",
    "caption",
    "parse_mode",
    "reply_markup",
    "message_id",
    "reply_to_message_id",
    "reply_parameters",
    "callback_query_id",
    "action",
    "show_alert",
)
# Calls that act on chats; successful ones make up `sent`.
CHAT_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "answerCallbackQuery",
        "sendChatAction",
    }
)
# Calls that deliver a new message and therefore count against Telegram's rate limits.
SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
BYTE_FIELDS = ("document", "photo")
COMMAND_PATTERN = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
MENTION_PATTERN = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{3,32}")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BOT_COMMAND_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")
HTML_TAG = re.compile(r"<[^>]+>")

T = TypeVar("T")


class ApiError(Exception):
    """A refusal the way Telegram words it; PTB maps status and parameters to its exceptions."""

    def __init__(self, status: int, description: str | None = None, retry_after: int | None = None):
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else DESCRIPTIONS.get(status, f"Error {status}")
            )
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.payload(), status_code=self.status)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, kept whole so tests can compare bytes."""

    filename: str
    content: bytes
    mime_type: str | None


# --- small pure helpers -------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    """Telegram counts offsets and lengths in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def _auto_entities(text: str) -> list[dict[str, Any]]:
    """Entities the Telegram client would add: PTB's CommandHandler needs the bot_command one."""
    found = [("bot_command", m) for m in COMMAND_PATTERN.finditer(text)]
    found += [("mention", m) for m in MENTION_PATTERN.finditer(text)]
    found.sort(key=lambda item: item[1].start())
    return [
        {
            "type": kind,
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group()),
        }
        for kind, match in found
    ]


def _visible_length(text: str, parse_mode: str | None) -> int:
    """Telegram measures the text after parsing markup; HTML tags and escapes do not count."""
    if parse_mode and parse_mode.upper() == "HTML":
        text = html.unescape(HTML_TAG.sub("", text))
    return _utf16_len(text)


def _decode_param(name: str, value: Any) -> Any:
    """PTB sends every value as a string, objects JSON-encoded; turn them back into values."""
    if not isinstance(value, str):
        return value
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    if name in INT_PARAMS:
        try:
            return int(float(value))
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None
    if name in BOOL_PARAMS:
        return value.lower() in ("true", "1")
    if name == "chat_id" and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


async def _read_params(request: Request) -> dict[str, Any]:
    """Query string, form, multipart or JSON body alike, as Telegram accepts all of them."""
    raw: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if request.method == "POST" and content_type.startswith("application/json"):
        body = await request.body()
        if body:
            data = json.loads(body)
            if isinstance(data, dict):
                raw.update(data)
    elif request.method == "POST" and content_type:
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                raw[key] = Upload(value.filename or key, content, value.content_type)
            else:
                raw[key] = value
    return _resolve_attachments(raw)


def _resolve_attachments(raw: dict[str, Any]) -> dict[str, Any]:
    """`attach://name` values point at another multipart field, as PTB does for some files."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value.startswith("attach://"):
            value = raw.get(value.removeprefix("attach://"), value)
        params[key] = _decode_param(key, value)
    return params


def _printable_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as recorded: uploads shown by name and size so records stay JSON-friendly."""
    return {
        key: f"<upload {value.filename!r}, {len(value.content)} bytes>"
        if isinstance(value, Upload)
        else value
        for key, value in params.items()
    }


def _callback_data(markup: Any) -> list[str]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def _check_markup(markup: Any) -> None:
    """Telegram refuses callback data over 64 bytes, a common trap with Vietnamese labels."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array of Arrays')
    for data in _callback_data(markup):
        if not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _inline_markup(markup: Any) -> dict[str, Any] | None:
    """Only inline keyboards are part of a Message; reply keyboards live on the client."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def _reply_to_id(params: Mapping[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        return int(reply["message_id"])
    value = params.get("reply_to_message_id")
    return int(value) if value is not None else None


def _png_size(content: bytes) -> tuple[int, int]:
    """Photo sizes need a width and height; read them from a PNG header, else claim 1x1."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    return 1, 1


def _shorten(text: str | None, limit: int = 300) -> str:
    if text is None:
        return "-"
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _jsonable(record: Mapping[str, Any], content: bool) -> dict[str, Any]:
    """Bytes cannot travel in JSON: their size always, their base64 only when asked for."""
    out = dict(record)
    for name in BYTE_FIELDS:
        value = out.get(name)
        if isinstance(value, bytes):
            out[f"{name}_size"] = len(value)
            out[name] = base64.b64encode(value).decode() if content else None
    return out


def _from_jsonable(record: dict[str, Any]) -> dict[str, Any]:
    for name in BYTE_FIELDS:
        if isinstance(record.get(name), str):
            record[name] = base64.b64decode(record[name])
    return record


def _message_key(message: Mapping[str, Any]) -> tuple[int | str, int]:
    """Accept a recorded message (chat_id) or a Telegram Message (chat.id) alike."""
    chat_id = message["chat_id"] if "chat_id" in message else message["chat"]["id"]
    return chat_id, int(message["message_id"])


def _message_text(message: Mapping[str, Any]) -> str:
    return message.get("text") or message.get("caption") or ""


def _describe_message(message: Mapping[str, Any]) -> str:
    buttons = [
        b.get("text", "?")
        for row in (_inline_markup(message.get("reply_markup")) or {}).get("inline_keyboard", [])
        for b in row
    ]
    extra = f" [buttons: {' | '.join(buttons)}]" if buttons else ""
    for name in BYTE_FIELDS:
        if message.get(f"{name}_filename"):
            extra += f" [{name}: {message[f'{name}_filename']}]"
    if message.get("deleted"):
        extra += " [deleted]"
    return (
        f"  #{message.get('index')} {message.get('method')} id {message.get('message_id')}: "
        f"{_shorten(_message_text(message))}{extra}"
    )


def _describe_refusal(call: Mapping[str, Any]) -> str:
    return (
        f"  refused {call['method']} ({call.get('error_code')} {call.get('description')}): "
        f"{_shorten(call.get('text') or call.get('caption'))}"
    )


# --- waiting, shared by the in-process server and the HTTP client --------------------------------


class _Waiting:
    """Waiting helpers written once over `sent_since`, `messages_to` and `calls`."""

    def sent_since(self, index: int = 0) -> list[dict[str, Any]]:
        raise NotImplementedError

    def messages_to(
        self, chat_id: int | str, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        raise NotImplementedError

    def calls(
        self,
        method: str | None = None,
        *,
        chat_id: int | str | None = None,
        ok: bool | None = None,
        since: int = 0,
    ) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _wait(self, check: Callable[[], T | None], timeout: float) -> T | None:
        raise NotImplementedError

    def wait_for(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = DEFAULT_WAIT,
        since: int = 0,
    ) -> dict[str, Any]:
        """The first successful chat call (from index `since`) the predicate accepts."""
        cursor = since

        def check() -> dict[str, Any] | None:
            nonlocal cursor
            for record in self.sent_since(cursor):
                cursor = record["index"] + 1
                if predicate(record):
                    return record
            return None

        found = self._wait(check, timeout)
        if found is None:
            recent = self.sent_since(max(since, cursor - 20))
            lines = "\n".join(_describe_call(record) for record in recent) or "  (nothing)"
            raise AssertionError(
                f"no matching call within {timeout} s; the last calls were:\n{lines}"
            )
        return found

    def wait_for_text(
        self,
        chat_id: int | str,
        substring: str,
        timeout: float = DEFAULT_WAIT,
        since: int = 0,
    ) -> dict[str, Any]:
        """The newest message to the chat whose current text or caption contains substring.

        `since` (a `len(tg.sent)` taken earlier) skips messages not sent or edited after it,
        for when the same words come back later in a conversation.
        """

        def check() -> dict[str, Any] | None:
            matches = [
                m
                for m in self.messages_to(chat_id)
                if m["updated_index"] >= since and substring in _message_text(m)
            ]
            return max(matches, key=lambda m: m["updated_index"]) if matches else None

        found = self._wait(check, timeout)
        if found is None:
            raise AssertionError(self._chat_dump(chat_id, substring, timeout))
        return found

    def _chat_dump(self, chat_id: int | str, substring: str, timeout: float) -> str:
        lines = [_describe_message(m) for m in self.messages_to(chat_id, include_deleted=True)]
        lines += [_describe_refusal(c) for c in self.calls(chat_id=chat_id, ok=False)]
        shown = "\n".join(lines) or "  (nothing at all)"
        return (
            f"nothing containing {substring!r} was sent to chat {chat_id} within {timeout} s; "
            f"the chat has:\n{shown}"
        )


def _describe_call(record: Mapping[str, Any]) -> str:
    return (
        f"  #{record.get('index')} {record['method']} chat {record.get('chat_id')}: "
        f"{_shorten(record.get('text') or record.get('caption'))}"
    )


# --- the server ----------------------------------------------------------------------------------


class FakeTelegram(_Waiting):
    """The Bot API on a loopback port, with users to drive it and faults to inject.

    Everything public is thread-safe and meant for the test's thread; the HTTP side runs on its
    own event loop in a background thread. Ids (updates, messages, files) never repeat, even
    across `reset()`, so a running bot's offsets stay valid.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_name: str = DEFAULT_BOT_NAME,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit_per_second: int | None = None,
        group_limit_per_minute: int | None = None,
        webhook_retry_seconds: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """clock drives the rate-limit windows only; tests may pass a frozen one."""
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.host = host
        self.port = port
        self.url = ""
        self.webhook_retry_seconds = webhook_retry_seconds
        self._clock = clock
        self._cond = threading.Condition(threading.RLock())
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._call_seq = itertools.count(0)
        self._message_ids: dict[int | str, Iterator[int]] = {}
        self._poll_generation = 0
        self._rate_per_second = rate_limit_per_second
        self._group_per_minute = group_limit_per_minute
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._closed: asyncio.Event | None = None
        self._closing = False
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._handlers = self._method_table()
        self._reset_state()
        self.app = self._build_app()

    # ---- lifecycle

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self, timeout: float = 10.0) -> FakeTelegram:
        """Bind before serving so the URL is known and no other process can take the port."""
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
        # without it every answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._socket = sock
        self.port = sock.getsockname()[1]
        self.url = f"http://{self.host}:{self.port}"
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_keep_alive=60,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-telegram", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fake Telegram did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Wake long polls first, so shutdown does not wait out their timeouts."""
        with self._cond:
            self._closing = True
        self._call_on_loop(self._begin_closing)
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        if self._socket is not None:
            self._socket.close()
        self._thread = None

    @contextlib.asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._closed = asyncio.Event()
        worker = asyncio.create_task(self._deliver_webhooks())
        try:
            yield
        finally:
            self._begin_closing()
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    def _begin_closing(self) -> None:
        self._closing = True
        if self._closed is not None:
            self._closed.set()
        self._wake()

    def _wake(self) -> None:
        """Runs on the loop: release everyone awaiting the current event, arm a fresh one."""
        if self._changed is None:
            return
        released, self._changed = self._changed, asyncio.Event()
        released.set()

    def _call_on_loop(self, callback: Callable[[], None]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(callback)

    def _notify(self) -> None:
        """Tell waiting test threads and the server loop (long polls, webhook) about a change."""
        with self._cond:
            self._cond.notify_all()
        self._call_on_loop(self._wake)

    def _wait(self, check: Callable[[], T | None], timeout: float) -> T | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = check()
                remaining = deadline - time.monotonic()
                if result is not None or remaining <= 0:
                    return result
                self._cond.wait(min(remaining, 0.5))

    async def _pause(self, seconds: float) -> None:
        """A sleep that ends early when the server shuts down."""
        if seconds <= 0 or self._closed is None:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    # ---- state

    def _reset_state(self) -> None:
        with self._cond:
            self._pending: list[dict[str, Any]] = []
            self._calls: list[dict[str, Any]] = []
            self._sent: list[dict[str, Any]] = []
            self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
            self._records: dict[tuple[int | str, int], dict[str, Any]] = {}
            self._chat_records: dict[int | str, list[dict[str, Any]]] = {}
            self._files: dict[str, dict[str, Any]] = {}
            self._paths: dict[str, str] = {}
            self._queries: dict[str, dict[str, Any]] = {}
            self._users: dict[int, dict[str, Any]] = {}
            self._chats: dict[int | str, dict[str, Any]] = {}
            self._commands: dict[str, list[dict[str, Any]]] = {}
            self._last_commands: list[dict[str, Any]] = []
            self._webhook: dict[str, Any] | None = None
            self._webhook_error: tuple[int, str] | None = None
            self._webhook_log: list[dict[str, Any]] = []
            self._ok_counts: Counter[str] = Counter()
            self._refused_counts: Counter[int] = Counter()
            self._first_send: float | None = None
            self._last_send: float | None = None
            self._reset_faults()

    def _reset_faults(self) -> None:
        with self._cond:
            self._blocked: set[int | str] = set()
            self._failures: dict[str, deque[ApiError]] = {}
            self._slow: dict[str, float] = {}
            self._send_times: deque[float] = deque()
            self._group_times: dict[int | str, deque[float]] = {}
            self.rate_violations = 0

    def reset(self) -> None:
        """A fresh server for the next test, except that ids keep counting up."""
        self._reset_state()
        self._notify()

    def reset_faults(self) -> None:
        """Blocks, injected failures, slowness and rate windows go; what was recorded stays."""
        self._reset_faults()
        self._notify()

    # ---- reading what the bot did

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Successful calls that acted on a chat, in order; `index` is the position here."""
        return self.sent_since(0)

    def sent_since(self, index: int = 0) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(record) for record in self._sent[index:]]

    def messages_to(
        self, chat_id: int | str, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Messages the bot sent to the chat, each as it is now (edits applied)."""
        with self._cond:
            return [
                dict(record)
                for record in self._chat_records.get(chat_id, [])
                if include_deleted or not record["deleted"]
            ]

    def calls(
        self,
        method: str | None = None,
        *,
        chat_id: int | str | None = None,
        ok: bool | None = None,
        since: int = 0,
    ) -> list[dict[str, Any]]:
        """Every request received (refused ones too, with `ok` false), filtered."""
        with self._cond:
            return [
                dict(call)
                for call in self._calls[since:]
                if (method is None or call["method"] == method)
                and (chat_id is None or call.get("chat_id") == chat_id)
                and (ok is None or call["ok"] == ok)
            ]

    @property
    def commands(self) -> list[dict[str, Any]]:
        """The commands of the last successful setMyCommands, whatever its scope."""
        with self._cond:
            return copy.deepcopy(self._last_commands)

    @property
    def pending_updates(self) -> int:
        with self._cond:
            return len(self._pending)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(item) for item in self._webhook_log]

    def file_content(self, file_id: str) -> bytes:
        with self._cond:
            return self._files[file_id]["content"]

    def stats(self) -> dict[str, Any]:
        """Counters a benchmark can poll cheaply, however many messages went out."""
        with self._cond:
            return {
                "sent": len(self._sent),
                "calls": len(self._calls),
                "ok_by_method": dict(self._ok_counts),
                "refused_by_status": {str(k): v for k, v in self._refused_counts.items()},
                "delivered": sum(self._ok_counts[m] for m in SEND_METHODS),
                "rate_violations": self.rate_violations,
                "pending_updates": len(self._pending),
                "first_send_time": self._first_send,
                "last_send_time": self._last_send,
            }

    def mark(self) -> int:
        """A `since` value for wait_for / wait_for_text: only what happens from now on."""
        with self._cond:
            return len(self._sent)

    # ---- faults

    def block(self, chat_id: int | str) -> None:
        """The user blocked the bot: every call aimed at the chat gets 403."""
        with self._cond:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int | str) -> None:
        with self._cond:
            self._blocked.discard(chat_id)

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 3,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `count` calls of `method` fail; retry_after is sent only with 429."""
        error = ApiError(status, description, retry_after if status == 429 else None)
        with self._cond:
            self._failures.setdefault(method, deque()).extend([error] * count)

    def slow(self, method: str, seconds: float) -> None:
        """Delay answers of `method` before they are processed (0 to stop)."""
        with self._cond:
            if seconds > 0:
                self._slow[method] = seconds
            else:
                self._slow.pop(method, None)

    def set_rate_limits(
        self, per_second: int | None = None, group_per_minute: int | None = None
    ) -> None:
        """Change Telegram's limits while running (None switches one off)."""
        with self._cond:
            self._rate_per_second = per_second
            self._group_per_minute = group_per_minute
            self._send_times.clear()
            self._group_times.clear()

    # ---- what users do

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
        first_name: str | None = None,
        reply_to_bot: bool | Mapping[str, Any] = False,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user types text; commands and mentions get their entities unless given.

        reply_to_bot: True replies to the bot's last message in the chat, or pass one message.
        """
        with self._cond:
            user = self._remember_user(user_id, username, first_name)
            chat = self._chat_for(user, chat_id, chat_type)
            message = self._user_message(chat, user)
            message["text"] = text
            found = _auto_entities(text) if entities is None else entities
            if found:
                message["entities"] = found
            if reply_to_bot:
                message["reply_to_message"] = self._replied(chat["id"], reply_to_bot)
            return self._enqueue({"message": message})

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
    ) -> dict[str, Any]:
        """A user sends a file; it is stored so getFile and the download URL serve it."""
        with self._cond:
            user = self._remember_user(user_id, username, None)
            chat = self._chat_for(user, chat_id, chat_type)
            stored = self._store_file(content, filename, mime_type, "documents")
            message = self._user_message(chat, user)
            message["document"] = self._document_object(stored)
            if caption:
                message["caption"] = caption
                found = _auto_entities(caption)
                if found:
                    message["caption_entities"] = found
            return self._enqueue({"message": message})

    def press_button(
        self,
        user_id: int,
        message: Mapping[str, Any],
        data: str,
        *,
        check: bool = True,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A user presses an inline button of a message the bot sent.

        With check, pressing a button the message does not (or no longer) carry is a test bug
        and raises ValueError, as a real user could not do it.
        """
        with self._cond:
            key = _message_key(message)
            record = self._records.get(key)
            if record is None or record["deleted"]:
                raise ValueError(f"the bot has no message {key[1]} in chat {key[0]}")
            offered = _callback_data(record["reply_markup"])
            if check and data not in offered:
                raise ValueError(
                    f"message {key[1]} in chat {key[0]} has no button {data!r}; it has {offered}"
                )
            user = self._remember_user(user_id, username, None)
            query_id = str(next(self._query_ids) + 4_000_000)
            query = {
                "id": query_id,
                "from": user,
                "message": copy.deepcopy(self._messages[key]),
                "chat_instance": f"{key[0]}".lstrip("-"),
                "data": data,
            }
            self._queries[query_id] = {"chat_id": key[0], "message_id": key[1], "answered": False}
            return self._enqueue({"callback_query": query})

    def inject_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Any other update, as Telegram would send it; the update_id is assigned here."""
        with self._cond:
            body = copy.deepcopy(dict(update))
            body.pop("update_id", None)
            message = body.get("message") or body.get("edited_message")
            if isinstance(message, dict) and "chat" in message:
                self._chats.setdefault(message["chat"]["id"], message["chat"])
                self._messages[_message_key(message)] = message
            query = body.get("callback_query")
            if isinstance(query, dict):
                chat_id, message_id = (
                    _message_key(query["message"]) if "message" in query else (0, 0)
                )
                self._queries[str(query["id"])] = {
                    "chat_id": chat_id,
                    "message_id": message_id,
                    "answered": False,
                }
            return self._enqueue(body)

    def _enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            update = {"update_id": next(self._update_ids), **body}
            self._pending.append(update)
            result = copy.deepcopy(update)
        self._notify()
        return result

    def _remember_user(
        self, user_id: int, username: str | None, first_name: str | None
    ) -> dict[str, Any]:
        """Names given once stick, so later messages carry them as Telegram's would."""
        user = dict(
            self._users.get(user_id)
            or {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
                "language_code": "vi",
            }
        )
        if username:
            user["username"] = username
        if first_name:
            user["first_name"] = first_name
        self._users[user_id] = user
        return dict(user)

    def _chat_for(
        self, user: Mapping[str, Any], chat_id: int | None, chat_type: str
    ) -> dict[str, Any]:
        if chat_id is not None and chat_id < 0 and chat_type == "private":
            known = self._chats.get(chat_id)
            chat_type = known["type"] if known else "group"
        if chat_type == "private":
            if chat_id not in (None, user["id"]):
                raise ValueError("a private chat's id is the user's id; groups have negative ids")
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            if user.get("username"):
                chat["username"] = user["username"]
        elif chat_type in ("group", "supergroup"):
            if chat_id is None or chat_id >= 0:
                raise ValueError("group chats need a negative chat_id")
            chat = dict(
                self._chats.get(chat_id)
                or {"id": chat_id, "type": chat_type, "title": f"Test group {chat_id}"}
            )
        else:
            raise ValueError(f"unsupported chat_type {chat_type!r}")
        self._chats[chat["id"]] = chat
        return dict(chat)

    def _next_message_id(self, chat_id: int | str) -> int:
        """Message ids count per chat, as in private chats and groups on Telegram."""
        if chat_id not in self._message_ids:
            self._message_ids[chat_id] = itertools.count(1)
        return next(self._message_ids[chat_id])

    def _user_message(self, chat: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        self._messages[_message_key(message)] = message
        return message

    def _replied(self, chat_id: int | str, target: bool | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(target, Mapping):
            key = _message_key(target)
        else:
            live = [r for r in self._chat_records.get(chat_id, []) if not r["deleted"]]
            if not live:
                raise ValueError(f"the bot has sent nothing to chat {chat_id} to reply to")
            key = (chat_id, live[-1]["message_id"])
        if key not in self._messages:
            raise ValueError(f"no message {key[1]} in chat {key[0]}")
        return copy.deepcopy(self._messages[key])

    def _store_file(
        self, content: bytes, filename: str, mime_type: str | None, folder: str
    ) -> dict[str, Any]:
        number = next(self._file_ids)
        suffix = PurePosixPath(filename).suffix
        stored = {
            "file_id": f"BQACAgIAAxkBAAI{number:08d}fake",
            "file_unique_id": f"AgAD{number:06d}",
            "file_size": len(content),
            "file_path": f"{folder}/file_{number}{suffix}",
            "file_name": filename,
            "mime_type": mime_type or mimetypes.guess_type(filename)[0],
            "content": content,
        }
        self._files[stored["file_id"]] = stored
        self._paths[stored["file_path"]] = stored["file_id"]
        return stored

    @staticmethod
    def _document_object(stored: Mapping[str, Any]) -> dict[str, Any]:
        document = {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_name": stored["file_name"],
            "file_size": stored["file_size"],
        }
        if stored["mime_type"]:
            document["mime_type"] = stored["mime_type"]
        return document

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    # ---- HTTP

    def _build_app(self) -> Starlette:
        routes = [
            Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{file_path:path}", self._handle_file, methods=["GET"]),
            Route("/_control/{action}", self._handle_control, methods=["GET", "POST"]),
        ]
        return Starlette(routes=routes, lifespan=self._lifespan)

    async def _handle_api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        method = self._canonical(request.path_params["method"])
        call = self._new_call(method)
        try:
            params = await _read_params(request)
        except ClientDisconnect:  # the client hung up mid-body (a stopped gateway): never received
            return Response(status_code=499)
        try:
            call.update(self._call_fields(params))
            if method not in self._handlers and method != "getUpdates":
                raise ApiError(404, "Not Found")
            with self._cond:
                delay = self._slow.get(method, 0.0)
            await self._pause(delay)
            result = await self._run(method, params, call)
        except ApiError as error:
            if method == "getUpdates" and error.status == 409 and await request.is_disconnected():
                return error.response()  # an abandoned poll: nobody is left to refuse
            self._record_refusal(call, error)
            return error.response()
        return JSONResponse({"ok": True, "result": result})

    def _canonical(self, name: str) -> str:
        """Telegram ignores the case of method names."""
        known = {m.lower(): m for m in [*self._handlers, "getUpdates"]}
        return known.get(name.lower(), name)

    def _new_call(self, method: str) -> dict[str, Any]:
        return {"method": method, "ok": False, "time": time.time(), "index": None}

    @staticmethod
    def _call_fields(params: Mapping[str, Any]) -> dict[str, Any]:
        fields = {name: params.get(name) for name in RECORDED_PARAMS}
        for name in BYTE_FIELDS:
            value = params.get(name)
            if isinstance(value, Upload):
                fields[name] = value.content
                fields[f"{name}_filename"] = value.filename
                fields[f"{name}_mime_type"] = value.mime_type
        fields["params"] = _printable_params(params)
        return fields

    async def _run(self, method: str, params: dict[str, Any], call: dict[str, Any]) -> Any:
        self._inject_faults(method, params)
        if method == "getUpdates":
            result = await self._get_updates(params, call)
            self._record_success(call)
            return result
        with self._cond:
            result = self._handlers[method](params, call)
            self._record_success(call)
        return result

    def _inject_faults(self, method: str, params: Mapping[str, Any]) -> None:
        with self._cond:
            queued = self._failures.get(method)
            if queued:
                raise queued.popleft()
            if params.get("chat_id") in self._blocked:
                raise ApiError(403, BLOCKED)

    def _record_success(self, call: dict[str, Any]) -> None:
        with self._cond:
            call["ok"] = True
            call["seq"] = next(self._call_seq)
            self._calls.append(call)
            self._ok_counts[call["method"]] += 1
            if call["method"] in CHAT_METHODS:
                call["index"] = len(self._sent)
                self._sent.append(call)
            if call["method"] in SEND_METHODS:
                self._first_send = self._first_send or call["time"]
                self._last_send = call["time"]
        self._notify()

    def _record_refusal(self, call: dict[str, Any], error: ApiError) -> None:
        with self._cond:
            call.update(
                error_code=error.status, description=error.description, seq=next(self._call_seq)
            )
            if error.retry_after is not None:
                call["retry_after"] = error.retry_after
            self._calls.append(call)
            self._refused_counts[error.status] += 1
        self._notify()

    async def _handle_file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        with self._cond:
            file_id = self._paths.get(request.path_params["file_path"])
            stored = self._files.get(file_id) if file_id else None
        if stored is None:
            return ApiError(404, "Not Found").response()
        media_type = stored["mime_type"] or "application/octet-stream"
        return Response(stored["content"], media_type=media_type)

    # ---- getUpdates and webhooks (on the server loop)

    async def _get_updates(self, params: Mapping[str, Any], call: dict[str, Any]) -> list[Any]:
        """Long polling: answer as soon as there is something, or with [] after `timeout`."""
        with self._cond:
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_CONFLICT)
            self._poll_generation += 1
            mine = self._poll_generation
            self._confirm(params.get("offset"))
        self._wake()  # an older poll still waiting learns it was superseded
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.0)
        while True:
            with self._cond:
                if self._poll_generation != mine:
                    raise ApiError(409, POLL_CONFLICT)
                batch = copy.deepcopy(self._pending[:limit])
                changed = self._changed
            remaining = deadline - time.monotonic()
            if batch or self._closing or remaining <= 0 or changed is None:
                call["updates"] = len(batch)
                return batch
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _confirm(self, offset: int | None) -> None:
        """An offset confirms every update before it; a negative one keeps only the last few."""
        if offset is None:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    async def _deliver_webhooks(self) -> None:
        """Post pending updates one by one, oldest first, retrying until the bot answers 2xx."""
        async with httpx.AsyncClient(timeout=10.0) as client:
            while not self._closing:
                with self._cond:
                    target = dict(self._webhook) if self._webhook else None
                    head = copy.deepcopy(self._pending[0]) if target and self._pending else None
                    changed = self._changed
                if head is None or target is None:
                    if changed is not None:
                        await changed.wait()
                    continue
                if await self._post_update(client, target, head):
                    with self._cond:
                        self._pending = [
                            u for u in self._pending if u["update_id"] != head["update_id"]
                        ]
                    self._notify()
                else:
                    await self._pause(self.webhook_retry_seconds)

    async def _post_update(
        self, client: httpx.AsyncClient, target: Mapping[str, Any], update: dict[str, Any]
    ) -> bool:
        headers = {SECRET_HEADER: target["secret_token"]} if target.get("secret_token") else {}
        error: str | None = None
        status: int | None = None
        try:
            response = await client.post(target["url"], json=update, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"Wrong response from the webhook: {status} {response.reason_phrase}"
        except httpx.HTTPError as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        with self._cond:
            self._webhook_log.append(
                {
                    "update_id": update["update_id"],
                    "url": target["url"],
                    "status": status,
                    "error": error,
                    "time": time.time(),
                }
            )
            if error:
                self._webhook_error = (int(time.time()), error)
        return error is None

    # ---- Bot API methods (called under the lock, on the server loop)

    def _method_table(self) -> dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]]:
        return {
            "getMe": self._get_me,
            "logOut": self._harmless,
            "close": self._harmless,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }

    def _get_me(self, _: dict[str, Any], __: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @staticmethod
    def _harmless(_: dict[str, Any], __: dict[str, Any]) -> bool:
        return True

    def _delete_webhook(self, params: dict[str, Any], _: dict[str, Any]) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._pending = []
        self._call_on_loop(self._wake)
        return True

    def _set_webhook(self, params: dict[str, Any], call: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._delete_webhook(params, call)
        if not url.startswith(("http://", "https://")):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret and not SECRET_PATTERN.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending = []
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.get("max_connections") or 40,
            "allowed_updates": params.get("allowed_updates"),
        }
        self._webhook_error = None
        self._call_on_loop(self._wake)
        return True

    def _get_webhook_info(self, _: dict[str, Any], __: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook["allowed_updates"]:
                info["allowed_updates"] = self._webhook["allowed_updates"]
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    @staticmethod
    def _scope_key(params: Mapping[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def _set_my_commands(self, params: dict[str, Any], _: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for item in commands:
            if not BOT_COMMAND_PATTERN.match(str(item.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(item.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is empty or too long")
        self._commands[self._scope_key(params)] = commands
        self._last_commands = commands
        return True

    def _get_my_commands(self, params: dict[str, Any], _: dict[str, Any]) -> list[Any]:
        return copy.deepcopy(self._commands.get(self._scope_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any], _: dict[str, Any]) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _target_chat(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The chat a call is aimed at; unknown ids are private (> 0) or groups (< 0)."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if isinstance(chat_id, int) and chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        if isinstance(chat_id, int):
            kind = "supergroup" if chat_id < -1_000_000_000_000 else "group"
            return {"id": chat_id, "type": kind, "title": f"Test group {chat_id}"}
        return {"id": chat_id, "type": "channel", "title": str(chat_id)}

    def _check_rate(self, chat_id: int | str) -> None:
        """Sliding windows over successful sends: 30 in any second, 20 a minute per group."""
        now = self._clock()
        if self._rate_per_second:
            self._refuse_over(self._send_times, self._rate_per_second, 1.0, now)
        if self._group_per_minute and isinstance(chat_id, int) and chat_id < 0:
            window = self._group_times.setdefault(chat_id, deque())
            self._refuse_over(window, self._group_per_minute, 60.0, now)

    def _refuse_over(self, window: deque[float], limit: int, span: float, now: float) -> None:
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) >= limit:
            self.rate_violations += 1
            raise ApiError(429, retry_after=max(1, math.ceil(window[0] + span - now)))

    def _count_send(self, chat_id: int | str) -> None:
        now = self._clock()
        self._send_times.append(now)
        if isinstance(chat_id, int) and chat_id < 0:
            self._group_times.setdefault(chat_id, deque()).append(now)

    def _deliver(
        self, chat: dict[str, Any], params: Mapping[str, Any], call: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        """Validate, rate-limit and store a message from the bot; return it as Telegram would."""
        markup = params.get("reply_markup")
        _check_markup(markup)
        self._check_rate(chat["id"])
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            **content,
        }
        if _inline_markup(markup):
            message["reply_markup"] = markup
        replied = self._messages.get((chat["id"], _reply_to_id(params) or 0))
        if replied is not None:
            message["reply_to_message"] = copy.deepcopy(replied)
        self._messages[_message_key(message)] = message
        self._count_send(chat["id"])
        call.update(message_id=message["message_id"], chat_id=chat["id"])
        self._keep_record(message, params, call)
        return copy.deepcopy(message)

    def _keep_record(
        self, message: Mapping[str, Any], params: Mapping[str, Any], call: Mapping[str, Any]
    ) -> None:
        """The flat view tests read: current text and keyboard, bytes, where it sits in `sent`."""
        index = len(self._sent)
        record = {
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "method": call["method"],
            "text": message.get("text"),
            "caption": message.get("caption"),
            "parse_mode": params.get("parse_mode"),
            "reply_markup": params.get("reply_markup"),
            "reply_to_message_id": _reply_to_id(params),
            "reply_parameters": params.get("reply_parameters"),
            "time": call["time"],
            "index": index,
            "updated_index": index,
            "edits": 0,
            "deleted": False,
        }
        for name in BYTE_FIELDS:
            if call.get(f"{name}_filename") is not None:
                record[name] = call.get(name)
                record[f"{name}_filename"] = call[f"{name}_filename"]
        self._records[_message_key(message)] = record
        self._chat_records.setdefault(record["chat_id"], []).append(record)

    def _send_message(self, params: dict[str, Any], call: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        text = self._valid_text(params)
        return self._deliver(chat, params, call, text=text)

    @staticmethod
    def _valid_text(params: Mapping[str, Any]) -> str:
        text = params.get("text")
        if not text or not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _visible_length(str(text), params.get("parse_mode")) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return str(text)

    @staticmethod
    def _valid_caption(params: Mapping[str, Any]) -> dict[str, Any]:
        caption = params.get("caption")
        if not caption:
            return {}
        if _visible_length(str(caption), params.get("parse_mode")) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        return {"caption": str(caption)}

    def _incoming_file(self, params: dict[str, Any], call: dict[str, Any], name: str) -> Any:
        """An upload is stored; a known file_id is re-sent; a URL is kept without content."""
        value = params.get(name)
        if isinstance(value, Upload):
            return self._store_file(value.content, value.filename, value.mime_type, name + "s")
        if isinstance(value, str) and value in self._files:
            stored = self._files[value]
            call[name], call[f"{name}_filename"] = stored["content"], stored["file_name"]
            return stored
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            filename = PurePosixPath(value.split("?")[0]).name or name
            call[f"{name}_filename"] = filename
            return self._store_file(b"", filename, None, name + "s")
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _send_document(self, params: dict[str, Any], call: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        caption = self._valid_caption(params)
        stored = self._incoming_file(params, call, "document")
        document = self._document_object(stored)
        return self._deliver(chat, params, call, document=document, **caption)

    def _send_photo(self, params: dict[str, Any], call: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        caption = self._valid_caption(params)
        stored = self._incoming_file(params, call, "photo")
        width, height = _png_size(stored["content"])
        size = {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_size": stored["file_size"],
            "width": width,
            "height": height,
        }
        return self._deliver(chat, params, call, photo=[size], **caption)

    def _editable(
        self, params: Mapping[str, Any], call: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        chat = self._target_chat(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        record = self._records.get(key)
        if record is None or record["deleted"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        call["chat_id"] = chat["id"]
        return record, self._messages[key]

    def _apply_edit(
        self,
        record: dict[str, Any],
        message: dict[str, Any],
        changes: Mapping[str, Any],
        markup: Any,
    ) -> dict[str, Any]:
        """Editing without a keyboard removes it, as on Telegram."""
        unchanged = all(record.get(k) == v for k, v in changes.items())
        if unchanged and _inline_markup(record["reply_markup"]) == _inline_markup(markup):
            raise ApiError(400, NOT_MODIFIED)
        _check_markup(markup)
        message.update(changes)
        message["edit_date"] = int(time.time())
        if _inline_markup(markup):
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        record.update(changes)
        record.update(
            reply_markup=markup,
            edits=record["edits"] + 1,
            updated_index=len(self._sent),
        )
        return copy.deepcopy(message)

    def _edit_message_text(self, params: dict[str, Any], call: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        record, message = self._editable(params, call)
        if record["text"] is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = self._valid_text(params)
        changes = {"text": text, "parse_mode": params.get("parse_mode")}
        edited = self._apply_edit(record, message, changes, params.get("reply_markup"))
        edited.pop("parse_mode", None)
        message.pop("parse_mode", None)
        return edited

    def _edit_message_caption(self, params: dict[str, Any], call: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        record, message = self._editable(params, call)
        caption = self._valid_caption(params).get("caption")
        return self._apply_edit(record, message, {"caption": caption}, params.get("reply_markup"))

    def _edit_message_reply_markup(self, params: dict[str, Any], call: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        record, message = self._editable(params, call)
        return self._apply_edit(record, message, {}, params.get("reply_markup"))

    def _delete_message(self, params: dict[str, Any], call: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        if key not in self._messages:
            raise ApiError(400, "Bad Request: message to delete not found")
        del self._messages[key]
        if key in self._records:
            self._records[key].update(deleted=True, updated_index=len(self._sent))
        call["chat_id"] = chat["id"]
        return True

    def _answer_callback_query(self, params: dict[str, Any], call: dict[str, Any]) -> bool:
        query = self._queries.get(str(params.get("callback_query_id")))
        if query is None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        query["answered"] = True
        call["chat_id"] = query["chat_id"]
        call["message_id"] = query["message_id"]
        return True

    def _send_chat_action(self, params: dict[str, Any], call: dict[str, Any]) -> bool:
        chat = self._target_chat(params)
        if not params.get("action"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        call["chat_id"] = chat["id"]
        return True

    def _get_file(self, params: dict[str, Any], _: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {key: stored[key] for key in ("file_id", "file_unique_id", "file_size", "file_path")}

    # ---- control API (another process drives the fake over HTTP)

    async def _handle_control(self, request: Request) -> Response:
        action = request.path_params["action"]
        handler = CONTROL_ACTIONS.get(action)
        if handler is None:
            return JSONResponse({"error": f"unknown control action {action!r}"}, status_code=404)
        try:
            body = await request.json() if request.method == "POST" else {}
            result = handler(self, body or {}, request.query_params)
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": f"{exc.__class__.__name__}: {exc}"}, status_code=400)
        return JSONResponse(result)

    def info(self) -> dict[str, Any]:
        with self._cond:
            webhook = self._get_webhook_info({}, {})
        return {
            "url": self.url,
            "token": self.token,
            "bot": self._get_me({}, {}),
            "webhook": webhook,
            "rate_limit_per_second": self._rate_per_second,
            "group_limit_per_minute": self._group_per_minute,
        }


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    value = query.get(name)
    return None if value is None else value.lower() in ("1", "true", "yes")


def _chat_param(value: Any) -> int | str:
    return int(value) if re.fullmatch(r"-?\d+", str(value)) else str(value)


def _control_sent(tg: FakeTelegram, _: dict[str, Any], query: Mapping[str, str]) -> Any:
    since = int(query.get("since", 0))
    records = tg.sent_since(since)
    unfiltered = len(records)
    if "chat_id" in query:
        chat_id = _chat_param(query["chat_id"])
        records = [r for r in records if r.get("chat_id") == chat_id]
    if "method" in query:
        records = [r for r in records if r["method"] == query["method"]]
    content = bool(_flag(query, "content"))
    return {
        "sent": [_jsonable(r, content) for r in records],
        "next": since + unfiltered,
    }


def _control_calls(tg: FakeTelegram, _: dict[str, Any], query: Mapping[str, str]) -> Any:
    chat_id = _chat_param(query["chat_id"]) if "chat_id" in query else None
    found = tg.calls(
        query.get("method"),
        chat_id=chat_id,
        ok=_flag(query, "ok"),
        since=int(query.get("since", 0)),
    )
    content = bool(_flag(query, "content"))
    return {"calls": [_jsonable(c, content) for c in found]}


def _control_messages(tg: FakeTelegram, _: dict[str, Any], query: Mapping[str, str]) -> Any:
    found = tg.messages_to(
        _chat_param(query["chat_id"]), include_deleted=bool(_flag(query, "include_deleted"))
    )
    content = bool(_flag(query, "content"))
    return {"messages": [_jsonable(m, content) for m in found]}


def _control_document(tg: FakeTelegram, body: dict[str, Any], _: Mapping[str, str]) -> Any:
    content = base64.b64decode(body.pop("content_b64"))
    return {"update": tg.send_document(content=content, **body)}


def _done(_: Any) -> dict[str, bool]:
    return {"ok": True}


ControlAction = Callable[[FakeTelegram, dict[str, Any], Mapping[str, str]], Any]
CONTROL_ACTIONS: dict[str, ControlAction] = {
    "info": lambda tg, _, __: tg.info(),
    "stats": lambda tg, _, __: tg.stats(),
    "sent": _control_sent,
    "calls": _control_calls,
    "messages": _control_messages,
    "commands": lambda tg, _, __: {"commands": tg.commands},
    "text": lambda tg, body, _: {"update": tg.send_text(**body)},
    "button": lambda tg, body, _: {"update": tg.press_button(**body)},
    "document": _control_document,
    "update": lambda tg, body, _: {"update": tg.inject_update(body["update"])},
    "block": lambda tg, body, _: _done(tg.block(body["chat_id"])),
    "unblock": lambda tg, body, _: _done(tg.unblock(body["chat_id"])),
    "fail_next": lambda tg, body, _: _done(tg.fail_next(**body)),
    "slow": lambda tg, body, _: _done(tg.slow(**body)),
    "rate_limits": lambda tg, body, _: _done(tg.set_rate_limits(**body)),
    "reset": lambda tg, body, _: _done(
        tg.reset_faults() if body.get("faults_only") else tg.reset()
    ),
}


# --- a client for another process -------------------------------------------------------------


class FakeTelegramClient(_Waiting):
    """The in-process API over the control endpoints, for a fake running as its own process.

    Recorded bytes (documents, photos) are fetched only when asked for (`content=True`), so
    listing thousands of messages stays cheap.
    """

    def __init__(self, url: str, timeout: float = 10.0, poll_seconds: float = 0.05) -> None:
        self.url = url.rstrip("/")
        self.poll_seconds = poll_seconds
        self._http = httpx.Client(base_url=self.url, timeout=timeout)
        self._info: dict[str, Any] | None = None

    def __enter__(self) -> FakeTelegramClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _get(self, action: str, **query: Any) -> Any:
        params = {k: v for k, v in query.items() if v is not None}
        response = self._http.get(f"/_control/{action}", params=params)
        return self._checked(response)

    def _post(self, action: str, body: Mapping[str, Any]) -> Any:
        return self._checked(self._http.post(f"/_control/{action}", json=dict(body)))

    @staticmethod
    def _checked(response: httpx.Response) -> Any:
        if response.status_code == 400:
            raise ValueError(response.json().get("error"))
        response.raise_for_status()
        return response.json()

    def info(self) -> dict[str, Any]:
        self._info = self._get("info")
        return self._info

    @property
    def token(self) -> str:
        return (self._info or self.info())["token"]

    @property
    def bot_username(self) -> str:
        return (self._info or self.info())["bot"]["username"]

    # reading

    @property
    def sent(self) -> list[dict[str, Any]]:
        return self.sent_since(0)

    def sent_since(
        self,
        index: int = 0,
        chat_id: int | str | None = None,
        method: str | None = None,
        content: bool = False,
    ) -> list[dict[str, Any]]:
        found = self._get("sent", since=index, chat_id=chat_id, method=method, content=int(content))
        return [_from_jsonable(r) for r in found["sent"]]

    def messages_to(
        self, chat_id: int | str, include_deleted: bool = False, content: bool = False
    ) -> list[dict[str, Any]]:
        found = self._get(
            "messages",
            chat_id=chat_id,
            include_deleted=int(include_deleted),
            content=int(content),
        )
        return [_from_jsonable(m) for m in found["messages"]]

    def calls(
        self,
        method: str | None = None,
        *,
        chat_id: int | str | None = None,
        ok: bool | None = None,
        since: int = 0,
        content: bool = False,
    ) -> list[dict[str, Any]]:
        found = self._get(
            "calls",
            method=method,
            chat_id=chat_id,
            ok=None if ok is None else int(ok),
            since=since,
            content=int(content),
        )
        return [_from_jsonable(c) for c in found["calls"]]

    @property
    def commands(self) -> list[dict[str, Any]]:
        return self._get("commands")["commands"]

    @property
    def rate_violations(self) -> int:
        return self.stats()["rate_violations"]

    def stats(self) -> dict[str, Any]:
        return self._get("stats")

    def mark(self) -> int:
        return self.stats()["sent"]

    def _wait(self, check: Callable[[], T | None], timeout: float) -> T | None:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result is not None or time.monotonic() >= deadline:
                return result
            time.sleep(self.poll_seconds)

    # what users do

    def send_text(self, user_id: int, text: str, **options: Any) -> dict[str, Any]:
        return self._post("text", {"user_id": user_id, "text": text, **options})["update"]

    def press_button(
        self, user_id: int, message: Mapping[str, Any], data: str, **options: Any
    ) -> dict[str, Any]:
        chat_id, message_id = _message_key(message)
        body = {
            "user_id": user_id,
            "message": {"chat_id": chat_id, "message_id": message_id},
            "data": data,
            **options,
        }
        return self._post("button", body)["update"]

    def send_document(
        self, user_id: int, filename: str, content: bytes, **options: Any
    ) -> dict[str, Any]:
        body = {
            "user_id": user_id,
            "filename": filename,
            "content_b64": base64.b64encode(content).decode(),
            **options,
        }
        return self._post("document", body)["update"]

    def inject_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        return self._post("update", {"update": dict(update)})["update"]

    # faults

    def block(self, chat_id: int | str) -> None:
        self._post("block", {"chat_id": chat_id})

    def unblock(self, chat_id: int | str) -> None:
        self._post("unblock", {"chat_id": chat_id})

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 3,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        body = {
            "method": method,
            "status": status,
            "retry_after": retry_after,
            "count": count,
            "description": description,
        }
        self._post("fail_next", body)

    def slow(self, method: str, seconds: float) -> None:
        self._post("slow", {"method": method, "seconds": seconds})

    def set_rate_limits(
        self, per_second: int | None = None, group_per_minute: int | None = None
    ) -> None:
        self._post("rate_limits", {"per_second": per_second, "group_per_minute": group_per_minute})

    def reset(self) -> None:
        self._post("reset", {})

    def reset_faults(self) -> None:
        self._post("reset", {"faults_only": True})


# --- standalone process --------------------------------------------------------------------------


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server (tests only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    parser.add_argument("--rate-limit", type=int, default=None, help="messages per second")
    parser.add_argument("--group-limit", type=int, default=None, help="messages/min per group")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the URL on the first line of stdout, then serve until SIGTERM or Ctrl-C."""
    args = _parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    fake = FakeTelegram(
        args.token,
        bot_username=args.bot_username,
        host=args.host,
        port=args.port,
        rate_limit_per_second=args.rate_limit,
        group_limit_per_minute=args.group_limit,
    )
    with fake:
        print(fake.url, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
