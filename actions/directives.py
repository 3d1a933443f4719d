"""Answers from the province's directive: contacts, deadlines, duties, holidays, the directive itself.

Each answer comes from the store at the time of asking, so a newly ingested directive is answerable
at once without retraining Rasa.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.context import audiences_from, message_text, province_from, tet_from
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient, StoreError, shared
from vntext.audiences import audiences_in
from vntext.messages import split_message
from vntext.timefmt import now

EMPTY_QUERY_TEXT = (
    "Xin lỗi, tôi chưa hiểu ý bạn. Bạn có thể hỏi ví dụ: «Số điện thoại đường dây nóng Hà Tĩnh», "
    "«Hạn nộp báo cáo Bắc Ninh», hoặc gõ «trợ giúp»."
)


async def ask_province(dispatcher: CollectingDispatcher, client: StoreClient, topic: str) -> None:
    """Which province? With a button for each province whose directive is loaded."""
    try:
        provinces = await client.directive_provinces()
    except StoreError:
        provinces = []
    dispatcher.utter_message(
        text=f"Bạn hỏi {topic} của tỉnh/thành phố nào? Chọn bên dưới hoặc gõ tên tỉnh.",
        buttons=replies.ask_province_buttons(provinces),
    )


def relevant_hits(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The hits the store judged close enough to quote."""
    threshold = answer.get("threshold", 1.0)
    return [h for h in answer.get("hits", []) if h.get("relevant", h["score"] >= threshold)]


async def quoted_passages(client: StoreClient, tracker: Tracker) -> str | None:
    """The province's directive passages that answer the message, quoted; None when none does.

    Directives often publish who is on duty and what to do in prose or tables; those answers are
    public text, so anyone may read them."""
    mention = province_from(tracker)
    if mention is None:
        return None
    try:
        answer = await client.search(message_text(tracker), mention.named, tet_from(tracker))
    except StoreError:
        return None
    hits = relevant_hits(answer)
    return replies.search_text(hits[:2]) if hits else None


def names_any(text: str, audiences: list[str]) -> bool:
    """Whether a passage names one of the kinds of organisation asked about."""
    return bool(set(audiences_in(text)) & set(audiences))


def say(dispatcher: CollectingDispatcher, text: str, **kwargs: Any) -> None:
    """Send text, split to fit one chat message each; buttons go with the last part."""
    parts = split_message(text)
    for part in parts[:-1]:
        dispatcher.utter_message(text=part)
    dispatcher.utter_message(text=parts[-1], **kwargs)


