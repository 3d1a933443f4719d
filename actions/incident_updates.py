"""Updates and closing reports for an incident already reported ("cập nhật sự cố SC-2026-000045").

The update names the initial report (or the bot finds the user's one open incident, among the
incidents the store lists for this user: X-Acting-User); everything the initial report said is
carried over, so the user only tells what changed: the situation, what was
done, and for a closing report when service came back. Like every form it ends with a summary of
what will be sent and «Gửi» / «Sửa» / «Hủy» (actions/forms.py): nothing is filed before «Gửi».
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import forms, parsing
from actions.acting import acting_headers, refusal
from actions.context import message_text
from actions.delivery import SubmittingAction
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient, StoreError, shared
from common.vocabulary import Stage
from vntext.dates import DateParseError, find_datetime, parse_past_datetime
from vntext.normalize import clean_message, fold
from vntext.timefmt import VN_TZ, now, when_text

FORM_SLOTS = [
    "update_stage",
    "update_description",
    "update_actions",
    "update_restored_at",
    "update_cause",
    "update_confirm",
]
STATE_SLOTS = ["update_parent", "update_key"]
# The stages a follow-up report can have (the first report is "ban_dau").
STAGES = {stage.value: stage.in_sentence for stage in (Stage.CAP_NHAT, Stage.KET_THUC)}
STAGE_MEANINGS = {"cap_nhat": "sự cố còn tiếp diễn", "ket_thuc": "đã khắc phục xong"}
BECOMES_CLOSING_TEXT = "Có thời gian khôi phục nên đây là báo cáo kết thúc (đã khắc phục xong)."
_REFERENCE_RE = re.compile(r"\bSC[\s-]*(\d{4})[\s-]*(\d{1,6})\b", re.IGNORECASE)
_CLOSING_WORDS = (
    "khac phuc xong",
    "da khac phuc",
    "da khoi phuc",
    "khoi phuc xong",
    "ket thuc",
    "hoat dong tro lai",
    "da xu ly xong",
    "xu ly xong",
    "binh thuong tro lai",
    "da co song",
)
_UPDATE_WORDS = ("cap nhat", "dien bien", "tinh hinh moi", "bo sung")
MAX_TEXT = 5000


def reference_in(text: str) -> str | None:
    """ "SC-2026-000045" however it was typed ("sc 2026 45")."""
    match = _REFERENCE_RE.search(text)
    return f"SC-{match[1]}-{int(match[2]):06d}" if match else None


def stage_in(text: str) -> str | None:
    folded = fold(text)
    if any(word in folded for word in _CLOSING_WORDS):
        return "ket_thuc"
    if any(word in folded for word in _UPDATE_WORDS):
        return "cap_nhat"
    return None


def _root(record: dict[str, Any]) -> str:
    return record.get("parent_reference") or record["reference"]


def open_incidents(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Initial reports of this user that no closing report has ended, newest first."""
    closed = {_root(r) for r in records if r["stage"] == "ket_thuc"}
    initial = [r for r in records if r["stage"] == "ban_dau" and r["reference"] not in closed]
    return sorted(initial, key=lambda r: r["created_at"], reverse=True)


def _restored_from(text: str, detected_at: str) -> str | None:
    """A restoration time named in the opening sentence ("đã khắc phục lúc 10h15")."""
    text = _REFERENCE_RE.sub(" ", text)
    try:
        if find_datetime(text, now()) is None:
            return None
        moment = parse_past_datetime(text, now())
    except DateParseError:
        return None
    return moment.isoformat() if moment >= datetime.fromisoformat(detected_at) else None


