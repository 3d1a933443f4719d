"""The shape every intent rule of our NLU pipeline shares: a pure function of the text and the
classifier's guess decides, and the component only writes its answer into the message.

Rules run after DIET and before the FallbackClassifier; a rule's choice gets full confidence and
the other intents are halved, so the fallback's ambiguity test does not undo it.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


class IntentRule(GraphComponent, IntentClassifier):
    """Base of a rule that may replace the predicted intent; subclasses register themselves."""

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
    ) -> IntentRule:
        return cls()

    @abstractmethod
    def route(self, text: str, predicted: str) -> str | None:
        """The intent the message should have, or None to keep the classifier's."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get("name") or ""
            routed = self.route(message.get(TEXT) or "", predicted)
            if routed is not None:
                set_intent(message, routed)
        return messages


def set_intent(message: Message, name: str) -> None:
    """The intent with full confidence; the others halved, kept in order below it."""
    intent = {"name": name, "confidence": 1.0}
    ranking = [
        {**r, "confidence": (r.get("confidence") or 0.0) * 0.5}
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get("name") != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
