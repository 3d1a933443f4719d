"""What every collection form does before taking a message as a value, and how it ends.

A question at any prompt (a phone, a date, an organisation) is answered and the same prompt comes
back with nothing lost; greetings and thanks are never a value; the incident and results forms end
with a summary that only «Gửi» confirms, where fields can be changed or asked again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import forms
from actions.cancel import ActionCancelSubmission
from actions.incidents import ActionAskIncidentConfirm, ValidateIncidentForm
from actions.results import ActionAskResultsConfirm, ValidateResultsForm
from actions.rosters import ActionAskRosterReview, ValidateRosterForm
from actions.store_client import StoreClient

ROOT = Path(__file__).resolve().parents[2]


def _domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"slots": {}, "forms": {}, "responses": {}, "intents": []}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("slots", "forms", "responses"):
            merged[key] |= part.get(key) or {}
        merged["intents"] += part.get("intents") or []
    return merged


DOMAIN = _domain()
INCIDENT = {
    "incident_organisation": "Viettel Hà Tĩnh",
    "incident_province": "Hà Tĩnh",
    "incident_contact_name": "Lê Thị Mai",
    "incident_contact_phone": "0987 111 222",
    "incident_category": "mang_vien_thong",
    "incident_detected_at": "2026-02-20T03:15:00+07:00",
    "incident_area": "huyện Hương Khê",
    "incident_services": "di động 4G",
    "incident_severity": "cao",
    "incident_description": "Mất sóng 7 trạm BTS do giông lốc",
    "incident_actions_taken": "Đã điều xe ứng cứu",
    "incident_cause": "-",
    "incident_support": "-",
}
RESULTS = {
    "results_province": "Bắc Ninh",
    "results_organisation": "Bưu điện tỉnh Bắc Ninh",
    "results_summary": "Phát hết bưu gửi KT1 trước Tết, mạng bưu chính thông suốt.",
    "results_file": "-",
}


def form_tracker(
    text: str,
    requested: str,
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    confidence: float = 0.9,
    form: str = "incident_form",
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as Rasa sends it to a form's validation: the message as the requested slot's
    candidate value at the end of the events."""
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    values = dict.fromkeys(DOMAIN["slots"]) | (slots or {}) | {"requested_slot": requested}
    values[requested] = text
    events = [
        {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}},
        {"event": "slot", "name": requested, "value": text},
    ]
    return Tracker("tester", values, latest, events, False, None, {"name": form}, "action_listen")


def validate(
    action: forms.CollectionFormValidation, tracker: Tracker
) -> tuple[str, dict[str, Any]]:
    """The bot's words and the slots the validation sets."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    said = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    return said, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def missing_from(requested: str, filled: dict[str, Any]) -> dict[str, Any]:
    """Slots filled before the prompt `requested` (in the form's order), the rest empty."""
    order = list(filled)
    return {k: v for k, v in filled.items() if order.index(k) < order.index(requested)}


# --- 1. a question at any prompt is answered, then the same prompt comes back ---------------------


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("sđt đường dây nóng Hà Tĩnh", "ask_contact", 1.0),
        ("sdt duong day nong ha tinh", "ask_contact", 0.93),
        ("cho minh xin so hotline so tttt ha tinh voi", "ask_contact", 0.71),
    ],
)
def test_a_hotline_asked_at_the_phone_prompt_is_answered(
    client: StoreClient, text: str, intent: str, confidence: float
) -> None:
    before = missing_from("incident_contact_phone", INCIDENT)
    tracker = form_tracker(text, "incident_contact_phone", before, intent, confidence)
    said, slots = validate(ValidateIncidentForm(client), tracker)
    assert "0911378999" in said and "0914237788" in said and "Theo công văn" in said
    assert forms.RESUME_TEXT in said and "không hợp lệ" not in said.lower()
    assert slots["incident_contact_phone"] is None
    assert not set(before) & set(slots)  # nothing given is touched, nothing lost


def test_a_deadline_asked_at_the_date_prompt_is_answered(client: StoreClient) -> None:
    before = missing_from("incident_detected_at", INCIDENT)
    tracker = form_tracker(
        "han nop bc bac ninh luc may gio", "incident_detected_at", before, "ask_deadline", 0.88
    )
    said, slots = validate(ValidateIncidentForm(client), tracker)
    assert "23/02/2026" in said and slots["incident_detected_at"] is None
    assert "Chưa đọc được" not in said
    assert set(slots) <= {"incident_detected_at", "province", "pending_topic"}


