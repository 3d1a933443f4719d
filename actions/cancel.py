"""'hủy' during any collection form: leave it and forget what was typed; nothing has been sent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import forms, incident_updates, incidents, results, rosters


class ActionCancelSubmission(Action):
    def name(self) -> str:
        return "action_cancel_submission"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=forms.CANCELLED_TEXT)
        slots = [
            *incidents.FORM_SLOTS,
            "incident_facts",
            "incident_stage",
            *results.FORM_SLOTS,
            *rosters.FORM_SLOTS,
            *rosters.STATE_SLOTS,
            *incident_updates.FORM_SLOTS,
            *incident_updates.STATE_SLOTS,
        ]
        return forms.cancel_events(slots)
