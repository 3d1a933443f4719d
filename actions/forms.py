"""What every collection form shares: tries per slot, skipping, cancelling, questions mid-form.

A duty officer who asks "hạn nộp là khi nào?" in the middle of a report gets the answer and the
form asks its question again; three failed tries at one field offer a way out.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directives import TOPIC_ACTIONS
from vntext.normalize import fold
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
    answered with the ordinary answering action, and the same field is asked again."""

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
        return await super().get_validation_events(dispatcher, tracker, domain)