class DirectiveAnswer(Action, metaclass=ABCMeta):
    """Shared flow: find the province (or ask), fetch its directive, render one topic.

    Abstract, so rasa-sdk registers only the concrete topics.
    """

    topic: ClassVar[str]

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or shared()

    def name(self) -> str:
        return f"action_answer_{self.topic}"

    @abstractmethod
    async def render(
        self, directive: dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> None: ...

    async def passages(
        self, directive: dict[str, Any], tracker: Tracker, limit: int = 3
    ) -> list[dict[str, Any]]:
        """The directive's own passages relevant to the question (empty when the store is down)."""
        try:
            answer = await self.client.search(
                message_text(tracker), directive["issuing_province"], tet_from(tracker), limit
            )
        except StoreError:
            return []
        return [hit for hit in relevant_hits(answer) if hit["directive"]["id"] == directive["id"]]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        mention = province_from(tracker)
        if mention is None:
            await ask_province(dispatcher, self.client, replies.TOPIC_WORDS[self.topic])
            return [SlotSet("pending_topic", self.topic)]
        events: list[EventType] = [
            SlotSet("province", mention.named),
            SlotSet("pending_topic", None),
        ]
        tet = tet_from(tracker)
        try:
            answer = await self.client.lookup(mention.named, tet)
        except StoreError:
            dispatcher.utter_message(text=STORE_UNAVAILABLE_TEXT)
            return events
        if answer is None or answer.get("directive") is None:
            dispatcher.utter_message(text=replies.no_directive_text(mention.named, tet))
            return events
        await self.render(answer["directive"], tracker, dispatcher)
        return events


class ActionAnswerContacts(DirectiveAnswer):
    topic = "contacts"

    async def render(
        self, directive: dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> None:
        say(dispatcher, replies.contacts_text(directive, message_text(tracker)))


class ActionAnswerDeadlines(DirectiveAnswer):
    topic = "deadlines"

    async def render(
        self, directive: dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> None:
        question = message_text(tracker)
        text = replies.deadlines_text(directive, now(), question)
        deadlines = directive.get("deadlines") or []
        if not deadlines or replies.weak_match(question, deadlines):
            hits = await self.passages(directive, tracker)
            if hits:
                text += "\n\n" + replies.passages_text(directive, hits, ", các đoạn liên quan")
        say(dispatcher, text)


class ActionAnswerDuties(DirectiveAnswer):
    topic = "duties"

    async def render(
        self, directive: dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> None:
        audiences = audiences_from(tracker)
        if audiences and not replies.matching_sections(directive, audiences):
            await self._from_passages(directive, tracker, dispatcher, audiences)
            return
        buttons = [] if audiences else replies.audience_buttons(directive)
        text = replies.duties_text(directive, audiences, now())
        if buttons:
            text += "\n\nBạn có thể chọn loại đơn vị để xem riêng nhiệm vụ của mình."
        say(dispatcher, text, buttons=buttons)

    async def _from_passages(
        self,
        directive: dict[str, Any],
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        audiences: list[str],
    ) -> None:
        """No section for this kind of organisation: quote the passages that name it, and only
        when there are none say so, with the duties addressed to everyone."""
        hits = [
            hit
            for hit in await self.passages(directive, tracker, limit=6)
            if set(audiences) & set(hit.get("audiences") or []) or names_any(hit["text"], audiences)
        ]
        if hits:
            about = f", về {replies.audience_words(audiences)}"
            say(dispatcher, replies.passages_text(directive, hits[:4], about))
        else:
            say(dispatcher, replies.no_section_text(directive, audiences))


class ActionAnswerHolidays(DirectiveAnswer):
    topic = "holidays"

    async def render(
        self, directive: dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> None:
        say(dispatcher, replies.holidays_text(directive))


class ActionAnswerDirective(DirectiveAnswer):
    topic = "directive"

    async def render(
        self, directive: dict[str, Any], tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> None:
        say(dispatcher, replies.directive_text(directive))


TOPIC_ACTIONS: dict[str, type[DirectiveAnswer]] = {
    cls.topic: cls
    for cls in (
        ActionAnswerContacts,
        ActionAnswerDeadlines,
        ActionAnswerDuties,
        ActionAnswerHolidays,
        ActionAnswerDirective,
    )
}


class ActionAnswerPending(Action):
    """The user named a province after the bot asked: answer the question that was waiting."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client

    def name(self) -> str:
        return "action_answer_pending"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = tracker.get_slot("pending_topic") or "contacts"
        action = TOPIC_ACTIONS.get(str(topic), ActionAnswerContacts)(self.client)
        return await action.run(dispatcher, tracker, domain)


class ActionSearchDirectives(Action):
    """Free-form questions no intent covers: quote the closest duty items, or say so honestly."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or shared()

    def name(self) -> str:
        return "action_search_directives"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = message_text(tracker)
        if not any(char.isalnum() for char in text):
            dispatcher.utter_message(text=EMPTY_QUERY_TEXT)
            return []
        mention = province_from(tracker)
        named = mention.named if mention else None
        try:
            answer = await self.client.search(text, named, tet_from(tracker))
        except StoreError:
            dispatcher.utter_message(text=STORE_UNAVAILABLE_TEXT)
            return []
        hits = relevant_hits(answer)
        if hits:
            say(dispatcher, replies.search_text(hits[:2]))
            return []
        message = replies.not_found_text(named)
        if mention is None:
            dispatcher.utter_message(text=f"{message}\n{EMPTY_QUERY_TEXT}")
            return []
        await self._offer_contacts(dispatcher, named or "", message)
        return []

    async def _offer_contacts(
        self, dispatcher: CollectingDispatcher, named: str, message: str
    ) -> None:
        try:
            answer = await self.client.lookup(named)
        except StoreError:
            answer = None
        directive = (answer or {}).get("directive")
        if directive and directive.get("contacts"):
            say(
                dispatcher,
                f"{message} Bạn có thể hỏi trực tiếp:\n{replies.contacts_text(directive)}",
            )
        else:
            dispatcher.utter_message(text=f"{message} Bạn vui lòng liên hệ trực tiếp Sở của tỉnh.")
