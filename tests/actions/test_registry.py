"""The action server serves exactly the custom actions the domain names (a missing or extra one
is a conversation that breaks at run time, not at training)."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[2] / "domain"


def test_every_domain_action_is_served_and_nothing_else() -> None:
    named: set[str] = set()
    for path in DOMAIN.glob("*.yml"):
        named |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("actions") or [])
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == named
