"""Deadlines as people say them: "09h00 ngày 23/02/2026", "còn 3 ngày 4 giờ", "đã hết hạn từ …".

The clock is injectable (TRUTET_NOW, ISO 8601) so tests and the benchmark see a fixed "now".
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """Current time in Vietnam, or the fixed instant in TRUTET_NOW."""
    fixed = os.environ.get("TRUTET_NOW", "").strip()
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
    return datetime.now(VN_TZ)


def when_text(due: datetime, has_time: bool = True) -> str:
    """'09h00 ngày 23/02/2026' (or 'ngày 01/02/2024' when the directive gives no hour)."""
    local = due.astimezone(VN_TZ)
    day = f"ngày {local:%d/%m/%Y}"
    return f"{local:%H}h{local:%M} {day}" if has_time else day


def remaining_text(due: datetime, has_time: bool = True, at: datetime | None = None) -> str:
    """'còn 3 ngày 4 giờ' before the deadline, 'đã hết hạn từ 09h00 23/02/2026' after it."""
    current = at or now()
    delta = due - current
    if delta.total_seconds() <= 0:
        local = due.astimezone(VN_TZ)
        stamp = f"{local:%H}h{local:%M} {local:%d/%m/%Y}" if has_time else f"{local:%d/%m/%Y}"
        return f"đã hết hạn từ {stamp}"
    days, seconds = delta.days, delta.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if not days and minutes:
        parts.append(f"{minutes} phút")
    return "còn " + (" ".join(parts) if parts else "chưa đến 1 phút")


def _day(moment: datetime | date) -> str:
    return f"{moment:%d/%m/%Y}"


def _hour(moment: datetime) -> str:
    local = moment.astimezone(VN_TZ)
    return f"{local:%H}h{local:%M}"


def deadline_when(
    kind: str,
    due: datetime,
    has_time: bool,
    starts: datetime | None = None,
    until: date | None = None,
) -> str:
    """When a deadline falls, worded by its kind.

    once: "trước 09h00 ngày 23/02/2026"; daily: "trước 15h00 hằng ngày, từ 05/02/2027 đến
    10/02/2027"; window: "từ 15h00 đến 16h30 (hằng ngày, từ … đến …)"; period: "từ 02/02/2027
    đến hết 10/02/2027".
    """
    local = due.astimezone(VN_TZ)
    if kind == "daily":
        days = f", từ ngày {_day(local)} đến ngày {_day(until)}" if until else ""
        return f"trước {_hour(due)} hằng ngày{days}"
    if kind == "window" and starts is not None:
        hours = f"từ {_hour(starts)} đến {_hour(due)}"
        if until and until != local.date():
            return f"{hours} hằng ngày, từ ngày {_day(local)} đến ngày {_day(until)}"
        return f"{hours} ngày {_day(local)}"
    if kind == "period" and starts is not None:
        if has_time:
            return f"từ {when_text(starts)} đến {when_text(due)}"
        return f"từ ngày {_day(starts.astimezone(VN_TZ))} đến hết ngày {_day(local)}"
    return f"trước {when_text(due, has_time)}"


def next_due(kind: str, due: datetime, until: date | None, at: datetime | None = None) -> datetime:
    """The next time a recurring deadline falls due (the last one once all have passed)."""
    if kind not in ("daily", "window") or until is None:
        return due
    current = (at or now()).astimezone(VN_TZ)
    local = due.astimezone(VN_TZ)
    candidate = local
    while candidate <= current and candidate.date() < until:
        candidate += timedelta(days=1)
    return candidate
