"""The Vietnamese parsers (vntext) in the shapes the forms need; the one place actions call them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from actions.context import profile
from vntext.dates import parse_past_datetime
from vntext.incident_text import extract_incident
from vntext.phones import Phone, parse_phone


@dataclass(frozen=True)
class IncidentStart:
    """What the sentence that started a report already says."""

    category: str | None = None
    detected_at: datetime | None = None
    area: str | None = None
    services: str | None = None
    severity: str | None = None
    cause: str | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    is_report: bool = False


def incident_facts(text: str, at: datetime) -> IncidentStart:
    """Extract category, time, area, services, impact and cause from a report sentence."""
    facts = extract_incident(text, at)
    numbers = {
        name: value
        for name in ("bts_down", "bts_total", "routes_cut", "subscribers_affected")
        if (value := getattr(facts, name)) is not None
    }
    services = ", ".join(facts.services_affected) if facts.services_affected else None
    found = [facts.category, facts.detected_at, facts.area, facts.cause, *numbers.values()]
    return IncidentStart(
        category=facts.category,
        detected_at=facts.detected_at,
        area=facts.area,
        services=services,
        severity=facts.severity,
        cause=facts.cause,
        numbers=numbers,
        is_report=sum(value is not None for value in found) >= 2,
    )


def phone(text: str) -> Phone:
    """A valid Vietnamese number, or ValueError with a Vietnamese message and an example."""
    return parse_phone(text)


def past_moment(text: str, at: datetime) -> datetime:
    """When something was detected: not in the future; ValueError with an example otherwise."""
    return parse_past_datetime(text, at)


def submitter(tracker: Tracker) -> dict[str, Any]:
    """Who sends: channel and user id from the sender ("telegram:1001"), name from the profile."""
    channel, _, user_id = tracker.sender_id.partition(":")
    if not user_id:
        channel, user_id = "rest", tracker.sender_id
    return {"channel": channel, "id": user_id, "name": profile(tracker).get("name")}
