"""The fake Telegram Bot API server, driven by a real python-telegram-bot 22 over loopback HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeTelegram, FakeTelegramClient
from tests.support import PROJECT_ROOT

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Có", callback_data="yes"),
            InlineKeyboardButton("Không", callback_data="no"),
        ]
    ]
)


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def make_bot(tg: FakeTelegram | FakeTelegramClient) -> Bot:
    return Bot(tg.token, base_url=f"{tg.url}/bot", base_file_url=f"{tg.url}/file/bot")


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


async def with_bot(tg: FakeTelegram, use: Callable[[Bot], Coroutine[Any, Any, Any]]) -> Any:
    async with make_bot(tg) as bot:
        return await use(bot)


def seconds(value: int | dtm.timedelta) -> float:
    """PTB 22 gives retry_after as int or timedelta depending on PTB_TIMEDELTA."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@contextmanager
def polling(tg: FakeTelegram, setup: Callable[[Application], None]) -> Iterator[Application]:
    """A PTB Application polling from its own thread and loop, like the gateway process."""
    application = (
        Application.builder()
        .token(tg.token)
        .base_url(f"{tg.url}/bot")
        .base_file_url(f"{tg.url}/file/bot")
        .build()
    )
    setup(application)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def call(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(15)

    try:
        call(application.initialize())
        call(application.start())
        call(application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5)))
        yield application
    finally:
        if application.updater.running:
            call(application.updater.stop())
        if application.running:
            call(application.stop())
        call(application.shutdown())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def start(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Xin chào! Bạn là ai?", reply_markup=KEYBOARD)


async def on_button(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Đã nhận")
    await query.edit_message_text(f"Bạn chọn: {query.data}")


async def on_document(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    file = await message.document.get_file()
    content = bytes(await file.download_as_bytearray())
    digest = hashlib.sha256(content).hexdigest()[:12]
    await message.reply_text(f"Nhận {message.document.file_name}: {len(content)} byte, {digest}")
    await message.reply_document(content[::-1], filename="reversed.bin", caption="ngược")


async def keep_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.bot_data.setdefault("errors", []).append(context.error)


def bot_handlers(application: Application) -> None:
    application.add_error_handler(keep_error)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.Document.ALL, on_document))


def test_start_command_button_press_and_document_through_a_polling_application(
    tg: FakeTelegram,
) -> None:
    with polling(tg, bot_handlers) as application:
        assert application.bot.username == tg.bot_username
        tg.send_text(501, "/start", username="nv_vnpt", first_name="An")
        greeting = tg.wait_for_text(501, "Xin chào", timeout=5)
        assert greeting["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"

        tg.press_button(501, greeting, "no")
        edited = tg.wait_for_text(501, "Bạn chọn: no", timeout=5)
        assert edited["message_id"] == greeting["message_id"] and edited["edits"] == 1
        assert edited["reply_markup"] is None  # editing text without a keyboard removes it
        [answer] = tg.calls("answerCallbackQuery")
        assert answer["text"] == "Đã nhận" and answer["chat_id"] == 501
        with pytest.raises(ValueError, match="no button"):
            tg.press_button(501, edited, "yes")

        content = b"roster;data\n" * 100
        tg.send_document(501, "danh-sach.csv", content, caption="danh sách trực")
        digest = hashlib.sha256(content).hexdigest()[:12]
        tg.wait_for_text(501, f"danh-sach.csv: {len(content)} byte, {digest}", timeout=5)
        tg.wait_for(lambda call: call["method"] == "sendDocument", timeout=5)
    [upload] = tg.calls("sendDocument")
    assert upload["document"] == content[::-1] and upload["document_filename"] == "reversed.bin"
    assert tg.messages_to(501)[-1]["caption"] == "ngược"
    assert tg.calls("getFile", ok=True)
    assert tg.pending_updates == 0  # the updater confirmed everything on stop
    assert not tg.calls("getUpdates", ok=False)  # the abandoned last poll is not a conflict
    assert not application.bot_data.get("errors")


def test_group_messages_get_command_and_mention_entities(tg: FakeTelegram) -> None:
    update = tg.send_text(7, f"/start@{tg.bot_username} chào @{tg.bot_username}", chat_id=-300)
    message = update["message"]
    assert message["chat"]["type"] == "group" and message["chat"]["id"] == -300
    kinds = [(e["type"], e["offset"], e["length"]) for e in message["entities"]]
    length = len(tg.bot_username) + 1
    assert kinds == [("bot_command", 0, 6 + length), ("mention", 12 + length, length)]
    emoji = tg.send_text(7, "🙂 /help")["message"]["entities"]
    assert emoji == [{"type": "bot_command", "offset": 3, "length": 5}]  # UTF-16 offsets

    async def reply_and_read(bot: Bot) -> Any:
        sent = await bot.send_message(-300, "Trả lời", reply_to_message_id=message["message_id"])
        return sent

    sent = run(with_bot(tg, reply_and_read))
    assert sent.reply_to_message.message_id == message["message_id"]
    assert sent.from_user.is_bot and sent.chat.type == "group"
    reply = tg.send_text(7, "còn gì nữa?", chat_id=-300, reply_to_bot=True)
    assert reply["message"]["reply_to_message"]["message_id"] == sent.message_id
    assert update["update_id"] < reply["update_id"]


def test_blocked_chat_gets_forbidden_and_injected_errors_map_to_ptb_exceptions(
    tg: FakeTelegram,
) -> None:
    tg.block(42)
    tg.fail_next("sendMessage", status=429, retry_after=7, count=2)

    async def scenario(bot: Bot) -> None:
        for _ in range(2):
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(43, "một")
            assert seconds(raised.value.retry_after) == 7
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(42, "hai")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(42, "typing")
        await bot.send_message(43, "ba")
        tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(43, "bốn")
        tg.fail_next("sendMessage", status=502)
        with pytest.raises(NetworkError):
            await bot.send_message(43, "năm")
        tg.unblock(42)
        await bot.send_message(42, "sáu")

    run(with_bot(tg, scenario))
    refused = tg.calls("sendMessage", ok=False)
    assert [c["error_code"] for c in refused] == [429, 429, 403, 400, 502]
    assert refused[0]["retry_after"] == 7
    assert [m["text"] for m in tg.messages_to(43)] == ["ba"]
    assert [m["text"] for m in tg.messages_to(42)] == ["sáu"]
    assert tg.stats()["refused_by_status"] == {"429": 2, "403": 2, "400": 1, "502": 1}


def test_raw_errors_look_like_telegram(tg: FakeTelegram) -> None:
    wrong = httpx.post(f"{tg.url}/bot1:wrong/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    unknown = httpx.post(f"{tg.url}/bot{tg.token}/sendSticker", data={"chat_id": "1"})
    assert unknown.status_code == 404 and unknown.json()["ok"] is False
    tg.fail_next("sendMessage", retry_after=5)
    limited = httpx.post(f"{tg.url}/bot{tg.token}/sendmessage", data={"chat_id": 1, "text": "x"})
    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }

    async def wrong_token() -> None:
        async with Bot("1:wrong", base_url=f"{tg.url}/bot"):
            pass

    with pytest.raises(InvalidToken):
        run(wrong_token())


def test_telegram_validation_catches_real_bot_mistakes(tg: FakeTelegram) -> None:
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="đ" * 33)]])

    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(5, "a" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(5, "x", reply_markup=long_data)
        sent = await bot.send_message(5, "giữ nguyên", reply_markup=KEYBOARD)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("giữ nguyên", 5, sent.message_id, reply_markup=KEYBOARD)
        await bot.edit_message_reply_markup(5, sent.message_id, reply_markup=None)
        assert await bot.delete_message(5, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("mới", 5, sent.message_id)

    run(with_bot(tg, scenario))
    [message] = tg.messages_to(5, include_deleted=True)
    assert message["deleted"] and message["reply_markup"] is None and not tg.messages_to(5)


def test_long_polling_answers_when_an_update_arrives_and_times_out_empty(
    tg: FakeTelegram,
) -> None:
    updates = f"{tg.url}/bot{tg.token}/getUpdates"
    timer = threading.Timer(0.3, tg.send_text, args=(9, "xin chào"))
    timer.start()
    began = time.monotonic()
    first = httpx.post(updates, data={"timeout": 10}, timeout=15).json()["result"]
    elapsed = time.monotonic() - began
    timer.join()
    assert 0.25 <= elapsed < 2.0
    assert [u["message"]["text"] for u in first] == ["xin chào"]

    again = httpx.post(updates, data={"timeout": 0}).json()["result"]
    assert again == first  # not confirmed yet
    began = time.monotonic()
    empty = httpx.post(updates, data={"offset": first[0]["update_id"] + 1, "timeout": 1})
    assert empty.json()["result"] == []
    assert 0.9 <= time.monotonic() - began < 2.5
    assert tg.pending_updates == 0


def test_a_second_poller_terminates_the_first_with_conflict(tg: FakeTelegram) -> None:
    updates = f"{tg.url}/bot{tg.token}/getUpdates"
    answers: list[httpx.Response] = []
    first = threading.Thread(
        target=lambda: answers.append(httpx.post(updates, data={"timeout": 5}, timeout=10))
    )
    first.start()
    time.sleep(0.3)
    second = httpx.post(updates, data={"timeout": 0})
    first.join(5)
    assert second.json() == {"ok": True, "result": []}
    assert answers[0].status_code == 409 and "other getUpdates" in answers[0].json()["description"]


class Receiver:
    """A tiny webhook endpoint: records what arrives, fails the first `failures` requests."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                failing = receiver.failures > 0
                receiver.failures -= 1
                if not failing:
                    receiver.received.append((dict(self.headers), json.loads(body)))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/telegram"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := predicate()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return result


def test_webhook_mode_pushes_updates_with_the_secret_and_retries() -> None:
    with FakeTelegram(webhook_retry_seconds=0.05) as tg, Receiver(failures=1) as receiver:
        tg.send_text(11, "trước webhook")

        async def set_hook(bot: Bot) -> Any:
            await bot.set_webhook(receiver.url, secret_token="bi-mat_123")
            with pytest.raises(Conflict):
                await bot.get_updates()
            return await bot.get_webhook_info()

        info = run(with_bot(tg, set_hook))
        assert info.url == receiver.url
        tg.send_text(11, "sau webhook")
        assert wait_until(lambda: len(receiver.received) == 2)
        headers, _ = receiver.received[0]
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "bi-mat_123"
        texts = [u["message"]["text"] for _, u in receiver.received]
        assert texts == ["trước webhook", "sau webhook"]  # in order, after one failed try
        assert [d["status"] for d in tg.webhook_deliveries] == [500, 200, 200]
        info = run(with_bot(tg, lambda bot: bot.get_webhook_info()))
        assert info.pending_update_count == 0 and "500" in info.last_error_message


def test_rate_limit_refuses_the_31st_message_in_a_second() -> None:
    now = [1000.0]
    limits = {"rate_limit_per_second": 30, "group_limit_per_minute": 20}
    with FakeTelegram(**limits, clock=lambda: now[0]) as tg:

        async def scenario(bot: Bot) -> None:
            await asyncio.gather(*(bot.send_message(1000 + i, "tin") for i in range(30)))
            for moment, retry_after in ((1000.0, 1), (1000.5, 1)):
                now[0] = moment
                with pytest.raises(RetryAfter) as raised:
                    await bot.send_message(2000, "tin thứ 31")
                assert seconds(raised.value.retry_after) == retry_after
            now[0] = 1001.0  # the sliding window has moved past the burst
            await bot.send_message(2000, "tin thứ 31")

        run(with_bot(tg, scenario))
        assert tg.rate_violations == 2 and tg.stats()["delivered"] == 31
        assert len(tg.messages_to(2000)) == 1

        async def group(bot: Bot) -> None:
            for second in range(20):
                now[0] = 2000.0 + second
                await bot.send_message(-77, "nhóm")
            now[0] = 2030.0
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(-77, "quá")
            assert seconds(raised.value.retry_after) == 30
            await bot.send_message(77, "riêng vẫn được")

        run(with_bot(tg, group))
        assert tg.rate_violations == 3 and len(tg.messages_to(-77)) == 20


def test_rate_limit_in_real_time() -> None:
    with FakeTelegram(rate_limit_per_second=30) as tg:

        async def burst(bot: Bot) -> tuple[float, RetryAfter | None]:
            began = time.monotonic()
            await asyncio.gather(*(bot.send_message(1000 + i, "tin") for i in range(30)))
            elapsed = time.monotonic() - began
            try:
                await bot.send_message(2000, "tin thứ 31")
            except RetryAfter as refusal:
                return elapsed, refusal
            return elapsed, None

        elapsed, refusal = run(with_bot(tg, burst))
        if elapsed >= 0.9:
            pytest.skip(f"30 local requests took {elapsed:.2f} s on this machine")
        assert refusal is not None and tg.rate_violations == 1 and not tg.messages_to(2000)


def test_commands_files_and_wait_failure_dump(tg: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> tuple[Any, bytes]:
        await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")])
        commands = await bot.get_my_commands()
        photo = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") * 2
        sent = await bot.send_photo(8, photo, caption="biểu đồ")
        file = await bot.get_file(sent.photo[-1].file_id)
        return commands, bytes(await file.download_as_bytearray())

    commands, downloaded = run(with_bot(tg, scenario))
    assert [c.command for c in commands] == ["start", "help"]
    assert tg.commands == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "help", "description": "Trợ giúp"},
    ]
    assert downloaded == tg.calls("sendPhoto")[0]["photo"]
    with pytest.raises(AssertionError) as failure:
        tg.wait_for_text(8, "không có", timeout=0.2)
    assert "chat 8" in str(failure.value) and "'biểu đồ'" in str(failure.value)


def test_control_api_drives_a_bot_from_another_client(tg: FakeTelegram) -> None:
    with polling(tg, bot_handlers) as application, FakeTelegramClient(tg.url) as client:
        assert client.token == tg.token and client.bot_username == tg.bot_username
        client.send_text(601, "/start")
        greeting = client.wait_for_text(601, "Xin chào", timeout=5)
        client.press_button(601, greeting, "yes")
        client.wait_for_text(601, "Bạn chọn: yes", timeout=5)
        client.send_document(601, "bao-cao.txt", b"noi dung")
        client.wait_for_text(601, "bao-cao.txt: 8 byte", timeout=5)
        client.wait_for(lambda call: call["method"] == "sendDocument", timeout=5)
        documents = client.calls("sendDocument", content=True)
        assert documents[0]["document"] == b"gnud ion"
        mark = client.mark()
        client.block(601)
        client.send_text(601, "/start")
        assert wait_until(lambda: client.calls("sendMessage", chat_id=601, ok=False))
        client.unblock(601)
        client.fail_next("sendMessage", status=429, retry_after=1)
        client.send_text(601, "/start")
        wait_until(lambda: client.calls("sendMessage", ok=False, chat_id=601)[1:])
        assert [c["error_code"] for c in client.calls("sendMessage", ok=False)] == [403, 429]
        assert client.sent_since(mark) == []
        stats = client.stats()
        assert stats["delivered"] == 3 and stats["refused_by_status"] == {"403": 1, "429": 1}
        errors = application.bot_data["errors"]
        assert [type(e) for e in errors] == [Forbidden, RetryAfter]
        client.reset()
        assert client.sent == [] and client.stats()["calls"] < 3
        client.send_text(601, "/start")  # the running poller is not disturbed by a reset
        client.wait_for_text(601, "Xin chào", timeout=5)


def test_standalone_process_prints_its_url_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_telegram", "--port", "0", "--rate-limit", "30"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        with FakeTelegramClient(url) as client:
            assert client.info()["rate_limit_per_second"] == 30
            client.send_text(1, "/start")
            got = httpx.get(f"{url}/bot{client.token}/getUpdates").json()["result"]
            assert got[0]["message"]["text"] == "/start"
    finally:
        process.terminate()
        assert process.wait(10) == 0


def test_stop_releases_the_thread_and_the_port() -> None:
    server = FakeTelegram().start()
    url = server.url
    thread = server._thread
    server.send_text(1, "ai đang đợi?")
    poller = threading.Thread(
        target=lambda: httpx.post(f"{url}/bot{server.token}/getUpdates?offset=99&timeout=30")
    )
    poller.start()
    time.sleep(0.2)
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 3 and thread is not None and not thread.is_alive()
    poller.join(5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_control/info")
