"""The /stats chart: how many expected organisations have sent each kind of report (PNG)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen on servers
import matplotlib.pyplot as plt

KINDS = (("rosters_submitted", "Danh sách trực"), ("results_submitted", "Báo cáo kết quả"))


def stats_chart(stats: dict[str, Any], title: str) -> bytes:
    """Stacked bars: submitted vs not yet, per kind, out of the organisations expected."""
    expected = int(stats.get("expected") or 0)
    totals = stats.get("totals") or {}
    labels = [label for _, label in KINDS]
    done = [int(totals.get(key) or 0) for key, _ in KINDS]
    missing = [max(expected - value, 0) for value in done]
    figure, axes = plt.subplots(figsize=(6, 3.2), dpi=110)
    axes.barh(labels, done, color="#2e7d32", label="Đã nộp")
    axes.barh(labels, missing, left=done, color="#c62828", label="Chưa nộp")
    for row, (value, gap) in enumerate(zip(done, missing, strict=True)):
        axes.text(value + gap + 0.1, row, f"{value}/{expected}", va="center")
    axes.set_xlim(0, max(expected, 1) * 1.25)
    axes.set_title(title)
    axes.set_xlabel("Số đơn vị")
    axes.legend(loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