class ActionStartIncidentUpdate(Action):
    """Find the incident being updated, carry its report over, prefill what the sentence says."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or shared()

    def name(self) -> str:
        return "action_start_incident_update"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            records = (
                await self.client.get_json("/api/incidents", headers=acting_headers(tracker)) or []
            )
        except StoreError as error:
            dispatcher.utter_message(text=refusal(error) or STORE_UNAVAILABLE_TEXT)
            return [SlotSet("update_parent", None)]
        text = clean_message(message_text(tracker))
        parent = self._parent(text, records, dispatcher)
        if parent is None:
            return [SlotSet("update_parent", None)]
        stage = stage_in(text)
        restored = _restored_from(text, parent["detected_at"]) if stage == "ket_thuc" else None
        dispatcher.utter_message(
            text=f"Báo cáo tiếp cho sự cố {parent['reference']} ({parent['area']}, "
            f"{parent['description'][:80]}). Gõ «hủy» để dừng."
        )
        keep = ("reference", "organisation", "province", "contact_name", "contact_phone_display",
                "category", "detected_at", "area", "services_affected", "severity", "cause")  # fmt: skip
        return [
            SlotSet("update_parent", {key: parent.get(key) for key in keep}),
            SlotSet("update_key", uuid.uuid4().hex),
            SlotSet("update_stage", stage),
            SlotSet("update_restored_at", restored),
            SlotSet("update_description", None),
            SlotSet("update_actions", None),
            SlotSet("update_cause", parent.get("cause")),
            SlotSet("update_confirm", None),
            SlotSet("form_tries", None),
        ]

    @staticmethod
    def _parent(
        text: str, records: list[dict[str, Any]], dispatcher: CollectingDispatcher
    ) -> dict[str, Any] | None:
        """The initial report named in text, or the user's only open one; else explain."""
        reference = reference_in(text)
        if reference:
            mine = {r["reference"]: r for r in records}
            record = mine.get(reference)
            if record is None:
                dispatcher.utter_message(
                    text=f"Không tìm thấy sự cố {reference} trong các báo cáo bạn đã gửi. "
                    "Gõ «xem báo cáo của tôi» để xem mã các sự cố của bạn."
                )
                return None
            return mine.get(_root(record), record)
        candidates = open_incidents(records)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            dispatcher.utter_message(
                text="Bạn chưa có sự cố nào đang mở. Để báo sự cố mới, hãy mô tả sự cố, "
                "ví dụ: «mất sóng 12 trạm BTS ở Kỳ Anh từ 8h30»."
            )
            return None
        buttons = [
            {
                "title": f"{r['reference']} · {r['area']}"[:60],
                "payload": f"cập nhật sự cố {r['reference']}",
            }
            for r in candidates[:8]
        ]
        dispatcher.utter_message(text="Bạn muốn cập nhật sự cố nào?", buttons=buttons)
        return None