def test_a_question_naming_no_province_is_about_the_forms_province(client: StoreClient) -> None:
    before = missing_from("results_organisation", RESULTS)
    tracker = form_tracker(
        "Hạn chót gửi báo cáo kết quả là khi nào?",
        "results_organisation",
        before,
        "ask_deadline",
        1.0,
        form="results_form",
    )
    tracker.slots["province"] = "Lạng Sơn"  # asked about earlier: the report's province wins
    said, slots = validate(ValidateResultsForm(client), tracker)
    assert "Bắc Ninh" in said and "23/02/2026" in said and "Lạng Sơn" not in said
    assert slots["results_organisation"] is None and "results_province" not in slots


def test_a_province_button_for_a_waiting_question_answers_it(client: StoreClient) -> None:
    tracker = form_tracker(
        '/inform_province{"province":"Lạng Sơn"}',
        "incident_area",
        missing_from("incident_area", INCIDENT) | {"pending_topic": "contacts"},
        "inform_province",
        1.0,
    )
    tracker.latest_message["entities"] = [{"entity": "province", "value": "Lạng Sơn"}]
    said, slots = validate(ValidateIncidentForm(client), tracker)
    assert "0918.210.111" in said and slots["incident_area"] is None


@pytest.mark.parametrize(
    ("text", "confidence"), [("em nhờ bot được những việc gì", 0.62), ("giup minh voi", 0.93)]
)
def test_asking_what_the_bot_does_mid_form_lists_it_and_resumes(
    text: str, confidence: float
) -> None:
    tracker = form_tracker(text, "incident_services", missing_from("incident_services", INCIDENT))
    tracker.latest_message["intent"] = {"name": "help", "confidence": confidence}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIncidentForm().run(dispatcher, tracker, DOMAIN))
    assert dispatcher.messages[0]["response"] == "utter_help"
    assert dispatcher.messages[-1]["text"] == forms.RESUME_TEXT
    assert [e["name"] for e in events if e.get("event") == "slot"] == ["incident_services"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Mất sóng ở đầu tuyến cáp, đang sao lưu cấu hình", "report_incident"),
        ("Mất sóng ở đầu tuyến cáp, đang sao lưu cấu hình", "ask_content"),
        ("Đã hàn nối xong, không rõ nguyên nhân", "ask_content"),
        ("Bưu điện văn hóa xã Kỳ Tân", "ask_contact"),
        ("Đã báo điện lực, chờ cấp điện trở lại", "inform"),
    ],
)
def test_answers_that_share_words_with_questions_are_values(text: str, intent: str) -> None:
    tracker = form_tracker(text, "incident_description", intent=intent, confidence=0.6)
    assert forms.question_asked(tracker) is None


# --- 2. greetings and thanks are never a value ----------------------------------------------------


@pytest.mark.parametrize(
    "text", ["xin chào", "Chào bạn nhé", "hello bot", "cam on ban nhieu", "Cảm ơn ạ", "tam biet"]
)
@pytest.mark.parametrize(
    ("form", "requested", "validation"),
    [
        ("results_form", "results_organisation", ValidateResultsForm),
        ("results_form", "results_summary", ValidateResultsForm),
        ("incident_form", "incident_organisation", ValidateIncidentForm),
        ("incident_form", "incident_contact_name", ValidateIncidentForm),
        ("incident_form", "incident_description", ValidateIncidentForm),
        ("incident_form", "incident_cause", ValidateIncidentForm),
    ],
)
def test_greetings_and_thanks_are_never_a_field_value(
    text: str, form: str, requested: str, validation: type[forms.CollectionFormValidation]
) -> None:
    filled = RESULTS if form == "results_form" else INCIDENT
    tracker = form_tracker(text, requested, missing_from(requested, filled), "inform", 0.4, form)
    said, slots = validate(validation(), tracker)
    assert slots == {requested: None}
    assert "mời bạn trả lời câu hỏi dưới đây" in said.lower()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Xin chao", "greet"),
        ("chào anh ạ", "greet"),
        ("Chúc mừng năm mới cả nhà!", "greet"),
        ("thanks nhé", "thank"),
        ("cám ơn ad nhiều", "thank"),
        ("bye bye", "goodbye"),
        ("Bưu điện tỉnh Bắc Ninh", None),
        ("Chào Lửa JSC", None),
        ("chưa rõ", None),
        ("Hoàng Văn Ơn", None),
    ],
)
def test_social_messages_are_told_from_values(text: str, kind: str | None) -> None:
    assert forms.social_kind(text) == kind


def test_a_sure_greeting_by_the_classifier_is_not_a_value_either() -> None:
    tracker = form_tracker("chao buoi sang ca nha", "results_organisation", intent="greet")
    tracker.latest_message["intent"]["confidence"] = 0.97
    said, slots = validate(ValidateResultsForm(), tracker)
    assert slots == {"results_organisation": None} and "Chào bạn" in said


