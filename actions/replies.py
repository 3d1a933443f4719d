"""Vietnamese wording of answers; pure functions so they are tested without Rasa.

Every answer from a directive starts with its source ("Theo công văn số … của Sở … <tỉnh>").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from vntext.audiences import AUDIENCE_LABELS
from vntext.timefmt import remaining_text, when_text

DIRECTIVE_PROVINCES_HINT = ("Hà Tĩnh", "Lạng Sơn", "Bắc Ninh", "Bắc Giang", "Sóc Trăng")
TOPIC_WORDS = {
    "contacts": "số điện thoại, e-mail liên hệ",
    "deadlines": "thời hạn báo cáo",
    "duties": "nhiệm vụ",
    "holidays": "lịch nghỉ Tết, treo cờ",
    "directive": "thông tin công văn",
}
_KIND_LABELS = {
    "chỉ thị": "Chỉ thị",
    "công văn": "Công văn",
    "văn bản": "Văn bản",
    "thông tư": "Thông tư",
    "nghị định": "Nghị định",
    "thông báo": "Thông báo",
    "kế hoạch": "Kế hoạch",
    "quyết định": "Quyết định",
}


def source(directive: dict[str, Any]) -> str:
    """'Theo công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn'."""
    return f"Theo {directive['citation']}"


def no_directive_text(named: str, tet: str | None = None) -> str:
    which = f"Tết {tet} " if tet else "trực Tết "
    return (
        f"Hiện tôi chưa có công văn {which}nào của {named} trong hệ thống, nên chưa trả lời được "
        "theo công văn. Bạn vui lòng liên hệ trực tiếp Sở của tỉnh."
    )


def _contact_line(contact: dict[str, Any]) -> str:
    label = " – ".join(part for part in (contact.get("name"), contact.get("title")) if part)
    value = contact.get("phone_display") or contact.get("email") or ""
    return f"• {label or 'Liên hệ'}: {value}"


def contacts_text(directive: dict[str, Any]) -> str:
    """The directive's phones and e-mails; an honest sentence when it gives none."""
    contacts = directive.get("contacts") or []
    if not contacts:
        return (
            f"{source(directive)}: công văn không nêu số điện thoại hay e-mail liên hệ nào. "
            f"Bạn vui lòng liên hệ trực tiếp {directive['department']} {directive['issuing_province']}."
        )
    return "\n".join(
        [f"{source(directive)}, thông tin liên hệ:"] + [_contact_line(c) for c in contacts]
    )


def _deadline_lines(deadline: dict[str, Any], now: datetime | None) -> list[str]:
    due = datetime.fromisoformat(deadline["due_at"])
    when = when_text(due, deadline["has_time"])
    lunar = f" (tức {deadline['lunar_text']})" if deadline.get("lunar_text") else ""
    lines = [
        f"• {deadline['what']}: trước {when}{lunar} — {remaining_text(due, deadline['has_time'], now)}."
    ]
    if deadline.get("email"):
        lines.append(f"  Gửi bản điện tử tới: {deadline['email']}")
    elif deadline.get("channel") == "văn bản":
        lines.append("  Hình thức: bằng văn bản.")
    if deadline.get("who"):
        lines.append(f"  Đơn vị thực hiện: {deadline['who']}.")
    return lines


def deadlines_text(directive: dict[str, Any], now: datetime | None = None) -> str:
    """Each deadline with its hour, lunar day, time left (or since when it passed) and channel."""
    deadlines = directive.get("deadlines") or []
    if not deadlines:
        return f"{source(directive)}: công văn không nêu thời hạn nộp báo cáo hay danh sách nào."
    lines = [f"{source(directive)}:"]
    for deadline in deadlines:
        lines += _deadline_lines(deadline, now)
    return "\n".join(lines)


def _matching_sections(directive: dict[str, Any], audiences: list[str]) -> list[dict[str, Any]]:
    sections = [s for s in directive.get("sections") or [] if s.get("items")]
    if not audiences:
        return sections
    wanted = set(audiences)
    return [s for s in sections if wanted & set(s["audiences"])]


