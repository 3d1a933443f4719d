"""An intent rule: a question about a submission is answered, never taken as the submission.

"hạn gửi danh sách trực là ngày nào", "báo cáo sự cố gửi cho ai", "mẫu báo cáo kết quả lấy ở đâu"
share nearly every word with "gửi danh sách trực", "báo cáo sự cố", "gửi báo cáo kết quả", and a
classifier trained on words alone starts the form. What tells them apart is the question itself:
a question word, a "có … không" frame, a question mark. When the classifier chose a submission (or
a non-answer such as help) for a message that asks something about one, this rule routes it to the
directive questions instead: deadlines to ask_deadline, everything else to ask_content (answered
from the directive's own passages). Pasted roster rows are left to RosterIntentRule.

Runs after DIET and before RosterIntentRule and the FallbackClassifier.
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

from rasa_ext.roster_intent import looks_like_roster
from vntext.questions import asks_about_deadline, is_question, mentions_submission

SUBMISSION_INTENTS = {"submit_roster", "report_incident", "submit_results", "update_incident"}
NON_ANSWERS = {"help", "inform", "out_of_scope", "greet", "nlu_fallback"}


def question_intent(text: str, predicted: str) -> str | None:
    """The question intent a message should have instead of ``predicted``, or None to keep it."""
    if predicted not in SUBMISSION_INTENTS | NON_ANSWERS:
        return None
    if not is_question(text) or not mentions_submission(text) or looks_like_roster(text):
        return None
    if predicted in NON_ANSWERS and predicted != "nlu_fallback" and len(text.split()) < 4:
        return None
    return "ask_deadline" if asks_about_deadline(text) else "ask_content"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionIntentRule(GraphComponent, IntentClassifier):
    """Re-routes questions about submissions to the directive-question intents."""

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
    ) -> QuestionIntentRule:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get("name") or ""
            routed = question_intent(message.get(TEXT) or "", predicted)
            if routed is None:
                continue
            intent = {"name": routed, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != routed]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages

