"""Telegram's overall budget (about 30 messages a second), shared by everything the gateway sends.

The outbox (broadcasts, reminders, alerts) takes one slot at a time and a chat reply takes the next
free one, so during a 5,000-recipient broadcast a duty officer's answer waits a slot or two
(~35 ms each) instead of pushing the total over the limit and drawing a 429, which would pause
every send for a second. AIORateLimiter still adds Telegram's 20 a minute per group and retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

SPIN = 0.002
SLOW_DOWN = 1.02  # each 429 lowers the pace by 2 % for the rest of the run
MAX_INTERVAL = 0.1
# New messages, which Telegram's overall limit counts. Edits are left out: a broadcast's progress
# message is edited every few seconds and would otherwise take a slot from the broadcast itself.
COUNTED = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage", "forwardMessage"}
)


class Paced:
    """Marks a request whose slot was already taken (the outbox paces its own sends)."""


PACED = Paced()


async def until(loop: asyncio.AbstractEventLoop, moment: float) -> None:
    """Sleep until moment; the last 2 ms by yielding, since a plain sleep wakes ~1 ms late and
    those milliseconds add up to a few percent of Telegram's rate."""
    if moment - loop.time() > SPIN:
        await asyncio.sleep(moment - loop.time() - SPIN)
    while loop.time() < moment:
        await asyncio.sleep(0)


class SendPacer:
    """Evenly spaced slots; never a catch-up burst after a pause (Telegram's window refuses it)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next_at = 0.0

    async def take(self) -> None:
        """Reserve the next slot (so takers are served in order), then wait for it. The slot after
        is spaced from when this one really started: a busy event loop wakes us late, and catching
        up on the planned schedule would send a burst that Telegram's sliding window refuses."""
        loop = asyncio.get_running_loop()
        moment = max(loop.time(), self._next_at)
        self._next_at = moment + self.interval
        await until(loop, moment)
        self._next_at = max(self._next_at, loop.time() + self.interval)

    def slow_down(self) -> None:
        """Telegram said 429: go a little slower from now on."""
        self.interval = min(self.interval * SLOW_DOWN, MAX_INTERVAL)


class PacedRateLimiter(AIORateLimiter):
    """AIORateLimiter with the overall limit replaced by the shared SendPacer."""

    def __init__(self, pacer: SendPacer, group_max_rate: int, max_retries: int) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=group_max_rate, max_retries=max_retries)
        self.pacer = pacer

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if isinstance(rate_limit_args, Paced):
            rate_limit_args = None
        elif endpoint in COUNTED:
            await self.pacer.take()
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
