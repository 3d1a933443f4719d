"""What every collection form shares: tries per slot, skipping, cancelling, questions mid-form.

A duty officer who asks "hạn nộp là khi nào?" in the middle of a report gets the answer and the
form asks its question again; three failed tries at one field offer a way out.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any, ClassVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directives import TOPIC_ACTIONS
from vntext.dates import fold_keep_offsets
from vntext.normalize import clean_message, fold
from vntext.provinces import find_in_text, resolve

MAX_TRIES = 3
SKIP_WORDS = {
    "bo qua",
    "skip",
    "khong",
    "khong co",
    "chua ro",
    "khong ro",
    "chua biet",
    "khong biet",
    "khong can",
}
QUESTION_TOPICS = {
    "ask_contact": "contacts",
    "ask_deadline": "deadlines",
    "ask_duties": "duties",
    "ask_holiday": "holidays",
    "ask_directive_info": "directive",
}
_QUESTION_MARKERS = (
    "?",
    "khi nao",
    "la gi",
    "bao gio",
    "o dau",
    "the nao",
    "bao nhieu",
    "may gio",
    "ai ",
)
CANCELLED_TEXT = "Đã hủy. Chưa có thông tin nào được gửi về Sở. Khi cần, bạn cứ nhắn lại."


_EDIT_RE = re.compile(
    r"^(?:sua|doi|thay|chinh)\s+(?P<field>.+?)\s*(?:\sthanh\s|\sla\s|:)\s*(?P<value>\S.*)$"
)


def edit_request(text: str, fields: dict[str, str]) -> tuple[str, str] | None:
    """(slot, new value) from "sửa số điện thoại thành 0987 654 321" for a form's editable fields."""
    original = clean_message(text)
    match = _EDIT_RE.match(fold_keep_offsets(original))
    if match is None:
        return None
    slot = fields.get(match["field"].strip())
    return (slot, original[match.start("value") :].strip()) if slot else None


def is_skip(text: str) -> bool:
    return fold(text).strip(" .!") in SKIP_WORDS


def question_topic(tracker: Tracker) -> str | None:
    """The topic of a question asked instead of answering the form, or None for an answer."""
    intent = tracker.latest_message.get("intent") or {}
    topic = QUESTION_TOPICS.get(intent.get("name", ""))
    text = fold(tracker.latest_message.get("text") or "")
    if topic and intent.get("confidence", 0) >= 0.5 and any(m in text for m in _QUESTION_MARKERS):
        return topic
    return None


async def answer_question(
    topic: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> None:
    """Answer a mid-form question with the ordinary answering action; the form then resumes."""
    await TOPIC_ACTIONS[topic]().run(dispatcher, tracker, domain)
    dispatcher.utter_message(text="Tôi tiếp tục phần báo cáo đang dở nhé.")


def failed(
    slot: str, message: str, tracker: Tracker, dispatcher: CollectingDispatcher, optional: bool
) -> dict[str, Any]:
    """Count a failed try; after MAX_TRIES offer to skip (optional fields) or cancel."""
    tries = dict(tracker.get_slot("form_tries") or {})
    tries[slot] = tries.get(slot, 0) + 1
    hint = ""
    if tries[slot] >= MAX_TRIES:
        hint = (
            " Gõ «bỏ qua» để bỏ qua mục này" if optional else " Bạn có thể gõ «hủy» để dừng báo cáo"
        )
        hint += " hoặc nhập lại theo ví dụ."
    dispatcher.utter_message(text=message + hint)
    return {slot: None, "form_tries": tries}


def province_slot(
    slot: str, value: Any, tracker: Tracker, dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """A province typed in any spelling, stored as today's province; a failed try otherwise."""
    text = str(value or "")
    mention = resolve(text) or find_in_text(text)
    if mention is None:
        message = "Tôi chưa nhận ra tên tỉnh/thành phố. Ví dụ: «Hà Tĩnh», «Bắc Ninh»."
        return failed(slot, message, tracker, dispatcher, False)
    return {slot: mention.current}


def cancel_events(slots: list[str]) -> list[EventType]:
    """Leave the form and forget its values; nothing has been sent."""
    events: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
    events += [SlotSet(slot, None) for slot in slots]
    return [*events, SlotSet("form_tries", None)]


class CollectionFormValidation(FormValidationAction):
    """Validation shared by the collection forms: a question asked instead of an answer is
    answered with the ordinary answering action, and the same field is asked again; a value
    already given (or pre-filled from the profile) can be changed with "sửa <field> thành …"."""

    # Folded field words -> slot, for "sửa <field> thành <value>" in the middle of the form.
    editable: ClassVar[dict[str, str]] = {}
    labels: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def name(self) -> str: ...

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        topic = question_topic(tracker)
        if requested and topic:
            await answer_question(topic, dispatcher, tracker, domain)
            return [SlotSet(requested, None)]
        edit = edit_request(tracker.latest_message.get("text") or "", self.editable)
        if requested and edit:
            return await self._edit(*edit, requested, dispatcher, tracker, domain)
        return await self._validate_given(dispatcher, tracker, domain)

    async def _validate_given(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa-sdk's validation loop, minus slots set to None: when a form starts, the start
        action's empty pre-fills are among the "recently set" slots, and validating them would
        greet the user with one error per missing field."""
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        slots = {k: v for k, v in tracker.slots_to_validate().items() if k in wanted}
        for name, value in list(slots.items()):
            method = getattr(self, f"validate_{name}", None)
            if value is None or method is None:
                continue
            output = await method(value, dispatcher, tracker, domain)
            slots.update(output)
            tracker.slots.update(output)
        return [SlotSet(name, value) for name, value in slots.items()]

    async def _edit(
        self,
        slot: str,
        value: str,
        requested: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        """Validate the new value as the form would; the question being asked stays open."""
        result = await getattr(self, f"validate_{slot}")(value, dispatcher, tracker, domain)
        if result.get(slot) is not None:
            dispatcher.utter_message(text=f"Đã sửa {self.labels.get(slot, slot)}: {result[slot]}.")
        events = [SlotSet(name, new) for name, new in result.items() if name != requested]
        return [*events, SlotSet(requested, None)]
