"""/start: role, organisation, province and sector with buttons; /subscribe and /unsubscribe.

The chat is subscribed at once; the profile questions can be skipped or interrupted by a question
at any time (it is answered, and the question being asked stays open). Department staff rights
are never taken from what the user says: an admin grants them.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import texts
from bot.access import user_data
from bot.people import ROLE_LABELS, SECTOR_LABELS, People
from bot.store_api import StoreAPI, StoreRejected, StoreUnavailable
from common.vocabulary import Sector
from vntext.normalize import fold
from vntext.provinces import find_in_text, resolve

log = logging.getLogger(__name__)
PREFIX = "ob:"
STEP = "onboarding"  # user_data key: the question being asked ("organisation" | "province")
_QUESTION_WORDS = ("?", "khi nao", "la gi", "bao nhieu", "o dau", "the nao", "sdt", "so dien thoai",
                   "hotline", "han nop", "duong day nong", "phai lam gi", "lam sao")  # fmt: skip


def _buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(title, callback_data=PREFIX + data) for title, data in row]
            for row in rows
        ]
    )


ROLE_KEYBOARD = _buttons(
    [
        [("Doanh nghiệp", "role:doanh_nghiep"), ("Cán bộ trực", "role:can_bo_truc")],
        [("Cán bộ Sở", "role:can_bo_so"), ("Bỏ qua", "skip")],
    ]
)
_SECTOR_CHOICES = [(sector.label, f"sector:{sector.value}") for sector in Sector]
SECTOR_KEYBOARD = _buttons(
    [_SECTOR_CHOICES[i : i + 2] for i in range(0, len(_SECTOR_CHOICES), 2)]
    + [[("Bỏ qua", "sector:")]]
)
SKIP_KEYBOARD = _buttons([[("Bỏ qua", "skip")]])


def looks_like_question(text: str) -> bool:
    """A question typed instead of an answer: it goes to Rasa and onboarding waits."""
    folded = fold(text)
    return len(text) > 80 or any(word in folded for word in _QUESTION_WORDS)


async def _subscribe(store: StoreAPI, update: Update, profile: dict[str, Any]) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    fields = {k: profile.get(k) for k in ("province", "sector", "organisation")}
    await store.subscribe(chat.id, chat_type=chat.type, user_id=str(user.id), **fields)


async def _save(
    update: Update, context: ContextTypes.DEFAULT_TYPE, subscribe: bool = False, **fields: Any
) -> dict[str, Any]:
    """Update the profile, and the private chat's subscription with it: (re)started by /start,
    kept in step afterwards, never switched back on after /unsubscribe."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    store: StoreAPI = context.bot_data["store"]
    people: People = context.bot_data["people"]
    base = {"display_name": user.full_name}
    if user.username:  # kept for "/grant @username"; never cleared by a client that omits it
        base["username"] = user.username
    if chat.type == ChatType.PRIVATE:
        base["chat_id"] = str(chat.id)
    profile = await store.save_profile(user.id, **base, **fields)
    people.forget(user.id)
    if chat.type == ChatType.PRIVATE and (subscribe or profile.get("subscribed")):
        await _subscribe(store, update, profile)
    return profile


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe the chat, then offer the profile questions (never required)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    store: StoreAPI = context.bot_data["store"]
    try:
        if chat.type == ChatType.PRIVATE:
            await _save(update, context, subscribe=True)
        else:
            await store.subscribe(chat.id, chat_type=chat.type)
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
        return
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(
            texts.SUBSCRIBED + " Mỗi thành viên nhắn riêng với tôi để khai báo đơn vị."
        )
        return
    user_data(context).pop(STEP, None)
    await message.reply_text(texts.WELCOME, reply_markup=ROLE_KEYBOARD)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Role, sector or skip pressed."""
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    await query.answer()
    choice = query.data.removeprefix(PREFIX)
    try:
        await _choose(update, context, choice)
    except StoreUnavailable:
        if isinstance(query.message, Message):
            await query.message.reply_text(texts.STORE_DOWN)


async def _choose(update: Update, context: ContextTypes.DEFAULT_TYPE, choice: str) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message) and update.effective_user
    reply = query.message.reply_text
    if choice == "skip":
        user_data(context).pop(STEP, None)
        await reply(texts.ONBOARDING_SKIPPED)
        return
    kind, _, value = choice.partition(":")
    if kind == "role" and value in ROLE_LABELS:
        await _save(update, context, declared_role=value)
        if value == "can_bo_so":
            await reply(texts.STAFF_NOT_SELF_DECLARED.format(user_id=update.effective_user.id))
        user_data(context)[STEP] = "organisation"
        await reply(texts.ASK_ORGANISATION, reply_markup=SKIP_KEYBOARD)
    elif kind == "sector":
        profile = await _save(update, context, sector=value or None)
        user_data(context).pop(STEP, None)
        await reply(summary(profile))


def summary(profile: dict[str, Any]) -> str:
    """What the bot now knows, and what it means for the user."""
    parts = [
        ROLE_LABELS.get(profile.get("declared_role") or "", ""),
        profile.get("organisation") or "",
        profile.get("province") or "",
        SECTOR_LABELS.get(profile.get("sector") or "", ""),
    ]
    known = " · ".join(part for part in parts if part)
    lines = [f"Cảm ơn bạn. Thông tin đã lưu: {known}." if known else "Cảm ơn bạn."]
    if profile.get("province"):
        lines.append(f"Bạn sẽ nhận thông báo và nhắc hạn của Sở {profile['province']}.")
    lines.append("Bạn có thể hỏi ngay, ví dụ: «hạn nộp báo cáo là khi nào?». Gõ /help để xem thêm.")
    return "\n".join(lines)


async def take_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """Answer to an onboarding question; False lets the text go on to Rasa."""
    step = (context.user_data or {}).get(STEP)
    message = update.effective_message
    if step is None or message is None or looks_like_question(text):
        return False
    try:
        if step == "organisation":
            await _save(update, context, organisation=text.strip()[:300])
            user_data(context)[STEP] = "province"
            await message.reply_text(texts.ASK_PROVINCE, reply_markup=SKIP_KEYBOARD)
            return True
        mention = resolve(text) or find_in_text(text)
        if mention is None:
            await message.reply_text(texts.BAD_PROVINCE, reply_markup=SKIP_KEYBOARD)
            return True
        await _save(update, context, province=mention.current)
        user_data(context)[STEP] = "sector"
        note = f" (nay thuộc {mention.current})" if mention.current != mention.named else ""
        await message.reply_text(
            f"Đã ghi tỉnh {mention.named}{note}. " + texts.ASK_SECTOR, reply_markup=SECTOR_KEYBOARD
        )
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
    except StoreRejected as error:
        await message.reply_text(error.detail)
    return True


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or message is None or user is None:
        return
    store: StoreAPI = context.bot_data["store"]
    people: People = context.bot_data["people"]
    person = await people.get(user.id)
    profile = person.profile if chat.type == ChatType.PRIVATE else {}
    try:
        if chat.type == ChatType.PRIVATE:
            await _subscribe(store, update, profile)
        else:
            await store.subscribe(chat.id, chat_type=chat.type)
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
        return
    await message.reply_text(texts.SUBSCRIBED)


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    store: StoreAPI = context.bot_data["store"]
    try:
        found = await store.unsubscribe(chat.id, "user")
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
        return
    await message.reply_text(texts.UNSUBSCRIBED if found else texts.NOT_SUBSCRIBED)
