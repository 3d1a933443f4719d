"""Incident reports: one sentence starts the report, the form asks only for what is missing.

"mất sóng 12 trạm BTS ở Kỳ Anh từ 8h30 do mất điện" already gives the category, impact, area,
detection time and cause; the user's profile gives organisation and contact. The report is sent to
the store with an idempotency key, or spooled when the store is down.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import forms, parsing
from actions.context import message_text, profile, province_from
from actions.delivery import SubmittingAction
from common.vocabulary import Code, IncidentCategory, Severity
from vntext.normalize import clean_message, fold
from vntext.provinces import find_in_text
from vntext.timefmt import VN_TZ, now

FORM_SLOTS = [
    "incident_organisation",
    "incident_province",
    "incident_contact_name",
    "incident_contact_phone",
    "incident_category",
    "incident_detected_at",
    "incident_area",
    "incident_services",
    "incident_severity",
    "incident_description",
    "incident_actions_taken",
    "incident_cause",
    "incident_support",
    "incident_confirm",
]
# Summary labels of the coded answers (codes and labels: common/vocabulary.py).
LABELS = IncidentCategory.labels() | Severity.labels()
MAX_TEXT = 2000


class ActionStartIncident(Action):
    """Prefill what the first sentence and the profile already say."""

    def name(self) -> str:
        return "action_start_incident"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = clean_message(message_text(tracker))[:MAX_TEXT]
        facts = parsing.incident_facts(text, now())
        user = profile(tracker)
        slots: dict[str, Any] = {
            "incident_stage": "ban_dau",
            "incident_facts": facts.numbers | {"key": uuid.uuid4().hex},
            "incident_organisation": user.get("organisation"),
            "incident_province": _province(tracker, facts.area),
            "incident_contact_name": user.get("name"),
            "incident_contact_phone": user.get("phone"),
            "incident_category": facts.category,
            "incident_detected_at": facts.detected_at.isoformat() if facts.detected_at else None,
            "incident_area": facts.area,
            "incident_services": facts.services,
            "incident_severity": facts.severity,
            "incident_description": text if facts.is_report else None,
            "incident_cause": facts.cause,
            "incident_actions_taken": None,
            "incident_support": None,
            "incident_confirm": None,
            "form_tries": None,
        }
        dispatcher.utter_message(text=_intro(slots))
        return [SlotSet(name, value) for name, value in slots.items()]


def _intro(slots: dict[str, Any]) -> str:
    """Say what is already known (the profile's values may be stale) and how to change it."""
    known = [
        f"đơn vị {slots['incident_organisation']}" if slots["incident_organisation"] else "",
        f"liên hệ {slots['incident_contact_name']}" if slots["incident_contact_name"] else "",
        slots["incident_contact_phone"] or "",
    ]
    shown = ", ".join(part for part in known if part)
    lines = ["Tôi ghi nhận báo cáo sự cố và sẽ hỏi thêm vài thông tin còn thiếu."]
    if shown:
        lines.append(
            f"Theo hồ sơ của bạn: {shown}. Cần đổi thì nhắn, ví dụ: «sửa số điện thoại thành 0987654321»."
        )
    lines.append("Gõ «hủy» bất cứ lúc nào để dừng.")
    return "\n".join(lines)


def _province(tracker: Tracker, area: str | None) -> str | None:
    mention = province_from(tracker) or (find_in_text(area) if area else None)
    return mention.current if mention else None


def _choice(value: str, vocabulary: type[Code]) -> str | None:
    """A button's label or a short answer naming one choice ("mức cao"), never a long sentence."""
    if len(fold(value).split()) > 4:
        return None
    member = vocabulary.named_in(value)
    return member.value if member else None


def _choices(vocabulary: type[Code]) -> str:
    """ "Thấp, Trung bình, Cao hoặc Nghiêm trọng" """
    *first, last = vocabulary.labels().values()
    return f"{', '.join(first)} hoặc {last}"


def _pick(
    slot: str,
    value: Any,
    vocabulary: type[Code],
    message: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
) -> dict[str, Any]:
    """A choice among buttons, typed or pressed; anything else counts as a failed try."""
    code = _choice(str(value or ""), vocabulary)
    if code is None:
        return forms.failed(slot, message, tracker, dispatcher, False)
    return {slot: code}


class ValidateIncidentForm(forms.CollectionFormValidation):
    """Each value checked, with a Vietnamese message and an example when it is not usable."""

    editable: ClassVar[dict[str, str]] = {
        "don vi": "incident_organisation",
        "ten don vi": "incident_organisation",
        "doanh nghiep": "incident_organisation",
        "tinh": "incident_province",
        "tinh thanh": "incident_province",
        "nguoi lien he": "incident_contact_name",
        "ten nguoi lien he": "incident_contact_name",
        "ho ten": "incident_contact_name",
        "so dien thoai": "incident_contact_phone",
        "so dt": "incident_contact_phone",
        "sdt": "incident_contact_phone",
        "dien thoai": "incident_contact_phone",
        "loai": "incident_category",
        "loai su co": "incident_category",
        "thoi gian": "incident_detected_at",
        "thoi gian phat hien": "incident_detected_at",
        "gio phat hien": "incident_detected_at",
        "phat hien luc": "incident_detected_at",
        "khu vuc": "incident_area",
        "dia ban": "incident_area",
        "dich vu": "incident_services",
        "dich vu bi anh huong": "incident_services",
        "muc do": "incident_severity",
        "mo ta": "incident_description",
        "noi dung": "incident_description",
        "viec da xu ly": "incident_actions_taken",
        "da xu ly": "incident_actions_taken",
        "xu ly": "incident_actions_taken",
        "bien phap": "incident_actions_taken",
        "nguyen nhan": "incident_cause",
        "de nghi ho tro": "incident_support",
        "ho tro": "incident_support",
    }
    labels: ClassVar[dict[str, str]] = {
        "incident_organisation": "đơn vị",
        "incident_province": "tỉnh",
        "incident_contact_name": "người liên hệ",
        "incident_contact_phone": "số điện thoại liên hệ",
        "incident_category": "loại sự cố",
        "incident_detected_at": "thời gian phát hiện",
        "incident_area": "khu vực",
        "incident_services": "dịch vụ bị ảnh hưởng",
        "incident_severity": "mức độ",
        "incident_description": "mô tả",
        "incident_actions_taken": "việc đã xử lý",
        "incident_cause": "nguyên nhân",
        "incident_support": "đề nghị hỗ trợ",
    }
    value_labels: ClassVar[dict[str, str]] = LABELS
    confirm_slot: ClassVar[str | None] = "incident_confirm"
    what: ClassVar[str] = "Báo cáo sự cố"

    def name(self) -> str:
        return "validate_incident_form"

    @staticmethod
    def _text(
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        optional: bool = False,
    ) -> dict[str, Any]:
        text = clean_message(str(value or ""))
        if optional and forms.is_skip(text):
            return {slot: "-"}
        if not text or not any(c.isalpha() for c in text):
            return forms.failed(
                slot,
                "Xin nhập nội dung bằng chữ, ví dụ như gợi ý ở câu hỏi.",
                tracker,
                dispatcher,
                optional,
            )
        return {slot: text[:MAX_TEXT]}

    async def validate_incident_organisation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_organisation", value, dispatcher, tracker)

    async def validate_incident_province(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return forms.province_slot("incident_province", value, tracker, dispatcher)

    async def validate_incident_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_contact_name", value, dispatcher, tracker)

    async def validate_incident_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            phone = parsing.phone(str(value))
        except ValueError as error:
            return forms.failed("incident_contact_phone", str(error), tracker, dispatcher, False)
        return {"incident_contact_phone": phone.display}

    async def validate_incident_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        message = f"Xin chọn một loại: {_choices(IncidentCategory)}."
        return _pick("incident_category", value, IncidentCategory, message, tracker, dispatcher)

    async def validate_incident_detected_at(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        try:
            moment = (
                datetime.fromisoformat(text) if "T" in text else parsing.past_moment(text, now())
            )
        except ValueError as error:
            return forms.failed("incident_detected_at", str(error), tracker, dispatcher, False)
        return {"incident_detected_at": moment.isoformat()}

    async def validate_incident_area(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_area", value, dispatcher, tracker)

    async def validate_incident_services(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_services", value, dispatcher, tracker)

    async def validate_incident_severity(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        message = f"Xin chọn mức độ: {_choices(Severity)}."
        return _pick("incident_severity", value, Severity, message, tracker, dispatcher)

    async def validate_incident_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_description", value, dispatcher, tracker)

    async def validate_incident_actions_taken(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_actions_taken", value, dispatcher, tracker)

    async def validate_incident_cause(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_cause", value, dispatcher, tracker, optional=True)

    async def validate_incident_support(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._text("incident_support", value, dispatcher, tracker, optional=True)


def incident_payload(tracker: Tracker) -> dict[str, Any]:
    """The store's incident body from the form's slots, the extracted numbers and the submitter."""
    slot = tracker.get_slot
    facts = dict(slot("incident_facts") or {})
    phone = parsing.phone(str(slot("incident_contact_phone")))
    optional = {
        name: (None if slot(f"incident_{name}") in (None, "-") else slot(f"incident_{name}"))
        for name in ("cause", "support")
    }
    return {
        "idempotency_key": f"incident-{facts.pop('key', uuid.uuid4().hex)}",
        "submitter": parsing.submitter(tracker),
        "organisation": slot("incident_organisation"),
        "province": slot("incident_province"),
        "stage": slot("incident_stage") or "ban_dau",
        "contact_name": slot("incident_contact_name"),
        "contact_phone": phone.e164,
        "category": slot("incident_category"),
        "detected_at": slot("incident_detected_at"),
        "area": slot("incident_area"),
        "services_affected": slot("incident_services"),
        "severity": slot("incident_severity"),
        "description": slot("incident_description"),
        "actions_taken": slot("incident_actions_taken"),
        "cause": optional["cause"],
        "support_needed": optional["support"],
        **{
            k: v
            for k, v in facts.items()
            if k in ("bts_down", "bts_total", "routes_cut", "subscribers_affected")
        },
    }


def _moment(value: str | None) -> str:
    if not value:
        return "chưa rõ"
    moment = datetime.fromisoformat(value).astimezone(VN_TZ)
    return f"{moment:%H}h{moment:%M} {moment:%d/%m/%Y}"


def _optional(value: Any, absent: str) -> str:
    return absent if value in (None, "-") else str(value)


def summary_lines(tracker: Tracker) -> list[str]:
    """What will be sent, as the user reviews it before «Gửi»."""
    slot = tracker.get_slot
    category = LABELS.get(slot("incident_category"), slot("incident_category"))
    severity = LABELS.get(slot("incident_severity"), slot("incident_severity"))
    return [
        f"Báo cáo sự cố sẽ gửi về Sở ({slot('incident_province')}):",
        f"• Đơn vị: {slot('incident_organisation')}",
        f"• Người liên hệ: {slot('incident_contact_name')}, {slot('incident_contact_phone')}",
        f"• Loại sự cố: {category} · Mức độ: {severity}",
        f"• Phát hiện lúc: {_moment(slot('incident_detected_at'))} · Khu vực: {slot('incident_area')}",
        f"• Dịch vụ bị ảnh hưởng: {slot('incident_services')}",
        f"• Mô tả: {slot('incident_description')}",
        f"• Việc đã xử lý: {slot('incident_actions_taken')}",
        f"• Nguyên nhân: {_optional(slot('incident_cause'), 'chưa rõ')}",
        f"• Đề nghị hỗ trợ: {_optional(slot('incident_support'), 'không')}",
    ]


class ActionAskIncidentConfirm(forms.SummaryPrompt):
    """The incident report as it will be sent; «Gửi» files it."""

    validation = ValidateIncidentForm
    example = "mức độ"

    def name(self) -> str:
        return "action_ask_incident_confirm"

    def summary(self, tracker: Tracker) -> str:
        return "\n".join(summary_lines(tracker))


def receipt_text(reference: str) -> str:
    return (
        f"Đã gửi báo cáo sự cố về Sở. Mã tiếp nhận: {reference}.\n"
        f"Khi có diễn biến mới hoặc đã khắc phục xong, bạn nhắn «cập nhật sự cố {reference}»."
    )


class ActionSubmitIncident(SubmittingAction):
    """Send the confirmed report (or spool it) and give the reference; the form's values are then
    cleared."""

    def name(self) -> str:
        return "action_submit_incident"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        outcome = await self.file(dispatcher, "incident", incident_payload(tracker))
        if outcome.rejected:
            return []
        if not outcome.spooled:
            dispatcher.utter_message(text=receipt_text(outcome.reference or ""))
        return [
            SlotSet(name, None)
            for name in [*FORM_SLOTS, "incident_facts", "incident_stage", "form_tries"]
        ]