def test_a_menu_button_pressed_mid_form_is_not_a_value() -> None:
    tracker = form_tracker("/submit_roster", "incident_area", intent="submit_roster", confidence=1)
    said, slots = validate(ValidateIncidentForm(), tracker)
    assert slots == {"incident_area": None} and "hủy" in said


# --- 3. a summary and an explicit confirmation end the form ------------------------------------


@pytest.mark.parametrize("text", ["gui", "Gửi", "dong y", "ok", "Xác nhận", "gửi đi ạ", "có"])
def test_typed_yes_confirms_the_summary(text: str) -> None:
    tracker = form_tracker(text, "incident_confirm", INCIDENT, intent="inform")
    said, slots = validate(ValidateIncidentForm(), tracker)
    assert slots["incident_confirm"] == "yes" and said == ""


@pytest.mark.parametrize("text", ["khong", "chưa", "để xem đã", "xin chào"])
def test_anything_else_at_the_summary_sends_nothing(text: str) -> None:
    tracker = form_tracker(text, "results_confirm", RESULTS, form="results_form")
    said, slots = validate(ValidateResultsForm(), tracker)
    assert slots["results_confirm"] is None and said


def test_a_field_changed_at_the_summary_keeps_the_rest() -> None:
    tracker = form_tracker("sửa mức độ thành Trung bình", "incident_confirm", INCIDENT)
    said, slots = validate(ValidateIncidentForm(), tracker)
    assert slots == {"incident_severity": "trung_binh", "incident_confirm": None}
    assert "Đã sửa mức độ: Trung bình." in said


def test_a_field_changed_without_diacritics_and_with_a_longer_name() -> None:
    tracker = form_tracker(
        "sua so dien thoai lien he thanh 0903 456 789", "incident_confirm", INCIDENT
    )
    _, slots = validate(ValidateIncidentForm(), tracker)
    assert slots["incident_contact_phone"] == "0903456789" and slots["incident_confirm"] is None


def test_a_wrong_new_value_keeps_the_old_one() -> None:
    tracker = form_tracker("sửa số điện thoại thành 12345", "incident_confirm", INCIDENT)
    said, slots = validate(ValidateIncidentForm(), tracker)
    assert "incident_contact_phone" not in slots and slots["incident_confirm"] is None
    assert said  # why it was refused, with an example


def test_a_field_named_without_a_value_is_asked_again() -> None:
    tracker = form_tracker("sửa lại tóm tắt", "results_confirm", RESULTS, form="results_form")
    _, slots = validate(ValidateResultsForm(), tracker)
    assert slots == {"results_summary": None, "results_confirm": None}


