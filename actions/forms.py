"""What every collection form shares: tries per slot, skipping, cancelling, interruptions, the
summary and its confirmation.

A duty officer who asks "sđt đường dây nóng Hà Tĩnh?" in the middle of a report gets the ordinary
answer and the form asks its question again; "xin chào" or "cảm ơn" typed at a prompt is never
taken as a value; three failed tries at one field offer a way out. Every form ends with a summary
of what will be sent and an explicit «Gửi» (or «Sửa …», «Hủy»): nothing is filed before it.
"""

from __future__ import annotations

import copy
import re
from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import roster_review
from actions.context import message_text
from actions.directives import (
    ActionAnswerContacts,
    ActionAnswerDeadlines,
    ActionAnswerDirective,
    ActionAnswerDuties,
    ActionAnswerHolidays,
    ActionAnswerPending,
    ActionSearchDirectives,
    say,
)
from actions.records import ActionShowMyReports, ActionWhoIsOnDuty
from actions.store_client import StoreClient
from vntext.abbreviations import expand
from vntext.dates import fold_keep_offsets
from vntext.normalize import clean_message, fold
from vntext.provinces import find_in_text, resolve
from vntext.questions import (
    asks_about_deadline,
    asks_about_directive,
    asks_about_duties,
    asks_about_holidays,
    asks_for_contact,
    is_question,
)

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
CANCELLED_TEXT = "Đã hủy. Chưa có thông tin nào được gửi về Sở. Khi cần, bạn cứ nhắn lại."
RESUME_TEXT = "Tôi tiếp tục phần báo cáo đang dở nhé."

# --- questions asked instead of an answer ---------------------------------------------------------

# Intents answered mid-form with the action that answers them outside the form.
ANSWERS: dict[str, Callable[[StoreClient | None], Action]] = {
    "ask_contact": ActionAnswerContacts,
    "ask_deadline": ActionAnswerDeadlines,
    "ask_duties": ActionAnswerDuties,
    "ask_holiday": ActionAnswerHolidays,
    "ask_directive_info": ActionAnswerDirective,
    "ask_content": ActionSearchDirectives,
    "ask_my_reports": ActionShowMyReports,
    "ask_on_duty": ActionWhoIsOnDuty,
}
# Requests that read as commands rather than questions ("xem báo cáo của tôi"): the intent alone,
# when the classifier is sure of it.
_COMMAND_QUESTIONS = {"ask_my_reports", "ask_on_duty"}
_SURE = 0.85
# The province a form has collected, for a question that names none (an incident update carries
# its incident's, in `update_parent`).
_FORM_PROVINCES = ("incident_province", "results_province", "roster_province")


