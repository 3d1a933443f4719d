"""Telegram channel (python-telegram-bot 22): relays text and button presses to Rasa.

The foundation's channel: polling, inline keyboards for Rasa buttons, typing indicator. Onboarding,
roles, broadcasts and reminders build on it.
"""

from __future__ import annotations

import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.relay import RasaRelay, Reply

log = logging.getLogger(__name__)
CHANNEL = "telegram"
CALLBACK_LIMIT = 64  # Telegram's callback_data limit in bytes


def keyboard(reply: Reply, payloads: dict[str, str]) -> InlineKeyboardMarkup | None:
    """Inline keyboard for Rasa buttons; long payloads are kept server-side behind a short key."""
    if not reply.buttons:
        return None
    rows = []
    for button in reply.buttons:
        data = button.payload
        if len(data.encode("utf-8")) > CALLBACK_LIMIT:
            key = f"p{len(payloads)}"
            payloads[key] = data
            data = key
        rows.append([InlineKeyboardButton(button.title, callback_data=data)])
    return InlineKeyboardMarkup(rows)


async def _relay_and_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    relay: RasaRelay = context.application.bot_data["relay"]
    payloads: dict[str, str] = context.application.bot_data.setdefault("payloads", {})
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    for reply in await relay.send(CHANNEL, user.id, text):
        await context.bot.send_message(
            chat.id, reply.text or "…", reply_markup=keyboard(reply, payloads)
        )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message from a user."""
    if update.effective_message and update.effective_message.text:
        await _relay_and_answer(update, context, update.effective_message.text)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: acknowledge it, then relay its payload as the user's message."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    payloads: dict[str, str] = context.application.bot_data.setdefault("payloads", {})
    data = query.data or ""
    await _relay_and_answer(update, context, payloads.get(data, data))


def build_application(token: str, relay: RasaRelay) -> Application:
    """Application with rate limiting; TELEGRAM_BASE_URL points it at another Bot API server."""
    builder = Application.builder().token(token).rate_limiter(AIORateLimiter())
    base_url = os.environ.get("TELEGRAM_BASE_URL", "").strip()
    if base_url:
        builder = builder.base_url(f"{base_url.rstrip('/')}/bot").base_file_url(
            f"{base_url.rstrip('/')}/file/bot"
        )
    application = builder.build()
    application.bot_data["relay"] = relay
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    return application


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines contain the bot token
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    relay = RasaRelay()
    application = build_application(token, relay)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
