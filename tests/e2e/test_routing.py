"""Questions about submissions are answered; only an intent to submit starts a form.

Scored through the real trained model (Rasa's /model/parse on the running stack) on
tests/data/routing.yml, a held-apart set of question/command pairs that is never copied into
nlu_data/. A question counts as routed right when it lands on a directive question (ask_*) or on
the retrieval fallback; a submission when it lands on its own submit intent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
import yaml

from ops.stack import Stack

ROUTING = Path(__file__).resolve().parents[1] / "data" / "routing.yml"
GOAL = 0.95


def routed_right(expect: str, intent: str) -> bool:
    if expect == "question":
        return intent.startswith("ask_") or intent == "nlu_fallback"
    return intent == expect


@pytest.fixture(scope="module")
def parsed(stack: Stack) -> list[tuple[dict[str, str], str]]:
    items = yaml.safe_load(ROUTING.read_text(encoding="utf-8"))
    token = stack.env()["RASA_API_TOKEN"]
    results = []
    with httpx.Client(timeout=30) as client:
        for item in items:
            response = client.post(
                f"{stack.rasa_url}/model/parse",
                params={"token": token},
                json={"text": item["text"]},
            )
            response.raise_for_status()
            results.append((item, response.json()["intent"]["name"]))
    return results


def test_at_least_95_percent_of_questions_and_commands_are_routed_right(
    parsed: list[tuple[dict[str, str], str]],
) -> None:
    wrong = [
        (item["expect"], intent, item["text"])
        for item, intent in parsed
        if not routed_right(item["expect"], intent)
    ]
    share = 1 - len(wrong) / len(parsed)
    assert len(parsed) >= 60
    assert share >= GOAL, f"{share:.1%} routed right; wrong: {wrong}"


def test_both_sides_and_both_spellings_are_covered(
    parsed: list[tuple[dict[str, str], str]],
) -> None:
    """The set is balanced enough to mean something: questions and each kind of submission,
    with and without diacritics."""
    expects = Counter(item["expect"] for item, _ in parsed)
    styles = Counter(item["style"] for item, _ in parsed)
    assert expects["question"] >= 30 and all(
        expects[kind] >= 5
        for kind in ("submit_roster", "report_incident", "submit_results", "update_incident")
    )
    assert styles["unaccented"] + styles["abbreviated"] >= len(parsed) / 3


def test_question_about_a_roster_deadline_is_answered_from_the_directive(stack: Stack) -> None:
    """Through the whole stack: the answer is the deadline, and no roster form starts."""
    from tests.e2e.chat import Chat

    answer = Chat(stack).say("hạn gửi danh sách trực Sóc Trăng là ngày nào")
    assert "01/02/2024" in answer
    assert "hủy" not in answer.lower()
