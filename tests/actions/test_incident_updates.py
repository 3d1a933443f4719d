"""The incident update form ends like every form: a summary of what will be sent and «Gửi».

"cập nhật sự cố SC-2026-000045" used to file as soon as the last field was typed; now the user sees
which incident, the stage, the situation, what was done (and for a closing report when service came
back) and confirms, edits or cancels. A question or a greeting at any prompt is never a value.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import forms
from actions.cancel import ActionCancelSubmission
from actions.delivery import Outcome
from actions.incident_updates import (
    FORM_SLOTS,
    ActionAskUpdateConfirm,
    ActionSubmitIncidentUpdate,
    ValidateIncidentUpdateForm,
)
from actions.store_client import StoreClient
from tests.actions.test_forms import DOMAIN, form_tracker, run_prompt, validate

FORM = "incident_update_form"
PARENT = {
    "reference": "SC-2026-000045",
    "organisation": "VNPT Hà Tĩnh",
    "province": "Hà Tĩnh",
    "contact_name": "Nguyễn Văn An",
    "contact_phone_display": "0912345678",
    "category": "mang_vien_thong",
    "detected_at": "2026-02-20T02:00:00+07:00",
    "area": "Kỳ Anh",
    "services_affected": "di động 4G",
    "severity": "nghiem_trong",
    "cause": "mất điện",
}
UPDATE = {
    "update_parent": PARENT,
    "update_key": "k1",
    "update_stage": "cap_nhat",
    "update_description": "Đã khôi phục 8/12 trạm, còn 4 trạm mất sóng",
    "update_actions": "Điều thêm 2 máy phát điện",
    "update_restored_at": None,
    "update_cause": "mất điện",
}
CLOSING = UPDATE | {
    "update_stage": "ket_thuc",
    "update_description": "Toàn bộ 12 trạm phát sóng bình thường",
    "update_restored_at": "2026-02-20T04:10:00+07:00",
}
PROMPTS = ["update_stage", "update_description", "update_actions", "update_restored_at"]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUTET_NOW", "2026-02-20T04:30:00+07:00")


def at(requested: str, text: str, filled: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """The tracker at one prompt of the update form, the fields before it filled (a closing
    report's for the restoration time, which only closing reports are asked)."""
    filled = filled or (CLOSING if requested == "update_restored_at" else UPDATE)
    order = [*PROMPTS, "update_cause", "update_confirm"]
    before = {
        k: v for k, v in filled.items() if k not in order or order.index(k) < order.index(requested)
    }
    return form_tracker(text, requested, before, form=FORM, **kwargs)


def check(tracker: Any) -> tuple[str, dict[str, Any]]:
    """The bot's words and the slots set, the prompt asked next aside: it must be the same one
    (rasa-sdk names it only for an update report, whose required fields differ from the domain's)."""
    said, slots = validate(ValidateIncidentUpdateForm(), tracker)
    asked = slots.pop("requested_slot", None)
    assert asked in (None, tracker.get_slot("requested_slot")), asked
    return said, slots


def summary(filled: dict[str, Any]) -> dict[str, Any]:
    [message] = run_prompt(ActionAskUpdateConfirm(), at("update_confirm", "mất điện", filled))
    return message


# --- the summary ------------------------------------------------------------------------------


def test_the_update_form_ends_with_its_summary() -> None:
    assert DOMAIN["forms"][FORM]["required_slots"][-1] == "update_confirm"
    assert "update_confirm" in DOMAIN["slots"] and "update_confirm" in FORM_SLOTS


def test_an_update_summary_names_the_incident_and_what_changed() -> None:
    message = summary(UPDATE)
    text = message["text"]
    for shown in ("Báo cáo cập nhật sự cố SC-2026-000045 sẽ gửi về Sở (Hà Tĩnh)", "VNPT Hà Tĩnh",
                  "Kỳ Anh", "Loại báo cáo: Cập nhật (sự cố còn tiếp diễn)",
                  "Tình hình hiện tại: Đã khôi phục 8/12 trạm", "Việc đã làm: Điều thêm 2 máy",
                  "Nguyên nhân: mất điện", "chưa có gì được gửi"):  # fmt: skip
        assert shown in text, shown
    assert "Khôi phục lúc" not in text  # an update report sends no restoration time
    assert [b["title"] for b in message["buttons"]] == ["Gửi", "Sửa", "Hủy"]
    assert [b["payload"] for b in message["buttons"]] == ["gửi", "sửa", "hủy"]


def test_a_closing_summary_shows_when_service_came_back_and_the_cause() -> None:
    text = summary(CLOSING | {"update_cause": "-"})["text"]
    assert "Báo cáo kết thúc sự cố SC-2026-000045" in text
    assert "Loại báo cáo: Kết thúc (đã khắc phục xong)" in text
    assert "Khôi phục lúc: 04h10 ngày 20/02/2026 (khắc phục trong 2 giờ 10 phút)" in text
    assert "Nguyên nhân: chưa rõ" in text


# --- confirm, edit, cancel --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Gửi", "gui", "gửi đi ạ", "dong y", "Xác nhận", "ok nhé"])
def test_typed_yes_with_or_without_diacritics_confirms(text: str) -> None:
    said, slots = validate(ValidateIncidentUpdateForm(), at("update_confirm", text))
    assert slots["update_confirm"] == "yes" and said == ""


@pytest.mark.parametrize("text", ["chưa", "khong gui", "để mình xem lại", "xin chào", "cam on"])
def test_anything_else_at_the_summary_sends_nothing(text: str) -> None:
    said, slots = validate(ValidateIncidentUpdateForm(), at("update_confirm", text))
    assert slots["update_confirm"] is None and said


@pytest.mark.parametrize(
    ("text", "slot", "value", "told"),
    [
        ("sửa tình hình thành Còn 2 trạm mất sóng", "update_description", "Còn 2 trạm mất sóng",
         "Đã sửa tình hình: Còn 2 trạm mất sóng."),
        ("sua viec da lam thanh Han noi cap quang", "update_actions", "Han noi cap quang",
         "Đã sửa việc đã làm: Han noi cap quang."),
        ("sửa nguyên nhân: chập điện tủ nguồn", "update_cause", "chập điện tủ nguồn",
         "Đã sửa nguyên nhân: chập điện tủ nguồn."),
        ("sua loai bao cao thanh ket thuc", "update_stage", "ket_thuc",
         "Đã sửa loại báo cáo: Kết thúc."),
    ],
)  # fmt: skip
def test_a_field_changed_at_the_summary_keeps_the_rest(
    text: str, slot: str, value: str, told: str
) -> None:
    said, slots = check(at("update_confirm", text))
    assert slots == {slot: value, "update_confirm": None}
    assert told in said


def test_a_restoration_time_given_to_an_update_makes_it_a_closing_report() -> None:
    tracker = at("update_confirm", "sửa thời gian khôi phục thành 4h10")
    said, slots = check(tracker)
    assert slots == {
        "update_restored_at": "2026-02-20T04:10:00+07:00",
        "update_stage": "ket_thuc",
        "update_confirm": None,
    }
    assert (
        "báo cáo kết thúc" in said and "Đã sửa thời gian khôi phục: 04h10 ngày 20/02/2026" in said
    )


def test_a_restoration_time_before_detection_keeps_the_old_one() -> None:
    tracker = at("update_confirm", "sửa thời gian khôi phục thành 1h", CLOSING)
    said, slots = check(tracker)
    assert "update_restored_at" not in slots and slots["update_confirm"] is None
    assert "phải sau lúc phát hiện" in said


def test_edit_lists_the_fields_and_each_button_asks_its_field_again() -> None:
    [message] = run_prompt(ActionAskUpdateConfirm(), at("update_confirm", "Sửa", CLOSING))
    assert "sửa mục nào" in message["text"]
    fields = [b["payload"] for b in message["buttons"] if b["payload"] not in ("gửi", "hủy")]
    assert len(fields) == len(ValidateIncidentUpdateForm.labels) == 5
    for payload in fields:
        tracker = at("update_confirm", payload, CLOSING)
        _, slots = validate(ValidateIncidentUpdateForm(), tracker)
        redone = [name for name, value in slots.items() if value is None]
        redone.remove("update_confirm")
        assert len(redone) == 1 and ValidateIncidentUpdateForm.labels[redone[0]] in payload


def test_asking_the_restoration_time_again_on_an_update_asks_it_for_a_closing_report() -> None:
    tracker = at("update_confirm", "sửa thời gian khôi phục")
    said, slots = validate(ValidateIncidentUpdateForm(), tracker)
    assert slots == {"update_stage": "ket_thuc", "update_restored_at": None, "update_confirm": None}
    assert "báo cáo kết thúc" in said


def test_cancelling_at_the_summary_forgets_the_update() -> None:
    dispatcher = CollectingDispatcher()
    tracker = at("update_confirm", "huy", intent="cancel")
    events = asyncio.run(ActionCancelSubmission().run(dispatcher, tracker, DOMAIN))
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
    assert {*UPDATE, "update_confirm"} <= cleared
    assert "Chưa có thông tin nào được gửi" in dispatcher.messages[0]["text"]


# --- nothing is filed before «Gửi» ------------------------------------------------------------


class RecordingSubmit(ActionSubmitIncidentUpdate):
    """The submit action with the store replaced by a list of what it was asked to file."""

    def __init__(self) -> None:
        super().__init__(client=StoreClient(base_url="http://127.0.0.1:9", token="unused"))
        self.filed: list[dict[str, Any]] = []

    async def deliver(self, kind: str, payload: dict[str, Any]) -> Outcome:
        self.filed.append(payload)
        return Outcome(reference="SC-2026-000046")


@pytest.mark.parametrize("confirm", [None, "gui", "chưa"])
def test_without_the_summarys_yes_nothing_is_filed(confirm: str | None) -> None:
    action = RecordingSubmit()
    tracker = at("update_confirm", "x", CLOSING)
    tracker.slots["update_confirm"] = confirm  # what the form left: only «Gửi» makes it "yes"
    assert asyncio.run(action.run(CollectingDispatcher(), tracker, DOMAIN)) == []
    assert action.filed == []


def test_the_confirmed_closing_report_is_filed_once_as_summarised() -> None:
    action = RecordingSubmit()
    tracker = at("update_confirm", "gửi", CLOSING)
    tracker.slots["update_confirm"] = "yes"
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    [payload] = action.filed
    assert payload["stage"] == "ket_thuc" and payload["parent_reference"] == "SC-2026-000045"
    assert payload["restored_at"] == CLOSING["update_restored_at"]
    assert "Thời gian khắc phục: 2 giờ 10 phút" in dispatcher.messages[0]["text"]
    assert {e["name"] for e in events} >= {"update_confirm", "update_parent"}


# --- a question or a greeting at any prompt is never a value ----------------------------------


@pytest.mark.parametrize("requested", [*PROMPTS, "update_cause", "update_confirm"])
@pytest.mark.parametrize("text", ["xin chào", "Cảm ơn ạ", "chao ban nhe"])
def test_greetings_and_thanks_are_never_an_update_value(requested: str, text: str) -> None:
    said, slots = check(at(requested, text, intent="greet"))
    assert slots == {requested: None}
    assert "Báo cáo cập nhật sự cố" in said and "mời bạn trả lời câu hỏi dưới đây" in said.lower()


@pytest.mark.parametrize("requested", [*PROMPTS, "update_confirm"])
def test_a_hotline_asked_at_any_update_prompt_is_answered(
    client: StoreClient, requested: str
) -> None:
    tracker = at(requested, "sdt duong day nong ha tinh", intent="ask_contact", confidence=0.95)
    said, slots = validate(ValidateIncidentUpdateForm(client), tracker)
    assert "0911378999" in said and forms.RESUME_TEXT in said
    assert slots.pop("requested_slot", requested) == requested and slots[requested] is None
    assert set(slots) <= {requested, "province", "pending_topic"}  # nothing given is lost


def test_a_question_naming_no_province_is_about_the_incidents(client: StoreClient) -> None:
    parent = PARENT | {"province": "Bắc Ninh"}
    tracker = at(
        "update_actions",
        "Hạn chót gửi báo cáo kết quả là khi nào?",
        UPDATE | {"update_parent": parent},
        intent="ask_deadline",
        confidence=1.0,
    )
    tracker.slots["province"] = "Lạng Sơn"  # asked about earlier: the incident's province wins
    said, slots = validate(ValidateIncidentUpdateForm(client), tracker)
    assert "Bắc Ninh" in said and "23/02/2026" in said and "Lạng Sơn" not in said
    assert slots["update_actions"] is None