def _intent(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


# With diacritics, a question word is told from its look-alikes ("đâu" from "đầu", "nào" from
# "não", "gì" from "gi"); particles ask only at the end ("… có được không?").
_ACCENTED_QUESTION_RE = re.compile(
    r"(?<!\w)(?:gì|nào|đâu|ai|mấy|bao giờ|bao nhiêu|bao lâu|thế nào|như nào|ra sao|tại sao|"
    r"vì sao|làm sao|là sao|cho hỏi|xin hỏi)(?!\w)"
    r"|(?<!\w)(?:không|chưa|hả|nhỉ|à|chứ|vậy)\s*(?:ạ|ad|anh|chị|em|bạn)?\s*[.!]*$"
)
_CONTACT_WORDS_RE = re.compile(
    r"(?<!\w)(?:duong day nong|so dien thoai|dien thoai|so lien he|email|e mail)(?!\w)"
)
_NUMBER_RE = re.compile(r"\d[\d .]{5,}")


def _asks(text: str) -> bool:
    """A question by its words: accented words when the user types diacritics, else the shared
    folded recogniser (which cannot tell "đầu" from "đâu")."""
    if "?" in text:
        return True
    lowered = clean_message(text).lower()
    if fold(lowered) != lowered:
        return bool(_ACCENTED_QUESTION_RE.search(lowered))
    return is_question(text)


def _names_a_topic(text: str) -> bool:
    """An explicit cue of a directive question: a phone or e-mail asked for (none given), a
    deadline, days off, duties, the signer."""
    if _CONTACT_WORDS_RE.search(expand(text)) and not _NUMBER_RE.search(text):
        return True
    cues = (
        asks_for_contact,
        asks_about_deadline,
        asks_about_holidays,
        asks_about_directive,
        asks_about_duties,
    )
    return any(cue(text) for cue in cues)


def question_asked(tracker: Tracker) -> str | None:
    """The intent of a question (or a request for help) asked instead of answering the form,
    or None for an answer.

    The classifier must name a question and the words must ask (a question word or frame, or a
    cue such as "sđt …"): the classifier alone would take "Mất sóng ở đầu tuyến" for a question.
    A button pressed for an earlier answer ("/ask_contact", a province) is a question too.
    """
    name, confidence = _intent(tracker)
    text = message_text(tracker).strip()
    if text.startswith("/"):
        if name == "inform_province" and tracker.get_slot("pending_topic"):
            return name
        return name if name in ANSWERS else None
    if name in ANSWERS and confidence >= 0.5 and (_asks(text) or _names_a_topic(text)):
        return name
    if name in _COMMAND_QUESTIONS and confidence >= _SURE:
        return name
    if name == "help" and (confidence >= _SURE or (confidence >= 0.5 and _asks(text))):
        return name  # "bạn làm được gì", "giúp tôi với"
    if text.endswith("?"):
        return name if name in ANSWERS else "ask_content"
    return None


def _with_form_province(tracker: Tracker) -> Tracker:
    """The tracker as the answering action should see it: a question that names no province is
    about the province the form has just collected, before any remembered one or the profile's."""
    named = find_in_text(message_text(tracker)) or next(
        tracker.get_latest_entity_values("province"), None
    )
    province = next((tracker.get_slot(s) for s in _FORM_PROVINCES if tracker.get_slot(s)), None)
    province = province or (tracker.get_slot("update_parent") or {}).get("province")
    if named or not province:
        return tracker
    copied = copy.deepcopy(tracker)
    copied.slots["province"] = province
    return copied


async def answer_question(
    intent: str,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    client: StoreClient | None = None,
) -> list[EventType]:
    """Answer a mid-form question with the ordinary answering action; the form then resumes.

    Only the answer's memory of the province and of a question waiting for one is kept."""
    events: list[EventType] = []
    if intent == "help":
        dispatcher.utter_message(response="utter_help")
    else:
        action = {**ANSWERS, "inform_province": ActionAnswerPending}[intent](client)
        events = await action.run(dispatcher, _with_form_province(tracker), domain)
    dispatcher.utter_message(text=RESUME_TEXT)
    return [
        e
        for e in events
        if e.get("event") == "slot" and e.get("name") in ("province", "pending_topic")
    ]


# --- greetings, thanks and farewells are never a value ---------------------------------------------

# Folded phrases that make a message social; fillers may surround them ("chào bạn nhé").
_SOCIAL_PHRASES = (
    "xin chao",
    "chao",
    "hello",
    "helo",
    "hi",
    "hey",
    "alo",
    "a lo",
    "cam on",
    "cm on",
    "thanks",
    "thank",
    "thank you",
    "tks",
    "thx",
    "tam biet",
    "bye",
    "bai bai",
    "hen gap lai",
    "chuc mung nam moi",
    "chuc mung",
    "happy new year",
    "good morning",
)
_FILLERS = {
    "a", "ad", "admin", "ah", "ak", "anh", "ban", "bot", "buoi", "ca", "chi", "chieu", "da", "e",
    "em", "gap", "ho", "lai", "ly", "minh", "moi", "much", "nam", "nguoi", "nha", "nhe", "nhen",
    "nhieu", "nhiu", "oi", "rat", "sang", "so", "tet", "toi", "tro", "trua", "truc", "va", "vay",
    "very", "xin", "you",
}  # fmt: skip
_WORD_RE = re.compile(r"[a-z0-9]+")
# Intents a short message of this kind gets from the classifier.
_SOCIAL_INTENTS = {"greet", "thank", "goodbye"}


def social_kind(text: str) -> str | None:
    """ "greet", "thank" or "goodbye" when the message is only that (with fillers such as
    "bạn", "nhé", "ạ"), else None: "Bưu điện tỉnh" is a value, "chào bạn nhé" is not."""
    words = _WORD_RE.findall(fold(text))
    if not words:
        return None
    joined = f" {' '.join(words)} "
    kinds: list[str] = []
    for phrase in sorted(_SOCIAL_PHRASES, key=len, reverse=True):
        while f" {phrase} " in joined:
            kinds.append(phrase)
            joined = joined.replace(f" {phrase} ", " ")
    if not kinds or any(word not in _FILLERS for word in joined.split()):
        return None
    return _social_of(kinds[0])


def _social_of(phrase: str) -> str:
    if phrase in ("cam on", "cm on", "thanks", "thank", "thank you", "tks", "thx"):
        return "thank"
    if phrase in ("tam biet", "bye", "bai bai", "hen gap lai"):
        return "goodbye"
    return "greet"


def social_message(tracker: Tracker) -> str | None:
    """What the social message is, by its words or, for a short one, by the classifier."""
    text = message_text(tracker)
    kind = social_kind(text)
    if kind:
        return kind
    name, confidence = _intent(tracker)
    if name in _SOCIAL_INTENTS and confidence >= _SURE and len(text.split()) <= 4:
        return name
    return None


_SOCIAL_REPLIES = {
    "greet": "Chào bạn! {what} đang dở, mời bạn trả lời câu hỏi dưới đây (gõ «hủy» để dừng).",
    "thank": "Rất vui được hỗ trợ! {what} chưa gửi xong, mời bạn trả lời câu hỏi dưới đây.",
    "goodbye": "{what} chưa gửi xong. Mời bạn trả lời câu hỏi dưới đây, hoặc gõ «hủy» để dừng.",
}

# --- edits and the confirmation ------------------------------------------------------------------

_EDIT_RE = re.compile(
    r"^(?:sua|doi|thay|chinh)\s+(?:lai\s+)?(?P<field>.+?)\s*(?:\sthanh\s|\sla\s|:)\s*(?P<value>\S.*)$"
)
_FIELD_ONLY_RE = re.compile(
    r"^(?:sua|doi|thay|chinh|chinh sua|nhap lai|sua lai)\s+(?:lai\s+)?(?P<field>.+?)\s*$"
)
_BARE_EDITS = {
    "sua",
    "sua lai",
    "chinh sua",
    "sua bao cao",
    "sua thong tin",
    "toi muon sua",
    "muon sua",
    "can sua",
    "sua doi",
}
# Yes besides the roster review's words ("xác nhận", "gửi", "đồng ý", "ok"…): short answers to
# "Gửi báo cáo này về Sở?".
_MORE_YES = {"co", "yes", "gui bao cao", "gui luon", "gui ve so", "ok gui", "oke gui", "dong y gui"}
_NOT_YET = {"khong", "ko", "k", "khong gui", "chua", "chua gui", "thoi", "no"}
CONFIRM_BUTTONS = [
    {"title": "Gửi", "payload": "gửi"},
    {"title": "Sửa", "payload": "sửa"},
    {"title": "Hủy", "payload": "hủy"},
]
CONFIRM_HINT = (
    "Bấm «Gửi» để gửi về Sở, «Sửa» để sửa (hoặc nhắn, ví dụ, «sửa {example} thành …»), "
    "«Hủy» để dừng: chưa có gì được gửi."
)


def _folded(text: str) -> str:
    return " ".join(_WORD_RE.findall(fold(text)))


def _field_slot(words: str, fields: dict[str, str]) -> str | None:
    """The slot named by folded field words: "số điện thoại liên hệ" names "số điện thoại"."""
    for key in sorted(fields, key=len, reverse=True):
        if words == key or words.startswith(f"{key} "):
            return fields[key]
    return None


def edit_request(text: str, fields: dict[str, str]) -> tuple[str, str] | None:
    """(slot, new value) from "sửa số điện thoại thành 0987 654 321" for a form's editable fields."""
    original = clean_message(text)
    match = _EDIT_RE.match(fold_keep_offsets(original).lower())
    if match is None:
        return None
    slot = _field_slot(match["field"].strip(), fields)
    return (slot, original[match.start("value") :].strip()) if slot else None


def field_to_redo(text: str, fields: dict[str, str]) -> str | None:
    """The slot to ask again from "sửa mô tả" (a field named, no value given)."""
    match = _FIELD_ONLY_RE.match(_folded(text))
    return _field_slot(match["field"], fields) if match else None


def is_bare_edit(text: str) -> bool:
    """ "sửa" (or the «Sửa» button) without saying what: the user is shown the fields."""
    return _folded(text) in _BARE_EDITS


_PARTICLES = {"a", "ah", "nhe", "nha", "nhen", "luon", "di", "em", "anh", "chi", "ban", "ad"}


def is_confirm(text: str) -> bool:
    """Yes to the summary, with or without diacritics: the roster review's words and a few more,
    polite particles aside ("gửi đi ạ", "ok nhé")."""
    words = _folded(text).split()
    while len(words) > 1 and words[-1] in _PARTICLES:
        words.pop()
    core = " ".join(words)
    return core in _MORE_YES or roster_review.command_of(core).kind == "confirm"


def is_skip(text: str) -> bool:
    return fold(text).strip(" .!") in SKIP_WORDS


# --- failed tries, provinces, cancelling ----------------------------------------------------------


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


# --- the validation every form shares -------------------------------------------------------------


class CollectionFormValidation(FormValidationAction):
    """Validation shared by the collection forms.

    Before a message is taken as the value asked for: "sửa <field> thành …" changes a value
    already given (or pre-filled from the profile), "sửa <field>" asks it again, a question is
    answered with the ordinary answering action, a greeting or thanks gets a short reply; in each
    case the same field is asked again and nothing given is lost. A form with a `confirm_slot`
    ends with a summary (a `SummaryPrompt`) that only «Gửi» fills.
    """

    # Folded field words -> slot, for "sửa <field> thành <value>" during the form and at the summary.
    editable: ClassVar[dict[str, str]] = {}
    labels: ClassVar[dict[str, str]] = {}
    # Codes shown as words ("nghiem_trong" -> "Nghiêm trọng").
    value_labels: ClassVar[dict[str, str]] = {}
    confirm_slot: ClassVar[str | None] = None
    what: ClassVar[str] = "Báo cáo"

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client

    @abstractmethod
    def name(self) -> str: ...

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        text = message_text(tracker)
        if requested and requested == self.confirm_slot and is_confirm(text):
            return [SlotSet(requested, "yes"), SlotSet("form_tries", None)]
        if requested:
            handled = await self._not_a_value(requested, text, dispatcher, tracker, domain)
            if handled is not None:
                return handled
        return await self._validate_given(dispatcher, tracker, domain)

    async def _not_a_value(
        self,
        requested: str,
        text: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType] | None:
        """Events for a message that answers something else than the prompt; None for a value."""
        edit = edit_request(text, self.editable)
        if edit:
            return await self._edit(*edit, requested, dispatcher, tracker, domain)
        redo = field_to_redo(text, self.editable)
        if redo:
            return [SlotSet(redo, None), SlotSet(requested, None)]
        if is_bare_edit(text) and self.fields_text():
            if requested != self.confirm_slot:  # at the summary, its prompt lists the fields
                dispatcher.utter_message(text=self.fields_text(), buttons=self.field_buttons())
            return [SlotSet(requested, None)]
        question = question_asked(tracker)
        if question:
            events = await answer_question(question, dispatcher, tracker, domain, self.client)
            return [*events, SlotSet(requested, None)]
        social = social_message(tracker)
        if social:
            dispatcher.utter_message(text=_SOCIAL_REPLIES[social].format(what=self.what))
            return [SlotSet(requested, None)]
        if text.strip().startswith("/"):  # a menu button pressed mid-form
            dispatcher.utter_message(
                text=f"{self.what} đang dở. Mời bạn trả lời câu hỏi dưới đây, hoặc gõ «hủy» "
                "để dừng rồi chọn việc khác."
            )
            return [SlotSet(requested, None)]
        return None

    def fields_text(self) -> str:
        """What a bare «Sửa» is answered with ("" when the form has no editable fields)."""
        if not self.labels:
            return ""
        names = ", ".join(dict.fromkeys(self.labels.values()))
        return (
            "Bạn muốn sửa mục nào? Chọn bên dưới, hoặc nhắn «sửa <mục> thành <nội dung mới>». "
            f"Các mục: {names}."
        )

    def field_buttons(self) -> list[dict[str, str]]:
        return [
            {"title": label[0].upper() + label[1:], "payload": f"sửa {label}"}
            for label in dict.fromkeys(self.labels.values())
        ]

    def shown_value(self, slot: str, value: Any) -> str:
        """A value read back after an edit: a code as its label; a form may word others (a time)."""
        return str(self.value_labels.get(value, value))

    async def _validate_given(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa-sdk's validation loop, minus slots set to None: when a form starts, the start
        action's empty pre-fills are among the "recently set" slots, and validating them would
        greet the user with one error per missing field."""
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        slots = {k: v for k, v in tracker.slots_to_validate().items() if k in wanted}
        for name, value in list(slots.items()):
            method = (
                self.validate_confirm
                if name == self.confirm_slot
                else getattr(self, f"validate_{name}", None)
            )
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
        """Validate the new value as the form would; the question being asked stays open, and a
        value that fails keeps the one given before."""
        result = await getattr(self, f"validate_{slot}")(value, dispatcher, tracker, domain)
        if result.get(slot) is not None:
            shown = self.shown_value(slot, result[slot])
            dispatcher.utter_message(text=f"Đã sửa {self.labels.get(slot, slot)}: {shown}.")
        events = [
            SlotSet(name, new)
            for name, new in result.items()
            if name != requested and not (name == slot and new is None)
        ]
        return [*events, SlotSet(requested, None)]

    async def validate_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Anything but yes, an edit or «hủy» at the summary: say what the choices are."""
        slot = str(self.confirm_slot)
        if _folded(str(value or "")) in _NOT_YET:
            message = "Báo cáo chưa được gửi. Bấm «Hủy» để bỏ hẳn, «Sửa» để sửa, hoặc «Gửi»."
        else:
            message = "Xin chọn «Gửi» để gửi về Sở, «Sửa» để sửa, hoặc «Hủy» để dừng."
        return failed(slot, message, tracker, dispatcher, False)


class SummaryPrompt(Action, metaclass=ABCMeta):
    """The last question of a form: what will be sent, and «Gửi» / «Sửa» / «Hủy».

    After a bare «Sửa» it lists the fields instead, as buttons that ask one of them again.
    Abstract, so rasa-sdk registers only the concrete prompts.
    """

    validation: ClassVar[type[CollectionFormValidation]]
    example: ClassVar[str] = "đơn vị"

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def summary(self, tracker: Tracker) -> str:
        """What will be sent, one field a line."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form = self.validation()
        if is_bare_edit(message_text(tracker)):
            buttons = [*form.field_buttons(), CONFIRM_BUTTONS[0], CONFIRM_BUTTONS[2]]
            dispatcher.utter_message(text=form.fields_text(), buttons=buttons)
            return []
        text = f"{self.summary(tracker)}\n\n{CONFIRM_HINT.format(example=self.example)}"
        say(dispatcher, text, buttons=CONFIRM_BUTTONS)
        return []
