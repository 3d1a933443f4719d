"""/broadcast: department staff send a notice to all, a province, a sector, or those still pending.

Always a preview with the number of recipients and a confirm button first. Confirming queues one
outbox row per recipient in the store; the outbox worker delivers them (bot/outbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.access import audit, restricted, staff_button, user_data
from bot.people import People, Person
from bot.store_api import StoreAPI, StoreRejected, StoreUnavailable
from bot.store_replies import answer_or_explain
from common.vocabulary import Sector
from vntext.normalize import fold
from vntext.provinces import resolve

log = logging.getLogger(__name__)
PREFIX = "bc:"
DRAFT = "broadcast_draft"  # user_data: the step-by-step broadcast being written
MAX_TEXT = 3500
_ALL = {"all", "tat ca", "tatca", "toan bo"}
_PENDING = {"pending", "chua nop", "chuanop"}
USAGE = (
    "Cách dùng: /broadcast <đối tượng> <nội dung>\n"
    "Đối tượng: all (tất cả), pending (đơn vị chưa nộp báo cáo), tên tỉnh (Hà Tĩnh) hoặc lĩnh vực "
    "(bưu chính, viễn thông, internet, truyền hình).\n"
    "Ví dụ: /broadcast all Kiểm tra hệ thống trực Tết\n"
    "Hoặc gõ /broadcast để chọn từng bước."
)


def parse_audience(text: str) -> tuple[str, str | None, str] | None:
    """(kind, value, message) from "all Kiểm tra", "Hà Tĩnh Nhắc…", "bưu chính …"; None if unclear."""
    words = text.split()
    for size in range(min(4, len(words) - 1), 0, -1):
        head, rest = " ".join(words[:size]), " ".join(words[size:])
        folded = fold(head)
        if folded in _ALL:
            return "all", None, rest
        if folded in _PENDING:
            return "pending", None, rest
        sector = Sector.exactly(head)
        if sector is not None and sector is not Sector.KHAC:
            return "sector", sector.value, rest
        mention = resolve(head)
        if mention is not None:
            return "province", mention.current, rest
    return None


def _confirm_keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ Gửi", callback_data=f"{PREFIX}ok:{broadcast_id}"),
                InlineKeyboardButton("Hủy", callback_data=f"{PREFIX}no:{broadcast_id}"),
            ]
        ]
    )


async def _preview(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Person,
    kind: str,
    value: str | None,
    text: str,
) -> None:
    """Create the draft in the store and show it with its recipient count."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    text = text.strip()
    if not text:
        await message.reply_text("Thông báo chưa có nội dung. " + USAGE)
        return
    if len(text) > MAX_TEXT:
        await message.reply_text(f"Thông báo dài quá {MAX_TEXT} ký tự; xin rút gọn.")
        return
    store: StoreAPI = context.bot_data["store"]
    call = store.create_broadcast(person.user_id, kind, value, text, chat.id)
    if (draft := await answer_or_explain(message, call)) is None:
        return
    count = draft["recipient_count"]
    preview = (
        f"Xem trước — gửi tới {draft['audience_label']}: {count} người nhận.\n"
        f"──────────\n{text}\n──────────\n"
        + (
            "Bấm «Gửi» để gửi."
            if count
            else "Chưa có ai trong nhóm này; thông báo sẽ không được gửi."
        )
    )
    await message.reply_text(
        preview, reply_markup=_confirm_keyboard(draft["id"]) if count else None
    )


@restricted("broadcast")
async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    """/broadcast <audience> <text>, or /broadcast alone for the step-by-step version."""
    message = update.effective_message
    assert message is not None
    args = " ".join(context.args or [])
    if not args:
        user_data(context)[DRAFT] = {"step": "audience"}
        await message.reply_text("Gửi thông báo tới ai?", reply_markup=_audience_keyboard())
        return
    parsed = parse_audience(args)
    if parsed is None:
        await message.reply_text(USAGE)
        return
    await _preview(update, context, person, *parsed)


