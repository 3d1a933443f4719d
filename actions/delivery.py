"""Forwarding submissions to the store without ever losing one.

`submit` tries the store; if it cannot be reached the submission goes to the durable spool and the
user is told the truth. `drain_forever` runs inside the action server and retries the spool with
exponential back-off; the idempotency key makes every retry safe.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.spool import Spool
from actions.store_client import StoreClient, StoreRejected, StoreUnavailable, shared

log = logging.getLogger(__name__)

SUBMIT_PATHS = {
    "roster": "/api/roster-entries",
    "incident": "/api/incidents",
    "results": "/api/results-reports",
}
# Only these mean "this body will never be accepted": a person must look at it. Anything else
# (401/403 after a token change, 404 during a deploy, 408, 429, 5xx) is the store's problem, not the
# report's: it stays queued and is retried, loudly.
SET_ASIDE_STATUSES = frozenset({400, 409, 422})
REJECTED_WAY_FORWARD = "Bạn vui lòng kiểm tra và gửi lại."
SPOOLED_TEXT = (
    "Hệ thống của Sở đang tạm thời không kết nối được. Báo cáo của bạn đã được lưu tạm an toàn "
    "và sẽ tự động chuyển về Sở khi hệ thống hoạt động lại; bạn không cần gửi lại."
)


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission."""

    reference: str | None = None
    duplicate: bool = False
    record: dict[str, Any] | None = None
    spooled: bool = False
    rejected: str | None = None


def rejected_text(
    detail: str, what: str = "báo cáo", way_forward: str = REJECTED_WAY_FORWARD
) -> str:
    """The store refused the values (it re-validates): say why, and what the user can do."""
    return f"Sở chưa nhận được {what}: {detail} {way_forward}"


def for_good(error: StoreRejected) -> bool:
    """The store refused the body itself (validation, a reused key), not the call."""
    return error.status in SET_ASIDE_STATUSES


async def submit(client: StoreClient, spool: Spool, kind: str, payload: dict[str, Any]) -> Outcome:
    """Deliver now; spool durably when the store is unreachable or refuses the call, not the body."""
    try:
        answer = await client.post_json(SUBMIT_PATHS[kind], payload)
    except StoreRejected as error:
        if for_good(error):
            return Outcome(rejected=error.detail)
        log.error("store answered %s to a %s submission; kept in the spool", error.status, kind)
        spool.put(kind, payload)
        return Outcome(spooled=True)
    except StoreUnavailable:
        spool.put(kind, payload)
        return Outcome(spooled=True)
    return Outcome(
        reference=answer.get("reference"), duplicate=bool(answer.get("duplicate")), record=answer
    )


class SubmittingAction(Action, metaclass=ABCMeta):
    """An action that files one submission; the store client and spool are injectable for tests.

    Abstract, so rasa-sdk registers only the concrete submit actions.
    """

    def __init__(self, client: StoreClient | None = None, spool: Spool | None = None) -> None:
        self.client = client or shared()
        self.spool = spool

    @abstractmethod
    def name(self) -> str: ...

    async def deliver(self, kind: str, payload: dict[str, Any]) -> Outcome:
        return await submit(self.client, self.spool or Spool(), kind, payload)

    async def file(
        self,
        dispatcher: CollectingDispatcher,
        kind: str,
        payload: dict[str, Any],
        what: str = "báo cáo",
        way_forward: str = REJECTED_WAY_FORWARD,
    ) -> Outcome:
        """Deliver; when it was not filed now the user hears why (the store's reason, or that it
        waits in the spool), so each action only words its own receipt."""
        outcome = await self.deliver(kind, payload)
        if outcome.rejected:
            dispatcher.utter_message(text=rejected_text(outcome.rejected, what, way_forward))
        elif outcome.spooled:
            dispatcher.utter_message(text=SPOOLED_TEXT)
        return outcome


async def drain(client: StoreClient, spool: Spool) -> int:
    """Deliver what waits in the spool; stops at the first unreachable store. Returns delivered."""
    delivered = 0
    for item in spool.pending():
        try:
            answer = await client.post_json(SUBMIT_PATHS[item.kind], item.payload)
        except StoreRejected as error:
            if not for_good(error):
                log.error(
                    "store answered %s to spooled %s; kept, retried later",
                    error.status,
                    item.path.name,
                )
                break
            log.error("store rejected spooled %s: %s", item.path.name, error.detail)
            spool.reject(item, error.detail)
            continue
        except StoreUnavailable:
            break
        log.info("delivered spooled %s as %s", item.path.name, answer.get("reference"))
        spool.done(item)
        delivered += 1
    return delivered


async def drain_forever(
    client: StoreClient, spool: Spool, interval: float = 2.0, ceiling: float = 60.0
) -> None:
    """Retry the spool until cancelled; back off while the store stays unreachable."""
    delay = interval
    while True:
        pending = bool(spool.pending())
        if pending:
            await drain(client, spool)
            delay = interval if not spool.pending() else min(delay * 2, ceiling)
        else:
            delay = interval
        await asyncio.sleep(delay)
