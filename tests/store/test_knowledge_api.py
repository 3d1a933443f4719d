"""Directive look-up, search and ingestion through the store API and the ingest command."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient

from tests.store.clients import STAFF_AUTH
from tests.store.clients import make_client as make_staff_client
from tests.store.test_api import AUTH, DIRECTIVES, make_client
from tests.support import APP_PYTHON, PROJECT_ROOT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with make_client(database_url) as test_client:
        yield test_client


def lookup(client: TestClient, province: str, tet: str | None = None) -> dict:
    params = {"province": province} | ({"tet": tet} if tet else {})
    response = client.get("/api/directives/lookup", params=params, headers=AUTH)
    assert response.status_code == 200
    return response.json()


def test_lookup_returns_the_whole_directive_with_local_times(client: TestClient) -> None:
    directive = lookup(client, "bac giang")["directive"]
    assert directive["citation"] == "công văn số …/STTTT-BCVT năm 2023 của Sở TT&TT Bắc Giang"
    deadline = directive["deadlines"][0]
    assert deadline["due_at"] == "2024-02-13T09:00:00+07:00"
    assert deadline["email"] == "so_tttt_vt@bacgiang.gov.vn"
    assert "04 Tết" in deadline["lunar_text"]
    audiences = [s["audiences"] for s in directive["sections"]]
    assert ["buu_chinh"] in audiences


def test_current_directive_and_older_one_by_tet_name(client: TestClient) -> None:
    assert lookup(client, "Bắc Ninh")["directive"]["tet_name"] == "Bính Ngọ"
    older = lookup(client, "Bắc Ninh", tet="Giáp Thìn")["directive"]
    assert older["issuing_province"] == "Bắc Giang"
    assert lookup(client, "Hà Tĩnh", tet="Bính Ngọ")["directive"] is None


def test_search_finds_unaccented_question_within_the_province(client: TestClient) -> None:
    params = {"q": "buu gui kt1 la gi", "province": "bac ninh"}
    hits = client.get("/api/search", params=params, headers=AUTH).json()["hits"]
    assert "KT1" in hits[0]["text"]
    assert {h["directive"]["issuing_province"] for h in hits} == {"Bắc Ninh"}
    noise = client.get("/api/search", params={"q": "thoi tiet hom nay"}, headers=AUTH).json()
    assert all(h["score"] < noise["threshold"] for h in noise["hits"])


def test_search_quotes_passages_outside_duty_lists(client: TestClient) -> None:
    """Every passage is searchable, not only parsed duty items: the hotline paragraph too."""
    params = {"q": "duong day nong tiep nhan xu ly nhiem vu", "province": "Hà Tĩnh"}
    answer = client.get("/api/search", params=params, headers=AUTH).json()
    assert answer["hits"][0]["score"] >= answer["threshold"]
    assert any("Đường dây nóng" in hit["text"] for hit in answer["hits"])


@pytest.fixture
def staff(database_url: str) -> Iterator[TestClient]:
    with make_staff_client(database_url, DIRECTIVES) as test_client:
        yield test_client


UNNAMED = """Sở Khoa học và Công nghệ đề nghị các doanh nghiệp bưu chính bố trí đủ nhân lực trực,
bảo đảm phát bưu gửi KT1 trong suốt dịp Tết Nguyên đán Đinh Mùi 2027. Các doanh nghiệp viễn thông
tổ chức trực 24/24 từ ngày 04/02/2027 đến hết ngày 10/02/2027 và gửi danh sách trực về Sở trước
16h00 ngày 01/02/2027. Mọi vướng mắc liên hệ đồng chí Trần Văn Hòa, chuyên viên, điện thoại
0912 555 666."""


def post_text(staff: TestClient, name: str, text: str, **hints: object) -> dict:
    response = staff.post(
        "/api/directives", json={"source_name": name, "text": text, **hints}, headers=STAFF_AUTH
    )
    assert response.status_code == 201, response.text
    return response.json()


def confirm(staff: TestClient, draft_id: int) -> dict:
    response = staff.post(f"/api/directives/drafts/{draft_id}/confirm", headers=STAFF_AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_draft_is_previewed_and_answers_only_once_confirmed(staff: TestClient) -> None:
    text = (DIRECTIVES / "lang-son-2025-stttt-184-tet-at-ty.txt").read_text(encoding="utf-8")
    text = text.replace("0918.210.111", "0918.210.222")
    draft = post_text(staff, "lang-son-sua.txt", text)
    assert draft["status"] == "draft" and draft["province"] == "Lạng Sơn"
    assert draft["citation"] == "công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn"
    assert any(c["phone"] == "0918.210.222" for c in draft["contacts"])
    assert "Mục nhiệm vụ" in draft["text"] and "0918.210.222" in draft["text"]
    before = staff.get("/api/contacts", params={"province": "Lạng Sơn"}, headers=STAFF_AUTH)
    assert "0918.210.111" in before.text and "0918.210.222" not in before.text
    done = confirm(staff, draft["draft_id"])
    # The same number from the same Sở: the directive is updated, never a second one.
    assert done["status"] == "updated"
    after = staff.get("/api/contacts", params={"province": "Lạng Sơn"}, headers=STAFF_AUTH)
    assert "0918.210.222" in after.text and "0918.210.111" not in after.text
    assert staff.get("/health").json()["directives"] == 5
    again = confirm(staff, post_text(staff, "lang-son-lan-2.txt", text)["draft_id"])
    assert again["status"] == "unchanged" and again["directive_id"] == done["directive_id"]


def test_a_document_without_a_province_is_held_until_staff_name_it(staff: TestClient) -> None:
    pending = post_text(staff, "bai-viet.txt", UNNAMED)
    assert pending["status"] == "needs_province"
    assert "tỉnh/thành phố nào" in pending["message"]
    fixed = staff.patch(
        f"/api/directives/drafts/{pending['draft_id']}",
        json={"province": "nghe an"},
        headers=STAFF_AUTH,
    ).json()
    assert fixed["status"] == "draft" and fixed["province"] == "Nghệ An"
    assert fixed["province_source"] == "given" and fixed["tet_year"] == 2027
    assert [d["kind"] for d in fixed["deadlines"]] == ["period", "once"]
    assert fixed["contacts"][0]["name"] == "Trần Văn Hòa"
    done = confirm(staff, fixed["draft_id"])
    assert done["status"] == "created"
    lookup = staff.get("/api/directives/lookup", params={"province": "Nghệ An"}, headers=STAFF_AUTH)
    assert lookup.json()["directive"]["tet_name"] == "Đinh Mùi"
    assert "Nghệ An" in staff.get("/api/directives/provinces", headers=STAFF_AUTH).json()


def test_staff_correct_issuer_and_year_before_confirming(staff: TestClient) -> None:
    draft = post_text(staff, "khac.txt", UNNAMED, province="Quảng Ninh")
    assert draft["issuer"] == "Sở KH&CN Quảng Ninh"
    fixed = staff.patch(
        f"/api/directives/drafts/{draft['draft_id']}",
        json={"issuer": "ubnd", "tet_year": 2028},
        headers=STAFF_AUTH,
    ).json()
    assert fixed["issuer"] == "UBND tỉnh Quảng Ninh" and fixed["tet_year"] == 2028
    assert "của UBND tỉnh Quảng Ninh" in fixed["citation"]


def test_discarded_or_confirmed_drafts_are_gone(staff: TestClient) -> None:
    draft = post_text(staff, "bo.txt", UNNAMED, province="Cà Mau")
    path = f"/api/directives/drafts/{draft['draft_id']}"
    assert staff.delete(path, headers=STAFF_AUTH).status_code == 204
    gone = staff.get(path, headers=STAFF_AUTH)
    assert gone.status_code == 404 and "không còn" in gone.json()["detail"]
    missing = staff.get("/api/directives/drafts/99999999999999999999", headers=STAFF_AUTH)
    assert missing.status_code in (404, 422)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Chúc mừng năm mới, chúc các đồng chí trực Tết an toàn.", "gần như trống"),
        (
            "The department asks all telecom operators to keep their networks running during "
            "the Lunar New Year holiday, to staff their network operation centres around the "
            "clock and to report any outage to the department hotline without delay. Reports "
            "are due before nine o'clock on the fourth day of the new year.",
            "không phải tiếng Việt",
        ),
    ],
)
def test_unreadable_texts_are_refused_in_vietnamese(
    staff: TestClient, text: str, reason: str
) -> None:
    response = staff.post(
        "/api/directives", json={"source_name": "x.txt", "text": text}, headers=STAFF_AUTH
    )
    assert response.status_code == 422 and reason in response.json()["detail"]


def test_only_staff_load_directives(staff: TestClient) -> None:
    from tests.store.clients import SERVICE

    body = {"source_name": "x.txt", "text": UNNAMED}
    assert staff.post("/api/directives", json=body, headers=SERVICE).status_code == 403
    assert staff.post("/api/directives", json=body).status_code == 401


def upload(staff: TestClient, name: str, content: bytes) -> tuple[int, dict]:
    response = staff.post(
        "/api/directives/upload", files={"file": (name, content)}, headers=STAFF_AUTH
    )
    return response.status_code, response.json()


def test_upload_reads_docx_with_a_contacts_table(staff: TestClient, tmp_path: Path) -> None:
    document = docx.Document()
    for line in UNNAMED.splitlines():
        document.add_paragraph(line)
    document.add_paragraph("DANH SÁCH ĐẦU MỐI LIÊN HỆ")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(
        table.rows[0].cells, ("Họ và tên", "Chức vụ", "Điện thoại"), strict=True
    ):
        cell.text = value
    for cell, value in zip(
        table.rows[1].cells, ("Lê Thị Mai", "Phó Trưởng phòng", "0987 222 333"), strict=True
    ):
        cell.text = value
    buffer = tmp_path / "cv.docx"
    document.save(str(buffer))
    status, draft = upload(staff, "cv.docx", buffer.read_bytes())
    assert status == 201 and draft["status"] == "needs_province"
    fixed = staff.patch(
        f"/api/directives/drafts/{draft['draft_id']}", json={"province": "Huế"}, headers=STAFF_AUTH
    ).json()
    people = {(c["name"], c["phone"]) for c in fixed["contacts"]}
    assert ("Lê Thị Mai", "0987 222 333") in people


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("trong.pdf", b"", "trống"),
        ("anh.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ".pdf"),
    ],
)
def test_upload_refuses_what_it_cannot_read(
    staff: TestClient, name: str, content: bytes, reason: str
) -> None:
    status, body = upload(staff, name, content)
    assert status == 422 and reason in body["detail"]


def test_upload_refuses_a_50_mb_file_before_reading_it(staff: TestClient) -> None:
    status, body = upload(staff, "to.pdf", b"%PDF-1.4\n" + b"0" * 50_000_000)
    assert status == 413 and "quá lớn" in body["detail"]


def test_retired_directive_is_no_longer_answered(staff: TestClient) -> None:
    lookup = staff.get("/api/directives/lookup", params={"province": "Hà Tĩnh"}, headers=STAFF_AUTH)
    directive_id = lookup.json()["directive"]["id"]
    assert (
        staff.post(f"/api/directives/{directive_id}/retire", headers=STAFF_AUTH).status_code == 204
    )
    again = staff.get("/api/directives/lookup", params={"province": "Hà Tĩnh"}, headers=STAFF_AUTH)
    assert again.json()["directive"] is None
    hits = staff.get("/api/search", params={"q": "chống tin nhắn rác"}, headers=STAFF_AUTH).json()
    assert all(h["directive"]["id"] != directive_id for h in hits["hits"])
    listed = staff.get("/api/directives", params={"retired": True}, headers=STAFF_AUTH).json()
    assert any(d["id"] == directive_id and d["status"] == "retired" for d in listed)


def run_ingest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(PROJECT_ROOT))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(APP_PYTHON), "-m", "store.ingest", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_ingest_command_reads_docx_and_pdf_and_prints_the_preview(tmp_path: Path) -> None:
    word = tmp_path / "soc-trang.docx"
    document = docx.Document()
    for line in (DIRECTIVES / "soc-trang-2024-stttt-tet-giap-thin.txt").read_text().splitlines():
        document.add_paragraph(line)
    document.save(str(word))
    result = run_ingest(tmp_path, str(word), str(FIXTURES / "ha-tinh-2024.pdf"))
    assert result.returncode == 0, result.stderr
    assert "Đã thêm: soc-trang.docx" in result.stdout
    assert "Công văn số …/STTTT-TTr tháng 01/2024 của Sở TT&TT Sóc Trăng" in result.stdout
    assert "0916861396" in result.stdout and "Thời hạn (1)" in result.stdout
    assert "Đã thêm: ha-tinh-2024.pdf" in result.stdout and "Liên hệ (2)" in result.stdout
    again = run_ingest(tmp_path, str(word))
    assert "Không đổi: soc-trang.docx" in again.stdout


def test_dry_run_prints_and_loads_nothing_and_a_province_can_be_given(tmp_path: Path) -> None:
    note = tmp_path / "bai-viet.txt"
    note.write_text(UNNAMED, encoding="utf-8")
    refused = run_ingest(tmp_path, str(note))
    assert refused.returncode == 1 and "PROVINCE=" in refused.stderr
    dry = run_ingest(tmp_path, str(note), "--province", "Nghệ An", "--dry-run")
    assert dry.returncode == 0 and "Bản xem trước" in dry.stdout
    assert "Trần Văn Hòa" in dry.stdout and "0912 555 666" in dry.stdout
    loaded = run_ingest(tmp_path, str(note), "--province", "Nghệ An", "--tet", "Đinh Mùi")
    assert "Đã thêm: bai-viet.txt" in loaded.stdout and "Tết Đinh Mùi 2027" in loaded.stdout


def test_ingest_command_explains_what_it_cannot_read(tmp_path: Path) -> None:
    odd = tmp_path / "cong-van.odt"
    odd.write_bytes(b"PK\x03\x04")
    note = tmp_path / "note.txt"
    note.write_text("Chúc mừng năm mới", encoding="utf-8")
    result = run_ingest(tmp_path, str(odd), str(note))
    assert result.returncode == 1
    assert "Không nạp được cong-van.odt" in result.stderr
    assert "Không nạp được note.txt: Văn bản gần như trống" in result.stderr
