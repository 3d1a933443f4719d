"""A store call made for a user who is waiting: when it fails, they are told why in one line."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from telegram import Message

from bot import texts
from bot.store_api import StoreRejected, StoreUnavailable

T = TypeVar("T")


async def answer_or_explain(
    message: Message, call: Awaitable[T], refused_prefix: str = ""
) -> T | None:
    """The store's answer, or None once the user has read the apology (store down) or the
    store's own Vietnamese reason (refused), so each handler only says what went right."""
    try:
        return await call
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
    except StoreRejected as error:
        await message.reply_text(refused_prefix + error.detail)
    return None


async def done_or_explain(message: Message, call: Awaitable[object]) -> bool:
    """True once a call with no answer went through; False after the user has read why not."""

    async def done() -> bool:
        await call
        return True

    return await answer_or_explain(message, done()) is not None
