"""Conversation with Rasa: text and button presses relayed, replies rendered as Telegram messages.

Each user is their own Rasa conversation ("telegram:<user id>"), in private chats and in groups;
in a group the bot answers only when addressed (a command, a mention, or a reply to it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.people import People
from bot.relay import RasaRelay, Reply
from common.env import env_float

log = logging.getLogger(__name__)
CHANNEL = "telegram"
CALLBACK_LIMIT = 64  # Telegram's callback_data limit in bytes
RASA_PREFIX = "r:"
TYPING_EVERY = 4.0  # Telegram shows "typing…" for about 5 s
TYPING_AFTER = env_float("TYPING_DELAY_SECONDS", 0.8)


def keyboard(reply: Reply, payloads: dict[str, str]) -> InlineKeyboardMarkup | None:
    """Rasa buttons as an inline keyboard; long payloads are kept here behind a short key."""
    if not reply.buttons:
        return None
    rows = []
    for button in reply.buttons:
        data = RASA_PREFIX + button.payload
        if len(data.encode("utf-8")) > CALLBACK_LIMIT:
            key = f"{RASA_PREFIX}#{len(payloads)}"
            payloads[key] = button.payload
            data = key
        rows.append([InlineKeyboardButton(button.title[:64], callback_data=data)])
    return InlineKeyboardMarkup(rows)


@contextlib.asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" until the block ends (Rasa may take a few seconds)."""

    async def keep_typing() -> None:
        # Most answers come back within a second: typing only then saves a request (and a slot
        # of Telegram's 30 requests/s) per message and spares the user a flicker.
        await asyncio.sleep(TYPING_AFTER)
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def relay_text(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    max_chars: int | None = None,
    *,
    button: bool = False,
) -> list[Reply]:
    """Send the user's text (or a button's payload) to Rasa with their profile; render replies."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return []
    relay: RasaRelay = context.bot_data["relay"]
    people: People = context.bot_data["people"]
    person = await people.get(user.id)
    async with typing(context, chat.id):
        replies = await relay.send(
            CHANNEL, user.id, text, person.for_rasa(), max_chars=max_chars, button=button
        )
    await render(update, context, replies)
    return replies


async def render(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]) -> None:
    """Each reply as one message; in groups as a reply to the user's message."""
    chat = update.effective_chat
    if chat is None:
        return
    payloads: dict[str, str] = context.bot_data.setdefault("payloads", {})
    quoted = update.effective_message if chat.type != ChatType.PRIVATE else None
    for reply in replies:
        await context.bot.send_message(
            chat.id,
            reply.text or "…",
            reply_markup=keyboard(reply, payloads),
            reply_to_message_id=quoted.message_id if quoted else None,
        )


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The text meant for the bot, or None when a group message is not addressed to it."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot_id:
        return text
    mention = f"@{bot_username}".lower()
    if mention in text.lower():
        start = text.lower().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    return None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: onboarding or a broadcast being written takes it first, else Rasa."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = addressed_text(message, context.bot.username, context.bot.id)
    if text is None:
        return
    for step in context.bot_data.get("text_steps", []):
        if await step(update, context, text):
            return
    await relay_text(update, context, text)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command no handler took ("/restart", "/ask_contact{…}"): the help, never silence.

    In a group only a command addressed to this bot ("/lenh@ten_bot") is answered.
    """
    message = update.effective_message
    if message is None or not message.text:
        return
    target = message.text.split()[0].partition("@")[2]
    if message.chat.type != ChatType.PRIVATE and target.lower() != context.bot.username.lower():
        return
    await relay_text(update, context, message.text)


async def on_rasa_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A Rasa button: acknowledge it, then relay its payload as the user's answer."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    payloads: dict[str, str] = context.bot_data.setdefault("payloads", {})
    data = query.data
    payload = payloads.get(data) if data.startswith(RASA_PREFIX + "#") else data[len(RASA_PREFIX) :]
    if payload is None:
        if update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, texts.STALE_BUTTON)
        return
    await relay_text(update, context, payload, button=True)
