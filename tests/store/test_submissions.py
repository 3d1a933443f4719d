"""Duty rosters, incident reports and results reports on SQLite and PostgreSQL.

Idempotency (also under concurrent identical POSTs), references, Vietnamese validation, filters,
roles, on-duty look-ups, CSV/XLSX exports (formula injection), alerts, lateness and the signed,
retried, resumable department webhook.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Row, select

from store.db import make_engine
from store.models import Base, Submission
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
from tests.support import free_port

SECRET = "webhook-secret-not-secret"
ME = {"submitter_channel": "telegram", "submitter_id": "1001"}


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """A store without directives (fast); results-report tests load the real ones."""
    with without_directives(database_url, tmp_path) as test_client:
        yield test_client


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "duty_type": "truc_lanh_dao",
        "duty_date": "2026-02-17",
        "lunar_text": "mùng 1 Tết",
        "shift_start": "07:30",
        "shift_end": "17:00",
        "full_name": "Nguyễn Văn An",
        "position": "Phó Giám đốc",
        "phone": "0912 345 678",
        "email": "an.nv@viettel.com.vn",
        **overrides,
    }


def roster(key: str, entries: list[dict[str, Any]] | None = None, **overrides: Any) -> dict:
    return {
        "idempotency_key": key,
        "submitter_channel": "telegram",
        "submitter_id": "1001",
        "submitter_name": "An",
        "organisation": "Viettel Bắc Ninh",
        "province": "Bắc Ninh",
        "entries": entries if entries is not None else [entry()],
        **overrides,
    }


def incident(key: str, **overrides: Any) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "submitter_channel": "telegram",
        "submitter_id": "1001",
        "organisation": "VNPT Hà Tĩnh",
        "province": "Hà Tĩnh",
        "stage": "ban_dau",
        "contact_name": "Trần Thị Bình",
        "contact_phone": "0987654321",
        "category": "mang_vien_thong",
        "detected_at": "2026-02-17T08:15:00+07:00",
        "area": "Huyện Kỳ Anh",
        "services_affected": "Di động 4G",
        "bts_down": 12,
        "bts_total": 340,
        "severity": "trung_binh",
        "description": "Mất điện lưới, 12 trạm mất liên lạc",
        **overrides,
    }


def results(key: str, **overrides: Any) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "submitter_channel": "telegram",
        "submitter_id": "1001",
        "organisation": "Bưu điện tỉnh Bắc Ninh",
        "province": "Bắc Ninh",
        "summary": "Đã tổ chức trực Tết đầy đủ, không có sự cố.",
        **overrides,
    }


def post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers=SERVICE)


def staff_rows(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params=params, headers=STAFF_AUTH)
    assert response.status_code == 200, response.text
    return response.json()


# --- idempotency and references -------------------------------------------------------------


def test_roster_is_stored_with_every_field_and_a_reference(client: TestClient) -> None:
    body = roster("r-1", [entry(), entry(full_name="Lê Văn Cường", shift="24/24", email=None)])
    response = post(client, "/api/roster-entries", dict(body, province="bac giang"))
    assert response.status_code == 201, response.text
    data = response.json()
    assert re.fullmatch(r"TR-\d{4}-\d{6}", data["reference"])
    assert data["duplicate"] is False and data["province"] == "Bắc Ninh"
    first, second = data["entries"]
    assert first["phone_e164"] == "+84912345678" and first["phone_display"] == "0912345678"
    assert first["lunar_text"] == "mùng 1 Tết" and first["shift_text"] == "07:30–17:00"
    assert first["duty_type_label"] == "Trực lãnh đạo"
    assert second["all_day"] is True and second["shift_text"] == "24/24"
    assert (second["shift_start"], second["shift_end"]) == ("00:00:00", "23:59:00")
    assert first["reference"] == data["reference"] and first["submitter_name"] == "An"


def test_same_key_returns_the_same_record_never_a_second_row(client: TestClient) -> None:
    first = post(client, "/api/roster-entries", roster("same"))
    again = post(client, "/api/roster-entries", roster("same", [entry(full_name="Khác")]))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["entries"][0]["full_name"] == "Nguyễn Văn An"
    assert len(staff_rows(client, "/api/roster-entries")) == 1
    # Keys are per kind: the same key for an incident is a different record.
    assert post(client, "/api/incidents", incident("same")).status_code == 201


def test_a_key_of_another_submitter_is_refused(client: TestClient) -> None:
    assert post(client, "/api/incidents", incident("k")).status_code == 201
    other = post(client, "/api/incidents", incident("k", submitter_id="2002"))
    assert other.status_code == 409
    assert "idempotency_key" in other.json()["detail"]


def test_ten_concurrent_identical_posts_leave_one_row(client: TestClient) -> None:
    body = roster("burst", [entry(), entry(full_name="Phạm Thị Dung")])
    barrier = threading.Barrier(10)

    def send(_: int) -> tuple[int, str]:
        barrier.wait()
        response = post(client, "/api/roster-entries", body)
        return response.status_code, response.json()["reference"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, range(10)))
    assert sorted(code for code, _ in answers) == [200] * 9 + [201]
    assert len({reference for _, reference in answers}) == 1
    assert len(staff_rows(client, "/api/roster-entries")) == 2


def test_concurrent_different_posts_get_consecutive_references(client: TestClient) -> None:
    barrier = threading.Barrier(8)

    def send(number: int) -> str:
        barrier.wait()
        response = post(client, "/api/incidents", incident(f"k-{number}"))
        assert response.status_code == 201, response.text
        return response.json()["reference"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        references = sorted(pool.map(send, range(8)))
    year = references[0][3:7]
    assert references == [f"SC-{year}-{n:06d}" for n in range(1, 9)]


def test_references_count_per_kind_and_restart_each_year(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUTET_NOW", "2026-12-31T23:58:00+07:00")
    assert post(client, "/api/roster-entries", roster("a")).json()["reference"] == "TR-2026-000001"
    assert post(client, "/api/roster-entries", roster("b")).json()["reference"] == "TR-2026-000002"
    assert post(client, "/api/incidents", incident("a")).json()["reference"] == "SC-2026-000001"
    assert (
        post(client, "/api/results-reports", results("a")).json()["reference"] == "BC-2026-000001"
    )
    # 00:01 on 1 January in Vietnam is still 31 December in UTC: the local year counts.
    monkeypatch.setenv("TRUTET_NOW", "2027-01-01T00:01:00+07:00")
    assert post(client, "/api/roster-entries", roster("c")).json()["reference"] == "TR-2027-000001"
    assert post(client, "/api/roster-entries", roster("a")).json()["reference"] == "TR-2026-000001"


# --- validation -----------------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], str]] = [
    (
        "/api/roster-entries",
        roster("v", [entry(phone="0912")]),
        "Dòng 1: Số điện thoại 0912 không hợp lệ. Ví dụ: 0912345678.",
    ),
    ("/api/roster-entries", roster("v", []), "Danh sách cán bộ trực cần ít nhất 1 dòng."),
    ("/api/roster-entries", roster("v", [entry()] * 201), "tối đa 200 dòng"),
    ("/api/roster-entries", roster("v" * 101), "dài quá 100 ký tự"),
    (
        "/api/roster-entries",
        roster(" "),
        "Mã chống gửi trùng (idempotency_key) không được để trống.",
    ),
    ("/api/roster-entries", roster("v", province="Gotham"), "Không biết tỉnh/thành phố «Gotham»"),
    ("/api/roster-entries", roster("v", [entry(duty_type="truc_dem")]), "Loại trực «truc_dem»"),
    ("/api/roster-entries", roster("v", [entry(duty_date="17/02/2026")]), "YYYY-MM-DD"),
    ("/api/roster-entries", roster("v", [entry(email="an@")]), "Email «an@» không hợp lệ"),
    ("/api/roster-entries", roster("v", [entry(shift_end=None)]), "cả giờ bắt đầu và giờ kết thúc"),
    (
        "/api/roster-entries",
        roster("v", [entry(shift_start="22:00", shift_end="06:00", overnight=False)]),
        "Ca trực 22:00-06:00: giờ kết thúc sớm hơn giờ bắt đầu",
    ),
    ("/api/roster-entries", roster("v", [entry(shift="sáng")]), "Ca trực «sáng» không đọc được"),
    ("/api/roster-entries", dict(roster("v"), extra="x"), "Trường «extra» không được hỗ trợ."),
    ("/api/incidents", incident("v", detected_at="2099-01-01T08:00:00"), "ở tương lai"),
    ("/api/incidents", incident("v", contact_phone="12ab"), "Số điện thoại 12ab không hợp lệ"),
    ("/api/incidents", incident("v", bts_down=400), "Số trạm BTS mất liên lạc (400) lớn hơn"),
    ("/api/incidents", incident("v", bts_down=-1), "không được nhỏ hơn 0"),
    ("/api/incidents", incident("v", stage="cap_nhat"), "cần mã sự cố đã báo"),
    (
        "/api/incidents",
        incident("v", parent_reference="SC-2026-000001"),
        "Báo cáo ban đầu không kèm mã sự cố trước",
    ),
    ("/api/incidents", incident("v", severity="rat_cao"), "Mức độ «rat_cao» không hợp lệ"),
    ("/api/incidents", incident("v", province=None), "Thiếu Tỉnh/thành phố."),
    (
        "/api/incidents",
        incident("v", restored_at="2026-02-17T07:00:00+07:00"),
        "Thời điểm khôi phục sớm hơn thời điểm phát hiện",
    ),
    ("/api/results-reports", results("v", summary=" "), "Cần nội dung báo cáo"),
]


def test_invalid_submissions_get_vietnamese_messages_and_store_nothing(client: TestClient) -> None:
    for path, body, expected in INVALID:
        response = post(client, path, body)
        assert response.status_code == 422, (path, expected, response.text)
        detail = response.json()["detail"]
        assert isinstance(detail, str) and expected in detail, (expected, detail)
        assert response.json()["errors"][0]["message"]
    assert staff_rows(client, "/api/roster-entries") == []
    assert staff_rows(client, "/api/incidents") == []
    bad_json = client.post(
        "/api/incidents",
        content=b"{not json",
        headers={**SERVICE, "content-type": "application/json"},
    )
    assert bad_json.status_code == 422 and "JSON" in bad_json.json()["detail"]


def test_every_route_answers_422_in_the_same_shape(client: TestClient) -> None:
    """Field errors, business rules and unreadable bodies alike: a sentence and the fields."""
    too_long = client.get("/api/contacts", params={"province": "x" * 500}, headers=SERVICE)
    unknown = client.get("/api/roster-entries", params={"province": "Sao Hỏa"}, headers=STAFF_AUTH)
    garbage = client.post(
        "/api/directives",
        content=b"%1\xff",
        headers={**STAFF_AUTH, "content-type": "application/json"},
    )
    for response in (too_long, unknown, garbage):
        assert response.status_code == 422, response.text
        body = response.json()
        assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str), body
    assert too_long.json()["errors"][0]["field"] == "province"
    assert "Sao Hỏa" in unknown.json()["detail"] and unknown.json()["errors"] == []


def test_shift_forms_overnight_and_nested_submitter(client: TestClient) -> None:
    body = roster(
        "shifts",
        [
            entry(shift_start="22h", shift_end="6h"),
            entry(shift="22:00 - 06:00", shift_start=None, shift_end=None, overnight=True),
            entry(shift_start="24/24", shift_end=None),
            entry(shift_start=None, shift_end=None),
        ],
    )
    del body["submitter_channel"], body["submitter_id"], body["submitter_name"]
    body["submitter"] = {"channel": "telegram", "id": 555, "name": "Dũng"}
    response = post(client, "/api/roster-entries", body)
    assert response.status_code == 201, response.text
    lines = response.json()["entries"]
    assert [line["overnight"] for line in lines] == [True, True, False, False]
    assert lines[0]["shift_text"] == "22:00–06:00 (qua đêm)"
    assert lines[2]["all_day"] is True
    assert lines[3]["shift_start"] is None and lines[3]["shift_text"] == ""
    assert response.json()["submitter_id"] == "555"


# --- listing, filters, roles ----------------------------------------------------------------


def _seed_rosters(client: TestClient) -> None:
    post(client, "/api/roster-entries", roster("bn", [entry(duty_date="2026-02-16")]))
    post(
        client,
        "/api/roster-entries",
        roster(
            "hcm",
            [entry(duty_date="2026-02-18"), entry(duty_date="2026-02-19")],
            organisation="Chi nhánh Đà Nẵng - VNPT",
            province="tp hcm",
            submitter_id="2002",
        ),
    )


def test_list_filters(client: TestClient) -> None:
    _seed_rosters(client)
    by_province = staff_rows(client, "/api/roster-entries", province="BAC GIANG")
    assert [row["organisation"] for row in by_province] == ["Viettel Bắc Ninh"]
    hcm = staff_rows(client, "/api/roster-entries", province="Sài Gòn")
    assert {row["province"] for row in hcm} == {"Thành phố Hồ Chí Minh"} and len(hcm) == 2
    assert len(staff_rows(client, "/api/roster-entries", organisation="chi nhanh da nang")) == 2
    assert len(staff_rows(client, "/api/roster-entries", organisation="VIETTEL")) == 1
    assert staff_rows(client, "/api/roster-entries", organisation="%") == []
    dated = staff_rows(client, "/api/roster-entries", date_from="2026-02-17", date_to="2026-02-18")
    assert [row["duty_date"] for row in dated] == ["2026-02-18"]
    unknown = client.get("/api/roster-entries", params={"province": "Gotham"}, headers=STAFF_AUTH)
    assert unknown.status_code == 422 and "Gotham" in unknown.json()["detail"]
    backwards = client.get(
        "/api/roster-entries",
        params={"date_from": "2026-02-19", "date_to": "2026-02-18"},
        headers=STAFF_AUTH,
    )
    assert backwards.status_code == 422


def test_incident_and_results_filters(client: TestClient) -> None:
    post(client, "/api/incidents", incident("a"))
    post(client, "/api/incidents", incident("b", detected_at="2026-02-18T23:30:00+07:00"))
    post(client, "/api/results-reports", results("a"))
    # 23:30 on the 18th in Vietnam is the 18th, although it is 16:30 UTC.
    on_18th = staff_rows(client, "/api/incidents", date_from="2026-02-18", date_to="2026-02-18")
    assert [row["detected_at"] for row in on_18th] == ["2026-02-18T23:30:00+07:00"]
    assert staff_rows(client, "/api/incidents", province="ha tinh")[0]["bts_total"] == 340
    assert staff_rows(client, "/api/results-reports", organisation="buu dien")[0]["summary"]
    assert staff_rows(client, "/api/results-reports", province="Hà Tĩnh") == []


def test_service_token_sees_only_the_acting_users_records(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    _seed_rosters(client)
    mine = client.get("/api/roster-entries", headers=acting("1001"))
    assert mine.status_code == 200
    assert {row["submitter_id"] for row in mine.json()} == {"1001"} and len(mine.json()) == 1
    named = client.get("/api/roster-entries", params=ME, headers=acting("1001"))
    assert named.json() == mine.json()
    assert len(staff_rows(client, "/api/roster-entries")) == 3
    with caplog.at_level(logging.WARNING, logger="store.auth"):
        for path in ("/api/roster-entries", "/api/incidents", "/api/results-reports"):
            everything = client.get(path, headers=SERVICE)
            assert everything.status_code == 403
            assert "chỉ xem được hồ sơ của chính người dùng" in everything.json()["detail"]
            theirs = client.get(path, params=ME, headers=SERVICE)
            assert theirs.status_code == 403
            other = client.get(path, params=ME, headers=acting("2002"))
            assert other.status_code == 403
            exported = client.get(f"{path}/export", params=ME, headers=acting("1001"))
            assert exported.status_code == 403 and "Chỉ cán bộ Sở" in exported.json()["detail"]
    half = client.get("/api/roster-entries", params={"submitter_id": "1001"}, headers=STAFF_AUTH)
    assert half.status_code == 422
    wrong = client.get("/api/roster-entries", params=ME, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert post(client, "/api/roster-entries", roster("by-staff")).status_code == 201
    assert TOKEN not in caplog.text and STAFF not in caplog.text and "nope" not in caplog.text


def test_no_staff_tokens_means_no_staff(database_url: str, tmp_path: Path) -> None:
    with make_client(database_url, tmp_path, staff_tokens=()) as no_staff:
        response = no_staff.get("/api/roster-entries", headers=STAFF_AUTH)
        assert response.status_code == 401


# --- on duty --------------------------------------------------------------------------------


def test_on_duty_at_a_given_time(client: TestClient) -> None:
    lines = [
        entry(full_name="Ca ngày", duty_date="2026-02-17", shift_start="08:00", shift_end="17:00"),
        entry(full_name="Ca đêm", duty_date="2026-02-17", shift_start="22:00", shift_end="06:00"),
        entry(full_name="Cả ngày", duty_date="2026-02-18", shift="24/24"),
    ]
    post(client, "/api/roster-entries", roster("duty", lines))
    other = roster("other", [entry(full_name="Khác", duty_date="2026-02-18", shift="24/24")])
    post(client, "/api/roster-entries", dict(other, organisation="MobiFone", province="Hà Tĩnh"))

    def names(at: str, **params: str) -> set[str]:
        response = client.get("/api/on-duty", params={"at": at, **params}, headers=STAFF_AUTH)
        assert response.status_code == 200, response.text
        return {row["full_name"] for row in response.json()}

    assert names("2026-02-17T10:00:00+07:00") == {"Ca ngày"}
    assert names("2026-02-17T21:00:00+07:00") == set()
    assert names("2026-02-17T17:00:00+07:00") == set()  # the shift ends at 17:00
    assert names("2026-02-18T02:00:00", organisation="viettel") == {"Cả ngày", "Ca đêm"}
    assert names("2026-02-17T19:00:00Z", province="bac ninh") == {"Cả ngày", "Ca đêm"}
    assert names("2026-02-18T06:00:00+07:00", organisation="viettel") == {"Cả ngày"}
    assert names("2026-02-18T23:59:30+07:00") == {"Cả ngày", "Khác"}
    assert names("2026-02-19T00:00:00+07:00") == set()


# --- exports --------------------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://x","bấm")', "+84 cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


def test_roster_xlsx_looks_like_the_departments_table(client: TestClient) -> None:
    lines = [
        entry(),
        entry(
            full_name=HOSTILE[0],
            position=HOSTILE[1],
            note=HOSTILE[2],
            substitute=HOSTILE[3],
            shift="22:00-06:00",
        ),
    ]
    reference = post(client, "/api/roster-entries", roster("x", lines)).json()["reference"]
    response = client.get(
        "/api/roster-entries/export", params={"format": "xlsx"}, headers=STAFF_AUTH
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "DANH SÁCH CÁN BỘ TRỰC TẾT"
    header = [cell.value for cell in sheet[2]]
    assert header == [
        "STT",
        "Đơn vị",
        "Loại trực",
        "Ngày",
        "Ca trực",
        "Họ và tên",
        "Chức vụ",
        "Điện thoại",
        "Email",
        "Người thay thế",
        "Ghi chú",
        "Mã tiếp nhận",
    ]
    assert all(cell.font.bold for cell in sheet[2]) and sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["F"].width >= 20
    first = [cell.value for cell in sheet[3]]
    assert first[:6] == [
        1,
        "Viettel Bắc Ninh",
        "Trực lãnh đạo",
        "17/02/2026 (mùng 1 Tết)",
        "07:30–17:00",
        "Nguyễn Văn An",
    ]
    assert first[7] == "0912345678" and first[11] == reference
    second = sheet[4]
    assert second[5].value == "'" + HOSTILE[0] and second[6].value == "'" + HOSTILE[1]
    assert second[9].value == "'" + HOSTILE[3] and second[10].value == "'" + HOSTILE[2]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert second[4].value == "22:00–06:00 (qua đêm)"


def test_roster_csv_has_a_bom_and_escapes_formulas(client: TestClient) -> None:
    post(client, "/api/roster-entries", roster("x", [entry(full_name=HOSTILE[0], note=HOSTILE[3])]))
    response = client.get(
        "/api/roster-entries/export", params={"format": "csv"}, headers=STAFF_AUTH
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Đơn vị", "Loại trực"] and rows[0][-1] == "Mã tiếp nhận"
    assert rows[1][5] == "'" + HOSTILE[0] and rows[1][10] == "'" + HOSTILE[3]
    assert rows[1][3] == "17/02/2026 (mùng 1 Tết)"


def test_incident_and_results_exports(client: TestClient) -> None:
    first = post(client, "/api/incidents", incident("a", description=HOSTILE[2], confidential=True))
    update = incident("b", stage="cap_nhat", parent_reference=first.json()["reference"])
    post(client, "/api/incidents", update)
    post(client, "/api/results-reports", results("a", summary=HOSTILE[0], file_reference="bc.pdf"))
    xlsx = client.get("/api/incidents/export", headers=STAFF_AUTH)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "DANH SÁCH BÁO CÁO SỰ CỐ DỊP TẾT"
    header = [cell.value for cell in sheet[2]]
    assert "Mức độ" in header and "Thời điểm phát hiện" in header
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][header.index("Mô tả")] == "'" + HOSTILE[2]
    assert rows[0][header.index("Mật")] == "Mật"
    assert rows[0][header.index("Thời điểm phát hiện")] == "08:15 17/02/2026"
    assert rows[1][header.index("Mã sự cố ban đầu")] == first.json()["reference"]
    csv_text = client.get(
        "/api/results-reports/export", params={"format": "csv"}, headers=STAFF_AUTH
    ).content.decode("utf-8-sig")
    results_rows = list(csv.reader(io.StringIO(csv_text)))
    assert results_rows[0][4] == "Nội dung báo cáo"
    assert results_rows[1][4] == "'" + HOSTILE[0] and results_rows[1][5] == "bc.pdf"
    sheet = load_workbook(
        io.BytesIO(client.get("/api/results-reports/export", headers=STAFF_AUTH).content)
    ).active
    assert sheet["A1"].value == "DANH SÁCH BÁO CÁO KẾT QUẢ THỰC HIỆN"


def test_html_and_sql_fragments_are_plain_data(client: TestClient) -> None:
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE submissions; -- 100% _"
    body = incident("<b>key</b>'; --", description=hostile, area=hostile, organisation=hostile)
    created = post(client, "/api/incidents", body)
    assert created.status_code == 201, created.text
    assert created.json()["description"] == hostile and created.json()["organisation"] == hostile
    listed = staff_rows(client, "/api/incidents", organisation="robert'); drop")
    assert [row["area"] for row in listed] == [hostile]
    again = post(client, "/api/incidents", body)
    assert again.status_code == 200 and again.json()["reference"] == created.json()["reference"]


# --- incidents: alerts, updates -------------------------------------------------------------


def test_severe_incident_creates_an_alert_for_the_gateway(client: TestClient) -> None:
    mild = post(client, "/api/incidents", incident("mild", severity="thap"))
    severe = post(client, "/api/incidents", incident("severe", severity="nghiem_trong"))
    assert mild.json()["alert"] is False and severe.json()["alert"] is True
    post(client, "/api/incidents", incident("severe", severity="nghiem_trong"))  # a retry
    alerts = client.get("/api/alerts", headers=SERVICE).json()
    assert len(alerts) == 1 and alerts[0]["delivered_at"] is None
    assert alerts[0]["incident"]["reference"] == severe.json()["reference"]
    delivered = client.post(f"/api/alerts/{alerts[0]['id']}/delivered", headers=SERVICE).json()
    assert delivered["delivered_at"] is not None
    again = client.post(f"/api/alerts/{alerts[0]['id']}/delivered", headers=SERVICE).json()
    assert again["delivered_at"] == delivered["delivered_at"]
    assert client.get("/api/alerts", headers=SERVICE).json() == []
    assert len(client.get("/api/alerts", params={"pending": "false"}, headers=SERVICE).json()) == 1
    assert client.post("/api/alerts/999/delivered", headers=SERVICE).status_code == 404


def test_updates_and_closings_must_name_a_known_incident(client: TestClient) -> None:
    unknown = post(
        client, "/api/incidents", incident("u", stage="cap_nhat", parent_reference="SC-2026-000999")
    )
    assert unknown.status_code == 422
    assert "Không tìm thấy sự cố SC-2026-000999" in unknown.json()["detail"]
    roster_ref = post(client, "/api/roster-entries", roster("r")).json()["reference"]
    wrong_kind = post(
        client, "/api/incidents", incident("w", stage="ket_thuc", parent_reference=roster_ref)
    )
    assert wrong_kind.status_code == 422 and "SC-2026-000045" in wrong_kind.json()["detail"]
    opened = post(client, "/api/incidents", incident("o")).json()["reference"]
    closing = incident(
        "c",
        stage="ket_thuc",
        parent_reference=opened.lower(),
        restored_at="2026-02-17T11:00:00+07:00",
        cause="Mất điện lưới",
    )
    closed = post(client, "/api/incidents", closing)
    assert closed.status_code == 201, closed.text
    assert closed.json()["parent_reference"] == opened and closed.json()["stage"] == "ket_thuc"
    assert closed.json()["restored_at"] == "2026-02-17T11:00:00+07:00"
    assert staff_rows(client, "/api/incidents", reference=closed.json()["reference"])[0]["cause"]


# --- results reports ------------------------------------------------------------------------


def test_results_report_is_judged_against_the_directive_deadline(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with make_client(database_url, DIRECTIVES) as client:
        monkeypatch.setenv("TRUTET_NOW", "2026-02-22T10:00:00+07:00")
        on_time = post(client, "/api/results-reports", results("on-time"))
        assert on_time.status_code == 201, on_time.text
        assert on_time.json()["deadline"] == "2026-02-23T09:00:00+07:00"
        assert on_time.json()["late"] is False and on_time.json()["directive_id"] is not None
        monkeypatch.setenv("TRUTET_NOW", "2026-02-23T09:30:00+07:00")
        late = post(
            client, "/api/results-reports", results("late", summary=None, file_reference="x.pdf")
        )
        assert late.json()["late"] is True and late.json()["summary"] == ""
        none = post(client, "/api/results-reports", results("ht", province="Hà Tĩnh"))
        assert none.json()["deadline"] is None and none.json()["late"] is False
        missing = post(client, "/api/results-reports", results("m", directive_id=9999))
        assert missing.status_code == 422 and "9999" in missing.json()["detail"]
        xlsx = client.get("/api/results-reports/export", headers=STAFF_AUTH).content
        statuses = [
            row[8].value for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(min_row=3)
        ]
        assert statuses == ["Đúng hạn", "Nộp muộn", "Không có hạn"]


# --- department webhook ---------------------------------------------------------------------


class Department:
    """A local HTTP server standing in for the department: checks signatures, fails on demand."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []
        department = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(self.headers.get("X-TrucTet-Signature", ""), expected)
                department.received.append({"signed": signed, "body": json.loads(body)})
                failing = len(department.received) <= department.failures
                self.send_response(500 if failing or not signed else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/truc-tet"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Department:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def forwarding(database_url: str, tmp_path: Path, url: str, **settings: Any) -> TestClient:
    return make_client(
        database_url,
        tmp_path,
        department_webhook_url=url,
        department_webhook_secret=SECRET,
        webhook_retry_seconds=0.2,
        webhook_timeout=2.0,
        **settings,
    )


def stored(database_url: str, reference: str) -> Row[Any]:
    """The submission's row as stored (its columns as attributes)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(Submission.__table__).where(Submission.reference == reference)
            )
            return row.one()
    finally:
        engine.dispose()


def wait_for(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_webhook_is_signed_and_retried_with_backoff(database_url: str, tmp_path: Path) -> None:
    with (
        Department(failures=1) as department,
        forwarding(database_url, tmp_path, department.url) as client,
    ):
        created = post(client, "/api/incidents", incident("hook", severity="cao"))
        reference = created.json()["reference"]
        assert created.json()["forward_status"] == "pending"
        wait_for(lambda: stored(database_url, reference).forward_status == "sent")
        again = post(client, "/api/incidents", incident("hook", severity="cao"))
        assert again.status_code == 200
    assert len(department.received) == 2 and all(r["signed"] for r in department.received)
    body = department.received[-1]["body"]
    assert body["kind"] == "incident" and body["reference"] == reference
    assert body["record"]["description"] == "Mất điện lưới, 12 trạm mất liên lạc"
    row = stored(database_url, reference)
    assert row.forward_attempts == 2 and row.forwarded_at is not None
    assert row.forward_last_error is None


def test_webhook_resumes_after_a_restart_and_gives_up_in_the_end(
    database_url: str, tmp_path: Path
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/down"
    with forwarding(database_url, tmp_path, closed, webhook_max_attempts=50) as client:
        reference = post(client, "/api/roster-entries", roster("resume")).json()["reference"]
        wait_for(lambda: stored(database_url, reference).forward_attempts >= 1)
    row = stored(database_url, reference)
    assert row.forward_status == "pending" and row.forward_last_error
    with Department(failures=0) as department, forwarding(database_url, tmp_path, department.url):
        wait_for(lambda: stored(database_url, reference).forward_status == "sent")
    assert [r["body"]["reference"] for r in department.received] == [reference]
    assert len(department.received[0]["body"]["record"]["entries"]) == 1
    with (
        Department(failures=100) as department,
        forwarding(database_url, tmp_path, department.url, webhook_max_attempts=2) as client,
    ):
        failing = post(client, "/api/results-reports", results("fail")).json()["reference"]
        wait_for(lambda: stored(database_url, failing).forward_status == "failed")
    row = stored(database_url, failing)
    assert row.forward_attempts == 2 and row.forward_last_error == "HTTP 500"


def test_no_webhook_means_nothing_pending(client: TestClient) -> None:
    assert post(client, "/api/incidents", incident("n")).json()["forward_status"] is None


# --- schema ---------------------------------------------------------------------------------


def test_migration_matches_the_models(client: TestClient, database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()
