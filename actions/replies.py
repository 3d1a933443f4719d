"""Vietnamese wording of answers; pure functions so they are tested without Rasa.

Every answer from a directive starts with its source ("Theo công văn số … của Sở … <tỉnh>").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from vntext.abbreviations import expand
from vntext.audiences import AUDIENCE_LABELS, GENERAL, audiences_in
from vntext.normalize import fold
from vntext.provinces import without_places
from vntext.timefmt import VN_TZ, deadline_when, next_due, remaining_text, when_text

MAX_PROVINCE_BUTTONS = 6
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


_EMAIL_ASKED_RE = re.compile(r"(?<!\w)(?:e ?mail|thu dien tu|hop thu)(?!\w)")


def contacts_text(directive: dict[str, Any], question: str = "") -> str:
    """The directive's phones and e-mails; an honest sentence when it gives none (or no e-mail
    when one was asked for)."""
    contacts = directive.get("contacts") or []
    if (
        contacts
        and _EMAIL_ASKED_RE.search(expand(question))
        and not any(c.get("email") for c in contacts)
    ):
        return "\n".join(
            [f"{source(directive)}: văn bản không nêu địa chỉ e-mail nào. Số điện thoại liên hệ:"]
            + [_contact_line(c) for c in contacts]
        )
    if not contacts:
        return (
            f"{source(directive)}: văn bản không nêu số điện thoại hay e-mail liên hệ nào. "
            f"Bạn vui lòng liên hệ trực tiếp {directive.get('issuer') or 'Sở'}."
        )
    return "\n".join(
        [f"{source(directive)}, thông tin liên hệ:"] + [_contact_line(c) for c in contacts]
    )


def _progress(deadline: dict[str, Any], now: datetime | None) -> str:
    """ "còn 3 ngày 4 giờ", "lần tới: 15h00 ngày 05/02/2027 (còn 5 giờ)", "đang trong thời gian trực"."""
    kind = deadline.get("kind") or "once"
    due = datetime.fromisoformat(deadline["due_at"])
    until = date.fromisoformat(deadline["until_on"]) if deadline.get("until_on") else None
    current = now or datetime.now(VN_TZ)
    if kind == "period" and deadline.get("starts_at"):
        starts = datetime.fromisoformat(deadline["starts_at"])
        if current < starts:
            return f"bắt đầu sau {remaining_text(starts, True, current).removeprefix('còn ')}"
        return "đang trong thời gian trực" if current <= due else "đã kết thúc"
    if kind in ("daily", "window") and until is not None:
        upcoming = next_due(kind, due, until, current)
        if upcoming <= current:
            return f"đã kết thúc ngày {until:%d/%m/%Y}"
        return f"lần tới: {when_text(upcoming)} ({remaining_text(upcoming, True, current)})"
    return remaining_text(due, deadline["has_time"], now)


def _deadline_lines(deadline: dict[str, Any], now: datetime | None) -> list[str]:
    kind = deadline.get("kind") or "once"
    due = datetime.fromisoformat(deadline["due_at"])
    starts = datetime.fromisoformat(deadline["starts_at"]) if deadline.get("starts_at") else None
    until = date.fromisoformat(deadline["until_on"]) if deadline.get("until_on") else None
    when = deadline_when(kind, due, deadline["has_time"], starts, until)
    lunar = f" (tức {deadline['lunar_text']})" if deadline.get("lunar_text") else ""
    lines = [f"• {deadline['what']}: {when}{lunar} — {_progress(deadline, now)}."]
    if deadline.get("email"):
        lines.append(f"  Gửi bản điện tử tới: {deadline['email']}")
    elif deadline.get("channel") == "văn bản":
        lines.append("  Hình thức: bằng văn bản.")
    if deadline.get("recipient") and kind != "period":
        lines.append(f"  Nơi nhận: {deadline['recipient']}.")
    if deadline.get("who"):
        lines.append(f"  Đơn vị thực hiện: {deadline['who']}.")
    return lines


NO_DEADLINE = "văn bản không nêu thời hạn nộp báo cáo hay danh sách nào"
# Words every deadline question shares; what remains names the thing asked about.
_GENERIC = set(
    [
        "han",
        "thoi",
        "nop",
        "gui",
        "bao",
        "cao",
        "khi",
        "nao",
        "gio",
        "may",
        "ngay",
        "truoc",
        "la",
        "cua",
        "cho",
        "ve",
        "tet",
        "so",
        "tinh",
        "thanh",
        "pho",
        "doanh",
        "nghiep",
        "cac",
        "phai",
        "can",
        "co",
        "khong",
        "ko",
        "k",
        "a",
        "nhe",
        "vay",
        "the",
        "den",
        "luc",
        "bao",
        "nhieu",
        "thong",
        "tin",
        "truyen",
        "khoa",
        "hoc",
        "cong",
        "nghe",
        "uy",
        "ban",
        "nhan",
        "dan",
        "sau",
        "chot",
        "cuoi",
        "deadline",
        "hang",
        "hom",
        "nay",
        "nam",
        "van",
        "ban",
        "cv",
        "dip",
        "nguyen",
        "dan",
        "o",
        "tai",
        "voi",
        "va",
    ]
)


def _specific_words(question: str) -> set[str]:
    return {
        w for w in re.findall(r"[a-z0-9]+", without_places(expand(question))) if w not in _GENERIC
    }


def weak_match(question: str, deadlines: list[dict[str, Any]]) -> bool:
    """The question names something (≥ 2 words) that no deadline of the directive mentions."""
    wanted = _specific_words(question)
    if len(wanted) < 2:
        return False
    best = max(
        len(wanted & set(re.findall(r"[a-z0-9]+", fold(f"{d['what']} {d.get('source') or ''}"))))
        for d in deadlines
    )
    return best / len(wanted) < 0.5


_ON_DUTY_RE = re.compile(r"(?<!\w)(?:truc|nghi)(?!\w)")


def _duty_days(
    directive: dict[str, Any], deadlines: list[dict[str, Any]], question: str
) -> list[str]:
    """The days off, for a question about when to be on duty that no duty period answers."""
    if any(d.get("kind") == "period" for d in deadlines) or not _ON_DUTY_RE.search(
        expand(question)
    ):
        return []
    days = [h for h in directive.get("holidays") or [] if h["kind"] == "nghi"]
    return [
        f"• Những ngày nghỉ Tết theo văn bản: từ "
        f"{_day(h['starts_on'])} đến hết {_day(h['ends_on'])}."
        for h in days
    ]


def _emails(directive: dict[str, Any], deadlines: list[dict[str, Any]]) -> list[str]:
    """The directive's e-mail addresses, when no deadline names where to send it."""
    if any(d.get("email") for d in deadlines):
        return []
    return [c["email"] for c in directive.get("contacts") or [] if c.get("email")]


def deadlines_text(
    directive: dict[str, Any], now: datetime | None = None, question: str = ""
) -> str:
    """Each deadline with its hour, lunar day, time left (or since when it passed) and channel."""
    deadlines = directive.get("deadlines") or []
    if not deadlines:
        return f"{source(directive)}: {NO_DEADLINE}."
    lines = [f"{source(directive)}:"]
    if question and weak_match(question, deadlines):
        lines = [
            f"{source(directive)}: văn bản không nêu thời hạn riêng cho điều bạn hỏi. "
            "Các thời hạn văn bản nêu:"
        ]
    for deadline in deadlines:
        lines += _deadline_lines(deadline, now)
    lines += _duty_days(directive, deadlines, question)
    emails = _emails(directive, deadlines)
    if emails:
        lines.append(f"E-mail nhận báo cáo, văn bản: {', '.join(emails)}")
    return "\n".join(lines)


def related_deadlines(directive: dict[str, Any], audiences: list[str]) -> list[dict[str, Any]]:
    """Deadlines and duty periods addressed to one of these kinds of organisation."""
    wanted = set(audiences)
    return [
        d
        for d in directive.get("deadlines") or []
        if wanted & set(audiences_in(f"{d.get('who') or ''} {d['what']}"))
    ]


def matching_sections(directive: dict[str, Any], audiences: list[str]) -> list[dict[str, Any]]:
    """Sections with items addressed to any of the audiences (all of them when none is asked)."""
    sections = [s for s in directive.get("sections") or [] if s.get("items")]
    if not audiences:
        return sections
    wanted = set(audiences)
    return [s for s in sections if wanted & set(s["audiences"])]


