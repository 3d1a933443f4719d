"""A directive sent to the bot by department staff: preview, correct, confirm.

The store reads the document (OCR for scans) and keeps it as a draft; the staff member sees what
was understood (sections, deadlines, contacts, warnings) and confirms, or first corrects the
province, the Tết year or the issuer. Nothing is answered from a draft.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.access import audit, staff_button, user_data
from bot.store_api import StoreAPI
from bot.store_replies import answer_or_explain, done_or_explain
from vntext.messages import split_message
from vntext.provinces import resolve

PREFIX = "dv:"
FIX = "directive_fix"  # user_data: {"draft": id, "field": "province" | "tet_year" | "issuer"}
ISSUERS = (
    ("Sở KH&CN", "so_khcn"),
    ("Sở TT&TT", "so_tttt"),
    ("UBND tỉnh", "ubnd"),
    ("Văn phòng UBND tỉnh", "van_phong_ubnd"),
)
ASK = {
    "province": "Văn bản này của tỉnh/thành phố nào? Gõ tên tỉnh, ví dụ «Nghệ An».",
    "tet_year": "Văn bản cho Tết năm nào? Gõ năm dương lịch, ví dụ «2027».",
    "issuer": "Cơ quan ban hành là ai? Chọn bên dưới hoặc gõ tên cơ quan.",
}


def _keyboard(draft_id: int) -> InlineKeyboardMarkup:
    def button(title: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(title, callback_data=f"{PREFIX}{action}:{draft_id}")

    return InlineKeyboardMarkup(
        [
            [button("✅ Xác nhận, áp dụng", "ok")],
            [button("Sửa tỉnh", "province"), button("Sửa năm", "tet_year")],
            [button("Sửa cơ quan ban hành", "issuer"), button("Hủy", "no")],
        ]
    )


def _issuer_keyboard(draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(title, callback_data=f"{PREFIX}i:{draft_id}:{code}")]
            for title, code in ISSUERS
        ]
    )


async def show(
    message: Message, context: ContextTypes.DEFAULT_TYPE, answer: dict[str, Any]
) -> None:
    """The draft's preview with its buttons, or the question the draft needs answered first."""
    draft_id = int(answer["draft_id"])
    if answer.get("status") == "needs_province":
        user_data(context)[FIX] = {"draft": draft_id, "field": "province"}
        await message.reply_text(f"{answer['message']}\n\n{ASK['province']}")
        return
    parts = split_message(
        answer["text"] + "\n\nKiểm tra rồi bấm «Xác nhận» để trợ lý trả lời theo văn bản này."
    )
    for part in parts[:-1]:
        await message.reply_text(part)
    await message.reply_text(parts[-1], reply_markup=_keyboard(draft_id))


async def load(
    update: Update, context: ContextTypes.DEFAULT_TYPE, acting: int, name: str, content: bytes
) -> None:
    """Hand the document to the store and show what it understood."""
    message = update.effective_message
    assert message is not None
    store: StoreAPI = context.bot_data["store"]
    await message.reply_text(f"Đang đọc {name}… (bản scan có thể mất một phút)")
    call = store.upload_directive(acting, name, content)
    answer = await answer_or_explain(message, call, f"Không đọc được {name}: ")
    if answer is not None:
        await show(message, context, answer)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm, cancel or start a correction of a draft (staff only)."""
    pressed = await staff_button(
        update, context, "Chỉ cán bộ Sở được nạp công văn.", "directive_button"
    )
    if pressed is None:
        return
    query, message, person = pressed
    action, _, rest = (query.data or "").removeprefix(PREFIX).partition(":")
    draft_text, _, code = rest.partition(":")
    draft_id = int(draft_text)
    store: StoreAPI = context.bot_data["store"]
    if action in ("ok", "no"):
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
        await _decide(context, message, person.user_id, draft_id, action == "ok")
    elif action == "i":
        call = store.correct_directive(person.user_id, draft_id, {"issuer": code})
        if (answer := await answer_or_explain(message, call)) is not None:
            await show(message, context, answer)
    elif action in ASK:
        user_data(context)[FIX] = {"draft": draft_id, "field": action}
        markup = _issuer_keyboard(draft_id) if action == "issuer" else None
        await message.reply_text(ASK[action], reply_markup=markup)


async def _decide(
    context: ContextTypes.DEFAULT_TYPE, message: Message, acting: int, draft_id: int, apply: bool
) -> None:
    store: StoreAPI = context.bot_data["store"]
    user_data(context).pop(FIX, None)
    if not apply:
        if await done_or_explain(message, store.discard_directive(acting, draft_id)):
            await message.reply_text("Đã hủy, không nạp văn bản nào.")
        return
    answer = await answer_or_explain(message, store.confirm_directive(acting, draft_id))
    if answer is None:
        return
    await audit(context, acting, "confirm_directive", True, answer.get("citation", "")[:200])
    for part in split_message(answer["text"] + "\n\nTrợ lý đã trả lời được theo văn bản này."):
        await message.reply_text(part)


async def take_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """A correction typed after «Sửa tỉnh» / «Sửa năm» / «Sửa cơ quan ban hành»."""
    fix = (context.user_data or {}).get(FIX)
    message, user = update.effective_message, update.effective_user
    if not fix or message is None or user is None:
        return False
    field, value = fix["field"], text.strip()
    correction: dict[str, Any]
    if field == "province":
        if resolve(value) is None:
            await message.reply_text(texts.BAD_PROVINCE)
            return True
        correction = {"province": value}
    elif field == "tet_year":
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) != 4 or not 2000 <= int(digits) <= 2100:
            await message.reply_text("Năm chưa đúng. Gõ năm dương lịch, ví dụ «2027».")
            return True
        correction = {"tet_year": int(digits)}
    else:
        correction = {"issuer": value[:200]}
    user_data(context).pop(FIX, None)
    store: StoreAPI = context.bot_data["store"]
    call = store.correct_directive(user.id, int(fix["draft"]), correction)
    if (answer := await answer_or_explain(message, call)) is not None:
        await show(message, context, answer)
    return True
