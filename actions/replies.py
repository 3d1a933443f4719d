"""Vietnamese wording of answers; pure functions so they are tested without Rasa."""

from __future__ import annotations

from typing import Any

DIRECTIVE_PROVINCES_HINT = ("Hà Tĩnh", "Lạng Sơn", "Bắc Ninh", "Bắc Giang", "Sóc Trăng")


def citation(directive: dict[str, Any]) -> str:
    """'Theo công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn'."""
    return f"Theo {directive['citation']}"


def _contact_line(contact: dict[str, Any]) -> str:
    who = contact.get("name")
    title = contact.get("title")
    label = " – ".join(part for part in (who, title) if part) or "Liên hệ"
    value = contact.get("phone_display") or contact.get("email") or ""
    return f"• {label}: {value}"


def contacts_text(answer: dict[str, Any]) -> str:
    """The contacts of one directive, cited; an honest sentence when it gives none."""
    directive = answer.get("directive")
    named = answer["province_named"]
    if directive is None:
        return (
            f"Hiện tôi chưa có công văn trực Tết nào của {named} nên không có số liên hệ để cung cấp. "
            "Bạn vui lòng liên hệ trực tiếp Sở của tỉnh."
        )
    contacts = answer.get("contacts") or []
    if not contacts:
        return (
            f"{citation(directive)}: công văn không nêu số điện thoại hay e-mail liên hệ nào. "
            f"Bạn vui lòng liên hệ trực tiếp {directive['department']} {directive['issuing_province']}."
        )
    lines = [f"{citation(directive)}, thông tin liên hệ:"]
    lines += [_contact_line(contact) for contact in contacts]
    return "\n".join(lines)


def ask_province_buttons() -> list[dict[str, str]]:
    """Buttons for the provinces that have directives, then a hint that any province may be typed."""
    buttons = []
    for name in DIRECTIVE_PROVINCES_HINT:
        payload = f'/inform_province{{"province":"{name}"}}'
        buttons.append({"title": name, "payload": payload})
    return buttons
