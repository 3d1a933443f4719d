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

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from rasa_ext.intent_rule import IntentRule
from rasa_ext.roster_intent import looks_like_roster
from vntext.abbreviations import expand
from vntext.audiences import audiences_in
from vntext.provinces import find_in_text
from vntext.questions import (
    asks_about_deadline,
    asks_about_directive,
    asks_about_duties,
    asks_about_holidays,
    asks_for_contact,
    is_question,
    mentions_submission,
)

SUBMISSION_INTENTS = {"submit_roster", "report_incident", "submit_results", "update_incident"}
NON_ANSWERS = {"help", "inform", "out_of_scope", "greet", "nlu_fallback"}
# Question intents a stronger cue may move between (never onto a form).
QUESTIONS = {
    "ask_contact",
    "ask_deadline",
    "ask_duties",
    "ask_holiday",
    "ask_directive_info",
    "ask_content",
    "ask_on_duty",
    "nlu_fallback",
}
_WHO_RE = re.compile(r"(?<!\w)(?:ai|nguoi nao|nhung ai)(?!\w)")


def _topic(text: str) -> str:
    """The directive question a message about a submission asks: when, whom, or anything else."""
    if asks_about_deadline(text):
        return "ask_deadline"
    return "ask_contact" if asks_for_contact(text) else "ask_content"


def _cued(text: str, predicted: str) -> str | None:
    """The question intent an explicit cue names (the classifier's own guess, confirmed, included:
    a cue-backed question is never left to the low-confidence fallback)."""
    if asks_about_directive(text):
        cued = "ask_directive_info"
    elif asks_about_holidays(text):
        cued = "ask_holiday"
    elif asks_about_deadline(text):
        cued = "ask_deadline"  # its answer names where to send, e-mail included
    elif asks_for_contact(text):
        cued = "ask_contact"
    elif asks_about_duties(text) and audiences_in(text):
        cued = "ask_duties"
    else:
        return None
    if predicted == "ask_on_duty" and _WHO_RE.search(expand(text)) and cued != "ask_directive_info":
        return None  # "ai trực …" stays a who-is-on-duty question
    return cued


def question_intent(text: str, predicted: str) -> str | None:
    """The intent a message should have instead of ``predicted``, or None to keep it.

    A question about a submission never starts its form; among questions, an explicit cue wins
    over the classifier's guess: "ai ký" asks about the document, a phone or e-mail asked for is a
    contact question, "nghỉ Tết" a holiday one, "từ ngày nào" a deadline one, "phải làm gì" about a
    named kind of organisation a duties one. A question naming a province is never out of scope.
    """
    if looks_like_roster(text):
        return None
    if predicted in SUBMISSION_INTENTS:
        # A question is never a submission, whatever it is about ("bưu cục mở cửa từ khi nào").
        return (_cued(text, predicted) or _topic(text)) if is_question(text) else None
    if predicted in NON_ANSWERS - {"nlu_fallback"}:
        if not is_question(text) or len(text.split()) < 4:
            return None
        if cued := _cued(text, predicted):
            return cued
        if mentions_submission(text):
            return _topic(text)
        return "ask_content" if predicted == "out_of_scope" and find_in_text(text) else None
    if predicted not in QUESTIONS:
        return None
    return _cued(text, predicted)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionIntentRule(IntentRule):
    """Re-routes questions about submissions, and cue-named questions, to their intents."""

    def route(self, text: str, predicted: str) -> str | None:
        return question_intent(text, predicted)
