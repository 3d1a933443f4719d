"""The duty-roster review loop as pure functions over JSON-safe entries (slots hold them).

A roster arrives as pasted lines, as answers to questions, or both; the user then reviews it as a
table and changes one field ("sửa số điện thoại dòng 2"), removes a line, adds lines, confirms or
cancels. Keeping this free of Rasa lets the whole loop be tested without a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from vntext.dates import (
    DATE_HINT,
    SHIFT_HINT,
    DateParseError,
    Shift,
    fold_keep_offsets,
    parse_dates,
    parse_shift,
)
from vntext.lunar_calendar import lunar_text
from vntext.normalize import clean_message, fold
from vntext.phones import parse_phone
from vntext.roster_lines import DUTY_TYPES, RosterEntry, duty_type_of, format_table, name_in
from vntext.roster_lines import parse_roster as parse_lines

Entry = dict[str, Any]
MAX_ENTRIES = 200
# Asked in this order; shift may be skipped ("bỏ qua"): a 24/24 duty or one without set hours.
ASKED = ("full_name", "position", "phone", "duty_date", "duty_type", "shift")
OPTIONAL = frozenset({"shift", "email"})
LABELS = {
    "full_name": "họ tên",
    "position": "chức vụ",
    "phone": "số điện thoại di động",
    "duty_date": "ngày trực",
    "duty_type": "loại trực",
    "shift": "ca trực",
    "email": "email",
    "organisation": "đơn vị",
}
EXAMPLES = {
    "full_name": "Nguyễn Văn A",
    "position": "Phó Giám đốc",
    "phone": "0912345678",
    "duty_date": DATE_HINT.removeprefix("ví dụ: "),
    "duty_type": "trực lãnh đạo, trực điều hành, trực ca, ứng cứu thông tin hoặc vận hành khai thác",
    "shift": SHIFT_HINT.removeprefix("ví dụ: "),
    "email": "ten@donvi.vn",
    "organisation": "VNPT Hà Tĩnh",
}
LINE_EXAMPLE = "Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo"
# Folded words naming a field in "sửa <field> dòng 2 thành <value>"; longest first.
_FIELD_WORDS = (
    ("so dien thoai", "phone"),
    ("dien thoai", "phone"),
    ("so dt", "phone"),
    ("sdt", "phone"),
    ("dt", "phone"),
    ("ho va ten", "full_name"),
    ("ho ten", "full_name"),
    ("ten", "full_name"),
    ("chuc vu", "position"),
    ("ngay truc", "duty_date"),
    ("ngay", "duty_date"),
    ("loai truc", "duty_type"),
    ("loai", "duty_type"),
    ("ca truc", "shift"),
    ("gio truc", "shift"),
    ("ca", "shift"),
    ("gio", "shift"),
    ("email", "email"),
    ("mail", "email"),
    ("don vi", "organisation"),
    ("doanh nghiep", "organisation"),
)
_CONFIRM = {
    "xac nhan",
    "xac nhan gui",
    "dong y",
    "ok",
    "oke",
    "gui",
    "gui di",
    "gui so",
    "chinh xac",
    "dung roi",
    "dung",
    "gui danh sach",
}
_SHOW = {"xem", "xem lai", "xem danh sach", "xem bang", "danh sach", "bang"}
_ADD = {"them", "them nguoi", "them dong", "bo sung", "them can bo"}
_SKIP = {"bo qua", "khong", "khong co", "khong chia ca", "skip"}
_EDIT_RE = re.compile(r"^(?:sua|doi|thay|chinh|chinh sua|cap nhat)\s+(?P<rest>.*)$")
_REMOVE_RE = re.compile(r"^(?:xoa|bo|loai|xoa bo)\s+(?:dong|nguoi|so|muc)?\s*(?P<rows>[\d ,va]+)$")
# "dòng 2" anywhere; a bare "2" only when no other digits follow (so "0912 345 678" is a value).
_ROW_RE = re.compile(
    r"\s*(?:(?:dong|nguoi|so|muc)\s*(?P<row>\d{1,3})(?!\d)|(?P<bare>\d{1,3})(?![\d.\s]*\d))"
)
_VALUE_RE = re.compile(r"\s*(?:cua\s+[^:=]*?)?(?:\s(?:thanh|la)\s|\s*[:=])\s*")
_EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


@dataclass(frozen=True)
class Command:
    """What a review message asks for; kind "" means it is data (lines or a field's value)."""

    kind: str = ""
    field: str | None = None
    rows: tuple[int, ...] = ()
    value: str | None = None


# --- entries ------------------------------------------------------------------------------------


def _shift_dict(shift: Shift | None) -> dict[str, Any] | None:
    if shift is None:
        return None
    return {
        "start": f"{shift.start:%H:%M}" if shift.start else None,
        "end": f"{shift.end:%H:%M}" if shift.end else None,
        "all_day": shift.all_day,
        "overnight": shift.overnight,
        "label": shift.label,
    }


def _shift_of(entry: Entry) -> Shift | None:
    data = entry.get("shift")
    if not data:
        return None
    start, end = (time.fromisoformat(data[k]) if data.get(k) else None for k in ("start", "end"))
    return Shift(
        start, end, bool(data.get("all_day")), bool(data.get("overnight")), data.get("label")
    )


def entry_from_parsed(parsed: RosterEntry) -> Entry:
    """A parser entry as slot data (JSON-safe)."""
    return {
        "full_name": parsed.full_name,
        "position": parsed.position,
        "phone": parsed.phone_display,
        "email": parsed.email,
        "duty_type": parsed.duty_type,
        "duty_date": parsed.duty_date.isoformat() if parsed.duty_date else None,
        "lunar_text": parsed.lunar_text,
        "shift": _shift_dict(parsed.shift),
        "shift_skipped": False,
        "note": parsed.note,
    }


def as_parsed(entry: Entry, line_no: int = 0) -> RosterEntry:
    """Slot data back as a parser entry, to reuse the parser's table layout."""
    shift = _shift_of(entry)
    return RosterEntry(
        line_no=line_no,
        full_name=entry.get("full_name"),
        position=entry.get("position"),
        phone_display=entry.get("phone"),
        phone_e164=entry.get("phone"),
        email=entry.get("email"),
        duty_type=entry.get("duty_type"),
        duty_date=date.fromisoformat(entry["duty_date"]) if entry.get("duty_date") else None,
        lunar_text=entry.get("lunar_text"),
        shift_start=shift.start if shift else None,
        shift_end=shift.end if shift else None,
        all_day=bool(shift and shift.all_day),
        overnight=bool(shift and shift.overnight),
        shift_label=shift.label if shift else None,
    )


def read_lines(text: str, at: datetime) -> tuple[list[Entry], list[str]]:
    """Entries in pasted text and the messages about values that were wrong (not just missing)."""
    parsed = parse_lines(text, at)
    entries = [entry_from_parsed(entry) for entry in parsed.entries]
    problems = [
        p.message for p in parsed.problems if set(p.missing) & {"phone", "duty_date", "shift"}
    ]
    for entry in entries:
        if entry["phone"] and not parse_phone(entry["phone"]).is_mobile:
            problems.append(
                f"{entry['full_name'] or 'Một dòng'}: {entry['phone']} là số cố định; "
                "danh sách trực cần số di động."
            )
            entry["phone"] = None
    return entries, list(dict.fromkeys(problems))


def missing(entries: list[Entry]) -> tuple[str, list[int]] | None:
    """The first field still needed and every row (1-based) lacking it, in ASKED order."""
    for field in ASKED:
        rows = [
            number
            for number, entry in enumerate(entries, start=1)
            if not entry.get(field) and not (field == "shift" and entry.get("shift_skipped"))
        ]
        if rows:
            return field, rows
    return None


def table(entries: list[Entry]) -> str:
    return format_table(as_parsed(entry, number) for number, entry in enumerate(entries, start=1))


def who(entries: list[Entry], rows: list[int]) -> str:
    """ "dòng 2 (Trần Thị B)" or "các dòng 1, 3 (Nguyễn Văn A, Lê Văn C)"."""
    names = [entries[row - 1].get("full_name") for row in rows]
    shown = ", ".join(dict.fromkeys(name for name in names if name))
    numbers = ", ".join(str(row) for row in rows)
    prefix = f"dòng {numbers}" if len(rows) == 1 else f"các dòng {numbers}"
    return f"{prefix} ({shown})" if shown else prefix


# --- commands -----------------------------------------------------------------------------------


def _field_at(folded: str, at: int) -> tuple[str | None, int]:
    """The field named at offset `at` of the folded text, and the offset after its words."""
    for words, field in _FIELD_WORDS:
        if folded.startswith(words, at) and (
            len(folded) == at + len(words) or folded[at + len(words)] == " "
        ):
            return field, at + len(words)
    return None, at


def command_of(text: str) -> Command:
    """Read a review message: confirm, show, add, remove rows, edit a field, or data."""
    original = clean_message(text).strip(" .!?")
    folded = fold_keep_offsets(original)
    if folded in _CONFIRM:
        return Command("confirm")
    if folded in _SHOW:
        return Command("show")
    if folded in _ADD:
        return Command("add")
    removal = _REMOVE_RE.match(folded)
    if removal:
        rows = tuple(int(n) for n in re.findall(r"\d+", removal["rows"]))
        return Command("remove", rows=rows)
    edit = _EDIT_RE.match(folded)
    if edit is None:
        return Command()
    at = edit.start("rest")
    if folded.startswith("lai ", at):
        at += 4
    field, at = _field_at(folded, at)
    if field is None:
        return Command("edit")
    rest = folded[at:]
    rows: tuple[int, ...] = ()
    row = _ROW_RE.match(rest)
    if row and not (row["bare"] and field in ("phone", "duty_date", "shift")):
        rows = (int(row["row"] or row["bare"]),)
        at += row.end()
    value = _VALUE_RE.match(folded, at)
    if value is None and folded[at:].strip().startswith("cua "):
        return Command("edit", field, rows)  # "sửa chức vụ của Nguyễn Văn A": row by name, ask
    shown = original[value.end() if value else at :].strip()
    return Command("edit", field, rows, shown or None)


def row_of_name(entries: list[Entry], text: str) -> int | None:
    """The row whose person is named in text ("sửa sđt của Nguyễn Văn A")."""
    folded = fold(text)
    for number, entry in enumerate(entries, start=1):
        name = entry.get("full_name")
        if name and fold(name) in folded:
            return number
    return None


# --- values -------------------------------------------------------------------------------------


class ValueProblem(ValueError):
    """A value that cannot be used; the message says why, with an example."""


def _problem(field: str, detail: str = "") -> ValueProblem:
    lead = detail or f"Chưa đọc được {LABELS[field]}."
    return ValueProblem(f"{lead} Ví dụ: {EXAMPLES[field]}.")


def read_value(field: str, text: str, at: datetime) -> Any:
    """The typed value of one field, or ValueProblem. duty_date gives a list (a range is many days)."""
    value = clean_message(text)
    if field in OPTIONAL and fold(value).strip(" .!") in _SKIP:
        return None
    if field == "full_name":
        name = name_in(value) or (value.title() if 2 <= len(value.split()) <= 6 else None)
        if not name or not all(word.isalpha() for word in name.split()):
            raise _problem(field, "Họ tên cần có họ và tên, không có số.")
        return name
    if field in ("position", "organisation"):
        if not any(ch.isalpha() for ch in value) or len(value) > 200:
            raise _problem(field)
        return value
    if field == "phone":
        try:
            phone = parse_phone(value)
        except ValueError as error:
            raise ValueProblem(str(error)) from error
        if not phone.is_mobile:
            raise _problem(field, f"{phone.display} là số cố định; danh sách trực cần số di động.")
        return phone.display
    if field == "duty_date":
        try:
            return parse_dates(value, at)
        except DateParseError as error:
            raise ValueProblem(str(error)) from error
    if field == "duty_type":
        code = value if value in DUTY_TYPES else duty_type_of(value)
        if code is None:
            raise _problem(field, "Chưa rõ loại trực.")
        return code
    if field == "shift":
        try:
            return _shift_dict(parse_shift(value))
        except DateParseError as error:
            raise ValueProblem(str(error)) from error
    if field == "email":
        if not _EMAIL_RE.match(value):
            raise _problem(field, f"Email «{value}» không hợp lệ.")
        return value
    raise _problem(field)


def apply_value(entries: list[Entry], field: str, rows: list[int], value: Any) -> list[Entry]:
    """A copy of entries with the field set on the rows; a list of days expands each row."""
    result: list[Entry] = []
    for number, entry in enumerate(entries, start=1):
        if number not in rows:
            result.append(entry)
            continue
        if field == "duty_date":
            for day in value:
                result.append(entry | {"duty_date": day.isoformat(), "lunar_text": _lunar(day)})
        elif field == "shift":
            result.append(entry | {"shift": value, "shift_skipped": value is None})
        else:
            result.append(entry | {field: value})
    return result


def _lunar(day: date) -> str | None:
    try:
        return lunar_text(day)
    except ValueError:
        return None


def remove_rows(entries: list[Entry], rows: tuple[int, ...]) -> list[Entry]:
    return [entry for number, entry in enumerate(entries, start=1) if number not in rows]


def payload_entries(entries: list[Entry]) -> list[dict[str, Any]]:
    """Entries in the store's RosterEntryIn shape."""
    body = []
    for entry in entries:
        shift = entry.get("shift") or {}
        body.append(
            {
                "duty_type": entry["duty_type"],
                "duty_date": entry["duty_date"],
                "lunar_text": entry.get("lunar_text"),
                "shift_start": None if shift.get("all_day") else shift.get("start"),
                "shift_end": None if shift.get("all_day") else shift.get("end"),
                "all_day": bool(shift.get("all_day")),
                "full_name": entry["full_name"],
                "position": entry["position"],
                "phone": entry["phone"],
                "email": entry.get("email"),
                "note": entry.get("note"),
            }
        )
    return body


# --- one review turn ----------------------------------------------------------------------------


@dataclass
class Step:
    """The state after one message: entries, the field being asked, what to say."""

    entries: list[Entry]
    pending: dict[str, Any] | None
    organisation: str | None
    messages: list[str]
    problem: str | None = None
    done: bool = False


def _looks_like_lines(text: str, at: datetime) -> bool:
    """Several lines, or one line naming a person with a phone or a date: roster data, not a value."""
    if "\n" in text.strip():
        return True
    entries, _ = read_lines(text, at)
    return any(e["full_name"] and (e["phone"] or e["duty_date"]) for e in entries)


def review(
    text: str,
    entries: list[Entry],
    pending: dict[str, Any] | None,
    organisation: str | None,
    at: datetime,
) -> Step:
    """Apply one message of the review loop."""
    step = Step(list(entries), pending, organisation, [])
    command = command_of(text)
    if command.kind == "confirm":
        return _confirm(step)
    if command.kind == "show":
        step.messages.append(table(step.entries))
        return step
    if command.kind == "add":
        step.pending = None
        step.messages.append(f"Mời bạn gửi thêm, mỗi người một dòng, ví dụ: «{LINE_EXAMPLE}».")
        return step
    if command.kind == "remove":
        return _remove(step, command.rows)
    if command.kind == "edit":
        return _edit(step, command, text, at)
    if pending and not _looks_like_lines(text, at):
        return _fill(step, pending, text, at)
    return _add_lines(step, text, at)


def _confirm(step: Step) -> Step:
    if not step.entries:
        step.problem = f"Danh sách chưa có ai. Mời bạn gửi theo mẫu: «{LINE_EXAMPLE}»."
        return step
    gap = missing(step.entries)
    if gap:
        field, rows = gap
        step.messages.append(f"Chưa gửi được: {who(step.entries, rows)} còn thiếu {LABELS[field]}.")
        return step
    step.done = True
    return step


def _valid_rows(step: Step, rows: tuple[int, ...]) -> bool:
    if rows and all(1 <= row <= len(step.entries) for row in rows):
        return True
    count = len(step.entries)
    step.problem = f"Không có dòng {', '.join(map(str, rows)) or 'đó'}; danh sách có {count} dòng."
    return False


def _remove(step: Step, rows: tuple[int, ...]) -> Step:
    if not _valid_rows(step, rows):
        return step
    removed = who(step.entries, list(rows))
    step.entries = remove_rows(step.entries, rows)
    step.pending = None
    step.messages.append(f"Đã xóa {removed}.")
    return step


def _edit(step: Step, command: Command, text: str, at: datetime) -> Step:
    field = command.field
    if field is None:
        step.problem = (
            "Bạn muốn sửa mục nào? Ví dụ: «sửa số điện thoại dòng 2 thành 0912345678», "
            "«sửa ngày dòng 1 thành mùng 2 Tết»."
        )
        return step
    if field == "organisation":
        return (
            _fill(step, {"field": field, "rows": []}, command.value, at)
            if command.value
            else _ask(step, field, [])
        )
    rows = command.rows or (
        (row_of_name(step.entries, text),) if row_of_name(step.entries, text) else ()
    )
    if not rows and len(step.entries) == 1:
        rows = (1,)
    if not rows:
        step.problem = (
            f"Bạn muốn sửa {LABELS[field]} của dòng nào? "
            f"Ví dụ: «sửa {LABELS[field]} dòng 2 thành {EXAMPLES[field].split(',')[0]}»."
        )
        return step
    if not _valid_rows(step, rows):
        return step
    if command.value:
        return _fill(step, {"field": field, "rows": list(rows)}, command.value, at)
    return _ask(step, field, list(rows))


def _ask(step: Step, field: str, rows: list[int]) -> Step:
    step.pending = {"field": field, "rows": rows, "explicit": True}
    return step


def _fill(step: Step, pending: dict[str, Any], text: str | None, at: datetime) -> Step:
    field, rows = pending["field"], list(pending.get("rows") or [])
    try:
        value = read_value(field, text or "", at)
    except ValueProblem as error:
        step.problem = str(error)
        return step
    step.pending = None
    if field == "organisation":
        step.organisation = value
        step.messages.append(f"Đã đổi đơn vị thành «{value}».")
        return step
    step.entries = apply_value(step.entries, field, rows, value)
    done = "Đã bỏ qua" if value is None else "Đã ghi"
    step.messages.append(f"{done} {LABELS[field]} cho {who(step.entries, rows)}.")
    return step


def _add_lines(step: Step, text: str, at: datetime) -> Step:
    added, problems = read_lines(text, at)
    if not added:
        step.problem = (
            "Tôi chưa đọc được người trực nào. Mỗi người một dòng, ví dụ: "
            f"«{LINE_EXAMPLE}». Hoặc gõ «xác nhận», «sửa …», «xóa dòng …», «hủy»."
        )
        return step
    if len(step.entries) + len(added) > MAX_ENTRIES:
        step.problem = f"Mỗi lần gửi tối đa {MAX_ENTRIES} dòng; xin chia danh sách thành nhiều lần."
        return step
    step.entries += added
    step.pending = None
    step.messages.append(f"Đã nhận {len(added)} dòng." + "".join(f"\n• {p}" for p in problems))
    return step


def prompt(
    step_entries: list[Entry], pending: dict[str, Any] | None, organisation: str | None
) -> tuple[str, dict[str, Any] | None, list[dict[str, str]]]:
    """What to ask next: (text, the field now pending, buttons)."""
    if pending and pending.get("explicit"):
        field, rows = pending["field"], pending.get("rows") or []
        target = f" cho {who(step_entries, rows)}" if rows else ""
        return (
            f"Nhập {LABELS[field]} mới{target}. Ví dụ: {EXAMPLES[field]}.",
            pending,
            _buttons(field),
        )
    if not step_entries:
        whose = f" của {organisation}" if organisation else ""
        text = (
            f"Mời bạn gửi danh sách trực{whose}, mỗi người một dòng (dán từ Excel cũng được), ví dụ:\n"
            f"«{LINE_EXAMPLE}»\n"
            "Hoặc gõ họ tên một người, tôi sẽ hỏi lần lượt. Khoảng ngày «từ 08/02 đến 14/02» "
            "được tách thành từng ngày."
        )
        return text, None, []
    gap = missing(step_entries)
    if gap:
        field, rows = gap
        lead = f"{who(step_entries, rows)[0].upper()}{who(step_entries, rows)[1:]}: chưa có {LABELS[field]}."
        many = " Câu trả lời áp dụng cho các dòng này." if len(rows) > 1 else ""
        skip = " Gõ «bỏ qua» nếu không chia ca." if field in OPTIONAL else ""
        return (
            f"{lead} Ví dụ: {EXAMPLES[field]}.{many}{skip}",
            {"field": field, "rows": rows, "explicit": False},
            _buttons(field),
        )
    whose = f" của {organisation}" if organisation else ""
    text = (
        f"Danh sách trực{whose} ({len(step_entries)} dòng):\n{table(step_entries)}\n\n"
        "Gõ «xác nhận» để gửi về Sở. Muốn sửa: «sửa số điện thoại dòng 2 thành 0912345678», "
        "«xóa dòng 3»; gửi thêm dòng để bổ sung; «hủy» để dừng."
    )
    buttons = [{"title": "Xác nhận gửi", "payload": "xác nhận"}, {"title": "Hủy", "payload": "hủy"}]
    return text, None, buttons


def _buttons(field: str) -> list[dict[str, str]]:
    if field == "duty_type":
        return [{"title": label, "payload": label} for label in DUTY_TYPES.values()]
    if field in OPTIONAL:
        return [{"title": "Bỏ qua", "payload": "bỏ qua"}]
    return []
