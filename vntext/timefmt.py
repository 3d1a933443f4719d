"""Deadlines as people say them: "09h00 ngày 23/02/2026", "còn 3 ngày 4 giờ", "đã hết hạn từ …".

The clock is injectable (TRUTET_NOW, ISO 8601) so tests and the benchmark see a fixed "now".
"""

from __future__ import annotations

import os
from datetime import datetime
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