class ValidateIncidentUpdateForm(forms.CollectionFormValidation):
    """Stage, situation, what was done, restoration time (closing reports) and cause, then the
    summary; questions, greetings and edits at any prompt are handled by the shared class."""

    editable: ClassVar[dict[str, str]] = {
        "loai bao cao": "update_stage",
        "giai doan": "update_stage",
        "tinh hinh": "update_description",
        "dien bien": "update_description",
        "mo ta": "update_description",
        "noi dung": "update_description",
        "viec da lam": "update_actions",
        "da lam": "update_actions",
        "viec da xu ly": "update_actions",
        "da xu ly": "update_actions",
        "xu ly": "update_actions",
        "bien phap": "update_actions",
        "thoi gian khoi phuc": "update_restored_at",
        "thoi diem khoi phuc": "update_restored_at",
        "gio khoi phuc": "update_restored_at",
        "khoi phuc luc": "update_restored_at",
        "nguyen nhan": "update_cause",
    }
    labels: ClassVar[dict[str, str]] = {
        "update_stage": "loại báo cáo",
        "update_description": "tình hình",
        "update_actions": "việc đã làm",
        "update_restored_at": "thời gian khôi phục",
        "update_cause": "nguyên nhân",
    }
    value_labels: ClassVar[dict[str, str]] = Stage.labels()
    confirm_slot: ClassVar[str | None] = "update_confirm"
    what: ClassVar[str] = "Báo cáo cập nhật sự cố"

    def name(self) -> str:
        return "validate_incident_update_form"

    def shown_value(self, slot: str, value: Any) -> str:
        """The restoration time as people write it, not as it is stored."""
        if slot == "update_restored_at":
            return when_text(datetime.fromisoformat(value))
        return super().shown_value(slot, value)

    async def _not_a_value(
        self,
        requested: str,
        text: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType] | None:
        """«Sửa thời gian khôi phục» on an update report makes it a closing report: only those
        have a restoration time, so otherwise the field would be cleared and never asked."""
        asks_again = forms.edit_request(text, self.editable) is None and (
            forms.field_to_redo(text, self.editable) == "update_restored_at"
        )
        if asks_again and tracker.get_slot("update_stage") == "cap_nhat":
            dispatcher.utter_message(text=BECOMES_CLOSING_TEXT)
            return [
                SlotSet("update_stage", "ket_thuc"),
                SlotSet("update_restored_at", None),
                SlotSet(requested, None),
            ]
        return await super()._not_a_value(requested, text, dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Nothing when no incident was found (the start explained why); a restoration time
        only for a closing report."""
        if not tracker.get_slot("update_parent"):
            return []
        if tracker.get_slot("update_stage") == "cap_nhat":
            return [slot for slot in domain_slots if slot != "update_restored_at"]
        return domain_slots

    async def validate_update_stage(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = fold(str(value or "")).strip(" .!")
        stage = text if text in STAGES else stage_in(text) or {"cap nhat": "cap_nhat"}.get(text)
        if stage is None:
            message = (
                "Xin chọn «Cập nhật» (sự cố còn tiếp diễn) hoặc «Kết thúc» (đã khắc phục xong)."
            )
            return forms.failed("update_stage", message, tracker, dispatcher, False)
        return {"update_stage": stage}

    async def validate_update_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _text("update_description", value, tracker, dispatcher, optional=False)

    async def validate_update_actions(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _text("update_actions", value, tracker, dispatcher, optional=False)

    async def validate_update_cause(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _text("update_cause", value, tracker, dispatcher, optional=True)

    async def validate_update_restored_at(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        parent = tracker.get_slot("update_parent") or {}
        try:
            moment = (
                datetime.fromisoformat(text) if "T" in text else parsing.past_moment(text, now())
            )
        except ValueError as error:
            return forms.failed("update_restored_at", str(error), tracker, dispatcher, False)
        detected = datetime.fromisoformat(parent["detected_at"]) if parent else None
        if detected and moment < detected:
            shown = detected.astimezone(VN_TZ)
            message = (
                f"Thời điểm khôi phục phải sau lúc phát hiện sự cố ({shown:%H}h{shown:%M} "
                f"{shown:%d/%m/%Y}). Ví dụ: «10h15»."
            )
            return forms.failed("update_restored_at", message, tracker, dispatcher, False)
        if tracker.get_slot("update_stage") == "cap_nhat":  # "sửa thời gian khôi phục thành …"
            dispatcher.utter_message(text=BECOMES_CLOSING_TEXT)
        return {"update_restored_at": moment.isoformat(), "update_stage": "ket_thuc"}


def _text(
    slot: str, value: Any, tracker: Tracker, dispatcher: CollectingDispatcher, optional: bool
) -> dict[str, Any]:
    text = clean_message(str(value or ""))
    if optional and forms.is_skip(text):
        return {slot: "-"}
    if not any(c.isalpha() for c in text):
        return forms.failed(slot, "Xin nhập nội dung bằng chữ.", tracker, dispatcher, optional)
    return {slot: text[:MAX_TEXT]}


def update_payload(tracker: Tracker) -> dict[str, Any]:
    """The parent's report with what changed; numbers in the new description are extracted."""
    slot = tracker.get_slot
    parent = dict(slot("update_parent") or {})
    description = slot("update_description")
    numbers = parsing.incident_facts(description or "", now()).numbers
    cause = slot("update_cause")
    return {
        "idempotency_key": f"incident-update-{slot('update_key') or uuid.uuid4().hex}",
        "submitter": parsing.submitter(tracker),
        "organisation": parent["organisation"],
        "province": parent["province"],
        "stage": slot("update_stage"),
        "parent_reference": parent["reference"],
        "contact_name": parent["contact_name"],
        "contact_phone": parent["contact_phone_display"],
        "category": parent["category"],
        "detected_at": parent["detected_at"],
        "area": parent["area"],
        "services_affected": parent["services_affected"],
        "severity": parent["severity"],
        "description": description,
        "actions_taken": slot("update_actions"),
        "cause": None if cause in (None, "-") else cause,
        "restored_at": slot("update_restored_at") if slot("update_stage") == "ket_thuc" else None,
        **numbers,
    }


def _duration(start: str, end: str) -> str:
    minutes = int(
        (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() // 60
    )
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes} phút" if hours else f"{minutes} phút"


def summary_lines(tracker: Tracker) -> list[str]:
    """What will be sent, as the user reviews it before «Gửi»: read from the very payload that is
    filed, so the summary cannot show what is not sent (a restoration time in an update report)."""
    payload = update_payload(tracker)
    stage = payload["stage"]
    lines = [
        f"Báo cáo {STAGES[stage]} sự cố {payload['parent_reference']} sẽ gửi về Sở "
        f"({payload['province']}):",
        f"• Sự cố: {payload['parent_reference']} · {payload['organisation']} · {payload['area']}",
        f"• Loại báo cáo: {Stage(stage).label} ({STAGE_MEANINGS[stage]})",
        f"• Tình hình hiện tại: {payload['description']}",
        f"• Việc đã làm: {payload['actions_taken']}",
    ]
    if payload["restored_at"]:
        spent = _duration(payload["detected_at"], payload["restored_at"])
        restored = when_text(datetime.fromisoformat(payload["restored_at"]))
        lines.append(f"• Khôi phục lúc: {restored} (khắc phục trong {spent})")
    lines.append(f"• Nguyên nhân: {payload['cause'] or 'chưa rõ'}")
    return lines


class ActionAskUpdateConfirm(forms.SummaryPrompt):
    """The update or closing report as it will be sent; «Gửi» files it."""

    validation = ValidateIncidentUpdateForm
    example = "tình hình"

    def name(self) -> str:
        return "action_ask_update_confirm"

    def summary(self, tracker: Tracker) -> str:
        return "\n".join(summary_lines(tracker))


class ActionSubmitIncidentUpdate(SubmittingAction):
    def name(self) -> str:
        return "action_submit_incident_update"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not tracker.get_slot("update_parent"):
            return []  # no incident to update; the start action already said why
        if tracker.get_slot("update_confirm") != "yes":
            return []  # only the summary's «Gửi» files a report; the form never ends without it
        payload = update_payload(tracker)
        outcome = await self.file(dispatcher, "incident", payload)
        if outcome.rejected:
            return []
        if not outcome.spooled:
            lines = [
                f"Đã gửi báo cáo {STAGES[payload['stage']]} sự cố {payload['parent_reference']} "
                f"về Sở. Mã tiếp nhận: {outcome.reference}."
            ]
            if payload["restored_at"]:
                spent = _duration(payload["detected_at"], payload["restored_at"])
                lines.append(f"Thời gian khắc phục: {spent}.")
            else:
                lines.append(
                    f"Khi khắc phục xong, nhắn «đã khắc phục sự cố {payload['parent_reference']}»."
                )
            dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet(name, None) for name in [*FORM_SLOTS, *STATE_SLOTS, "form_tries"]]
