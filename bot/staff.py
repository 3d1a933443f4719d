"""Department staff tools: who has submitted (/stats, /pending), /export, and admin /grant, /revoke."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.access import restricted
from bot.charts import stats_chart
from bot.people import People, Person
from bot.store_api import StoreAPI, StoreRejected, StoreUnavailable
from bot.store_replies import answer_or_explain
from vntext.messages import split_message
from vntext.provinces import resolve

log = logging.getLogger(__name__)
KIND_LABELS = {"results": "báo cáo kết quả", "roster": "danh sách trực"}


def _province_arg(
    context: ContextTypes.DEFAULT_TYPE, person: Person
) -> tuple[str | None, str | None]:
    """(province, problem): the province named after the command, else the staff member's own."""
    named = " ".join(context.args or []).strip()
    if not named:
        return person.profile.get("province"), None
    mention = resolve(named)
    if mention is None:
        return None, f"Tôi chưa nhận ra tỉnh «{named}». Ví dụ: /stats Hà Tĩnh"
    return mention.current, None


def stats_text(stats: dict[str, Any]) -> str:
    """Who sent what for the current directive, one organisation a line."""
    where = stats.get("province") or "tất cả các tỉnh"
    directive = stats.get("directive") or {}
    cited = (
        f" (công văn {directive.get('number') or ''} {directive.get('issued_text') or ''})".rstrip()
    )
    totals = stats.get("totals") or {}
    expected = stats.get("expected", 0)
    lines = [
        f"Tình hình nộp báo cáo — {where}{cited if directive else ''}:",
        f"• Danh sách trực: {totals.get('rosters_submitted', 0)}/{expected} đơn vị",
        f"• Báo cáo kết quả: {totals.get('results_submitted', 0)}/{expected} đơn vị",
        f"• Báo cáo sự cố: {totals.get('incidents', 0)}",
    ]
    for row in stats.get("organisations", [])[:60]:
        marks = [
            f"DS trực {'✅' if row.get('rosters') else '❌'}",
            f"BC kết quả {'✅' if row.get('results') else '❌'}"
            + (" (muộn)" if row.get("late_results") else ""),
        ]
        if row.get("incidents"):
            marks.append(f"sự cố {row['incidents']}")
        lines.append(f"– {row['organisation']} ({row['province']}): " + ", ".join(marks))
    return "\n".join(lines)


async def _scope(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person
) -> tuple[Message, StoreAPI, str | None] | None:
    """The message to answer, the store and the province asked about (None: refused)."""
    message = update.effective_message
    assert message is not None
    province, problem = _province_arg(context, person)
    if problem:
        await message.reply_text(problem)
        return None
    return message, context.bot_data["store"], province


@restricted("stats")
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    if (scope := await _scope(update, context, person)) is None:
        return
    message, store, province = scope
    if (answer := await answer_or_explain(message, store.stats(person.user_id, province))) is None:
        return
    for part in split_message(stats_text(answer)):
        await message.reply_text(part)
    title = f"Nộp báo cáo — {answer.get('province') or 'tất cả các tỉnh'}"
    await message.reply_photo(stats_chart(answer, title), caption="Biểu đồ đơn vị đã/chưa nộp")


@restricted("pending")
async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    if (scope := await _scope(update, context, person)) is None:
        return
    message, store, province = scope
    lines: list[str] = []
    try:
        for kind, label in KIND_LABELS.items():
            rows = await store.pending(person.user_id, province, kind)
            names = [f"– {r['organisation']} ({r['province']})" for r in rows]
            lines.append(
                f"Chưa nộp {label}: {len(rows)} đơn vị" + ("\n" + "\n".join(names) if names else "")
            )
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
        return
    lines.append("Gửi nhắc nhở: /broadcast pending <nội dung>")
    for part in split_message("\n\n".join(lines)):
        await message.reply_text(part)


@restricted("export")
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    if (scope := await _scope(update, context, person)) is None:
        return
    message, store, province = scope
    call = store.export(person.user_id, province)
    if (content := await answer_or_explain(message, call)) is None:
        return
    name = f"truc-tet-{(province or 'tat-ca').replace(' ', '-')}.xlsx"
    await message.reply_document(
        content, filename=name, caption="Danh sách trực, sự cố và báo cáo kết quả"
    )


# --- admins: grant and revoke ---------------------------------------------------------------


async def _target(store: StoreAPI, argument: str) -> tuple[str | None, dict[str, Any] | None]:
    """(user id, profile) from "1001" or "@username"; None when nobody matches."""
    argument = argument.strip()
    if argument.lstrip("-").isdigit():
        return argument, await store.profile(int(argument))
    if argument.startswith("@") and len(argument) > 1:
        found = await store.profiles_named(argument)
        if len(found) == 1:
            return found[0]["user_id"], found[0]
    return None, None


async def set_staff_commands(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int | str, admin: bool
) -> None:
    """Staff see their commands in the menu of their own chat (others never see them)."""
    commands = texts.COMMANDS + texts.STAFF_COMMANDS + (texts.ADMIN_COMMANDS if admin else [])
    try:
        await context.bot.set_my_commands(
            [BotCommand(name, text) for name, text in commands],
            scope=BotCommandScopeChat(int(chat_id)),
        )
    except TelegramError as error:
        log.warning("could not set staff commands for a chat: %s", type(error).__name__)


@restricted("grant", admin_only=True)
async def grant(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    await _change_staff(update, context, person, granting=True)


@restricted("revoke", admin_only=True)
async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    await _change_staff(update, context, person, granting=False)


async def _change_staff(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person, granting: bool
) -> None:
    message = update.effective_message
    assert message is not None
    store: StoreAPI = context.bot_data["store"]
    people: People = context.bot_data["people"]
    command = "grant" if granting else "revoke"
    if not context.args:
        await message.reply_text(
            f"Cách dùng: /{command} <mã Telegram> hoặc /{command} @tên_người_dùng"
        )
        return
    try:
        user_id, profile = await _target(store, context.args[0])
        if user_id is None:
            await message.reply_text(
                f"Không tìm thấy {context.args[0]}. Người đó cần nhắn /start cho tôi trước, "
                "hoặc dùng mã Telegram (số)."
            )
            return
        if granting:
            await store.grant(user_id, person.user_id)
        elif not await store.revoke(user_id, person.user_id):
            await message.reply_text(f"{user_id} không phải cán bộ Sở.")
            return
    except StoreUnavailable:
        await message.reply_text(texts.STORE_DOWN)
        return
    except StoreRejected as error:
        await message.reply_text(error.detail)
        return
    people.forget(int(user_id))
    name = (profile or {}).get("display_name") or user_id
    chat_id = (profile or {}).get("chat_id")
    if granting:
        await message.reply_text(f"Đã cấp quyền cán bộ Sở cho {name} ({user_id}).")
        if chat_id:
            await set_staff_commands(context, chat_id, admin=False)
            await _tell(
                context, chat_id, "Bạn đã được cấp quyền cán bộ Sở. Gõ /help để xem các lệnh mới."
            )
    else:
        await message.reply_text(f"Đã thu hồi quyền cán bộ Sở của {name} ({user_id}).")
        if chat_id:
            await _tell(context, chat_id, "Quyền cán bộ Sở của bạn đã được thu hồi.")


async def _tell(context: ContextTypes.DEFAULT_TYPE, chat_id: int | str, text: str) -> None:
    try:
        await context.bot.send_message(int(chat_id), text)
    except TelegramError as error:
        log.info("could not notify a user of a role change: %s", type(error).__name__)
