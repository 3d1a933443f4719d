"""Telegram gateway benchmark: a broadcast to 5,000 subscribers against Telegram's 30 msg/s, with
the gateway stopped and restarted half-way, and chat latency through Telegram → gateway → Rasa.

The fake Bot API server (tests/fake_telegram.py) enforces 30 messages/s overall and 20/min per
group and records every message. Goals (issue): broadcast rate ≥ 95 % of 30 msg/s, 0 duplicates,
0 losses across the restart; chat latency p50/p95 at 20 concurrent users next to bare Rasa.
"""

from __future__ import annotations

import asyncio
import signal
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import httpx

from bench.harness import fresh_stack, write_results
from bench.stack_bench import MESSAGES, _percentile
from bot.relay import post_message
from common.env import env_int
from ops.stack import Stack
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.gateway import BOT_TOKEN, Gateway
from tests.fake_telegram import FakeTelegram

RATE_LIMIT = 30
BROADCAST_TEXT = "Kiểm tra hệ thống trực Tết (benchmark)"
FIRST_CHAT = 100_000


@dataclass
class BroadcastResult:
    recipients: int
    delivered: int
    duplicates: int
    lost: int
    uncertain: int
    rate_violations: int
    seconds_sending: float
    restart_gap_s: float
    steady_rate: float
    overall_rate: float


@dataclass
class LatencyRow:
    path: str
    users: int
    messages: int
    p50_ms: float
    p95_ms: float
    throughput: float
    errors: int


def _seed(stack: Stack, count: int) -> None:
    """count subscribed private chats, as if each had sent /start."""
    headers = {"Authorization": f"Bearer {stack.env()['STORE_API_TOKEN']}"}

    def subscribe(chat: int) -> None:
        body = {"chat_type": "private", "user_id": str(chat), "province": "Hà Tĩnh"}
        with httpx.Client(timeout=30) as client:
            client.put(
                f"{stack.store_url}/api/subscriptions/telegram/{chat}", json=body, headers=headers
            ).raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(subscribe, range(FIRST_CHAT, FIRST_CHAT + count)))


def _press_confirm(tg: FakeTelegram) -> None:
    preview = tg.wait_for_text(ADMIN_ID, "người nhận", timeout=60)
    button = preview["reply_markup"]["inline_keyboard"][0][0]
    tg.press_button(ADMIN_ID, preview, button["callback_data"])


def _broadcast(stack: Stack, tg: FakeTelegram, log_dir: Path, count: int) -> BroadcastResult:
    gateway = Gateway(stack, tg.url, log_dir, OUTBOX_POLL_SECONDS="0.5")
    gateway.start()
    tg.send_text(ADMIN_ID, f"/broadcast all {BROADCAST_TEXT}")
    _press_confirm(tg)

    def delivered() -> list[dict]:
        return [
            r for r in tg.sent if r["method"] == "sendMessage" and (r["chat_id"] or 0) >= FIRST_CHAT
        ]

    deadline = time.monotonic() + 600
    # stats() is a cheap counter: listing 5,000 records under the server's lock would stall it.
    while tg.stats()["delivered"] < count * 0.4 and time.monotonic() < deadline:
        time.sleep(0.5)
    print(f"  {tg.stats()['delivered']} delivered: stopping the gateway (SIGTERM)…", flush=True)
    gateway.stop(signal.SIGTERM)
    print("  restarting the gateway…", flush=True)
    gateway.start()
    while time.monotonic() < deadline:
        if _status(stack) == "done":
            break
        time.sleep(1)
    gateway.stop()
    records = delivered()
    per_chat = Counter(r["chat_id"] for r in records)
    times = sorted(r["time"] for r in records)
    gaps = [b - a for a, b in pairwise(times)]
    gap = max(gaps) if gaps else 0.0
    span = times[-1] - times[0] if times else 0.0
    counts = _counts(stack)
    return BroadcastResult(
        recipients=count,
        delivered=len(per_chat),
        duplicates=sum(n - 1 for n in per_chat.values()),
        lost=count - len(per_chat),
        uncertain=counts.get("uncertain", 0),
        rate_violations=tg.rate_violations,
        seconds_sending=round(span, 1),
        restart_gap_s=round(gap, 1),
        steady_rate=round(len(records) / max(span - gap, 1e-9), 2),
        overall_rate=round(len(records) / max(span, 1e-9), 2),
    )


def _broadcast_row(stack: Stack) -> dict:
    headers = {"Authorization": f"Bearer {stack.env()['STORE_API_TOKEN']}"}
    response = httpx.get(f"{stack.store_url}/api/broadcasts/1", headers=headers, timeout=10)
    return response.json() if response.status_code == 200 else {}


def _status(stack: Stack) -> str:
    return str(_broadcast_row(stack).get("status", ""))


def _counts(stack: Stack) -> dict[str, int]:
    return dict(_broadcast_row(stack).get("counts") or {})


