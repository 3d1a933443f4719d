"""Submissions are never lost: spooled durably when the store is down, delivered once when it is back."""

from __future__ import annotations

import asyncio
import json
import stat
import uuid
from pathlib import Path

import httpx

from actions.delivery import drain, submit
from actions.spool import Spool
from actions.store_client import StoreClient
from tests.actions.conftest import TOKEN
from tests.support import free_port


def incident(key: str) -> dict:
    return {
        "idempotency_key": key,
        "submitter": {"channel": "test", "id": "spool-user", "name": "Nguyễn Văn An"},
        "organisation": "VNPT Hà Tĩnh",
        "province": "Hà Tĩnh",
        "stage": "ban_dau",
        "contact_name": "Nguyễn Văn An",
        "contact_phone": "+84912345678",
        "category": "mang_vien_thong",
        "detected_at": "2026-01-10T08:30:00+07:00",
        "area": "Kỳ Anh",
        "services_affected": "di động",
        "severity": "trung_binh",
        "description": "Mất sóng 12 trạm BTS do mất điện",
    }


def test_spool_writes_private_whole_files_and_reads_them_back(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    path = spool.put("incident", incident("k1"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp"))
    [item] = spool.pending()
    assert item.kind == "incident" and item.payload["idempotency_key"] == "k1"
    assert json.loads(path.read_text(encoding="utf-8"))["payload"]["area"] == "Kỳ Anh"
    spool.put("incident", incident("k1"))  # the same submission again is one file
    assert len(spool.pending()) == 1


def test_store_down_spools_then_drain_delivers_exactly_once(tmp_path: Path, store_url: str) -> None:
    spool = Spool(tmp_path)
    key = f"spool-{uuid.uuid4().hex}"
    dead = StoreClient(
        f"http://127.0.0.1:{free_port()}", TOKEN, timeout=0.5, attempts=2, backoff=0.01
    )
    outcome = asyncio.run(submit(dead, spool, "incident", incident(key)))
    assert outcome.spooled and outcome.reference is None
    live = StoreClient(store_url, TOKEN, timeout=3, attempts=2, backoff=0.05)
    assert asyncio.run(drain(live, spool)) == 1
    assert spool.pending() == []
    again = asyncio.run(submit(live, spool, "incident", incident(key)))  # a retry after delivery
    assert again.duplicate and again.reference.startswith("SC-")
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Acting-User": "test:spool-user"}
    records = httpx.get(f"{store_url}/api/incidents", headers=headers).json()
    assert [r["reference"] for r in records].count(again.reference) == 1


def test_refused_submission_is_set_aside_not_retried_forever(
    tmp_path: Path, store_url: str
) -> None:
    spool = Spool(tmp_path)
    bad = incident(f"bad-{uuid.uuid4().hex}") | {"contact_phone": "0912"}
    spool.put("incident", bad)
    live = StoreClient(store_url, TOKEN, timeout=3, attempts=1)
    assert asyncio.run(drain(live, spool)) == 0
    assert spool.pending() == []
    reasons = list((tmp_path / "rejected").glob("*.reason.txt"))
    assert "0912" in reasons[0].read_text(encoding="utf-8")


def test_refused_call_keeps_the_submission_queued(tmp_path: Path, store_url: str) -> None:
    """A 401 (token rotated, say) is the store's problem, not the report's: nothing is set aside."""
    spool = Spool(tmp_path)
    key = f"token-{uuid.uuid4().hex}"
    wrong = StoreClient(store_url, "not-the-token", timeout=3, attempts=1)
    outcome = asyncio.run(submit(wrong, spool, "incident", incident(key)))
    assert outcome.spooled and not outcome.rejected
    assert asyncio.run(drain(wrong, spool)) == 0
    assert [item.payload["idempotency_key"] for item in spool.pending()] == [key]
    assert not list((tmp_path / "rejected").glob("*.json"))
    live = StoreClient(store_url, TOKEN, timeout=3, attempts=1)
    assert asyncio.run(drain(live, spool)) == 1 and spool.pending() == []
