"""Directive look-up, search and ingestion through the store API and the ingest command."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient

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
    assert all(h["score"] < 0.25 for h in noise["hits"])


def test_ingest_creates_updates_and_refuses(client: TestClient) -> None:
    text = (DIRECTIVES / "lang-son-2025-stttt-184-tet-at-ty.txt").read_text(encoding="utf-8")
    body = {"source_name": "lang-son-copy.txt", "text": text}
    first = client.post("/api/directives", json=body, headers=AUTH).json()
    assert first["status"] == "created" and first["province"] == "Lạng Sơn"
    assert first["duty_items"] > 5 and first["contacts"] == 2
    again = client.post("/api/directives", json=body, headers=AUTH).json()
    assert again["status"] == "unchanged" and again["id"] == first["id"]
    body["text"] = text.replace("0918.210.111", "0918.210.222")
    assert client.post("/api/directives", json=body, headers=AUTH).json()["status"] == "updated"
    assert client.get("/health").json()["directives"] == 6
    bad = client.post(
        "/api/directives", json={"source_name": "x.txt", "text": "Chúc Tết"}, headers=AUTH
    )
    assert bad.status_code == 422 and "Không tìm thấy số hiệu" in bad.json()["detail"]
    refused = client.post("/api/directives", json=body)
    assert refused.status_code == 401


def test_newly_ingested_directive_is_searchable_at_once(client: TestClient) -> None:
    params = {"q": "nhắn tin rác", "province": "Hà Tĩnh"}
    assert client.get("/api/search", params=params, headers=AUTH).json()["hits"]
    text = (DIRECTIVES / "ha-tinh-2024-stttt-tet-giap-thin.txt").read_text(encoding="utf-8")
    changed = text.replace("chống tin nhắn rác", "chống tin nhắn quảng cáo trái phép")
    client.post(
        "/api/directives",
        json={"source_name": "ha-tinh-2024-stttt-tet-giap-thin.txt", "text": changed},
        headers=AUTH,
    )
    hits = client.get(
        "/api/search", params={"q": "quảng cáo trái phép", "province": "Hà Tĩnh"}, headers=AUTH
    ).json()["hits"]
    assert "quảng cáo trái phép" in hits[0]["text"]


def _docx(path: Path, source: Path) -> None:
    document = docx.Document()
    for line in source.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(str(path))


def run_ingest(tmp_path: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(PROJECT_ROOT))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(APP_PYTHON), "-m", "store.ingest", *map(str, files)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_ingest_command_reads_docx_and_pdf_and_reports(tmp_path: Path) -> None:
    word = tmp_path / "soc-trang.docx"
    _docx(word, DIRECTIVES / "soc-trang-2024-stttt-tet-giap-thin.txt")
    result = run_ingest(tmp_path, word, FIXTURES / "ha-tinh-2024.pdf")
    assert result.returncode == 0, result.stderr
    assert (
        "Đã thêm: soc-trang.docx — công văn số …/STTTT-TTr tháng 01/2024 của Sở TT&TT Sóc Trăng"
        in result.stdout
    )
    assert "Đã thêm: ha-tinh-2024.pdf" in result.stdout and "2 liên hệ" in result.stdout
    again = run_ingest(tmp_path, word)
    assert "Không đổi: soc-trang.docx" in again.stdout


def test_ingest_command_explains_what_it_cannot_read(tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG")
    note = tmp_path / "note.txt"
    note.write_text("Chúc mừng năm mới", encoding="utf-8")
    result = run_ingest(tmp_path, scan, note)
    assert result.returncode == 1
    assert "Không nạp được scan.png: Chưa hỗ trợ định dạng .png" in result.stderr
    assert "Không nạp được note.txt: Không tìm thấy số hiệu" in result.stderr
