"""The gateway's side of the store on SQLite and PostgreSQL: profiles, staff grants checked by the
store (X-Acting-User), the audit log, subscriptions, broadcasts and their audiences, the outbox
(claims under concurrent claimers, results, recovery), deadline reminders, statistics, the
pending list and the workbook export.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from store.db import alembic_config
from tests.store.clients import (
    DIRECTIVES,
    SERVICE,
    STAFF,
    STAFF_AUTH,
    TOKEN,
    acting,
    make_client,
    without_directives,
)

BAC_NINH_DUE = "2026-02-23T09:00:00+07:00"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """A store without directives (fast)."""
    with without_directives(database_url, tmp_path, outbox_max_attempts=3) as test_client:
        yield test_client


@pytest.fixture
def loaded(database_url: str) -> Iterator[TestClient]:
    """A store with the five real directives (reminders, statistics)."""
    with make_client(database_url, DIRECTIVES) as test_client:
        yield test_client


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def refused(response: Any, status: int, *fragments: str) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str), detail
    for fragment in fragments:
        assert fragment in detail, (fragment, detail)
    return detail


def put_profile(client: TestClient, user_id: str, **fields: Any) -> Any:
    return client.put(f"/api/profiles/telegram/{user_id}", json=fields, headers=SERVICE)


def subscribe(client: TestClient, chat_id: str, channel: str = "telegram", **fields: Any) -> Any:
    body = {"chat_type": "private", **fields}
    return ok(client.put(f"/api/subscriptions/{channel}/{chat_id}", json=body, headers=SERVICE))


def enterprise(
    client: TestClient, user_id: str, organisation: str, province: str, sector: str
) -> Any:
    """An enterprise user: profile (registers the organisation) and a private subscription."""
    ok(
        put_profile(
            client,
            user_id,
            chat_id=user_id,
            declared_role="doanh_nghiep",
            organisation=organisation,
            province=province,
            sector=sector,
        )
    )
    return subscribe(
        client,
        user_id,
        user_id=user_id,
        organisation=organisation,
        province=province,
        sector=sector,
    )


def grant(client: TestClient, user_id: str, by: str = "42") -> Any:
    """An admin (see clients.ADMINS) grants staff rights."""
    return ok(client.put(f"/api/staff/telegram/{user_id}", json={}, headers=acting(by)))


def draft(client: TestClient, kind: str, value: str | None = None, **extra: Any) -> Any:
    body = {"created_by": "900", "audience_kind": kind, "audience_value": value, "text": "Họp"}
    return client.post("/api/broadcasts", json=body | extra, headers=STAFF_AUTH)


def claim(client: TestClient, limit: int = 500, channel: str = "telegram") -> list[dict]:
    body = {"channel": channel, "limit": limit}
    return ok(client.post("/api/outbox/claim", json=body, headers=SERVICE))


def result(client: TestClient, item_id: int, status: str, **extra: Any) -> Any:
    body = {"status": status, **extra}
    return client.post(f"/api/outbox/{item_id}/result", json=body, headers=SERVICE)


def queue(client: TestClient, key: str, chats: list[str], kind: str = "notice") -> Any:
    items = [
        {"channel": "telegram", "chat_id": chat, "kind": kind, "dedupe_key": key, "text": "Chào"}
        for chat in chats
    ]
    return ok(client.post("/api/outbox", json={"items": items}, headers=SERVICE), 201)


def submitted(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    base = {"submitter_channel": "telegram", "submitter_id": "7001", "province": "Bắc Ninh"}
    return ok(client.post(path, json=base | body, headers=SERVICE), 201)


def roster(client: TestClient, key: str, organisation: str, **extra: Any) -> Any:
    line = {
        "duty_type": "truc_lanh_dao",
        "duty_date": "2026-02-17",
        "shift": "24/24",
        "full_name": "Nguyễn Văn An",
        "position": "Giám đốc",
        "phone": "0912345678",
    }
    body = {"idempotency_key": key, "organisation": organisation, "entries": [line]}
    return submitted(client, "/api/roster-entries", body | extra)


def results_report(client: TestClient, key: str, organisation: str, **extra: Any) -> Any:
    body = {"idempotency_key": key, "organisation": organisation, "summary": "Đã trực đầy đủ."}
    return submitted(client, "/api/results-reports", body | extra)


def incident(client: TestClient, key: str, organisation: str) -> Any:
    body = {
        "idempotency_key": key,
        "organisation": organisation,
        "stage": "ban_dau",
        "contact_name": "Trần Thị Bình",
        "contact_phone": "0987654321",
        "category": "mang_vien_thong",
        "detected_at": "2026-02-15T08:15:00+07:00",
        "area": "Từ Sơn",
        "services_affected": "Di động 4G",
        "severity": "thap",
        "description": "Mất điện một trạm",
    }
    return submitted(client, "/api/incidents", body)


# --- profiles -------------------------------------------------------------------------------


def test_profile_upsert_keeps_absent_fields_and_clears_nulls(client: TestClient) -> None:
    created = ok(
        put_profile(
            client,
            "501",
            chat_id=501,
            username="@An_Nguyen",
            display_name="An Nguyễn",
            declared_role="doanh_nghiep",
            organisation="  VNPT   Hà Tĩnh ",
            province="ha tinh",
            sector="vien_thong",
            name="Nguyễn Văn An",
            phone="0912 345 678",
        )
    )
    assert created == {
        "channel": "telegram",
        "user_id": "501",
        "chat_id": "501",
        "username": "an_nguyen",
        "display_name": "An Nguyễn",
        "declared_role": "doanh_nghiep",
        "organisation": "VNPT Hà Tĩnh",
        "province": "Hà Tĩnh",
        "sector": "vien_thong",
        "name": "Nguyễn Văn An",
        "phone": "0912345678",
        "is_staff": False,
        "subscribed": False,
    }
    changed = ok(put_profile(client, "501", sector=None, name="Nguyễn Văn Ân"))
    assert changed["sector"] is None and changed["name"] == "Nguyễn Văn Ân"
    assert changed["organisation"] == "VNPT Hà Tĩnh" and changed["phone"] == "0912345678"
    assert ok(client.get("/api/profiles/telegram/501", headers=SERVICE)) == changed
    subscribe(client, "501")
    assert ok(client.get("/api/profiles/telegram/501", headers=SERVICE))["subscribed"] is True
    refused(client.get("/api/profiles/telegram/999", headers=SERVICE), 404, "Chưa có hồ sơ")
    assert client.get("/api/profiles/telegram/501").status_code == 401


def test_profile_province_follows_the_2025_merger(client: TestClient) -> None:
    assert ok(put_profile(client, "502", province="Bắc Giang"))["province"] == "Bắc Ninh"
    assert ok(put_profile(client, "503", province="soc trang"))["province"] == "Cần Thơ"
    assert ok(put_profile(client, "502", province=None))["province"] is None


def test_bad_profile_values_are_explained_in_vietnamese(client: TestClient) -> None:
    refused(put_profile(client, "504", phone="12345"), 422, "Số điện thoại 12345 không hợp lệ")
    refused(
        put_profile(client, "504", province="Atlantis"),
        422,
        "Không biết tỉnh/thành phố «Atlantis»",
        "Ví dụ",
    )
    refused(put_profile(client, "504", declared_role="admin"), 422, "Vai trò «admin»")
    refused(put_profile(client, "504", sector="duong sat"), 422, "Lĩnh vực «duong sat»")
    refused(put_profile(client, "504", colour="đỏ"), 422, "colour")
    assert client.get("/api/profiles/telegram/504", headers=SERVICE).status_code == 404
    ok(put_profile(client, "504", phone="0912345678"))
    refused(put_profile(client, "504", phone="abc", name="X"), 422, "Số điện thoại abc")
    kept = ok(client.get("/api/profiles/telegram/504", headers=SERVICE))
    assert kept["phone"] == "0912345678" and kept["name"] is None


def test_profiles_found_by_username_with_or_without_at(client: TestClient) -> None:
    ok(put_profile(client, "505", username="HoaTran", display_name="Hoa"))
    ok(put_profile(client, "506", username="other"))
    for asked in ("@hoatran", "HOATRAN", " @HoaTran "):
        found = ok(
            client.get(
                "/api/profiles", params={"channel": "telegram", "username": asked}, headers=SERVICE
            )
        )
        assert [p["user_id"] for p in found] == ["505"], asked
    params = {"channel": "zalo", "username": "hoatran"}
    assert ok(client.get("/api/profiles", params=params, headers=SERVICE)) == []


def test_concurrent_first_profile_writes_leave_one_profile(client: TestClient) -> None:
    barrier = threading.Barrier(6)

    def write(number: int) -> int:
        barrier.wait()
        body = {"display_name": f"Người {number}", "declared_role": "doanh_nghiep",
                "organisation": "Viettel Bắc Ninh", "province": "Bắc Ninh"}  # fmt: skip
        return put_profile(client, "520", **body).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(write, range(6))) == [200] * 6
    pending = ok(client.get("/api/pending", params={"province": "Bắc Ninh"}, headers=STAFF_AUTH))
    assert [p["organisation"] for p in pending] == ["Viettel Bắc Ninh"]


# --- staff and audit ------------------------------------------------------------------------


def test_staff_grant_is_idempotent_revoke_removes_and_both_are_audited(client: TestClient) -> None:
    ok(put_profile(client, "601", chat_id="601", display_name="Chị Lan", declared_role="can_bo_so"))
    assert ok(client.get("/api/profiles/telegram/601", headers=SERVICE))["is_staff"] is False
    first = grant(client, "601", by="42")
    assert first["display_name"] == "Chị Lan" and first["chat_id"] == "601"
    assert first["granted_by"] == "42" and first["granted_at"].endswith("+07:00")
    again = grant(client, "601", by="43")
    assert again["granted_at"] == first["granted_at"] and again["granted_by"] == "42"
    grant(client, "602", by="42")
    listed = ok(client.get("/api/staff", params={"channel": "telegram"}, headers=acting("42")))
    assert [s["user_id"] for s in listed] == ["601", "602"]
    assert listed[1]["display_name"] is None
    assert ok(client.get("/api/profiles/telegram/601", headers=SERVICE))["is_staff"] is True
    assert client.delete("/api/staff/telegram/602", headers=acting("43")).status_code == 204
    gone = client.delete("/api/staff/telegram/602", headers=acting("43"))
    refused(gone, 404, "không phải cán bộ Sở")
    audit = ok(client.get("/api/audit", headers=STAFF_AUTH))
    assert [(a["action"], a["user_id"], a["detail"]) for a in audit] == [
        ("revoke", "43", "telegram:602"),
        ("grant", "42", "telegram:602"),
        ("grant", "42", "telegram:601"),
    ]
    assert all(a["allowed"] for a in audit)


def test_staff_only_routes_check_the_grant_and_audit_refusals(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    ok(put_profile(client, "701", declared_role="can_bo_so", display_name="Tự xưng"))
    grant(client, "702")
    caplog.set_level(logging.WARNING, logger="store.auth")
    for headers in (SERVICE, acting("701"), acting("702", channel="zalo"), acting("nonsense")):
        refused(client.get("/api/stats", headers=headers), 403, "Chỉ cán bộ Sở")
    headers = {**SERVICE, "X-Acting-User": "telegram"}
    refused(client.post("/api/broadcasts", json={}, headers=headers), 403, "Chỉ cán bộ Sở")
    assert ok(client.get("/api/stats", headers=acting("702")))["expected"] == 0
    assert ok(client.get("/api/stats", headers=STAFF_AUTH))["expected"] == 0
    assert client.get("/api/stats", headers={"Authorization": "Bearer wrong"}).status_code == 401
    audit = ok(client.get("/api/audit", headers=acting("702")))
    denied = [(a["channel"], a["user_id"], a["detail"]) for a in audit if not a["allowed"]]
    assert denied == [
        ("telegram", "nonsense", "GET /api/stats"),
        ("zalo", "702", "GET /api/stats"),
        ("telegram", "701", "GET /api/stats"),
    ]
    assert {a["action"] for a in audit if not a["allowed"]} == {"staff_only"}
    logged = [r.getMessage() for r in caplog.records if r.name == "store.auth"]
    assert any("/api/stats" in m and "telegram:701" in m for m in logged), logged
    assert all(TOKEN not in m and STAFF not in m and "wrong" not in m for m in logged)


def test_audit_entries_from_the_gateway(client: TestClient) -> None:
    body = {"channel": "telegram", "user_id": 801, "action": "broadcast", "allowed": False,
            "detail": "không phải cán bộ"}  # fmt: skip
    created = ok(client.post("/api/audit", json=body, headers=SERVICE), 201)
    assert created["user_id"] == "801" and created["at"].endswith("+07:00")
    ok(client.post("/api/audit", json=body | {"action": "grant"}, headers=SERVICE), 201)
    newest = ok(client.get("/api/audit", params={"limit": 1}, headers=STAFF_AUTH))
    assert [a["action"] for a in newest] == ["grant"]
    refused(
        client.post("/api/audit", json=body | {"action": ""}, headers=SERVICE), 422, "Hành động"
    )
    refused(client.get("/api/audit", headers=SERVICE), 403)


# --- subscriptions --------------------------------------------------------------------------


def test_subscriptions_unsubscribe_and_come_back(client: TestClient) -> None:
    path = "/api/subscriptions/telegram/-100123"
    created = subscribe(
        client, "-100123", chat_type="supergroup", province="bac giang", sector="buu_chinh"
    )
    assert created["active"] is True and created["province"] == "Bắc Ninh"
    assert created["chat_type"] == "supergroup" and created["reason"] is None
    assert ok(client.get(path, headers=SERVICE)) == created
    left = ok(client.delete(path, params={"reason": "user"}, headers=SERVICE))
    assert (left["active"], left["reason"]) == (False, "user")
    blocked = ok(client.delete(path, params={"reason": "blocked"}, headers=SERVICE))
    assert blocked["reason"] == "blocked"
    back = ok(client.put(path, json={"chat_type": "supergroup"}, headers=SERVICE))
    assert (back["active"], back["reason"], back["province"]) == (True, None, "Bắc Ninh")
    cleared = ok(client.put(path, json={"province": None}, headers=SERVICE))
    assert cleared["province"] is None and cleared["sector"] == "buu_chinh"
    refused(client.delete(path, params={"reason": "tired"}, headers=SERVICE), 422, "Lý do")
    missing = "/api/subscriptions/telegram/404"
    refused(client.delete(missing, headers=SERVICE), 404, "chưa đăng ký")
    refused(client.get(missing, headers=SERVICE), 404, "chưa đăng ký")
    refused(client.put(path, json={"province": "Mars"}, headers=SERVICE), 422, "«Mars»")
    refused(client.put(path, json={"chat_type": "forum"}, headers=SERVICE), 422, "chat_type")


# --- broadcasts -----------------------------------------------------------------------------


def _audience(client: TestClient) -> None:
    """Four active telegram chats, one inactive, one on another channel.

    Expected organisations: VNPT Hà Tĩnh, Bưu điện tỉnh Bắc Ninh, Viettel Bắc Ninh (the last has
    sent its results report); chat 4 has no organisation; chat 5 left; chat 6 is on Zalo.
    """
    enterprise(client, "1", "VNPT Hà Tĩnh", "Hà Tĩnh", "vien_thong")
    enterprise(client, "2", "Bưu điện tỉnh Bắc Ninh", "Bắc Giang", "buu_chinh")
    enterprise(client, "3", "Viettel Bắc Ninh", "Bắc Ninh", "vien_thong")
    subscribe(client, "4", chat_type="group", province="Bắc Ninh")
    enterprise(client, "5", "Mobifone Hà Tĩnh", "Hà Tĩnh", "vien_thong")
    ok(client.delete("/api/subscriptions/telegram/5", headers=SERVICE))
    subscribe(client, "6", channel="zalo", province="Hà Tĩnh", organisation="VNPT Hà Tĩnh")
    results_report(client, "r-viettel", "Viettel Bắc Ninh")


def test_broadcast_preview_counts_every_audience(client: TestClient) -> None:
    _audience(client)
    cases = [
        ("all", None, 4, None, "tất cả người đăng ký"),
        ("province", "bac giang", 3, "Bắc Ninh", "tỉnh Bắc Ninh"),
        ("province", "Hà Tĩnh", 1, "Hà Tĩnh", "tỉnh Hà Tĩnh"),
        ("sector", "bưu chính", 1, "buu_chinh", "lĩnh vực bưu chính"),
        ("sector", "buu chinh", 1, "buu_chinh", "lĩnh vực bưu chính"),
        ("sector", "Viễn thông", 2, "vien_thong", "lĩnh vực viễn thông"),
        ("sector", "truyen hinh", 0, "truyen_hinh", "lĩnh vực truyền hình trả tiền"),
        ("sector", "internet", 0, "internet", "lĩnh vực Internet"),
        ("pending", None, 2, None, "đơn vị chưa nộp báo cáo kết quả"),
        ("pending", "Bắc Giang", 1, "Bắc Ninh", "đơn vị chưa nộp báo cáo kết quả tỉnh Bắc Ninh"),
    ]
    for kind, value, count, stored, label in cases:
        made = ok(draft(client, kind, value), 201)
        assert made["recipient_count"] == count, (kind, value, made)
        assert (made["audience_value"], made["audience_label"]) == (stored, label)
        assert made["status"] == "draft" and made["counts"] == dict.fromkeys(
            ("pending", "sending", "sent", "blocked", "failed", "uncertain"), 0
        )
    refused(draft(client, "province", "Gondor"), 422, "«Gondor»", "Ví dụ")
    refused(draft(client, "province"), 422, "Cần tên tỉnh")
    refused(draft(client, "sector", "đường sắt"), 422, "Không rõ lĩnh vực «đường sắt»")
    refused(draft(client, "everyone"), 422, "Đối tượng nhận")
    refused(draft(client, "all", text="x" * 3501), 422, "Nội dung dài quá 3500")
    refused(draft(client, "all", text="  \n "), 422, "Nội dung không được để trống")
    body = {"created_by": "1", "audience_kind": "all", "text": "x"}
    refused(client.post("/api/broadcasts", json=body, headers=SERVICE), 403)


def test_confirm_queues_once_for_the_recipients_of_that_moment(client: TestClient) -> None:
    _audience(client)
    made = ok(draft(client, "all", text="Họp <b>giao ban</b> & trực"), 201)
    assert made["recipient_count"] == 4
    subscribe(client, "7", province="Hà Tĩnh")
    path = f"/api/broadcasts/{made['id']}"
    sent = ok(client.post(f"{path}/confirm", headers=STAFF_AUTH))
    assert (sent["status"], sent["recipient_count"]) == ("sending", 5)
    assert sent["counts"]["pending"] == 5 and sent["confirmed_at"] is not None
    again = ok(client.post(f"{path}/confirm", headers=STAFF_AUTH))
    assert again["counts"]["pending"] == 5 and again["confirmed_at"] == sent["confirmed_at"]
    refused(client.post(f"{path}/cancel", headers=STAFF_AUTH), 409, "không hủy được")
    items = claim(client)
    assert sorted(i["chat_id"] for i in items) == ["1", "2", "3", "4", "7"]
    assert {i["kind"] for i in items} == {"broadcast"} and items[0]["broadcast_id"] == made["id"]
    assert items[0]["parse_mode"] == "HTML"
    assert items[0]["text"].endswith("Họp &lt;b&gt;giao ban&lt;/b&gt; &amp; trực")
    other = ok(draft(client, "province", "Hà Tĩnh"), 201)
    cancelled = ok(client.post(f"/api/broadcasts/{other['id']}/cancel", headers=STAFF_AUTH))
    assert cancelled["status"] == "cancelled"
    refused(
        client.post(f"/api/broadcasts/{other['id']}/confirm", headers=STAFF_AUTH), 409, "đã bị hủy"
    )
    refused(client.get("/api/broadcasts/9999", headers=SERVICE), 404, "9999")


def test_concurrent_confirmations_queue_each_chat_once(client: TestClient) -> None:
    for number in range(20):
        subscribe(client, str(number), province="Hà Tĩnh")
    made = ok(draft(client, "all"), 201)
    barrier = threading.Barrier(5)

    def confirm(_: int) -> int:
        barrier.wait()
        return client.post(f"/api/broadcasts/{made['id']}/confirm", headers=STAFF_AUTH).status_code

    with ThreadPoolExecutor(max_workers=5) as pool:
        assert list(pool.map(confirm, range(5))) == [200] * 5
    assert len(claim(client)) == 20
    shown = ok(client.get(f"/api/broadcasts/{made['id']}", headers=SERVICE))
    assert shown["recipient_count"] == 20 and shown["counts"]["sending"] == 20


def test_results_settling_the_last_rows_at_once_finish_the_broadcast(client: TestClient) -> None:
    for number in range(8):
        subscribe(client, str(number), province="Hà Tĩnh")
    made = ok(draft(client, "all"), 201)
    ok(client.post(f"/api/broadcasts/{made['id']}/confirm", headers=STAFF_AUTH))
    rows = claim(client)
    barrier = threading.Barrier(len(rows))

    def settle(item: dict) -> int:
        barrier.wait()
        return ok(result(client, item["id"], "sent"))["status"]

    with ThreadPoolExecutor(max_workers=len(rows)) as pool:
        assert set(pool.map(settle, rows)) == {"sent"}
    shown = ok(client.get(f"/api/broadcasts/{made['id']}", headers=SERVICE))
    assert shown["status"] == "done" and shown["counts"]["sent"] == 8 and shown["finished_at"]


def test_progress_message_and_broadcasts_in_progress(client: TestClient) -> None:
    subscribe(client, "1", province="Hà Tĩnh")
    made = ok(draft(client, "all", progress_chat_id=900), 201)
    assert made["progress_chat_id"] == "900" and made["progress_message_id"] is None
    path = f"/api/broadcasts/{made['id']}"
    patched = ok(client.patch(path, json={"progress_message_id": 55}, headers=SERVICE))
    assert patched["progress_message_id"] == 55
    assert ok(client.get("/api/broadcasts", params={"status": "sending"}, headers=SERVICE)) == []
    ok(client.post(f"{path}/confirm", headers=STAFF_AUTH))
    resumed = ok(client.get("/api/broadcasts", headers=SERVICE))
    assert [(b["id"], b["progress_message_id"]) for b in resumed] == [(made["id"], 55)]
    refused(client.get("/api/broadcasts", params={"status": "x"}, headers=SERVICE), 422)


# --- the outbox -----------------------------------------------------------------------------


def test_outbox_queues_each_message_once_per_chat(client: TestClient) -> None:
    assert queue(client, "alert:3", ["10", "11", "10"], kind="alert") == {
        "queued": 2,
        "duplicates": 1,
    }
    assert queue(client, "alert:3", ["10", "11", "12"], kind="alert") == {
        "queued": 1,
        "duplicates": 2,
    }
    assert queue(client, "alert:4", ["10"], kind="alert")["queued"] == 1
    items = claim(client)
    assert [(i["chat_id"], i["kind"], i["attempts"]) for i in items] == [
        ("10", "alert", 0),
        ("11", "alert", 0),
        ("12", "alert", 0),
        ("10", "alert", 0),
    ]
    assert claim(client) == [] and claim(client, channel="zalo") == []
    bad = {"items": [{"chat_id": "1", "kind": "spam", "dedupe_key": "k", "text": "x"}]}
    refused(client.post("/api/outbox", json=bad, headers=SERVICE), 422, "Loại (kind) «spam»")
    refused(client.post("/api/outbox/claim", json={"limit": 501}, headers=SERVICE), 422, "500")


def test_concurrent_claimers_never_get_the_same_row(client: TestClient) -> None:
    total = 240
    for start in range(0, total, 80):
        queue(client, "notice:burst", [str(n) for n in range(start, start + 80)])
    barrier = threading.Barrier(6)

    def drain(_: int) -> list[int]:
        barrier.wait()
        mine: list[int] = []
        while batch := claim(client, limit=7):
            assert len(batch) <= 7
            mine += [item["id"] for item in batch]
        return mine

    with ThreadPoolExecutor(max_workers=6) as pool:
        taken = [item_id for ids in pool.map(drain, range(6)) for item_id in ids]
    assert len(taken) == total and len(set(taken)) == total


def test_results_blocked_retry_and_give_up(client: TestClient) -> None:
    for chat in ("1", "2", "3", "4"):
        subscribe(client, chat, province="Hà Tĩnh")
    queue(client, "notice:1", ["1", "2", "3", "4"])
    one, two, three, four = claim(client)
    sent = ok(result(client, one["id"], "sent"))
    assert sent["status"] == "sent"
    refused(result(client, one["id"], "sent"), 409, "không ở trạng thái đang gửi (sent)")
    refused(result(client, 9999, "sent"), 404, "9999")
    assert ok(result(client, two["id"], "blocked", error="Forbidden"))["status"] == "blocked"
    gone = ok(client.get("/api/subscriptions/telegram/2", headers=SERVICE))
    assert (gone["active"], gone["reason"]) == (False, "blocked")
    later = ok(result(client, three["id"], "retry", error="429", retry_after=3600))
    assert (later["status"], later["attempts"]) == ("pending", 1)
    assert claim(client) == []  # not before an hour from now
    soon = ok(result(client, four["id"], "retry", retry_after=0))
    assert soon["status"] == "pending"
    for attempt in (2, 3):  # OUTBOX_MAX_ATTEMPTS is 3 in this client
        (again,) = claim(client)
        assert again["id"] == four["id"] and again["attempts"] == attempt - 1
        retried = ok(result(client, four["id"], "retry", retry_after=0))
        assert (retried["status"], retried["attempts"]) == (
            "pending" if attempt < 3 else "failed",
            attempt,
        )
    assert claim(client) == []
    refused(result(client, four["id"], "gone"), 422, "Trạng thái (status) «gone»")


def test_batch_results_are_all_or_nothing(client: TestClient) -> None:
    queue(client, "notice:2", ["1", "2", "3"])
    first, second, third = (item["id"] for item in claim(client))
    ok(result(client, third, "sent"))
    body = {"results": [{"id": first, "status": "sent"}, {"id": third, "status": "sent"}]}
    refused(client.post("/api/outbox/results", json=body, headers=SERVICE), 409, str(third))
    body = {"results": [{"id": first, "status": "sent"}, {"id": second, "status": "failed"}]}
    done = ok(client.post("/api/outbox/results", json=body, headers=SERVICE))
    assert [(i["id"], i["status"]) for i in done] == [(first, "sent"), (second, "failed")]
    refused(client.post("/api/outbox/results", json={"results": [{}]}, headers=SERVICE), 422)


def test_recovery_marks_uncertain_and_the_broadcast_finishes(client: TestClient) -> None:
    for chat in ("1", "2", "3", "4"):
        subscribe(client, chat, province="Hà Tĩnh")
    made = ok(draft(client, "all"), 201)
    path = f"/api/broadcasts/{made['id']}"
    ok(client.post(f"{path}/confirm", headers=STAFF_AUTH))
    first, second, third = claim(client, limit=3)
    ok(result(client, first["id"], "sent"))
    ok(result(client, second["id"], "blocked"))
    answer = ok(client.post("/api/outbox/recover", json={"channel": "telegram"}, headers=SERVICE))
    assert answer == {"uncertain": 1}
    refused(result(client, third["id"], "sent"), 409, "uncertain")
    middle = ok(client.get(path, headers=SERVICE))
    assert middle["status"] == "sending" and middle["counts"]["pending"] == 1
    (last,) = claim(client)
    ok(result(client, last["id"], "failed", error="Bad Request: chat not found"))
    finished = ok(client.get(path, headers=SERVICE))
    assert finished["status"] == "done" and finished["finished_at"] is not None
    assert finished["counts"] == {
        "pending": 0,
        "sending": 0,
        "sent": 1,
        "blocked": 1,
        "failed": 1,
        "uncertain": 1,
    }
    assert claim(client) == []
    assert ok(client.post("/api/outbox/recover", json={}, headers=SERVICE)) == {"uncertain": 0}
    done = ok(client.get("/api/broadcasts", params={"status": "done"}, headers=SERVICE))
    assert [b["id"] for b in done] == [made["id"]]


def test_a_broadcast_to_nobody_is_done_at_once(client: TestClient) -> None:
    made = ok(draft(client, "sector", "internet"), 201)
    confirmed = ok(client.post(f"/api/broadcasts/{made['id']}/confirm", headers=STAFF_AUTH))
    assert (confirmed["status"], confirmed["recipient_count"]) == ("done", 0)


# --- reminders ------------------------------------------------------------------------------


def _reminded(client: TestClient) -> list[dict]:
    return [i for i in claim(client) if i["kind"] == "reminder"]


def test_upcoming_reminders_of_the_current_bac_ninh_directive(
    loaded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"now": "2026-02-15T00:00:00+07:00"}
    upcoming = ok(loaded.get("/api/reminders/upcoming", params=params, headers=SERVICE))
    assert [(u["offset_label"], u["fire_at"]) for u in upcoming] == [
        ("72h", "2026-02-20T09:00:00+07:00"),
        ("24h", "2026-02-22T09:00:00+07:00"),
        ("3h", "2026-02-23T06:00:00+07:00"),
    ]
    assert {(u["due_at"], u["province"]) for u in upcoming} == {(BAC_NINH_DUE, "Bắc Ninh")}
    assert upcoming[0]["what"].startswith("Báo cáo kết quả thực hiện")
    monkeypatch.setenv("TRUTET_NOW", "2026-02-21T00:00:00")  # Vietnam time, no offset
    later = ok(loaded.get("/api/reminders/upcoming", headers=SERVICE))
    assert [u["offset_label"] for u in later] == ["24h", "3h"]
    naive = ok(
        loaded.get("/api/reminders/upcoming", params={"now": "2026-02-23T07:00"}, headers=SERVICE)
    )
    assert naive == []


def test_reminders_run_once_and_skip_organisations_that_reported(
    loaded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUTET_NOW", "2026-02-19T15:00:00+07:00")
    enterprise(loaded, "1", "Viettel Bắc Ninh", "Bắc Ninh", "vien_thong")
    enterprise(loaded, "2", "Bưu điện tỉnh Bắc Ninh", "Bắc Giang", "buu_chinh")
    subscribe(loaded, "3", chat_type="group", province="Bắc Ninh")
    enterprise(loaded, "4", "VNPT Hà Tĩnh", "Hà Tĩnh", "vien_thong")
    results_report(loaded, "r-bd", "Bưu điện tỉnh Bắc Ninh")
    too_early = ok(
        loaded.post(
            "/api/reminders/run", json={"now": "2026-02-20T08:59:00+07:00"}, headers=SERVICE
        )
    )
    assert too_early == {"runs": [], "enqueued": 0}
    monkeypatch.setenv("TRUTET_NOW", "2026-02-20T10:00:00+07:00")
    first = ok(loaded.post("/api/reminders/run", json={}, headers=SERVICE))
    assert first["enqueued"] == 2
    assert [(r["offset_label"], r["enqueued"]) for r in first["runs"]] == [("72h", 2)]
    again = ok(loaded.post("/api/reminders/run", json={}, headers=SERVICE))
    assert again == {"runs": [], "enqueued": 0}
    items = _reminded(loaded)
    assert sorted(i["chat_id"] for i in items) == ["1", "3"]
    text = items[0]["text"]
    assert text.startswith("⏰ Nhắc hạn: Báo cáo kết quả thực hiện bằng văn bản")
    assert "hạn 09h00 ngày 23/02/2026 (còn 2 ngày 23 giờ)" in text
    assert "Theo công văn số …/SKHCN-BCVT tháng 02/2026 của Sở KH&CN Bắc Ninh." in text
    assert text.endswith("Gửi qua trợ lý: nhắn «gửi báo cáo kết quả».")
    upcoming = ok(loaded.get("/api/reminders/upcoming", headers=SERVICE))
    assert [u["offset_label"] for u in upcoming] == ["24h", "3h"]


def test_a_missed_reminder_gives_way_to_the_latest_and_none_after_the_deadline(
    loaded: TestClient,
) -> None:
    subscribe(loaded, "1", province="Bắc Ninh")

    def run(at: str) -> Any:
        return ok(loaded.post("/api/reminders/run", json={"now": at}, headers=SERVICE))

    caught_up = run("2026-02-22T10:00:00+07:00")
    assert [(r["offset_label"], r["enqueued"]) for r in caught_up["runs"]] == [
        ("72h", 0),
        ("24h", 1),
    ]
    (item,) = _reminded(loaded)
    assert "(còn 23 giờ)" in item["text"]
    assert run("2026-02-23T09:30:00+07:00") == {"runs": [], "enqueued": 0}
    assert _reminded(loaded) == []
    params = {"now": "2026-02-23T09:30:00+07:00"}
    assert ok(loaded.get("/api/reminders/upcoming", params=params, headers=SERVICE)) == []


def test_roster_deadlines_remind_those_without_a_roster(
    loaded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUTET_NOW", "2024-01-20T09:00:00+07:00")
    enterprise(loaded, "1", "VNPT Sóc Trăng", "Sóc Trăng", "vien_thong")
    enterprise(loaded, "2", "Viettel Sóc Trăng", "Cần Thơ", "vien_thong")
    roster(loaded, "st-1", "Viettel Sóc Trăng", province="Sóc Trăng")
    results_report(loaded, "st-2", "VNPT Sóc Trăng", province="Sóc Trăng")
    answer = ok(
        loaded.post("/api/reminders/run", json={"now": "2024-01-30T08:00:00"}, headers=SERVICE)
    )
    assert [(r["offset_label"], r["enqueued"]) for r in answer["runs"]] == [("72h", 1)]
    (item,) = _reminded(loaded)
    assert item["chat_id"] == "1"
    assert "hạn ngày 01/02/2024" in item["text"] and "Sóc Trăng" in item["text"]
    assert item["text"].endswith("nhắn «gửi danh sách trực».")


def test_concurrent_reminder_runs_queue_each_reminder_once(loaded: TestClient) -> None:
    for chat in ("1", "2", "3"):
        subscribe(loaded, chat, province="Bắc Ninh")
    barrier = threading.Barrier(4)

    def run(_: int) -> int:
        barrier.wait()
        body = {"now": "2026-02-22T10:00:00+07:00"}
        return ok(loaded.post("/api/reminders/run", json=body, headers=SERVICE))["enqueued"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(run, range(4))) == 3
    assert len(_reminded(loaded)) == 3


# --- statistics, pending, export ------------------------------------------------------------


def _reports(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    enterprise(client, "1", "Viettel Bắc Ninh", "Bắc Ninh", "vien_thong")
    enterprise(client, "2", "Bưu điện tỉnh Bắc Ninh", "Bắc Giang", "buu_chinh")
    subscribe(client, "22", chat_type="group", province="Bắc Ninh",
              organisation="bưu điện tỉnh bắc ninh")  # fmt: skip
    enterprise(client, "3", "VNPT Hà Tĩnh", "Hà Tĩnh", "vien_thong")
    monkeypatch.setenv("TRUTET_NOW", "2025-12-20T09:00:00+07:00")
    roster(client, "old", "Bưu điện tỉnh Bắc Ninh")  # before the 02/2026 directive: not counted
    monkeypatch.setenv("TRUTET_NOW", "2026-02-16T09:00:00+07:00")
    roster(client, "v-1", "Viettel Bắc Ninh")
    incident(client, "v-2", "Viettel Bắc Ninh")
    incident(client, "v-3", "VIETTEL BẮC NINH")
    roster(client, "f-1", "FPT Bắc Ninh")
    monkeypatch.setenv("TRUTET_NOW", "2026-02-23T10:00:00+07:00")
    late = results_report(client, "b-1", "Bưu điện tỉnh Bắc Ninh")
    assert late["late"] is True


def test_stats_count_what_each_organisation_sent_for_the_current_directive(
    loaded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reports(loaded, monkeypatch)
    stats = ok(loaded.get("/api/stats", params={"province": "bac giang"}, headers=STAFF_AUTH))
    assert stats["province"] == "Bắc Ninh" and stats["expected"] == 2
    assert stats["directive"]["number"] == "/SKHCN-BCVT"
    assert stats["directive"]["issued_text"] == "ngày … tháng 02 năm 2026"
    assert stats["directive"]["department"] == "Sở Khoa học và Công nghệ"
    rows = {row["organisation"]: row for row in stats["organisations"]}
    assert list(rows) == ["Bưu điện tỉnh Bắc Ninh", "Viettel Bắc Ninh", "FPT Bắc Ninh"]
    assert rows["Bưu điện tỉnh Bắc Ninh"] == {
        "organisation": "Bưu điện tỉnh Bắc Ninh",
        "province": "Bắc Ninh",
        "sector": "buu_chinh",
        "rosters": 0,
        "results": 1,
        "incidents": 0,
        "late_results": 1,
        "subscribed_chats": 2,
    }
    viettel = rows["Viettel Bắc Ninh"]
    assert (viettel["rosters"], viettel["results"], viettel["incidents"]) == (1, 0, 2)
    assert rows["FPT Bắc Ninh"]["sector"] is None and rows["FPT Bắc Ninh"]["rosters"] == 1
    assert stats["totals"] == {"rosters_submitted": 2, "results_submitted": 1, "incidents": 2}
    everywhere = ok(loaded.get("/api/stats", headers=acting_staff(loaded)))
    assert everywhere["directive"] is None and everywhere["expected"] == 3
    assert {row["province"] for row in everywhere["organisations"]} == {"Bắc Ninh", "Hà Tĩnh"}
    refused(loaded.get("/api/stats", params={"province": "Narnia"}, headers=STAFF_AUTH), 422)


def acting_staff(client: TestClient) -> dict[str, str]:
    grant(client, "950")
    return acting("950")


def test_pending_lists_expected_organisations_without_that_kind(
    loaded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reports(loaded, monkeypatch)

    def pending(**params: str) -> list[tuple[str, str, int]]:
        rows = ok(loaded.get("/api/pending", params=params, headers=STAFF_AUTH))
        return [(r["organisation"], r["province"], r["subscribed_chats"]) for r in rows]

    assert pending(province="Bắc Ninh") == [("Viettel Bắc Ninh", "Bắc Ninh", 1)]
    assert pending(province="Bắc Ninh", kind="roster") == [
        ("Bưu điện tỉnh Bắc Ninh", "Bắc Ninh", 2)
    ]
    assert pending(kind="results") == [
        ("Viettel Bắc Ninh", "Bắc Ninh", 1),
        ("VNPT Hà Tĩnh", "Hà Tĩnh", 1),
    ]
    refused(loaded.get("/api/pending", params={"kind": "x"}, headers=STAFF_AUTH), 422, "«x»")
    refused(loaded.get("/api/pending", headers=acting("1")), 403)
    pending_chats = ok(draft(loaded, "pending", "Bắc Ninh"), 201)
    assert pending_chats["recipient_count"] == 1  # Viettel's chat; Bưu điện has reported


def test_export_is_one_workbook_with_three_sheets(
    loaded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reports(loaded, monkeypatch)
    response = loaded.get("/api/export", params={"format": "xlsx"}, headers=STAFF_AUTH)
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Danh sách trực", "Sự cố", "Báo cáo kết quả"]
    data_rows = {name: book[name].max_row - 2 for name in book.sheetnames}
    assert data_rows == {"Danh sách trực": 3, "Sự cố": 2, "Báo cáo kết quả": 1}
    params = {"province": "Hà Tĩnh"}
    empty = load_workbook(
        io.BytesIO(loaded.get("/api/export", params=params, headers=STAFF_AUTH).content)
    )
    assert [empty[name].max_row for name in empty.sheetnames] == [2, 2, 2]
    refused(loaded.get("/api/export", params={"format": "csv"}, headers=STAFF_AUTH), 422)
    refused(loaded.get("/api/export", headers=SERVICE), 403)


# --- schema ---------------------------------------------------------------------------------


def test_migration_0005_downgrades_and_upgrades_again(
    client: TestClient, database_url: str
) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "0004")
    command.upgrade(config, "head")
    subscribe(client, "1", province="Hà Tĩnh")