def _latency_telegram(tg: FakeTelegram, users: int, per_user: int) -> LatencyRow:
    """Each user sends per_user messages, one at a time, and waits for the bot's answer."""
    latencies: list[float] = []
    errors = 0

    def user(index: int) -> None:
        nonlocal errors
        chat = 200_000 + index
        for n in range(per_user):
            since = tg.mark()
            started = time.time()  # the fake server stamps records with the wall clock
            tg.send_text(chat, MESSAGES[n % len(MESSAGES)])
            try:
                reply = tg.wait_for(
                    lambda r, chat=chat: r["chat_id"] == chat and r["method"] == "sendMessage",
                    timeout=60,
                    since=since,
                )
            except AssertionError:
                errors += 1
                continue
            latencies.append((reply["time"] - started) * 1000)

    started = time.monotonic()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    elapsed = time.monotonic() - started
    return _row("Telegram → gateway → Rasa → actions → store", users, latencies, elapsed, errors)


def _row(path: str, users: int, latencies: list[float], elapsed: float, errors: int) -> LatencyRow:
    return LatencyRow(
        path,
        users,
        len(latencies) + errors,
        round(statistics.median(latencies), 1) if latencies else 0.0,
        round(_percentile(latencies, 0.95), 1) if latencies else 0.0,
        round(len(latencies) / elapsed, 1),
        errors,
    )


async def _latency_rasa(stack: Stack, users: int, per_user: int) -> LatencyRow:
    """The same conversations straight to Rasa's signed channel (no Telegram, no gateway)."""
    latencies: list[float] = []
    secret = stack.channel_secret
    errors = 0
    async with httpx.AsyncClient(timeout=60) as client:

        async def user(index: int) -> None:
            nonlocal errors
            for n in range(per_user):
                started = time.perf_counter()
                body = {"sender": f"bare-{index}", "message": MESSAGES[n % len(MESSAGES)]}
                response = await post_message(client, stack.rasa_url, body, secret)
                if response.status_code != 200 or not response.json():
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(users)))
        elapsed = time.perf_counter() - started
    return _row("bare Rasa REST (→ actions → store)", users, latencies, elapsed, errors)


def _report(broadcast: BroadcastResult, rows: list[LatencyRow]) -> str:
    goal_rate = 0.95 * RATE_LIMIT
    lines = [
        f"# Telegram gateway benchmark {datetime.now().isoformat(timespec='seconds')}",
        "",
        f"## Broadcast to {broadcast.recipients} subscribers (fake Bot API enforcing {RATE_LIMIT} msg/s;"
        " gateway stopped with SIGTERM at 40 % and restarted)",
        "",
        "| measure | value | goal | met |",
        "|---|---:|---:|:---:|",
        f"| steady send rate (restart gap excluded) | {broadcast.steady_rate} msg/s | ≥ {goal_rate:.1f} msg/s | {'yes' if broadcast.steady_rate >= goal_rate else 'NO'} |",
        f"| overall rate incl. restart | {broadcast.overall_rate} msg/s | – | |",
        f"| recipients reached | {broadcast.delivered}/{broadcast.recipients} | all | {'yes' if broadcast.lost == 0 else 'NO'} |",
        f"| duplicates | {broadcast.duplicates} | 0 | {'yes' if broadcast.duplicates == 0 else 'NO'} |",
        f"| lost | {broadcast.lost} | 0 | {'yes' if broadcast.lost == 0 else 'NO'} |",
        f"| left uncertain by the stop | {broadcast.uncertain} | 0 | |",
        f"| 429s from the server (rate violations) | {broadcast.rate_violations} | – | |",
        f"| time sending / restart gap | {broadcast.seconds_sending} s / {broadcast.restart_gap_s} s | – | |",
        "",
        "## Chat latency",
        "",
        "| path | users | messages | p50 ms | p95 ms | msg/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.path} | {r.users} | {r.messages} | {r.p50_ms} | {r.p95_ms} | {r.throughput} | {r.errors} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    count = env_int("BENCH_BROADCAST_RECIPIENTS", 5000)
    users = env_int("BENCH_CHAT_USERS", 20)
    per_user = env_int("BENCH_CHAT_MESSAGES", 8)
    stack = fresh_stack("telegram")
    run_dir = stack.var_dir
    print("Starting the stack on free ports…", flush=True)
    stack.start(timeout=240)
    try:
        with FakeTelegram(
            token=BOT_TOKEN,
            rate_limit_per_second=RATE_LIMIT,
            group_limit_per_minute=20,
        ) as tg:
            print(f"Subscribing {count} chats…", flush=True)
            _seed(stack, count)
            print("Broadcasting…", flush=True)
            broadcast = _broadcast(stack, tg, run_dir, count)
            print("Chat latency…", flush=True)
            gateway = Gateway(stack, tg.url, run_dir)
            gateway.start()
            try:
                _latency_telegram(tg, 4, 2)  # warm-up
                rows = [_latency_telegram(tg, users, per_user)]
            finally:
                gateway.stop()
            rows.append(asyncio.run(_latency_rasa(stack, users, per_user)))
    finally:
        stack.stop()
    write_results(
        "telegram",
        _report(broadcast, rows),
        {"broadcast": asdict(broadcast), "latency": [asdict(r) for r in rows]},
    )


if __name__ == "__main__":
    main()
