"""What a question is about: province, Tết and audience, from the message, slots or profile."""

from __future__ import annotations

from rasa_sdk import Tracker

from vntext.audiences import AUDIENCE_LABELS, audiences_in
from vntext.lunar import tet_in_text
from vntext.provinces import ProvinceMention, find_in_text, resolve


def message_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def profile(tracker: Tracker) -> dict[str, object]:
    """The gateway's profile of the user (metadata of the latest message)."""
    user_event = tracker.get_last_event_for("user") or {}
    return (user_event.get("metadata") or {}).get("profile") or {}


def province_from(tracker: Tracker) -> ProvinceMention | None:
    """Named in the message, else extracted, else remembered, else the user's profile."""
    mention = find_in_text(message_text(tracker))
    if mention:
        return mention
    for value in tracker.get_latest_entity_values("province"):
        mention = resolve(str(value))
        if mention:
            return mention
    remembered = tracker.get_slot("province")
    if remembered and (mention := resolve(str(remembered))):
        return mention
    profile_province = profile(tracker).get("province")
    return resolve(str(profile_province)) if profile_province else None


def tet_from(tracker: Tracker) -> str | None:
    """A Tết the user names ("Tết Giáp Thìn", "năm 2024"); None means the current directive."""
    return tet_in_text(message_text(tracker))


def audiences_from(tracker: Tracker) -> list[str]:
    """Audience codes named in the message or pressed as a button (entity 'audience')."""
    codes = audiences_in(message_text(tracker))
    for value in tracker.get_latest_entity_values("audience"):
        if str(value) in AUDIENCE_LABELS and str(value) not in codes:
            codes.append(str(value))
    return codes