def duties_text(directive: dict[str, Any], audiences: list[str]) -> str:
    """Duty items of the sections addressed to the audiences asked about, in the directive's order."""
    sections = _matching_sections(directive, audiences)
    if not sections:
        asked = ", ".join(AUDIENCE_LABELS.get(code, code) for code in audiences)
        return f"{source(directive)}: công văn không có mục riêng cho {asked}."
    lines = [f"{source(directive)}, nhiệm vụ:"]
    for section in sections:
        lines.append(f"\n{section['heading']}:")
        lines += [f"• {item}" for item in section["items"]]
    return "\n".join(lines)


def audience_buttons(directive: dict[str, Any]) -> list[dict[str, str]]:
    """One button per audience the directive addresses, to narrow a duties answer."""
    codes: list[str] = []
    for section in directive.get("sections") or []:
        codes += [c for c in section["audiences"] if c not in codes and c != "chung"]
    return [
        {
            "title": AUDIENCE_LABELS.get(code, code).capitalize(),
            "payload": f'/ask_duties{{"audience":"{code}","province":"{directive["issuing_province"]}"}}',
        }
        for code in codes
    ]


def _day(value: str) -> str:
    return f"{date.fromisoformat(value):%d/%m/%Y}"


def holidays_text(directive: dict[str, Any]) -> str:
    """Days off and flag-flying days, as the directive announces them."""
    holidays = directive.get("holidays") or []
    if not holidays:
        return f"{source(directive)}: công văn không nêu lịch nghỉ Tết hay lịch treo cờ."
    lines = [f"{source(directive)}:"]
    for holiday in holidays:
        start, end = (
            date.fromisoformat(holiday["starts_on"]),
            date.fromisoformat(holiday["ends_on"]),
        )
        days = (end - start).days + 1
        label = "Nghỉ Tết" if holiday["kind"] == "nghi" else "Treo cờ Tổ quốc"
        lines.append(
            f"• {label}: từ {_day(holiday['starts_on'])} đến hết {_day(holiday['ends_on'])} ({days} ngày)."
        )
    return "\n".join(lines)


def directive_text(directive: dict[str, Any]) -> str:
    """Number, date, issuer, subject, signer, legal bases and recipients of the directive."""
    lines = [directive["citation"][0].upper() + directive["citation"][1:]]
    if directive.get("subject"):
        lines.append(f"V/v {directive['subject']}")
    if directive.get("tet_name"):
        lines.append(f"Dịp: Tết Nguyên đán {directive['tet_name']}.")
    if directive.get("signer"):
        lines.append(f"Người ký: {directive['signer']}.")
    bases = directive.get("legal_bases") or []
    if bases:
        lines.append("Căn cứ:")
        for basis in bases:
            when = f" ngày {_day(basis['issued_on'])}" if basis.get("issued_on") else ""
            issuer = f" của {basis['issuer']}" if basis.get("issuer") else ""
            kind = _KIND_LABELS.get(basis["kind"], basis["kind"].capitalize())
            lines.append(f"• {kind} số {basis['number']}{when}{issuer}")
    if directive.get("recipients"):
        lines.append("Kính gửi: " + "; ".join(directive["recipients"]) + ".")
    return "\n".join(lines)


def search_text(hits: list[dict[str, Any]]) -> str:
    """The best duty items for a free-form question, each with its source."""
    lines = ["Tôi tìm thấy trong công văn:"]
    for hit in hits:
        lines.append(f"\n{source(hit['directive'])} — {hit['heading']}:")
        lines.append(f"• {hit['text']}")
    return "\n".join(lines)


def not_found_text(province_named: str | None) -> str:
    where = f" của {province_named}" if province_named else ""
    return f"Xin lỗi, tôi chưa tìm thấy nội dung phù hợp trong công văn{where}."


def ask_province_buttons() -> list[dict[str, str]]:
    """Buttons for the provinces that have directives; any province may also be typed."""
    return [
        {"title": name, "payload": f'/inform_province{{"province":"{name}"}}'}
        for name in DIRECTIVE_PROVINCES_HINT
    ]
