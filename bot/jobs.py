"""Deadline reminders and severe-incident alerts, scheduled from the store.

JobQueue jobs are not persisted, so at start-up the gateway asks the store to run every reminder
already due (one missed while the gateway was down goes out now if its deadline has not passed)
and schedules one job per upcoming reminder; the store records each run, so none goes out twice.
Severe incidents are polled from the store and queued for every staff chat.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.store_api import StoreAPI, StoreRejected, StoreUnavailable
from common.vocabulary import IncidentCategory, Severity

log = logging.getLogger(__name__)
SEVERITY = Severity.labels()
CATEGORY = IncidentCategory.labels()
MAX_SCHEDULED = 200


async def run_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue every reminder now due, then (re)schedule the upcoming ones."""
    store: StoreAPI = context.bot_data["store"]
    try:
        answer = await store.run_reminders()
        upcoming = await store.upcoming_reminders()
    except (StoreUnavailable, StoreRejected) as error:
        log.warning("reminders not run: %s", error)
        return
    if answer.get("enqueued"):
        log.info("reminders queued: %s message(s)", answer["enqueued"])
        context.bot_data["outbox"].wake()
    schedule_upcoming(context.application, upcoming)


def schedule_upcoming(application: Application, upcoming: list[dict[str, Any]]) -> None:
    """One job per upcoming reminder time (replacing earlier jobs of the same name)."""
    queue = application.job_queue
    if queue is None:
        return
    wall_clock = datetime.now(timezone.utc)
    for item in upcoming[:MAX_SCHEDULED]:
        name = f"reminder:{item['deadline_id']}:{item['offset_label']}"
        when = datetime.fromisoformat(item["fire_at"])
        # A time already past on the wall clock (a fixed TRUTET_NOW in tests) is left to the
        # periodic check; scheduling it would fire at once and reschedule itself forever.
        if when <= wall_clock or queue.get_jobs_by_name(name):
            continue
        queue.run_once(run_reminders, when=when, name=name)


def alert_text(alert: dict[str, Any]) -> str:
    """What staff see at once for a severe incident (they may see names and phones)."""
    incident = alert["incident"]
    lines = [
        f"🚨 Sự cố mức {SEVERITY.get(incident['severity'], incident['severity'])}: {incident['reference']}",
        f"{incident['organisation']} ({incident['province']}) · "
        f"{CATEGORY.get(incident['category'], incident['category'])} · {incident['area']}",
        incident["description"][:500],
        f"Liên hệ: {incident['contact_name']} {incident['contact_phone_display']}",
    ]
    return "\n".join(lines)


async def push_alerts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue each new severe incident for every staff chat, then mark it delivered."""
    store: StoreAPI = context.bot_data["store"]
    admin_ids: frozenset[int] = context.bot_data["admin_ids"]
    try:
        alerts = await store.pending_alerts()
        if not alerts:
            return
        staff = await store.staff()
    except (StoreUnavailable, StoreRejected) as error:
        log.warning("alerts not polled: %s", error)
        return
    chats = {s["chat_id"] for s in staff if s.get("chat_id")} | {str(a) for a in admin_ids}
    for alert in alerts:
        items = [
            {"channel": "telegram", "chat_id": str(chat), "kind": "alert",
             "dedupe_key": f"alert:{alert['id']}", "text": alert_text(alert)}
            for chat in sorted(chats)
        ]  # fmt: skip
        try:
            if items:
                await store.enqueue(items)
            await store.alert_delivered(alert["id"])
        except (StoreUnavailable, StoreRejected) as error:
            log.warning("alert %s not queued: %s", alert["id"], error)
            return
    context.bot_data["outbox"].wake()


def schedule(application: Application, reminder_seconds: float, alert_seconds: float) -> None:
    """Reminders at start-up and every reminder_seconds (to pick up new deadlines); alerts polled."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot needs the job-queue extra (APScheduler)")
    queue.run_once(run_reminders, when=1, name="reminders:start")
    queue.run_repeating(run_reminders, interval=reminder_seconds, first=reminder_seconds)
    queue.run_repeating(push_alerts, interval=alert_seconds, first=2)
