"""Delivery of queued messages (broadcasts, reminders, alerts) from the store's outbox.

The outbox is one row per recipient in the store, so a restarted gateway resumes where it stopped.
A row is claimed ("sending") before it is sent and given its result right after, so no one gets a
message twice: a gateway killed mid-send leaves its few in-flight rows "uncertain", never resent.
A graceful stop (SIGTERM) finishes what is in flight and hands unsent claims back.

Pacing: at most TELEGRAM_SEND_RATE messages a second overall, shared with chat replies, which go
first (bot.pacing); Forbidden unsubscribes the chat; RetryAfter puts the row back for later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.pacing import PACED, Paced, SendPacer
from bot.store_api import StoreAPI, StoreRejected, StoreUnavailable

log = logging.getLogger(__name__)
PROGRESS_EVERY = 3.0


@dataclass
class Tracked:
    """A broadcast whose progress message is being edited."""

    broadcast_id: int
    chat_id: int
    message_id: int
    shown: str = ""


def _n(value: int) -> str:
    """Vietnamese thousands separator: 5.000."""
    return f"{value:,}".replace(",", ".")


def progress_text(broadcast: dict[str, Any]) -> str:
    counts = broadcast.get("counts") or {}
    total = int(broadcast.get("recipient_count") or 0)
    sent, blocked = int(counts.get("sent", 0)), int(counts.get("blocked", 0))
    failed = int(counts.get("failed", 0)) + int(counts.get("uncertain", 0))
    if broadcast.get("status") == "done":
        return (
            f"Đã gửi xong thông báo tới {broadcast.get('audience_label', '')}: "
            f"{_n(sent)} đã nhận · {_n(blocked)} đã chặn bot (tự hủy đăng ký) · {_n(failed)} lỗi "
            f"(tổng {_n(total)})."
        )
    return (
        f"Đang gửi: {_n(sent + blocked + failed)}/{_n(total)} · đã nhận {_n(sent)} · "
        f"chặn bot {_n(blocked)} · lỗi {_n(failed)}"
    )


class Outbox:
    """Claims rows from the store, sends them at a steady pace, reports each result."""

    def __init__(
        self,
        bot: ExtBot[Paced],
        store: StoreAPI,
        pacer: SendPacer,
        poll_seconds: float = 2.0,
        batch: int = 30,
        concurrency: int = 8,
    ) -> None:
        self.bot = bot
        self.store = store
        self.pacer = pacer
        self.poll_seconds = poll_seconds
        self.batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._unreported: list[tuple[int, str, str | None, float | None]] = []
        self._tracked: dict[int, Tracked] = {}

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Settle what a crashed run left, resume progress messages, start the loops."""
        try:
            uncertain = await self.store.recover()
            if uncertain:
                log.warning(
                    "%d message(s) were in flight when the gateway stopped; not resent", uncertain
                )
            for broadcast in await self.store.broadcasts_sending():
                if broadcast.get("progress_chat_id") and broadcast.get("progress_message_id"):
                    self.track(
                        broadcast["id"],
                        int(broadcast["progress_chat_id"]),
                        int(broadcast["progress_message_id"]),
                    )
        except (StoreUnavailable, StoreRejected) as error:
            log.warning("outbox start-up without recovery (store: %s)", error)
        self._tasks = [asyncio.create_task(self._deliver()), asyncio.create_task(self._progress())]

    async def stop(self) -> None:
        """Graceful: no new claims, in-flight sends finish and are reported."""
        self._stopping.set()
        self._wake.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._report_pending()

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next poll."""
        self._wake.set()

    def track(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        self._tracked[broadcast_id] = Tracked(broadcast_id, chat_id, message_id)

    # --- delivery -------------------------------------------------------------------------------

    async def _deliver(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._report_pending()
                items = await self.store.claim(self.batch)
            except (StoreUnavailable, StoreRejected) as error:
                log.warning("outbox claim failed: %s", error)
                items = []
            if not items:
                await self._idle()
                continue
            await self._send_batch(items)
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _idle(self) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def _send_batch(self, items: list[dict[str, Any]]) -> None:
        for index, item in enumerate(items):
            if self._stopping.is_set():
                await self._release(items[index:])
                return
            await self._slots.acquire()  # the pacer (in the rate limiter) spaces the sends
            task = asyncio.create_task(self._send(item))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _release(self, items: list[dict[str, Any]]) -> None:
        """Hand back rows claimed but not sent (they were never attempted: safe to send later)."""
        for item in items:
            await self._report(item["id"], "retry", "gateway stopping", 0)

    async def _send(self, item: dict[str, Any]) -> None:
        try:
            status, error, retry_after = await self._attempt(item)
        finally:
            self._slots.release()
        await self._report(item["id"], status, error, retry_after)

    async def _attempt(self, item: dict[str, Any]) -> tuple[str, str | None, float | None]:
        try:
            await self.bot.send_message(
                chat_id=int(item["chat_id"]),
                text=item["text"],
                parse_mode=item.get("parse_mode"),
                rate_limit_args=PACED,
            )
        except Forbidden as error:
            return "blocked", error.message, None
        except RetryAfter as error:
            delay = error.retry_after
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            self.pacer.slow_down()
            return "retry", "429", seconds
        except TimedOut:
            return "failed", "timeout: may or may not have been delivered", None  # never resend
        except BadRequest as error:
            return "failed", error.message, None
        except NetworkError as error:
            return "retry", f"network: {error.message}", 5.0  # not sent: safe to try again
        except TelegramError as error:
            return "failed", error.message, None
        return "sent", None, None

    async def _report(
        self, item_id: int, status: str, error: str | None, retry_after: float | None
    ) -> None:
        try:
            await self.store.result(item_id, status, error, retry_after)
        except StoreUnavailable:
            self._unreported.append((item_id, status, error, retry_after))
        except StoreRejected as refused:
            log.warning("outbox result for %s refused: %s", item_id, refused.detail)

    async def _report_pending(self) -> None:
        """Results the store could not take earlier (it was down); kept in memory until it can."""
        waiting, self._unreported = self._unreported, []
        for entry in waiting:
            await self._report(*entry)

    # --- progress -------------------------------------------------------------------------------

    async def _progress(self) -> None:
        while not self._stopping.is_set():
            for tracked in list(self._tracked.values()):
                await self._show(tracked)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), PROGRESS_EVERY)

    async def _show(self, tracked: Tracked) -> None:
        try:
            broadcast = await self.store.broadcast(tracked.broadcast_id)
        except (StoreUnavailable, StoreRejected):
            return
        if broadcast is None:
            self._tracked.pop(tracked.broadcast_id, None)
            return
        text = progress_text(broadcast)
        if text != tracked.shown:
            try:
                await self.bot.edit_message_text(
                    text, chat_id=tracked.chat_id, message_id=tracked.message_id
                )
                tracked.shown = text
            except RetryAfter:
                return
            except TelegramError as error:
                log.info("progress message not edited: %s", error.message)
        if broadcast.get("status") in ("done", "cancelled"):
            self._tracked.pop(tracked.broadcast_id, None)
