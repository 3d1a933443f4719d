"""action_answer_contacts against the real store: right province, honest gaps, store faults."""

from __future__ import annotations

import asyncio

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contacts import ActionAnswerContacts
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient
from tests.actions.conftest import TOKEN, make_tracker
from tests.support import free_port


def run(action: ActionAnswerContacts, tracker) -> tuple[list[dict], list]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_unaccented_question_gets_both_ha_tinh_numbers(client: StoreClient) -> None:
    messages, events = run(ActionAnswerContacts(client), make_tracker("sdt duong day nong ha tinh"))
    text = messages[0]["text"]
    assert "Đặng Văn Đức" in text and "0911378999" in text
    assert "Nguyễn Thanh Lâm" in text and "0914237788" in text
    assert text.startswith("Theo công văn số …/STTTT-CNTT&BCVT")
    assert SlotSet("province", "Hà Tĩnh") in events


def test_entity_is_used_when_the_text_has_no_known_name(client: StoreClient) -> None:
    tracker = make_tracker(
        "số của tỉnh kia", entities=[{"entity": "province", "value": "lạng sơn"}]
    )
    text = run(ActionAnswerContacts(client), tracker)[0][0]["text"]
    assert "02053.818.657" in text and "0918.210.111" in text
    assert "0911378999" not in text


def test_profile_province_is_the_fallback(client: StoreClient) -> None:
    tracker = make_tracker("hotline", metadata={"profile": {"province": "Sóc Trăng"}})
    text = run(ActionAnswerContacts(client), tracker)[0][0]["text"]
    assert "02993.621090" in text and "Nguyễn Tiến Lên" in text


def test_no_province_asks_with_buttons(client: StoreClient) -> None:
    messages, events = run(
        ActionAnswerContacts(client), make_tracker("so dien thoai duong day nong")
    )
    assert "tỉnh/thành phố nào" in messages[0]["text"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Hà Tĩnh" in titles and "Lạng Sơn" in titles
    assert events == []


def test_province_without_hotline_gets_honest_answer(client: StoreClient) -> None:
    text = run(ActionAnswerContacts(client), make_tracker("hotline Bắc Ninh"))[0][0]["text"]
    assert "không nêu số điện thoại" in text
    assert "0911378999" not in text and "bacgiang" not in text
    other = run(ActionAnswerContacts(client), make_tracker("hotline Hà Nội"))[0][0]["text"]
    assert "chưa có công văn" in other


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
