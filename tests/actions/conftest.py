"""Fixtures for action tests (Rasa's Python 3.10): a real store process over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.store_client import StoreClient
from tests.support import store_process

TOKEN = "action-tests-token"


@pytest.fixture(scope="session")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The store, started with the gateway/store virtualenv on a free port and its own SQLite file."""
    var_dir: Path = tmp_path_factory.mktemp("store-var")
    with store_process(var_dir, STORE_API_TOKEN=TOKEN) as url:
        yield url


@pytest.fixture
def client(store_url: str) -> StoreClient:
    return StoreClient(base_url=store_url, token=TOKEN, timeout=3, attempts=2, backoff=0.05)


def make_tracker(
    text: str,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as Rasa sends it to the action server after one user message."""
    latest = {
        "text": text,
        "intent": {"name": "ask_contact", "confidence": 0.99},
        "entities": entities or [],
    }
    events = [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}]
    return Tracker("tester", slots or {}, latest, events, False, None, {}, "action_listen")
