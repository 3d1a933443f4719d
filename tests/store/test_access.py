"""The attacks of issue 10, each reproduced against the store and shown to fail now (SQLite and
PostgreSQL): the service token is not staff in disguise, personal data is judged by the store from
the acting user, and numbers or dates past any sensible range are a 422, never a 500.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.store.clients import SERVICE, STAFF_AUTH, acting, without_directives

ADMIN = "42"  # one of clients.ADMINS
PHONE = "0913111222"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with without_directives(database_url, tmp_path) as test_client:
        yield test_client


def status(response: Any, expected: int) -> Any:
    assert response.status_code == expected, response.text
    return (
        response.json() if response.content and "json" in response.headers["content-type"] else None
    )


def grant_as(client: TestClient, user_id: str, headers: dict[str, str]) -> Any:
    return client.put(f"/api/staff/telegram/{user_id}", json={"granted_by": ADMIN}, headers=headers)


def profile(client: TestClient, user_id: str, **fields: Any) -> None:
    status(client.put(f"/api/profiles/telegram/{user_id}", json=fields, headers=SERVICE), 200)


def roster(client: TestClient, organisation: str, submitter: str = "1001") -> None:
    line = {"duty_type": "truc_ca", "duty_date": "2026-02-17", "shift": "24/24",
            "full_name": f"Trực {organisation}", "position": "Trưởng ca", "phone": PHONE}  # fmt: skip
    body = {"idempotency_key": uuid.uuid4().hex, "submitter_channel": "telegram",
            "submitter_id": submitter, "organisation": organisation, "province": "Hà Tĩnh",
            "entries": [line]}  # fmt: skip
    status(client.post("/api/roster-entries", json=body, headers=SERVICE), 201)


# --- (a) the service token is not staff in disguise ------------------------------------------


def test_only_a_named_admin_grants_revokes_and_lists_staff(client: TestClient) -> None:
    for headers in (
        SERVICE,
        acting("777"),
        STAFF_AUTH,
        {**STAFF_AUTH, "X-Acting-User": "telegram:42"},
    ):
        detail = status(grant_as(client, "777", headers), 403)["detail"]
        assert "Chỉ quản trị viên" in detail
        status(client.get("/api/staff", headers=headers), 403)
    granted = status(grant_as(client, "777", acting(ADMIN)), 200)
    assert granted["granted_by"] == ADMIN
    status(client.delete("/api/staff/telegram/777", headers=acting("777")), 403)
    status(client.delete("/api/staff/telegram/777", headers=SERVICE), 403)
    assert [s["user_id"] for s in status(client.get("/api/staff", headers=acting(ADMIN)), 200)] == [
        "777"
    ]
    chats = status(client.get("/api/staff/chats?channel=telegram", headers=SERVICE), 200)
    assert chats == [{"user_id": "777", "chat_id": None}]  # what alerts need, nothing more
    status(client.delete("/api/staff/telegram/777", headers=acting(ADMIN)), 204)
    audit = status(client.get("/api/audit", headers=STAFF_AUTH), 200)
    refusals = {(a["user_id"], a["action"]) for a in audit if not a["allowed"]}
    assert ("777", "admin_only") in refusals
    done = [(a["action"], a["user_id"], a["detail"]) for a in audit if a["allowed"]]
    assert done == [("revoke", ADMIN, "telegram:777"), ("grant", ADMIN, "telegram:777")]


def test_export_needs_staff_and_the_service_token_reads_only_its_users_records(
    client: TestClient,
) -> None:
    roster(client, "VNPT Hà Tĩnh", submitter="1001")
    for path in ("/api/export", "/api/roster-entries/export"):
        status(client.get(path, headers=SERVICE), 403)
        status(client.get(path, headers=acting("1001")), 403)
    everyone = {"submitter_channel": "telegram", "submitter_id": "1001"}
    status(client.get("/api/roster-entries", headers=SERVICE), 403)
    status(client.get("/api/roster-entries", params=everyone, headers=SERVICE), 403)
    status(client.get("/api/incidents", params=everyone, headers=acting("2002")), 403)
    assert status(client.get("/api/roster-entries", headers=acting("2002")), 200) == []
    assert len(status(client.get("/api/roster-entries", headers=acting("1001")), 200)) == 1
    status(grant_as(client, "555", acting(ADMIN)), 200)
    workbook = client.get("/api/export", headers=acting("555"))  # Telegram's /export
    assert workbook.status_code == 200
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames[0] == "Danh sách trực"
    assert status(client.get("/api/export", headers=acting(ADMIN)), 200) is None


# --- (b) personal data judged by the store ---------------------------------------------------


def on_duty(client: TestClient, headers: dict[str, str], **params: str) -> Any:
    return client.get(
        "/api/on-duty", params={"at": "2026-02-17T10:00:00+07:00", **params}, headers=headers
    )


def names(response: Any) -> set[str]:
    return {row["full_name"] for row in status(response, 200)}


def test_a_duty_officer_who_filed_the_roster_is_confirmed(client: TestClient) -> None:
    roster(client, "Bưu điện tỉnh Hà Tĩnh", submitter="80")
    profile(client, "80", declared_role="can_bo_truc", organisation="Bưu điện tỉnh Hà Tĩnh")
    assert names(on_duty(client, acting("80"))) == {"Trực Bưu điện tỉnh Hà Tĩnh"}


def test_on_duty_names_by_the_role_the_store_holds(client: TestClient) -> None:
    roster(client, "VNPT Hà Tĩnh")
    roster(client, "Viettel Hà Tĩnh")
    profile(client, "10", declared_role="can_bo_truc", organisation="vnpt ha tinh")
    unconfirmed = status(on_duty(client, acting("10")), 403)["detail"]
    assert "chưa xác nhận" in unconfirmed and PHONE not in unconfirmed
    profile(client, "10", phone="0913 111 222")  # the number VNPT's own roster lists
    asked_b = on_duty(client, acting("10"), organisation="Viettel Hà Tĩnh")
    assert "đơn vị mình (vnpt ha tinh)" in status(asked_b, 403)["detail"]
    assert names(on_duty(client, acting("10"), organisation="VNPT  HÀ TĨNH")) == {
        "Trực VNPT Hà Tĩnh"
    }
    assert names(on_duty(client, acting("10"))) == {"Trực VNPT Hà Tĩnh"}  # own only, unasked
    assert names(on_duty(client, acting("10"), organisation="vnpt")) == {"Trực VNPT Hà Tĩnh"}
    everyone = {"Trực VNPT Hà Tĩnh", "Trực Viettel Hà Tĩnh"}
    status(grant_as(client, "20", acting(ADMIN)), 200)
    assert names(on_duty(client, acting("20"))) == everyone
    assert names(on_duty(client, acting(ADMIN))) == everyone
    assert names(on_duty(client, STAFF_AUTH)) == everyone
    status(on_duty(client, SERVICE), 403)
    profile(client, "30", declared_role="doanh_nghiep", organisation="VNPT Hà Tĩnh")
    profile(client, "40", declared_role="can_bo_so")  # declared, never granted
    profile(client, "50", declared_role="can_bo_truc")  # no organisation declared
    # Declaring oneself a duty officer of an organisation is not enough: a stranger's phone is not
    # on its rosters, and they never filed one for it.
    profile(client, "70", declared_role="can_bo_truc", organisation="Viettel Hà Tĩnh",
            phone="0987654321")  # fmt: skip
    for user_id in ("30", "40", "50", "60", "70"):  # 60: no profile at all
        detail = status(on_duty(client, acting(user_id)), 403)["detail"]
        assert PHONE not in detail and ("cán bộ trực" in detail or "đơn vị" in detail)


# --- (c) robustness ---------------------------------------------------------------------------

OUT_OF_RANGE = [
    ("GET", "/api/broadcasts/99999999999999999999", {}),
    ("GET", "/api/broadcasts/2147483648", {}),
    ("POST", "/api/alerts/24996193802143408799359760615866368/delivered", {}),
    ("POST", "/api/outbox/9999999999999999999/result", {"json": {"status": "sent"}}),
    ("GET", "/api/roster-entries", {"params": {"offset": "99999999999999999999"}}),
    ("GET", "/api/incidents", {"params": {"offset": "17025393246076958720"}}),
    ("GET", "/api/on-duty", {"params": {"at": "0001-01-01T02:02:00Z"}}),
    ("GET", "/api/on-duty", {"params": {"at": "9999-12-31T23:59:59-23:59"}}),
    ("GET", "/api/results-reports", {"params": {"date_from": "0001-01-01"}}),
    ("GET", "/api/reminders/upcoming", {"params": {"now": "0001-01-01T00:00:00"}}),
    ("POST", "/api/reminders/run", {"json": {"now": "0001-01-01T00:00:00Z"}}),
    ("PATCH", "/api/broadcasts/1", {"json": {"progress_message_id": 2**63}}),
    ("GET", "/api/directives/drafts/0", {}),
    ("POST", "/api/directives/99999999999999999999/retire", {}),
    # NUL characters: PostgreSQL cannot store them (a 500 from the driver before)
    ("GET", "/api/profiles", {"params": {"channel": "telegram", "username": "a\x00b"}}),
    ("PUT", "/api/profiles/telegram/a%00b", {"json": {}}),
    (
        "POST",
        "/api/audit",
        {"json": {"channel": "telegram", "user_id": "1", "action": "x\x00", "allowed": True}},
    ),
    (
        "POST",
        "/api/outbox",
        {
            "json": {
                "items": [{"chat_id": "\x00", "kind": "notice", "dedupe_key": "k", "text": "a"}]
            }
        },
    ),
    (
        "POST",
        "/api/directives/upload",
        {"files": {"file": ("a.txt", b"x")}, "data": {"issuer": "UBND\x00"}},
    ),
]


@pytest.mark.parametrize(("method", "path", "extra"), OUT_OF_RANGE)
def test_numbers_dates_and_nul_characters_out_of_range_are_a_422_in_vietnamese(
    client: TestClient, method: str, path: str, extra: dict[str, Any]
) -> None:
    body = status(client.request(method, path, headers=STAFF_AUTH, **extra), 422)
    assert isinstance(body["detail"], str) and body["detail"] and isinstance(body["errors"], list)


def test_the_openapi_declares_the_real_errors_and_file_types(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    problem = spec["components"]["schemas"]["ValidationProblem"]
    assert problem["properties"]["detail"]["type"] == "string"
    export = spec["paths"]["/api/roster-entries/export"]["get"]["responses"]
    assert set(export["200"]["content"]) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert {"401", "403", "422"} <= set(export)
    upload = spec["paths"]["/api/directives/upload"]["post"]["responses"]
    assert {"201", "401", "403", "413", "422"} <= set(upload)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/"):
                assert "401" in operation["responses"], (method, path)
