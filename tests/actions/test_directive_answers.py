"""Answering actions against the real store: right province, sourced, time-aware, honest gaps."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directives import (
    ActionAnswerContacts,
    ActionAnswerDeadlines,
    ActionAnswerDirective,
    ActionAnswerDuties,
    ActionAnswerHolidays,
    ActionAnswerPending,
    ActionSearchDirectives,
)
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient
from tests.actions.conftest import TOKEN, make_tracker
from tests.support import free_port


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def text_of(action: Action, message: str, **kwargs: Any) -> str:
    messages, _ = run(action, make_tracker(message, **kwargs))
    return "\n".join(m.get("text") or "" for m in messages)


def test_unaccented_question_gets_both_ha_tinh_numbers(client: StoreClient) -> None:
    messages, events = run(ActionAnswerContacts(client), make_tracker("sdt duong day nong ha tinh"))
    text = messages[0]["text"]
    assert "Đặng Văn Đức" in text and "0911378999" in text
    assert "Nguyễn Thanh Lâm" in text and "0914237788" in text
    assert text.startswith("Theo công văn số …/STTTT-CNTT&BCVT")
    assert SlotSet("province", "Hà Tĩnh") in events


def test_entity_is_used_when_the_text_has_no_known_name(client: StoreClient) -> None:
    entities = [{"entity": "province", "value": "lạng sơn"}]
    text = text_of(ActionAnswerContacts(client), "số của tỉnh kia", entities=entities)
    assert "02053.818.657" in text and "0918.210.111" in text
    assert "0911378999" not in text


def test_profile_province_is_the_fallback(client: StoreClient) -> None:
    text = text_of(
        ActionAnswerContacts(client), "hotline", metadata={"profile": {"province": "Sóc Trăng"}}
    )
    assert "02993.621090" in text and "Nguyễn Tiến Lên" in text


def test_no_province_asks_with_buttons_and_remembers_the_question(client: StoreClient) -> None:
    messages, events = run(
        ActionAnswerDeadlines(client), make_tracker("han nop bao cao la khi nao")
    )
    assert "thời hạn báo cáo của tỉnh/thành phố nào" in messages[0]["text"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Hà Tĩnh" in titles and "Lạng Sơn" in titles
    assert events == [SlotSet("pending_topic", "deadlines")]
    pending = make_tracker("Bắc Ninh", slots={"pending_topic": "deadlines"})
    answer = "\n".join(m["text"] for m in run(ActionAnswerPending(client), pending)[0])
    assert "09h00 ngày 23/02/2026" in answer


def test_province_without_hotline_gets_honest_answer(client: StoreClient) -> None:
    text = text_of(ActionAnswerContacts(client), "hotline Bắc Ninh")
    assert "không nêu số điện thoại" in text
    assert "0911378999" not in text and "bacgiang" not in text
    assert "chưa có công văn" in text_of(ActionAnswerContacts(client), "hotline Hà Nội")


def test_deadline_counts_down_against_the_injected_clock(
    client: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUTET_NOW", "2026-02-20T04:30:00+07:00")
    before = text_of(ActionAnswerDeadlines(client), "han nop bao cao bac ninh")
    assert "trước 09h00 ngày 23/02/2026" in before and "còn 3 ngày 4 giờ" in before
    assert "bằng văn bản" in before
    assert before.startswith("Theo công văn số …/SKHCN-BCVT tháng 02/2026 của Sở KH&CN Bắc Ninh")
    monkeypatch.setenv("TRUTET_NOW", "2026-03-01T08:00:00+07:00")
    after = text_of(ActionAnswerDeadlines(client), "han nop bao cao bac ninh")
    assert "đã hết hạn từ 09h00 23/02/2026" in after


def test_former_province_deadline_with_lunar_day_and_email(client: StoreClient) -> None:
    text = text_of(ActionAnswerDeadlines(client), "hạn nộp báo cáo Bắc Giang")
    assert "09h00 ngày 13/02/2024" in text and "04 Tết" in text
    assert "so_tttt_vt@bacgiang.gov.vn" in text
    roster = text_of(ActionAnswerDeadlines(client), "han gui danh sach truc soc trang")
    assert "ngày 01/02/2024" in roster


def test_duties_for_one_audience_only(client: StoreClient) -> None:
    text = text_of(ActionAnswerDuties(client), "doanh nghiep buu chinh bac ninh phai lam gi")
    assert "KT1" in text
    assert "truyền hình trả tiền" not in text.split("nhiệm vụ:", 1)[1].lower()


def test_duties_without_audience_offer_buttons(client: StoreClient) -> None:
    messages, _ = run(ActionAnswerDuties(client), make_tracker("nhiem vu truc tet ha tinh"))
    buttons = messages[-1]["buttons"]
    assert any("bưu chính" in b["title"].lower() for b in buttons)
    assert all(len(m["text"]) <= 4096 for m in messages)


def test_holidays_and_directive_info(client: StoreClient) -> None:
    holidays = text_of(ActionAnswerHolidays(client), "lich nghi tet soc trang")
    assert "từ 08/02/2024 đến hết 14/02/2024 (7 ngày)" in holidays
    assert "Treo cờ" in holidays
    info = text_of(ActionAnswerDirective(client), "cong van lang son")
    assert info.startswith("Công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn")
    assert "Ất Tỵ" in info
    signer = text_of(ActionAnswerDirective(client), "công văn hà tĩnh ai ký")
    assert "Đậu Tùng Lâm" in signer and "Thông tư số 22/2021/TT-BTTTT" in signer


def test_free_form_question_quotes_items_with_source(client: StoreClient) -> None:
    text = text_of(ActionSearchDirectives(client), "bưu gửi KT1 là gì, phải làm gì?")
    assert "KT1" in text and "Theo công văn" in text


def test_unanswerable_question_offers_the_province_contact(client: StoreClient) -> None:
    text = text_of(ActionSearchDirectives(client), "thời tiết hà tĩnh ngày mai thế nào")
    assert "chưa tìm thấy" in text
    assert "0911378999" in text


def test_store_down_gives_vietnamese_apology_and_keeps_province() -> None:
    dead = StoreClient(
        f"http://127.0.0.1:{free_port()}", TOKEN, timeout=0.5, attempts=2, backoff=0.01
    )
    messages, events = run(ActionAnswerContacts(dead), make_tracker("hotline ha tinh"))
    assert messages[0]["text"] == STORE_UNAVAILABLE_TEXT
    assert SlotSet("province", "Hà Tĩnh") in events


def test_wrong_token_is_reported_as_unavailable(store_url: str) -> None:
    bad = StoreClient(store_url, "wrong", timeout=1, attempts=1)
    messages, _ = run(ActionAnswerContacts(bad), make_tracker("hotline ha tinh"))
    assert messages[0]["text"] == STORE_UNAVAILABLE_TEXT


def test_no_days_off_is_said_plainly(client: StoreClient) -> None:
    text = text_of(ActionAnswerHolidays(client), "lich nghi tet lang son")
    assert "không nêu lịch nghỉ Tết" in text


def test_a_deadline_question_the_deadlines_do_not_cover_gets_the_passage(
    client: StoreClient,
) -> None:
    text = text_of(
        ActionAnswerDeadlines(client), "bac giang kiem tra goi kien hang truoc khi nhan buu gui"
    )
    assert "không nêu thời hạn riêng" in text
    assert "kiểm tra nội dung gói" in text and "09h00 ngày 13/02/2024" in text


def test_an_email_asked_of_a_directive_without_one(client: StoreClient) -> None:
    text = text_of(ActionAnswerContacts(client), "email so tttt ha tinh la gi")
    assert "không nêu địa chỉ e-mail" in text and "0911378999" in text


def test_a_named_enterprise_and_a_kind_nobody_is_addressed_as(client: StoreClient) -> None:
    vnpt = text_of(ActionAnswerDuties(client), "Viễn thông Lạng Sơn được giao riêng việc gì")
    assert "giao dịch điện tử" in vnpt
    nobody = text_of(ActionAnswerDuties(client), "ubnd huyen bac giang phai lam gi dip tet")
    assert "không có mục riêng cho các sở, ban, ngành và UBND cấp huyện, xã" in nobody


def test_who_signed(client: StoreClient) -> None:
    assert "Người ký: Đậu Tùng Lâm" in text_of(ActionAnswerDirective(client), "ai ky cv ha tinh")
