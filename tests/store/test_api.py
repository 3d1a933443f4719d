"""The store API on SQLite and PostgreSQL: auth, contacts per province, idempotent loading."""

from __future__ import annotations

import logging
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.tokens import load_or_create
from store.config import Settings
from store.main import create_app

TOKEN = "test-token-not-secret"
DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(database_url: str, directives: Path = DIRECTIVES) -> TestClient:
    settings = Settings(database_url=database_url, api_token=TOKEN, directives_dir=directives)
    return TestClient(create_app(settings))


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with make_client(database_url) as test_client:
        yield test_client


def test_health_needs_no_token_and_counts_directives(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "directives": 5}


@pytest.mark.parametrize(
    "header", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_api_refuses_missing_or_wrong_token_and_never_logs_it(
    client: TestClient, header: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="store.auth"):
        response = client.get("/api/contacts", params={"province": "Hà Tĩnh"}, headers=header)
    assert response.status_code == 401
    assert "mã truy cập" in response.json()["detail"]
    assert "401" in caplog.text
    assert TOKEN not in caplog.text and "wrong" not in caplog.text


def test_ha_tinh_hotlines_for_unaccented_name(client: TestClient) -> None:
    response = client.get("/api/contacts", params={"province": "ha tinh"}, headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert [(c["name"], c["phone_display"]) for c in body["contacts"]] == [
        ("Đặng Văn Đức", "0911378999"),
        ("Nguyễn Thanh Lâm", "0914237788"),
    ]
    assert (
        body["directive"]["citation"]
        == "công văn số …/STTTT-CNTT&BCVT tháng 01/2024 của Sở TT&TT Hà Tĩnh"
    )


def test_former_and_merged_provinces_get_their_own_directive(client: TestClient) -> None:
    bac_giang = client.get("/api/contacts", params={"province": "Bắc Giang"}, headers=AUTH).json()
    assert bac_giang["province_current"] == "Bắc Ninh"
    assert [c["email"] for c in bac_giang["contacts"]] == ["so_tttt_vt@bacgiang.gov.vn"]
    bac_ninh = client.get("/api/contacts", params={"province": "Bắc Ninh"}, headers=AUTH).json()
    assert bac_ninh["directive"]["number"] == "/SKHCN-BCVT"
    assert bac_ninh["contacts"] == []
    can_tho = client.get("/api/contacts", params={"province": "Cần Thơ"}, headers=AUTH).json()
    assert can_tho["directive"]["issuing_province"] == "Sóc Trăng"


def test_province_without_directive_gets_no_neighbours_numbers(client: TestClient) -> None:
    body = client.get("/api/contacts", params={"province": "Hà Nội"}, headers=AUTH).json()
    assert body["directive"] is None and body["contacts"] == []


def test_unknown_and_hostile_province_names(client: TestClient) -> None:
    hostile = "'; DROP TABLE directives; --"
    response = client.get("/api/contacts", params={"province": hostile}, headers=AUTH)
    assert response.status_code == 404
    assert "Không biết tỉnh" in response.json()["detail"]
    too_long = client.get("/api/contacts", params={"province": "x" * 5000}, headers=AUTH)
    assert too_long.status_code == 422
    assert client.get("/health").json()["directives"] == 5


def test_reloading_updates_and_never_duplicates(database_url: str, tmp_path: Path) -> None:
    directory = tmp_path / "directives"
    shutil.copytree(DIRECTIVES, directory)
    with make_client(database_url, directory) as first:
        assert first.get("/health").json()["directives"] == 5
    target = directory / "ha-tinh-2024-stttt-tet-giap-thin.txt"
    target.write_text(
        target.read_text(encoding="utf-8").replace("0914237788", "0914000111"), encoding="utf-8"
    )
    with make_client(database_url, directory) as second:
        assert second.get("/health").json()["directives"] == 5
        body = second.get("/api/contacts", params={"province": "Hà Tĩnh"}, headers=AUTH).json()
    assert [c["phone_display"] for c in body["contacts"]] == ["0911378999", "0914000111"]


def test_generated_token_is_private_and_stable(tmp_path: Path) -> None:
    first = load_or_create(None, "store_api_token", tmp_path)
    assert stat.S_IMODE((tmp_path / "store_api_token").stat().st_mode) == 0o600
    assert load_or_create(None, "store_api_token", tmp_path) == first
    assert len(first) >= 32


def test_generated_tokens_are_safe_on_a_command_line(tmp_path: Path) -> None:
    """`rasa run --auth-token <token>` takes a token starting with '-' for an option and exits."""
    tokens = [load_or_create(None, f"token_{n}", tmp_path) for n in range(300)]
    assert not [t for t in tokens if t.startswith("-") or not t.isalnum()]
