"""Results reports: the summary the directive asks for, linked to its deadline, late ones marked."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import forms, parsing
from actions.context import profile, province_from
from actions.delivery import SubmittingAction
from vntext.normalize import clean_message
from vntext.timefmt import VN_TZ

FORM_SLOTS = [
    "results_province",
    "results_organisation",
    "results_summary",
    "results_file",
    "results_key",
    "results_confirm",
]
MAX_SUMMARY = 20000


class ActionStartResults(Action):
    """Prefill province and organisation from the conversation and the profile."""

    def name(self) -> str:
        return "action_start_results"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        mention = province_from(tracker)
        organisation = profile(tracker).get("organisation")
        known = f" của {organisation}" if organisation else ""
        change = " (nhắn «sửa đơn vị thành …» để đổi)" if organisation else ""
        dispatcher.utter_message(
            text=f"Tôi nhận báo cáo kết quả thực hiện công văn{known}{change}. Gõ «hủy» để dừng."
        )
        return [
            SlotSet("results_province", mention.current if mention else None),
            SlotSet("results_organisation", profile(tracker).get("organisation")),
            SlotSet("results_summary", None),
            SlotSet("results_file", None),
            SlotSet("results_key", uuid.uuid4().hex),
            SlotSet("results_confirm", None),
            SlotSet("form_tries", None),
        ]


class ValidateResultsForm(forms.CollectionFormValidation):
    """A company name, a summary of at least a sentence, an optional document reference."""

    editable: ClassVar[dict[str, str]] = {
        "don vi": "results_organisation",
        "ten don vi": "results_organisation",
        "doanh nghiep": "results_organisation",
        "ten doanh nghiep": "results_organisation",
        "tinh": "results_province",
        "tinh thanh": "results_province",
        "tom tat": "results_summary",
        "noi dung": "results_summary",
        "ket qua": "results_summary",
        "van ban": "results_file",
        "van ban kem theo": "results_file",
        "tep": "results_file",
        "file": "results_file",
        "so van ban": "results_file",
    }
    labels: ClassVar[dict[str, str]] = {
        "results_organisation": "đơn vị",
        "results_province": "tỉnh",
        "results_summary": "tóm tắt",
        "results_file": "văn bản kèm theo",
    }
    confirm_slot: ClassVar[str | None] = "results_confirm"
    what: ClassVar[str] = "Báo cáo kết quả"

    def name(self) -> str:
        return "validate_results_form"

    async def validate_results_province(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return forms.province_slot("results_province", value, tracker, dispatcher)

    async def validate_results_organisation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_message(str(value or ""))[:300]
        if not any(c.isalpha() for c in text):
            return forms.failed(
                "results_organisation", "Xin nhập tên doanh nghiệp.", tracker, dispatcher, False
            )
        return {"results_organisation": text}

    async def validate_results_summary(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_message(str(value or ""))[:MAX_SUMMARY]
        if len(text) < 10:
            message = "Tóm tắt còn quá ngắn; xin viết ít nhất một câu về kết quả thực hiện."
            return forms.failed("results_summary", message, tracker, dispatcher, False)
        return {"results_summary": text}

    async def validate_results_file(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_message(str(value or ""))[:500]
        return {"results_file": "-" if forms.is_skip(text) or not text else text}


class ActionAskResultsConfirm(forms.SummaryPrompt):
    """The results report as it will be sent; «Gửi» files it."""

    validation = ValidateResultsForm
    example = "tóm tắt"

    def name(self) -> str:
        return "action_ask_results_confirm"

    def summary(self, tracker: Tracker) -> str:
        slot = tracker.get_slot
        document = slot("results_file")
        return "\n".join(
            [
                f"Báo cáo kết quả sẽ gửi về Sở ({slot('results_province')}):",
                f"• Đơn vị: {slot('results_organisation')}",
                f"• Tóm tắt: {slot('results_summary')}",
                f"• Văn bản kèm theo: {'không' if document in (None, '-') else document}",
            ]
        )


def results_payload(tracker: Tracker) -> dict[str, Any]:
    slot = tracker.get_slot
    file_reference = slot("results_file")
    return {
        "idempotency_key": f"results-{slot('results_key') or uuid.uuid4().hex}",
        "submitter": parsing.submitter(tracker),
        "organisation": slot("results_organisation"),
        "province": slot("results_province"),
        "summary": slot("results_summary"),
        "file_reference": None if file_reference in (None, "-") else file_reference,
    }


def received_text(answer: dict[str, Any]) -> str:
    """Reference, and whether it came in time against the directive's deadline."""
    lines = [f"Sở đã nhận báo cáo kết quả. Mã tiếp nhận: {answer['reference']}."]
    if answer.get("deadline"):
        due = datetime.fromisoformat(answer["deadline"]).astimezone(VN_TZ)
        stamp = f"{due:%H}h{due:%M} {due:%d/%m/%Y}"
        lines.append(
            f"Báo cáo nộp sau thời hạn {stamp}; Sở vẫn tiếp nhận và ghi là nộp muộn."
            if answer.get("late")
            else f"Nộp đúng hạn (trước {stamp})."
        )
    return "\n".join(lines)


class ActionSubmitResults(SubmittingAction):
    def name(self) -> str:
        return "action_submit_results"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        payload = results_payload(tracker)
        outcome = await self.file(dispatcher, "results", payload)
        if outcome.rejected:
            return []
        if outcome.record is not None:  # the store's answer carries the deadline and lateness
            dispatcher.utter_message(text=received_text(outcome.record))
        return [SlotSet(name, None) for name in [*FORM_SLOTS, "form_tries"]]
