"""Deadline reminders: REMINDER_OFFSETS before each deadline of each province's current directive,
to the subscribed chats of organisations that have not yet sent what the deadline asks for.

Each (deadline, offset) runs once (reminder_runs). When several offsets are due at once because
the gateway was down, only the latest goes out; a deadline already passed gets none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.knowledge.citation import Source, citation_of
from store.models import Deadline, Directive, utcnow
from store.outreach import progress
from store.outreach.delivery import insert_items
from store.outreach.models import ReminderRun, Subscription
from vntext.timefmt import remaining_text, when_text

# A duty period or a reporting window is not something to send; a daily report is reminded
# before its first day.
REMINDED_KINDS = ("once", "daily")
_OFFSET_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
SEND_HINT = {"roster": "gửi danh sách trực", "results": "gửi báo cáo kết quả"}


@dataclass(frozen=True)
class Due:
    """One reminder of one deadline."""

    deadline: Deadline
    directive: Directive
    label: str
    fire_at: datetime


def parse_offsets(text: str) -> list[tuple[str, timedelta]]:
    """ "72h,24h,3h" (also "3d", "30m") -> [(label, delta)], longest first; bad parts refused."""
    offsets = []
    for part in (p for p in text.split(",") if p.strip()):
        match = _OFFSET_RE.match(part.lower())
        if match is None:
            raise ValueError(f"REMINDER_OFFSETS: «{part}» không hợp lệ; ví dụ 72h,24h,3h")
        delta = timedelta(**{_UNITS[match[2]]: float(match[1])})
        offsets.append((f"{match[1]}{match[2]}", delta))
    return sorted(offsets, key=lambda item: item[1], reverse=True)


def _runs(session: Session) -> set[tuple[int, str]]:
    return set(session.execute(select(ReminderRun.deadline_id, ReminderRun.offset_label)).tuples())


def _candidates(session: Session, offsets: list[tuple[str, timedelta]], now: datetime) -> list[Due]:
    """Every not-yet-run reminder of a deadline still ahead, for current directives."""
    done = _runs(session)
    found = []
    for province in progress.provinces(session):
        directive = progress.current_directive(session, province)
        if directive is None or directive.province != province:
            continue
        for deadline in directive.deadlines:
            if deadline.due_at <= now or deadline.kind not in REMINDED_KINDS:
                continue
            for label, delta in offsets:
                if (deadline.id, label) not in done:
                    found.append(Due(deadline, directive, label, deadline.due_at - delta))
    return sorted(found, key=lambda due: due.fire_at)


def upcoming(session: Session, offsets: list[tuple[str, timedelta]], now: datetime) -> list[Due]:
    return [due for due in _candidates(session, offsets, now) if due.fire_at > now]


def reminder_text(due: Due, now: datetime) -> str:
    directive, deadline = due.directive, due.deadline
    source = citation_of(Source.of(directive))
    kind = progress.wanted_kind(deadline.what)
    what = deadline.what.rstrip(" .;")
    return (
        f"⏰ Nhắc hạn: {what[0].upper()}{what[1:]} — hạn {when_text(deadline.due_at, deadline.has_time)} "
        f"({remaining_text(deadline.due_at, deadline.has_time, now)}).\n"
        f"Theo {source}.\nGửi qua trợ lý: nhắn «{SEND_HINT[kind]}»."
    )


def _recipients(session: Session, due: Due) -> list[Subscription]:
    """Active chats of the directive's province whose organisation has not sent it yet (a chat
    with no organisation is reminded: nothing says it has sent anything)."""
    province = due.directive.province
    done = progress.submitted(session, province, progress.wanted_kind(due.deadline.what))
    query = select(Subscription).where(
        Subscription.active.is_(True), Subscription.province == province
    )
    return [s for s in session.scalars(query.order_by(Subscription.id))
            if s.organisation_folded not in done]  # fmt: skip


def run(
    session: Session, offsets: list[tuple[str, timedelta]], now: datetime
) -> tuple[list[ReminderRun], int]:
    """Queue the reminders due now, once each; returns the runs recorded and messages queued.

    A reminder is due when fire_at <= now < due_at and it has no reminder_runs row. Of several
    offsets of one deadline due at once (the gateway was down), only the latest is sent; the
    earlier ones are recorded with enqueued=0. Each run row and its outbox rows are committed
    together; a concurrent caller that recorded the run first wins and this one skips it.
    """
    due_now = [due for due in _candidates(session, offsets, now) if due.fire_at <= now]
    latest: dict[int, Due] = {}
    for due in due_now:  # sorted by fire time: the last one per deadline is the latest offset
        latest[due.deadline.id] = due
    runs, queued = [], 0
    for due in due_now:
        send = latest[due.deadline.id] is due
        chats = _recipients(session, due) if send else []
        text = reminder_text(due, now)
        run_row = ReminderRun(
            deadline_id=due.deadline.id, offset_label=due.label, fired_at=now, enqueued=0
        )
        session.add(run_row)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()  # another caller ran this reminder a moment ago
            continue
        rows = [
            {"channel": chat.channel, "chat_id": chat.chat_id, "kind": "reminder",
             "dedupe_key": f"reminder:{due.deadline.id}:{due.label}", "text": text,
             "parse_mode": None, "broadcast_id": None}
            for chat in chats
        ]  # fmt: skip
        run_row.enqueued = insert_items(session, rows, utcnow())
        session.commit()
        runs.append(run_row)
        queued += run_row.enqueued
    return runs, queued
