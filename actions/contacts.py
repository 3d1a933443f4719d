"""Answering 'số điện thoại đường dây nóng <tỉnh>' from the store."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import ask_province_buttons, contacts_text
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient, StoreUnavailable
from vntext.provinces import ProvinceMention, find_in_text, resolve


def province_from(tracker: Tracker) -> ProvinceMention | None:
    """The province asked about: named in the message, else extracted, else remembered, else profile."""
    text = tracker.latest_message.get("text") or ""
    mention = find_in_text(text)
    if mention:
        return mention
    for value in tracker.get_latest_entity_values("province"):
        mention = resolve(str(value))
        if mention:
            return mention
    remembered = tracker.get_slot("province")
    if remembered and (mention := resolve(remembered)):
        return mention
    user_event = tracker.get_last_event_for("user") or {}
    profile = (user_event.get("metadata") or {}).get("profile") or {}
    if profile.get("province"):
        return resolve(str(profile["province"]))
    return None


class ActionAnswerContacts(Action):
    """Hotlines, phones and e-mails of the province's directive, with its citation."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or StoreClient()

    def name(self) -> str:
        return "action_answer_contacts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        mention = province_from(tracker)
        if mention is None:
            dispatcher.utter_message(
                text="Bạn hỏi về tỉnh/thành phố nào? Chọn bên dưới hoặc gõ tên tỉnh.",
                buttons=ask_province_buttons(),
            )
            return []
        try:
            answer = await self.client.contacts(mention.named)
        except StoreUnavailable:
            dispatcher.utter_message(text=STORE_UNAVAILABLE_TEXT)
            return [SlotSet("province", mention.named)]
        if answer is None:
            dispatcher.utter_message(text=f"Tôi không tìm thấy tỉnh/thành phố «{mention.named}».")
            return []
        dispatcher.utter_message(text=contacts_text(answer))
        return [SlotSet("province", mention.named)]
