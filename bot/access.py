"""Staff-only and admin-only commands: refused politely, and every attempt written to the audit log."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.people import People, Person
from bot.store_api import StoreAPI, StoreUnavailable

log = logging.getLogger("bot.audit")
# A coroutine function, as PTB's handlers require (an Awaitable is not enough for CommandHandler).
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]
StaffHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Person], Awaitable[Any]]


def user_data(context: ContextTypes.DEFAULT_TYPE) -> dict[Any, Any]:
    """The user's conversation state, for handlers of updates that always have a user (commands,
    button presses, a user's text); PTB types it optional because some updates have none."""
    if context.user_data is None:
        raise RuntimeError("user_data used by a handler of an update without a user")
    return context.user_data


async def audit(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, action: str, allowed: bool, detail: str = ""
) -> None:
    """Write to the store's audit log; an outage is logged here instead, never fatal."""
    store: StoreAPI = context.bot_data["store"]
    log.info("audit user=%s action=%s allowed=%s", user_id, action, allowed)
    try:
        await store.audit(user_id, action, allowed, detail)
    except StoreUnavailable:
        log.warning("audit entry not stored (store down): user=%s action=%s", user_id, action)


async def staff_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str, action: str
) -> tuple[CallbackQuery, Message, Person] | None:
    """A staff member's button press, acknowledged; anyone else is told why and audited."""
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return None
    if not isinstance(query.message, Message):
        return None
    people: People = context.bot_data["people"]
    person = await people.get(user.id)
    if not person.privileged:
        await query.answer(refusal, show_alert=True)
        await audit(context, user.id, action, False, query.data)
        return None
    await query.answer()
    return query, query.message, person


def restricted(action: str, admin_only: bool = False) -> Callable[[StaffHandler], Handler]:
    """Run the handler for staff (or admins only); refuse and audit anyone else."""

    def wrap(handler: StaffHandler) -> Handler:
        @functools.wraps(handler)
        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            user, message = update.effective_user, update.effective_message
            if user is None or message is None:
                return None
            people: People = context.bot_data["people"]
            person = await people.get(user.id)
            allowed = person.is_admin if admin_only else person.privileged
            detail = (message.text or message.caption or "")[:200]
            await audit(context, user.id, action, allowed, detail)
            if not allowed:
                log.warning("refused %s for user %s", action, user.id)
                refusal = (
                    texts.ADMIN_ONLY if admin_only else texts.STAFF_ONLY.format(user_id=user.id)
                )
                await message.reply_text(refusal)
                return None
            return await handler(update, context, person)

        return run

    return wrap
