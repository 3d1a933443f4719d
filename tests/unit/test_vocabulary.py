"""One vocabulary: the forms' buttons, the store's schemas, the parsers and the audiences agree.

Each table below was once a copy that could drift; these tests fail the day one is edited alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.broadcasts import parse_audience
from bot.onboarding import PREFIX, SECTOR_KEYBOARD
from common.paths import PROJECT_ROOT
from common.vocabulary import Code, DutyType, IncidentCategory, Sector, Severity, Stage
from store.outreach.schemas import ProfileIn, SubscriptionIn
from store.submissions.schemas import IncidentIn, RosterEntryIn
from vntext import incident_text, roster_lines
from vntext.audiences import AUDIENCE_LABELS

DOMAIN = PROJECT_ROOT / "domain"
# The form prompts whose buttons are a vocabulary; follow-up stages offer the two after "ban_dau".
BUTTONS: dict[str, tuple[type[Code], tuple[Code, ...]]] = {
    "utter_ask_incident_category": (IncidentCategory, tuple(IncidentCategory)),
    "utter_ask_incident_severity": (Severity, tuple(Severity)),
    "utter_ask_update_stage": (Stage, (Stage.CAP_NHAT, Stage.KET_THUC)),
}


def _responses() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(Path(DOMAIN).glob("*.yml")):
        found |= (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    return found


@pytest.mark.parametrize("response", sorted(BUTTONS))
def test_form_buttons_are_the_vocabulary_and_are_understood(response: str) -> None:
    vocabulary, members = BUTTONS[response]
    [variant] = _responses()[response]
    titles = [button["title"] for button in variant["buttons"]]
    assert titles == [member.label for member in members]
    for button in variant["buttons"]:  # what a press sends is read back as that member
        assert vocabulary.named_in(button["payload"]) in members


def _enum_of(model: Any, field: str) -> list[str]:
    schema = model.model_json_schema()
    prop = schema["properties"][field]
    ref = (prop.get("$ref") or next(p["$ref"] for p in prop["anyOf"] if "$ref" in p)).split("/")
    return list(schema["$defs"][ref[-1]]["enum"])


@pytest.mark.parametrize(
    ("model", "field", "vocabulary"),
    [
        (RosterEntryIn, "duty_type", DutyType),
        (IncidentIn, "stage", Stage),
        (IncidentIn, "category", IncidentCategory),
        (IncidentIn, "severity", Severity),
        (ProfileIn, "sector", Sector),
        (SubscriptionIn, "sector", Sector),
    ],
)
def test_store_schemas_accept_exactly_the_codes(
    model: Any, field: str, vocabulary: type[Code]
) -> None:
    assert _enum_of(model, field) == list(vocabulary.codes())


def test_every_sector_is_an_audience_of_the_directive_parser() -> None:
    """A profile's sector and a directive section's audience are the same code."""
    sectors = {code for code in Sector.codes() if code != Sector.KHAC}
    assert sectors <= set(AUDIENCE_LABELS)


def test_parsers_speak_the_vocabulary() -> None:
    assert DutyType.labels() == roster_lines.DUTY_TYPES
    assert set(incident_text._CATEGORY_PHRASES) <= set(IncidentCategory.codes())
    assert {code for _, code in incident_text._SEVERITY_PHRASES} <= set(Severity.codes())
    assert {code for _, code in incident_text._STAGE_PHRASES} <= set(Stage.codes())


def test_onboarding_sector_buttons_are_the_vocabulary() -> None:
    pressed = [
        (button.text, button.callback_data)
        for row in SECTOR_KEYBOARD.inline_keyboard
        for button in row
        if button.callback_data != f"{PREFIX}sector:"  # «Bỏ qua»
    ]
    assert pressed == [(sector.label, f"{PREFIX}sector:{sector.value}") for sector in Sector]


@pytest.mark.parametrize(
    ("typed", "member"),
    [
        ("nghiem trong", Severity.NGHIEM_TRONG),
        ("Rất nghiêm trọng", Severity.NGHIEM_TRONG),
        ("mức cao", Severity.CAO),
        ("trung bình", Severity.TRUNG_BINH),
        ("ATTT", IncidentCategory.AN_TOAN_THONG_TIN),
        ("an ninh mạng", IncidentCategory.AN_TOAN_THONG_TIN),
        ("viễn thông", IncidentCategory.MANG_VIEN_THONG),
        ("truyen hinh cap", Sector.TRUYEN_HINH),
        ("Bưu điện", Sector.BUU_CHINH),
        ("trực LĐ", DutyType.TRUC_LANH_DAO),
        ("đã khắc phục", Stage.KET_THUC),
    ],
)
def test_users_words_name_one_member(typed: str, member: Code) -> None:
    assert type(member).named_in(typed) is member


def test_codes_print_as_codes() -> None:
    """f-strings and str() give the code on 3.10 and 3.11 (a plain str Enum prints its name)."""
    assert f"{Severity.CAO}" == str(Severity.CAO) == "cao" == Severity.CAO
    assert Sector.INTERNET.in_sentence == "Internet" and Sector.BUU_CHINH.in_sentence == "bưu chính"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bưu chính Nhắc nộp báo cáo", ("sector", "buu_chinh", "Nhắc nộp báo cáo")),
        ("truyen hinh tra tien Nhắc trực", ("sector", "truyen_hinh", "Nhắc trực")),
        ("Internet Kiểm tra", ("sector", "internet", "Kiểm tra")),
        ("Hà Tĩnh Nhắc trực", ("province", "Hà Tĩnh", "Nhắc trực")),
        ("khác Nhắc trực", None),  # "khác" is no audience of a broadcast
    ],
)
def test_broadcast_audience_words_are_the_sectors(
    typed: str, expected: tuple[str, str | None, str] | None
) -> None:
    assert parse_audience(typed) == expected
