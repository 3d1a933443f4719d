"""An intent rule for pasted duty rosters: DIET cannot learn every shape of a pasted table.

A message whose lines name a person with a phone and a date or duty type is a roster, whatever the
classifier thought ("Nguyễn Văn A - PGĐ - 0912345678 - 10/02 - trực lãnh đạo" shares words with
incident reports and contact questions). Runs after DIET and before the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from vntext.roster_lines import parse_roster

ROSTER_INTENT = "submit_roster"


def looks_like_roster(text: str) -> bool:
    """True when at least one line reads as a roster row (a name, a phone, a date or duty)."""
    if not text or len(text) > 20000:
        return False
    try:
        entries = parse_roster(text).entries
    except ValueError:
        return False
    return any(e.full_name and e.phone_e164 and (e.duty_date or e.duty_type) for e in entries)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RosterIntentRule(GraphComponent, IntentClassifier):
    """Sets submit_roster with full confidence on messages that look like roster rows."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RosterIntentRule:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if looks_like_roster(message.get(TEXT) or ""):
                intent = {"name": ROSTER_INTENT, "confidence": 1.0}
                ranking = [
                    r
                    for r in message.get(INTENT_RANKING_KEY) or []
                    if r.get("name") != ROSTER_INTENT
                ]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