def general_sections(directive: dict[str, Any]) -> list[dict[str, Any]]:
    """Sections addressed to everyone (no particular kind of organisation)."""
    return [
        s for s in directive.get("sections") or [] if s.get("items") and s["audiences"] == [GENERAL]
    ]


def _section_lines(sections: list[dict[str, Any]]) -> list[str]:
    lines = []
    for section in sections:
        lines.append(f"\n{section['heading']}:")
        lines += [f"• {item}" for item in section["items"]]
    return lines


def audience_words(audiences: list[str]) -> str:
    return ", ".join(AUDIENCE_LABELS.get(code, code) for code in audiences)


def duties_text(
    directive: dict[str, Any], audiences: list[str], now: datetime | None = None
) -> str:
    """Duty items of the sections addressed to the audiences asked about, in the directive's order,
    then the deadlines and duty periods addressed to them."""
    sections = matching_sections(directive, audiences)
    if not sections:
        return no_section_text(directive, audiences)
    lines = [f"{source(directive)}, nhiệm vụ:", *_section_lines(sections)]
    related = related_deadlines(directive, audiences) if audiences else []
    if related:
        lines.append("\nThời hạn, thời gian trực liên quan:")
        for deadline in related:
            lines += _deadline_lines(deadline, now)
    return "\n".join(lines)


def no_section_text(directive: dict[str, Any], audiences: list[str]) -> str:
    """Said only when retrieval found nothing either: with the duties addressed to everyone."""
    lines = [f"{source(directive)}: văn bản không có mục riêng cho {audience_words(audiences)}."]
    general = general_sections(directive)
    if general:
        lines.append("Các nhiệm vụ chung cho mọi cơ quan, đơn vị:")
        lines += _section_lines(general)
    return "\n".join(lines)


def passages_text(directive: dict[str, Any], hits: list[dict[str, Any]], about: str = "") -> str:
    """The document's own passages that answer a question, quoted under their section."""
    lines = [f"{source(directive)}{about}:"]
    for hit in hits:
        heading = f"({hit['heading']}) " if hit.get("heading") else ""
        lines.append(f"• {heading}{hit['text']}")
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
    periods = [d for d in directive.get("deadlines") or [] if d.get("kind") == "period"]
    if not holidays:
        lines = [f"{source(directive)}: văn bản không nêu lịch nghỉ Tết hay lịch treo cờ."]
        if periods:
            lines.append("Thời gian trực văn bản nêu:")
            for period in periods:
                lines += _deadline_lines(period, None)[:1]
        return "\n".join(lines)
    lines = [f"{source(directive)}:"]
    for holiday in holidays:
        start, end = (
            date.fromisoformat(holiday["starts_on"]),
            date.fromisoformat(holiday["ends_on"]),
        )
        days = (end - start).days + 1
        label = "Treo cờ Tổ quốc"
        if holiday["kind"] == "nghi":
            label = "Nghỉ Tết" if "nghỉ" in holiday["text"].lower() else "Những ngày Tết"
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
    signer = directive.get("signer")
    lines.append(f"Người ký: {signer}." if signer else "Người ký: văn bản không nêu.")
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
    """The best passages for a free-form question, grouped by the document they come from."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for hit in hits:
        groups.setdefault(hit["directive"]["id"], []).append(hit)
    parts = [passages_text(group[0]["directive"], group) for group in groups.values()]
    return "\n\n".join(parts)


def not_found_text(province_named: str | None) -> str:
    if province_named:
        return (
            f"Xin lỗi, tôi chưa tìm thấy nội dung phù hợp trong văn bản của {province_named}: "
            "văn bản không nêu điều bạn hỏi."
        )
    return "Xin lỗi, tôi chưa tìm thấy nội dung phù hợp trong các văn bản đã có."


def ask_province_buttons(provinces: list[str]) -> list[dict[str, str]]:
    """Buttons for the provinces whose directives are loaded; any province may also be typed."""
    return [
        {"title": name, "payload": f'/inform_province{{"province":"{name}"}}'}
        for name in provinces[:MAX_PROVINCE_BUTTONS]
    ]