def run_prompt(prompt: forms.SummaryPrompt, tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(prompt.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages


def test_the_incident_summary_shows_everything_and_offers_send_edit_cancel() -> None:
    [message] = run_prompt(
        ActionAskIncidentConfirm(), form_tracker("không", "incident_support", INCIDENT)
    )
    for shown in ("Viettel Hà Tĩnh", "Lê Thị Mai", "0987 111 222", "Mạng viễn thông", "Cao",
                  "03h15 20/02/2026", "huyện Hương Khê", "di động 4G", "Mất sóng 7 trạm BTS",
                  "Đã điều xe ứng cứu", "Nguyên nhân: chưa rõ", "Đề nghị hỗ trợ: không"):  # fmt: skip
        assert shown in message["text"], shown
    assert [b["title"] for b in message["buttons"]] == ["Gửi", "Sửa", "Hủy"]
    assert "chưa có gì được gửi" in message["text"]


def test_the_results_summary_shows_what_will_be_sent() -> None:
    [message] = run_prompt(
        ActionAskResultsConfirm(),
        form_tracker("-", "results_file", RESULTS, form="results_form"),
    )
    assert "Bưu điện tỉnh Bắc Ninh" in message["text"] and "KT1" in message["text"]
    assert "Văn bản kèm theo: không" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["gửi", "sửa", "hủy"]


@pytest.mark.parametrize(
    ("prompt", "validation", "form", "filled"),
    [
        (ActionAskIncidentConfirm, ValidateIncidentForm, "incident_form", INCIDENT),
        (ActionAskResultsConfirm, ValidateResultsForm, "results_form", RESULTS),
    ],
)
def test_edit_lists_the_fields_and_each_button_asks_its_field_again(
    prompt: type[forms.SummaryPrompt],
    validation: type[forms.CollectionFormValidation],
    form: str,
    filled: dict[str, Any],
) -> None:
    confirm = str(validation.confirm_slot)
    [message] = run_prompt(prompt(), form_tracker("Sửa", confirm, filled, form=form))
    assert "sửa mục nào" in message["text"]
    fields = [b["payload"] for b in message["buttons"] if b["payload"] not in ("gửi", "hủy")]
    assert len(fields) == len(validation.labels)
    for payload in fields:
        _, slots = validate(validation(), form_tracker(payload, confirm, filled, form=form))
        redone = [name for name, value in slots.items() if value is None and name != confirm]
        assert len(redone) == 1 and validation.labels[redone[0]] in payload


def test_every_collection_form_ends_with_its_summary() -> None:
    assert DOMAIN["forms"]["incident_form"]["required_slots"][-1] == "incident_confirm"
    assert DOMAIN["forms"]["results_form"]["required_slots"][-1] == "results_confirm"
    assert DOMAIN["forms"]["roster_form"]["required_slots"][-1] == "roster_review"
    assert DOMAIN["forms"]["incident_update_form"]["required_slots"][-1] == "update_confirm"
    for form in ("incident_form", "results_form", "incident_update_form"):
        assert set(DOMAIN["forms"][form]["required_slots"]) <= set(DOMAIN["slots"])


def test_cancelling_at_the_summary_forgets_the_report() -> None:
    dispatcher = CollectingDispatcher()
    tracker = form_tracker("huy", "incident_confirm", INCIDENT, intent="cancel")
    events = asyncio.run(ActionCancelSubmission().run(dispatcher, tracker, DOMAIN))
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
    assert {"incident_confirm", "results_confirm", *INCIDENT, *RESULTS} <= cleared
    assert "Chưa có thông tin nào được gửi" in dispatcher.messages[0]["text"]


# --- 4. the greeting and «trợ giúp» name everything, with buttons that start it -------------------


def test_help_names_the_five_capabilities_with_buttons_that_start_them() -> None:
    [help_text] = DOMAIN["responses"]["utter_help"]
    text = help_text["text"].lower()
    for capability in ("công văn", "danh sách trực", "báo cáo sự cố", "báo cáo kết quả", "đã gửi"):
        assert capability in text
    payloads = {b["payload"].lstrip("/") for b in help_text["buttons"]}
    assert {"submit_roster", "report_incident", "submit_results", "ask_my_reports"} <= payloads
    assert payloads & {"ask_deadline", "ask_contact", "ask_duties"}
    assert payloads <= set(DOMAIN["intents"])
    started = _rule_starts()
    assert all(intent in started for intent in payloads)
    assert started["greet"][:2] == ["utter_greet", "utter_help"] and started["help"] == [
        "utter_help"
    ]


def _rule_starts() -> dict[str, list[str]]:
    """intent -> the actions a rule runs for it (outside any form)."""
    starts: dict[str, list[str]] = {}
    for path in (ROOT / "stories").glob("*.yml"):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            steps = rule["steps"]
            if "intent" in steps[0] and "condition" not in rule:
                starts[steps[0]["intent"]] = [s["action"] for s in steps[1:] if "action" in s]
    return starts


# --- the roster review follows the same pattern ---------------------------------------------------

ROSTER_ENTRY = {
    "full_name": "Đinh Thị Lan",
    "position": "Trưởng ca",
    "phone": "0913555666",
    "email": None,
    "duty_type": "truc_ca",
    "duty_date": "2026-02-18",
    "lunar_text": "mùng 2 Tết",
    "shift": {"start": None, "end": None, "all_day": True, "overnight": False, "label": None},
    "shift_skipped": False,
    "note": None,
}
ROSTER = {
    "roster_organisation": "Mobifone Hà Tĩnh",
    "roster_province": "Hà Tĩnh",
    "roster_entries": [ROSTER_ENTRY],
}


def test_the_roster_table_offers_send_edit_cancel_and_edit_explains_how() -> None:
    tracker = form_tracker("24/24", "roster_review", ROSTER, form="roster_form")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAskRosterReview().run(dispatcher, tracker, DOMAIN))
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]] == [
        "Xác nhận gửi",
        "Sửa",
        "Hủy",
    ]
    said, slots = validate(
        ValidateRosterForm(), form_tracker("sua", "roster_review", ROSTER, form="roster_form")
    )
    assert "sửa số điện thoại dòng 2" in said and slots == {"roster_review": None}


def test_a_greeting_during_the_roster_is_not_a_name() -> None:
    tracker = form_tracker("chào em nhé", "roster_review", ROSTER, form="roster_form")
    said, slots = validate(ValidateRosterForm(), tracker)
    assert slots == {"roster_review": None} and "Danh sách trực đang dở" in said
