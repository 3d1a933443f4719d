"""Duty rosters in conversation: pasted lists or questions, a review table, then the store.

"gửi danh sách trực" (or a pasted list) starts the roster form; its last slot, roster_review, is a
loop: each message adds lines, answers the field being asked, or edits/removes/confirms
(actions/roster_review.py). Confirming sends the roster with an idempotency key, or spools it.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import forms, parsing
from actions import roster_review as review
from actions.context import message_text, profile, province_from
from actions.delivery import SubmittingAction
from actions.directives import say
from vntext.normalize import fold
from vntext.timefmt import now

FORM_SLOTS = ["roster_organisation", "roster_province", "roster_review"]
EDIT_BUTTON = {"title": "Sửa", "payload": "sửa"}
STATE_SLOTS = ["roster_entries", "roster_edit", "roster_key"]


def _entries(tracker: Tracker) -> list[review.Entry]:
    return list(tracker.get_slot("roster_entries") or [])


class ActionStartRoster(Action):
    """Prefill organisation and province; keep any lines the first message already holds."""

    def name(self) -> str:
        return "action_start_roster"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        user = profile(tracker)
        mention = province_from(tracker)
        entries = _entries(tracker)  # kept from a roster the store refused, else empty
        added, problems = review.read_lines(message_text(tracker), now())
        entries += [e for e in added if e["full_name"]]
        lead = "Tôi nhận danh sách trực Tết. Gõ «hủy» bất cứ lúc nào để dừng."
        if added:
            lead += f"\nĐã đọc {len(added)} dòng từ tin nhắn của bạn."
            lead += "".join(f"\n• {p}" for p in problems)
        dispatcher.utter_message(text=lead)
        return [
            SlotSet("roster_organisation", user.get("organisation")),
            SlotSet("roster_province", mention.current if mention else None),
            SlotSet("roster_entries", entries),
            SlotSet("roster_edit", None),
            SlotSet("roster_key", tracker.get_slot("roster_key") or uuid.uuid4().hex),
            SlotSet("roster_review", None),
            SlotSet("form_tries", None),
        ]


class ActionAskRosterReview(Action):
    """Ask for what is missing, or show the table for confirmation."""

    def name(self) -> str:
        return "action_ask_roster_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text, pending, buttons = review.prompt(
            _entries(tracker),
            tracker.get_slot("roster_edit"),
            tracker.get_slot("roster_organisation"),
        )
        if any(b["payload"] == "xác nhận" for b in buttons):  # the table: send, edit or cancel
            buttons = [buttons[0], EDIT_BUTTON, *buttons[1:]]
        say(dispatcher, text, buttons=buttons)
        return [SlotSet("roster_edit", pending)]


class ValidateRosterForm(forms.CollectionFormValidation):
    """Organisation and province, then the review loop of actions/roster_review.py."""

    what: ClassVar[str] = "Danh sách trực"

    def name(self) -> str:
        return "validate_roster_form"

    def fields_text(self) -> str:
        """A bare «Sửa»: the review's own commands, by example."""
        return (
            "Bạn muốn sửa gì? Ví dụ: «sửa số điện thoại dòng 2 thành 0912345678», "
            "«sửa ngày dòng 1 thành mùng 2 Tết», «xóa dòng 3», «đổi đơn vị thành VNPT Hà Tĩnh»."
        )

    def field_buttons(self) -> list[dict[str, str]]:
        return []

    async def validate_roster_organisation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            return {"roster_organisation": review.read_value("organisation", str(value), now())}
        except review.ValueProblem as error:
            return forms.failed("roster_organisation", str(error), tracker, dispatcher, False)

    async def validate_roster_province(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return forms.province_slot("roster_province", value, tracker, dispatcher)

    async def validate_roster_review(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        step = review.review(
            str(value or ""),
            _entries(tracker),
            tracker.get_slot("roster_edit"),
            tracker.get_slot("roster_organisation"),
            now(),
        )
        for message in step.messages:
            say(dispatcher, message)
        slots = {
            "roster_entries": step.entries,
            "roster_edit": step.pending,
            "roster_organisation": step.organisation,
        }
        if step.problem:
            pending = step.pending or {}
            optional = pending.get("field") in review.OPTIONAL
            return slots | forms.failed(
                "roster_review", step.problem, tracker, dispatcher, optional
            )
        return slots | {"roster_review": "confirmed" if step.done else None, "form_tries": None}


def roster_payload(tracker: Tracker) -> dict[str, Any]:
    slot = tracker.get_slot
    return {
        "idempotency_key": f"roster-{slot('roster_key') or uuid.uuid4().hex}",
        "submitter": parsing.submitter(tracker),
        "organisation": slot("roster_organisation"),
        "province": slot("roster_province"),
        "entries": review.payload_entries(_entries(tracker)),
    }


class ActionSubmitRoster(SubmittingAction):
    """Send the confirmed roster (or spool it) and give the reference."""

    def name(self) -> str:
        return "action_submit_roster"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        payload = roster_payload(tracker)
        keep = "Danh sách vẫn được giữ; gõ «gửi danh sách trực» để sửa rồi gửi lại."
        outcome = await self.file(dispatcher, "roster", payload, "danh sách", keep)
        if outcome.rejected:
            return [SlotSet("roster_review", None)]
        if not outcome.spooled:
            people = len({fold(e["full_name"]) for e in payload["entries"]})
            dispatcher.utter_message(
                text=f"Đã gửi danh sách trực của {payload['organisation']} về Sở "
                f"({people} người, {len(payload['entries'])} dòng). "
                f"Mã tiếp nhận: {outcome.reference}."
            )
        return [SlotSet(name, None) for name in [*FORM_SLOTS, *STATE_SLOTS, "form_tries"]]
