"""The shared send pacer and rate limiter: chat replies before the outbox, no burst after a 429,
20 messages a minute per group."""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.pacing import PACED, PacedRateLimiter, SendPacer


async def _served(pacer: SendPacer, label: str, first: bool, log: list[tuple[str, float]]) -> None:
    await pacer.take(first)
    log.append((label, asyncio.get_running_loop().time()))


def test_a_chat_reply_overtakes_a_queued_broadcast() -> None:
    async def run() -> list[str]:
        pacer, log = SendPacer(rate=20), []
        tasks = [asyncio.create_task(_served(pacer, f"outbox{n}", False, log)) for n in range(6)]
        while not log:  # the broadcast is under way
            await asyncio.sleep(0.001)
        tasks.append(asyncio.create_task(_served(pacer, "chat", True, log)))
        await asyncio.gather(*tasks)
        await pacer.close()
        return [label for label, _ in log]

    order = asyncio.run(run())
    assert order.index("chat") <= 2 and order[-1].startswith("outbox")


def test_after_a_pause_slots_resume_one_at_a_time() -> None:
    async def run() -> list[float]:
        pacer, log = SendPacer(rate=50), []
        loop = asyncio.get_running_loop()
        await pacer.take()
        pacer.pause(0.3)
        paused_at = loop.time()
        await asyncio.gather(*(_served(pacer, str(n), False, log) for n in range(8)))
        await pacer.close()
        return [paused_at, *(t for _, t in log)]

    paused_at, *times = asyncio.run(run())
    assert times[0] >= paused_at + 0.29  # nobody during the pause
    assert min(b - a for a, b in pairwise(times)) >= 0.019  # then 50/s, never a burst


def test_limiter_retries_once_after_a_429_and_keeps_groups_to_their_rate() -> None:
    calls: list[Any] = []

    async def send(chat_id: int) -> dict[str, int]:
        calls.append(chat_id)
        if chat_id == 7 and calls.count(7) == 1:
            raise RetryAfter(0)
        return {"chat_id": chat_id}

    async def request(limiter: PacedRateLimiter, chat_id: int, args: Any = None) -> Any:
        return await limiter.process_request(
            send, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, args
        )

    async def run() -> tuple[Any, bool, Any]:
        limiter = PacedRateLimiter(SendPacer(rate=100), group_max_rate=2)
        retried = await request(limiter, 7)
        await request(limiter, -100, PACED)
        await request(limiter, -100, PACED)
        third = asyncio.create_task(request(limiter, -100, PACED))
        private = await request(limiter, 8)  # a private chat is not held up by the group
        await asyncio.sleep(0.3)
        held = not third.done()
        third.cancel()
        await limiter.shutdown()
        return retried, held, private

    retried, held, private = asyncio.run(run())
    assert retried == {"chat_id": 7} and calls.count(7) == 2
    assert held and private == {"chat_id": 8}


def test_repeated_429s_slow_down_to_ten_a_second_at_most() -> None:
    pacer = SendPacer(29.0)
    for _ in range(500):
        pacer.slow_down()
    assert pacer.interval == pytest.approx(0.1)
