"""The real stack (store, action server, Rasa with the trained model) over loopback HTTP.

Runs once on SQLite and once on the machine's PostgreSQL. Needs `make train` first (`make test`
does it); a missing model fails the run rather than skipping it.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import unicodedata
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from bot.relay import (
    EMPTY_MESSAGE_TEXT,
    RASA_DOWN_TEXT,
    RASA_EMPTY_TEXT,
    WEBHOOK_PATH,
    Reply,
    signed_request,
)
from ops.stack import Stack
from tests.support import APP_PYTHON, PROJECT_ROOT

HA_TINH = ("Đặng Văn Đức", "0911378999", "Nguyễn Thanh Lâm", "0914237788")


def rest(stack: Stack, sender: str, message: str) -> list[dict]:
    """A bare signed message as the gateway sends it, without the relay's reply parsing."""
    raw, headers = signed_request({"sender": sender, "message": message}, stack.channel_secret)
    response = httpx.post(
        f"{stack.rasa_url}{WEBHOOK_PATH}", content=raw, headers=headers, timeout=30
    )
    response.raise_for_status()
    return response.json()


def relay(stack: Stack, sender: str, message: str) -> list[Reply]:
    async def send() -> list[Reply]:
        async with stack.relay() as client:
            return await client.send("test", sender, message)

    return asyncio.run(send())


def joined(replies: Sequence[dict[str, Any] | Reply]) -> str:
    return "\n".join(r["text"] if isinstance(r, dict) else r.text for r in replies)


def test_greeting_says_what_the_bot_does(stack: Stack) -> None:
    text = joined(rest(stack, "greet-user", "xin chào"))
    assert "Xin chào" in text and "đường dây nóng" in text


@pytest.mark.parametrize(
    "question", ["số điện thoại đường dây nóng Hà Tĩnh", "sdt duong day nong ha tinh"]
)
def test_hotline_question_gets_both_numbers_for_a_fresh_sender(stack: Stack, question: str) -> None:
    text = joined(rest(stack, f"fresh-{hash(question)}", question))
    for fact in HA_TINH:
        assert fact in text
    assert "Theo công văn" in text


FIVE_DIRECTIVES = [
    (
        "hạn nộp báo cáo Bắc Ninh là khi nào?",
        ["09h00 ngày 23/02/2026", "còn 3 ngày 4 giờ", "Sở KH&CN Bắc Ninh"],
    ),
    (
        "han nop bc bac giang",
        ["09h00 ngày 13/02/2024", "04 Tết", "so_tttt_vt@bacgiang.gov.vn", "đã hết hạn"],
    ),
    ("sđt đường dây nóng hà tĩnh", ["0911378999", "0914237788", "Sở TT&TT Hà Tĩnh"]),
    ("doi ung cuu su co lang son so dien thoai", ["02053.818.657", "0918.210.111"]),
    ("công văn Lạng Sơn số mấy, ai ký?", ["184/STTTT-HTS", "21/01/2025"]),
    ("lich nghi tet soc trang", ["08/02/2024", "14/02/2024", "Sở TT&TT Sóc Trăng"]),
    ("hạn gửi danh sách trực Sóc Trăng", ["ngày 01/02/2024"]),
    ("doanh nghiệp bưu chính Bắc Ninh phải làm gì", ["KT1", "24/24"]),
]


@pytest.mark.parametrize(("question", "facts"), FIVE_DIRECTIVES)
def test_each_directive_answers_a_fresh_sender(
    stack: Stack, question: str, facts: list[str]
) -> None:
    text = joined(rest(stack, f"five-{abs(hash(question))}", question))
    for fact in facts:
        assert fact in text, (question, fact, text)
    assert text.startswith(("Theo công văn", "Công văn"))


def test_other_province_never_gets_ha_tinh_numbers(stack: Stack) -> None:
    text = joined(rest(stack, "lang-son-user", "hotline sở lạng sơn"))
    assert "0918.210.111" in text
    assert "0911378999" not in text


def test_bad_input_gets_sensible_replies(stack: Stack) -> None:
    assert relay(stack, "bad", "   ")[0].text == EMPTY_MESSAGE_TEXT
    for message in ("ô" * 5000, "😀🎉🧧", "<b>x</b><script>alert(1)</script>' OR 1=1; --"):
        replies = relay(stack, "bad", message)
        assert replies and not any(r.is_fault for r in replies), message[:20]
        assert "<script>" not in joined(replies)
    nfd = unicodedata.normalize("NFD", "số điện thoại đường dây nóng Hà Tĩnh")
    assert "0914237788" in joined(relay(stack, "nfd-user", nfd))


def test_conversation_is_kept_in_the_sql_tracker_store(stack: Stack) -> None:
    rest(stack, "tracked-user", "hotline ha tinh")
    if stack.env()["TRACKER_DB_DIALECT"] == "sqlite":
        with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as db:
            count = db.execute(
                "select count(*) from events where sender_id='tracked-user'"
            ).fetchone()
    else:
        import psycopg

        with psycopg.connect(stack.env()["DATABASE_URL"]) as db:
            count = db.execute(
                "select count(*) from events where sender_id='tracked-user'"
            ).fetchone()
    assert count[0] >= 3


def test_console_one_shot_prints_the_answer(stack: Stack) -> None:
    result = subprocess.run(
        [str(APP_PYTHON), "-m", "bot.console", "--say", "sdt duong day nong ha tinh",
         "--rasa-url", stack.rasa_url, "--sender", "console-test"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "RASA_CHANNEL_SECRET": stack.channel_secret},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for fact in HA_TINH:
        assert fact in result.stdout


def test_store_down_is_told_and_recovered(stack: Stack) -> None:
    stack.stop(["store"])
    try:
        text = joined(relay(stack, "store-down", "hotline ha tinh"))
        assert "không truy cập được" in text
    finally:
        stack.start()
    assert "0911378999" in joined(relay(stack, "store-down", "hotline ha tinh"))


def test_action_server_down_is_a_fault_not_silence(stack: Stack) -> None:
    stack.stop(["actions"])
    try:
        replies = relay(stack, "actions-down", "hotline ha tinh")
        assert replies[0].is_fault and replies[0].text == RASA_EMPTY_TEXT
    finally:
        stack.start()
    assert "0911378999" in joined(relay(stack, "actions-down", "hotline ha tinh"))


def test_rasa_restart_keeps_the_conversation(stack: Stack) -> None:
    assert "0911378999" in joined(relay(stack, "restart-user", "hotline ha tinh"))
    stack.stop(["rasa"])
    try:
        replies = relay(stack, "restart-user", "sdt duong day nong")
        assert replies[0].is_fault and replies[0].text == RASA_DOWN_TEXT
    finally:
        stack.start(timeout=240)
    # The province was remembered in the tracker store across the restart.
    assert "0914237788" in joined(relay(stack, "restart-user", "sdt duong day nong"))
