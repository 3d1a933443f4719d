"""The department's list of organisations expected to report, on SQLite and PostgreSQL.

An enterprise that never opened the bot must still show up in /pending; loading the list again, or
the enterprise registering later under another spelling, must not count it twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from store import load_organisations
from tests.store.clients import DIRECTIVES, SERVICE, STAFF_AUTH, make_client

LIST = [
    {"name": "Viettel Bắc Ninh", "province": "Bắc Ninh", "sector": "Viễn thông"},
    {"name": "Bưu điện tỉnh Bắc Giang", "province": "Bắc Giang", "sector": "buu_chinh"},
    {"name": "VNPT Hà Tĩnh", "province": "ha tinh"},
]


@pytest.fixture
def loaded(database_url: str) -> Iterator[TestClient]:
    with make_client(database_url, DIRECTIVES) as test_client:
        yield test_client


def post(
    client: TestClient, rows: list[dict[str, Any]], headers: dict[str, str] = STAFF_AUTH
) -> httpx.Response:
    return client.post("/api/organisations", json={"organisations": rows}, headers=headers)


def names(client: TestClient, path: str, **params: str) -> list[tuple[str, str]]:
    response = client.get(path, params=params, headers=STAFF_AUTH)
    assert response.status_code == 200, response.text
    return [(row.get("name") or row["organisation"], row["province"]) for row in response.json()]


def test_listed_organisations_are_pending_until_they_report(loaded: TestClient) -> None:
    assert post(loaded, LIST).json() == {"added": 3, "known": 0}
    pending = names(loaded, "/api/pending", province="Bắc Ninh", kind="roster")
    assert pending == [("Bưu điện tỉnh Bắc Giang", "Bắc Ninh"), ("Viettel Bắc Ninh", "Bắc Ninh")]
    assert post(loaded, LIST).json() == {"added": 0, "known": 3}  # loading again adds nothing
    profile = {"declared_role": "doanh_nghiep", "organisation": "viettel  bac ninh",
               "province": "Bắc Ninh", "sector": "vien_thong"}  # fmt: skip
    assert loaded.put("/api/profiles/telegram/77", json=profile, headers=SERVICE).is_success
    listed = loaded.get("/api/organisations", params={"province": "bac ninh"}, headers=STAFF_AUTH)
    assert [(o["name"], o["sector"], o["source"]) for o in listed.json()] == [
        ("Bưu điện tỉnh Bắc Giang", "buu_chinh", "seed"),
        ("Viettel Bắc Ninh", "vien_thong", "seed"),
    ]
    stats = loaded.get("/api/stats", params={"province": "Hà Tĩnh"}, headers=STAFF_AUTH).json()
    assert stats["expected"] == 1


def test_a_bad_row_is_explained_and_nothing_is_loaded(loaded: TestClient) -> None:
    response = post(loaded, [*LIST, {"name": "Mobifone", "province": "Sao Hỏa"}])
    assert response.status_code == 422 and "Không biết tỉnh/thành phố «Sao Hỏa»" in response.text
    response = post(loaded, [{"name": "FPT", "province": "Hà Nội", "sector": "điện lực"}])
    assert response.status_code == 422 and "Không rõ lĩnh vực «điện lực»" in response.text
    assert names(loaded, "/api/organisations") == []
    response = post(loaded, [LIST[0], {"name": "A", "province": "Hà Nội"}])
    assert response.json()["detail"] == "Dòng 2: Tên đơn vị cần ít nhất 2 ký tự."
    enterprise = {**SERVICE, "X-Acting-User": "telegram:5"}
    assert post(loaded, LIST, headers=enterprise).status_code == 403


def test_command_line_loads_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    good = tmp_path / "don-vi.csv"
    good.write_text("Tên đơn vị,Tỉnh,Lĩnh vực\nViettel Bắc Ninh,Bắc Ninh,Viễn thông\n", "utf-8-sig")
    assert load_organisations.main([str(good)]) == 0
    assert load_organisations.main([str(good)]) == 0
    out = capsys.readouterr().out
    assert "1 đơn vị mới, 0 đơn vị đã có" in out and "0 đơn vị mới, 1 đơn vị đã có" in out
    bad = tmp_path / "sai.csv"
    bad.write_text("Tên đơn vị,Tỉnh\nMobifone,Sao Hỏa\n", "utf-8")
    assert load_organisations.main([str(bad)]) == 1
    assert "Không biết tỉnh/thành phố «Sao Hỏa»" in capsys.readouterr().err
