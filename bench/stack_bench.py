"""Whole stack vs Rasa NLU alone: latency, throughput and memory.

The same messages go through the console channel's relay (relay -> Rasa -> actions -> store) and
straight to Rasa's /model/parse (the floor: NLU inference only), from 1 and from 20 concurrent
senders. Goals (DEVELOPERS/issue): stack p50 <= 1.6x floor p50 serially; stack throughput at 20
senders >= 70% of the floor's; total peak RSS <= 1.5 GB.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import httpx

from bench.harness import fresh_stack, write_results
from common.env import env_int
from ops.stack import Stack

MESSAGES = [
    "số điện thoại đường dây nóng Hà Tĩnh",
    "sdt duong day nong ha tinh",
    "xin chào",
    "hotline sở lạng sơn",
    "liên hệ sở bắc giang",
    "so dien thoai ung cuu su co soc trang",
    "cảm ơn",
    "trợ giúp",
]


@dataclass
class Row:
    path: str
    senders: int
    messages: int
    p50_ms: float
    p95_ms: float
    throughput: float
    errors: int


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _drive(
    name: str, senders: int, total: int, send: Callable[[str, str], Awaitable[bool]]
) -> Row:
    """total messages split over senders, each sender strictly sequential (like a real user).

    Each sender holds conversations of len(MESSAGES) turns under a fresh id: Rasa replays a whole
    session's events on every turn, so one endless conversation would measure its length instead.
    """
    latencies: list[float] = []
    errors = 0

    async def sender(index: int) -> None:
        nonlocal errors
        for n in range(index, total, senders):
            started = time.perf_counter()
            conversation = f"{name[:5]}-{senders}-{index}-{n // (senders * len(MESSAGES))}"
            ok = await send(conversation, MESSAGES[(n // senders) % len(MESSAGES)])
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(sender(i) for i in range(senders)))
    elapsed = time.perf_counter() - started
    return Row(
        name,
        senders,
        total,
        round(statistics.median(latencies), 1),
        round(_percentile(latencies, 0.95), 1),
        round(total / elapsed, 1),
        errors,
    )


def _tree_peak_rss_mb(pid: int) -> float:
    """Peak RSS (VmHWM) of a process and its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return round(total_kb / 1024, 1)


async def _measure(stack: Stack, total: int) -> list[Row]:
    token = stack.env()["RASA_API_TOKEN"]
    rows: list[Row] = []
    async with (
        stack.relay(timeout=60) as relay,
        httpx.AsyncClient(timeout=60) as http,
    ):

        async def whole_stack(conversation: str, text: str) -> bool:
            replies = await relay.send("bench", conversation, text)
            return bool(replies) and not any(r.is_fault for r in replies)

        async def floor(_conversation: str, text: str) -> bool:
            response = await http.post(
                f"{stack.rasa_url}/model/parse", params={"token": token}, json={"text": text}
            )
            return response.status_code == 200

        await _drive("warm-up", 4, 40, whole_stack)
        await _drive("warm-up", 4, 40, floor)
        for senders in (1, 20):
            rows.append(await _drive("floor: Rasa /model/parse", senders, total, floor))
            rows.append(
                await _drive("stack: relay→Rasa→actions→store", senders, total, whole_stack)
            )
    return rows


def _report(rows: list[Row], rss: dict[str, float]) -> str:
    lines = [
        f"# Stack benchmark {datetime.now().isoformat(timespec='seconds')}",
        "",
        "| path | senders | messages | p50 ms | p95 ms | msg/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.path} | {r.senders} | {r.messages} | {r.p50_ms} | {r.p95_ms} | {r.throughput} | {r.errors} |"
        for r in rows
    ]
    by = {(r.path.split(":")[0], r.senders): r for r in rows}
    p50_ratio = by[("stack", 1)].p50_ms / by[("floor", 1)].p50_ms
    tput_ratio = by[("stack", 20)].throughput / by[("floor", 20)].throughput
    total_rss = sum(rss.values())
    lines += [
        "",
        "| goal | measured | target | met |",
        "|---|---:|---:|:---:|",
        f"| stack p50 / floor p50, 1 sender | {p50_ratio:.2f}× | ≤ 1.6× | {'yes' if p50_ratio <= 1.6 else 'NO'} |",
        f"| stack / floor throughput, 20 senders | {tput_ratio:.0%} | ≥ 70% | {'yes' if tput_ratio >= 0.7 else 'NO'} |",
        f"| total peak RSS | {total_rss:.0f} MB | ≤ 1536 MB | {'yes' if total_rss <= 1536 else 'NO'} |",
        "",
        "| process | peak RSS MB |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {mb} |" for name, mb in sorted(rss.items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    total = env_int("BENCH_MESSAGES", 200)
    stack = fresh_stack("stack")
    print("Starting the stack on free ports…", flush=True)
    stack.start(timeout=240)
    try:
        rows = asyncio.run(_measure(stack, total))
        rss = {name: _tree_peak_rss_mb(pid) for name, pid in stack.pids().items()}
    finally:
        stack.stop()
    write_results(
        "stack", _report(rows, rss), {"rows": [asdict(r) for r in rows], "peak_rss_mb": rss}
    )


if __name__ == "__main__":
    main()