def _audience_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [("Tất cả", "all"), ("Đơn vị chưa nộp", "pending")],
        [("Một tỉnh", "province"), ("Một lĩnh vực", "sector")],
        [("Hủy", "stop")],
    ]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=f"{PREFIX}a:{d}") for t, d in row] for row in rows]
    )


def _sector_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=f"{PREFIX}s:{code}")
        for code, label in Sector.labels().items()
        if code != Sector.KHAC
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm/cancel a preview, or a step of the step-by-step version (staff only)."""
    pressed = await staff_button(
        update, context, "Chỉ cán bộ Sở được gửi thông báo.", "broadcast_button"
    )
    if pressed is None:
        return
    query, message, person = pressed
    action, _, value = (query.data or "").removeprefix(PREFIX).partition(":")
    if action in ("ok", "no"):
        await _decide(update, context, person, int(value), action == "ok")
        return
    draft: dict[str, Any] = user_data(context).setdefault(DRAFT, {})
    reply = message.reply_text
    if action == "a" and value == "stop":
        user_data(context).pop(DRAFT, None)
        await reply("Đã hủy soạn thông báo.")
    elif action == "a" and value == "province":
        draft.update(step="province")
        await reply("Tên tỉnh/thành phố nhận thông báo? Ví dụ: «Hà Tĩnh».")
    elif action == "a" and value == "sector":
        draft.update(step="sector")
        await reply("Lĩnh vực nào?", reply_markup=_sector_keyboard())
    elif action in ("a", "s"):
        kind = value if action == "a" else "sector"
        draft.update(step="text", kind=kind, value=None if action == "a" else value)
        await reply("Nội dung thông báo?")


async def take_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """The province or the text of a step-by-step broadcast; False when none is being written."""
    draft = (context.user_data or {}).get(DRAFT)
    message = update.effective_message
    user = update.effective_user
    if not draft or message is None or user is None:
        return False
    if draft.get("step") == "province":
        mention = resolve(text)
        if mention is None:
            await message.reply_text(texts.BAD_PROVINCE)
            return True
        draft.update(step="text", kind="province", value=mention.current)
        await message.reply_text(f"Nội dung thông báo gửi tỉnh {mention.current}?")
        return True
    if draft.get("step") != "text":
        return False
    people: People = context.bot_data["people"]
    person = await people.get(user.id)
    user_data(context).pop(DRAFT, None)
    if not person.privileged:
        return False
    await _preview(update, context, person, draft["kind"], draft.get("value"), text)
    return True


async def _decide(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Person,
    broadcast_id: int,
    send: bool,
) -> None:
    """Confirm (queue for delivery, progress shown in one edited message) or cancel a draft."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    message: Message = query.message
    store: StoreAPI = context.bot_data["store"]
    try:
        if not send:
            await store.cancel_broadcast(broadcast_id, person.user_id)
            await query.edit_message_reply_markup(None)
            await message.reply_text("Đã hủy, không gửi thông báo nào.")
            return
        sent = await store.confirm_broadcast(broadcast_id, person.user_id)
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
        return
    except StoreRejected as error:
        await message.reply_text(error.detail)
        return
    await audit(context, person.user_id, "broadcast_confirm", True, f"broadcast {broadcast_id}")
    outbox = context.bot_data["outbox"]
    outbox.wake()  # delivery never waits for the progress message below
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    progress = await _progress_message(
        message, f"Đang gửi tới {sent['recipient_count']} người nhận…"
    )
    if progress is None:
        log.warning("progress message of broadcast %s not shown", broadcast_id)
        return
    outbox.track(broadcast_id, message.chat_id, progress.message_id)
    try:
        await store.set_progress_message(broadcast_id, progress.message_id)
    except (StoreUnavailable, StoreRejected):
        log.warning("progress message of broadcast %s not recorded", broadcast_id)


async def _progress_message(message: Message, text: str) -> Message | None:
    """The message the outbox keeps editing; a 429 (the broadcast itself is using the quota)
    is waited out a few times rather than leaving the staff member without progress."""
    for _ in range(4):
        try:
            return await message.reply_text(text)
        except RetryAfter as error:
            delay = error.retry_after
            await asyncio.sleep(
                delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            )
        except TelegramError:
            return None
    return None
