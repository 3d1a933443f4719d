"""Files sent to the bot: an enterprise's roster (.xlsx/.csv), or from staff a directive or the
list of organisations expected to report (.xlsx/.csv with «Tên đơn vị», «Tỉnh» columns).

A roster file is turned into one text line per row and handed to the roster conversation in Rasa,
so the user gets the same table, the same questions for what is missing and the same «xác nhận»
as for a pasted list. A directive (.docx/.pdf/.txt) from department staff is loaded into the
store and answerable at once.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from telegram import Update
from telegram.ext import ContextTypes

from bot import directive_drafts, texts
from bot.access import audit
from bot.chat import relay_text
from bot.people import People
from bot.store_api import StoreAPI
from bot.store_replies import answer_or_explain
from vntext import organisation_table

log = logging.getLogger(__name__)
ROSTER_SUFFIXES = {".xlsx", ".csv"}
DIRECTIVE_SUFFIXES = {".docx", ".pdf", ".txt", ".html", ".htm"}
MAX_ROWS = 400
ROSTER_TEXT_LIMIT = 40000
ROSTER_LEAD = "gửi danh sách trực"  # makes the roster conversation start even on odd tables


def _cell(value: object) -> str:
    """A spreadsheet cell as a roster field; Excel keeps phones as numbers without the leading 0."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}" if value.time() == time(0) else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 9 <= len(str(value)) <= 10 and not str(value).startswith("0"):
        return "0" + str(value) if len(str(value)) == 9 else str(value)
    return str(value).strip()


def roster_lines(rows: list[list[str]]) -> str:
    """Table rows as "a | b | c" lines, the form the roster conversation reads."""
    lines = [" | ".join(cell for cell in row if cell) for row in rows[:MAX_ROWS] if any(row)]
    return "\n".join(lines)


def table_rows(name: str, content: bytes) -> list[list[str]]:
    """Rows of the first sheet (or the CSV) as text cells; ValueError with a reason."""
    if name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValueError("Tệp Excel bị lỗi hoặc không phải .xlsx.") from error
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a document by its type; anything else gets a polite explanation."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.document is None or user is None:
        return
    document = message.document
    name = document.file_name or "tệp"
    suffix = Path(name).suffix.lower()
    limit: int = context.bot_data["max_file_bytes"]
    if suffix not in ROSTER_SUFFIXES | DIRECTIVE_SUFFIXES:
        await message.reply_text(texts.UNSUPPORTED_FILE.format(name=name))
        return
    if (document.file_size or 0) > limit:
        await message.reply_text(texts.FILE_TOO_BIG.format(limit=limit // 1_000_000))
        return
    content = bytes(await (await document.get_file()).download_as_bytearray())
    if suffix in DIRECTIVE_SUFFIXES:
        await _directive_file(update, context, name, content)
        return
    try:
        rows = table_rows(name, content)
    except ValueError as error:
        await message.reply_text(f"{error} Bạn có thể dán danh sách thẳng vào tin nhắn.")
        return
    person = await context.bot_data["people"].get(user.id)
    if person.privileged and rows and organisation_table.is_list(rows[0]):
        await _organisation_list(update, context, person.user_id, name, rows)
    else:
        await _roster_file(update, context, rows)


async def _organisation_list(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    acting: int,
    name: str,
    rows: list[list[str]],
) -> None:
    """Staff send the department's list of who must report; /pending counts against it."""
    message = update.effective_message
    assert message is not None
    try:
        listed = organisation_table.from_rows(rows)
    except ValueError as error:
        await message.reply_text(f"Không nạp được {name}: {error}")
        return
    store: StoreAPI = context.bot_data["store"]
    body = [{"name": o.name, "province": o.province, "sector": o.sector} for o in listed]
    call = store.load_organisations(acting, body)
    if (loaded := await answer_or_explain(message, call, f"Không nạp được {name}: ")) is None:
        return
    await audit(context, acting, "load_organisations", True, name)
    await message.reply_text(
        f"Đã nạp danh sách đơn vị {name}: {loaded['added']} đơn vị mới, "
        f"{loaded['known']} đơn vị đã có. Xem ai chưa nộp: /pending"
    )


async def _roster_file(
    update: Update, context: ContextTypes.DEFAULT_TYPE, rows: list[list[str]]
) -> None:
    message = update.effective_message
    assert message is not None
    lines = roster_lines(rows)
    if not lines:
        await message.reply_text(
            "Tệp không có dòng nào. Mỗi người một dòng: họ tên, chức vụ, SĐT, ngày, loại trực."
        )
        return
    await relay_text(update, context, f"{ROSTER_LEAD}\n{lines}", max_chars=ROSTER_TEXT_LIMIT)


async def _directive_file(
    update: Update, context: ContextTypes.DEFAULT_TYPE, name: str, content: bytes
) -> None:
    """A directive from staff goes to the store as a draft and comes back as a preview."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    people: People = context.bot_data["people"]
    person = await people.get(user.id)
    await audit(context, user.id, "ingest_directive", person.privileged, name)
    if not person.privileged:
        await message.reply_text(
            "Chỉ cán bộ Sở được nạp công văn mới. " + texts.UNSUPPORTED_FILE.format(name=name)
        )
        return
    await directive_drafts.load(update, context, person.user_id, Path(name).name, content)
