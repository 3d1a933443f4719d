"""Telegram's overall budget (about 30 messages a second), shared by everything the gateway sends.

One dispatcher hands out send slots evenly spaced, chat replies first: during a 5,000-recipient
broadcast a duty officer's answer waits at most one slot (~35 ms) instead of pushing the total
over the limit. A 429 pauses the slots for everyone, and afterwards they resume one at a time,
never as a burst of the sends that queued meanwhile (Telegram's sliding window would refuse it).
Groups keep Telegram's own 20 messages a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

SPIN = 0.002
SLOW_DOWN = 1.02  # each 429 that reaches the outbox lowers the pace by 2 % for the rest of the run
MAX_INTERVAL = 0.1
# New messages, which Telegram's overall limit counts; edits and chat actions are not paced.
COUNTED = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage", "forwardMessage"}
)


class Paced:
    """Marks a request from the outbox: it gets the slots no chat reply is waiting for."""


PACED = Paced()


async def until(loop: asyncio.AbstractEventLoop, moment: float) -> None:
    """Sleep until moment; the last 2 ms by yielding, since a plain sleep wakes ~1 ms late and
    those milliseconds add up to a few percent of Telegram's rate."""
    if moment - loop.time() > SPIN:
        await asyncio.sleep(moment - loop.time() - SPIN)
    while loop.time() < moment:
        await asyncio.sleep(0)


class SendPacer:
    """Evenly spaced slots, each spaced from when the last one was really given (no catch-up)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),
            deque(),
        )
        self._arrived = asyncio.Event()
        self._last = float("-inf")
        self._resume_at = 0.0
        self._dispatcher: asyncio.Task[None] | None = None

    async def take(self, first: bool = True) -> None:
        """Wait for a slot; `first` (chat replies) are served before the rest (the outbox)."""
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch())
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[0 if first else 1].append(slot)
        self._arrived.set()
        await slot

    def pause(self, seconds: float) -> None:
        """Telegram said 429: no slot for anyone until it has passed."""
        loop = asyncio.get_running_loop()
        self._resume_at = max(self._resume_at, loop.time() + seconds)

    def slow_down(self) -> None:
        self.interval = min(self.interval * SLOW_DOWN, MAX_INTERVAL)

    async def close(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not (self._waiting[0] or self._waiting[1]):
                self._arrived.clear()
                await self._arrived.wait()
                continue
            await until(loop, max(self._last + self.interval, self._resume_at))
            if loop.time() < self._resume_at:
                continue  # a 429 arrived while we waited
            queue = self._waiting[0] or self._waiting[1]
            slot = queue.popleft()
            if not slot.done():  # a cancelled waiter gives its slot to the next one
                slot.set_result(None)
                self._last = loop.time()


class PacedRateLimiter(BaseRateLimiter[Paced]):
    """Every new message through the SendPacer; 20 a minute per group; one retry after a 429."""

    def __init__(self, pacer: SendPacer, group_max_rate: int, max_retries: int = 1) -> None:
        self.pacer = pacer
        self._group_max_rate = group_max_rate
        self._max_retries = max_retries
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.pacer.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Paced | None,
    ) -> Any:
        first = not isinstance(rate_limit_args, Paced)
        for attempt in range(self._max_retries + 1):
            try:
                async with self._group(data.get("chat_id")):
                    if endpoint in COUNTED:
                        await self.pacer.take(first)
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                delay = error.retry_after
                seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
                self.pacer.pause(seconds + 0.1)
                if attempt == self._max_retries:
                    raise
        return None

    @contextlib.asynccontextmanager
    async def _group(self, chat_id: object) -> AsyncIterator[None]:
        """Groups and channels (negative or @name ids) get Telegram's 20 a minute each."""
        if isinstance(chat_id, (str, int, float)):
            with contextlib.suppress(ValueError):
                chat_id = int(chat_id)
        if not self._group_max_rate or not (
            (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)
        ):
            yield
            return
        limiter = self._groups.setdefault(chat_id, AsyncLimiter(self._group_max_rate, 60))
        async with limiter:
            yield
