"""Broadcasts and the outbox: drafts with a recipient count, confirmation into one row per chat,
claims that never hand a row out twice, results, and recovery after a crashed gateway.

A message must never reach anyone twice: (dedupe_key, chat_id) is unique, a claimed row is only
ever handed out again when the gateway itself says it was not sent ("retry"), and rows a crashed
gateway left "sending" become "uncertain" (counted as not delivered, never resent).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, case, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from common.vocabulary import Sector
from store.models import utcnow
from store.outreach import progress
from store.outreach.models import Broadcast, OutboxItem, Subscription
from store.outreach.people import NotFound, OutreachError, current_province
from store.outreach.schemas import BroadcastIn, BroadcastOut, OutboxItemIn, OutboxItemOut, ResultIn

STATUSES = ("pending", "sending", "sent", "blocked", "failed", "uncertain")
OPEN = ("pending", "sending")
_CLAIMED = (
    OutboxItem.id,
    OutboxItem.chat_id,
    OutboxItem.kind,
    OutboxItem.broadcast_id,
    OutboxItem.text,
    OutboxItem.parse_mode,
    OutboxItem.attempts,
    OutboxItem.status,
)


class Conflict(ValueError):
    """The row or broadcast is not in a state that allows this (409)."""


# --- audiences ------------------------------------------------------------------------------


def sector_code(value: str | None) -> Sector | None:
    """A sector from its code or the words users type for it, with or without diacritics."""
    return Sector.named_in(value) if value and value.strip() else None


def audience(kind: str, value: str | None) -> tuple[str | None, str]:
    """(normalised value, Vietnamese label) of an audience; OutreachError when unclear."""
    if kind == "all":
        return None, "tất cả người đăng ký"
    if kind == "province":
        province = current_province(value)
        if province is None:
            raise OutreachError("Cần tên tỉnh/thành phố nhận thông báo, ví dụ: Hà Tĩnh.")
        return province, f"tỉnh {province}"
    if kind == "sector":
        code = sector_code(value)
        if code is None:
            shown = f" «{value}»" if value and value.strip() else ""
            raise OutreachError(
                f"Không rõ lĩnh vực{shown}. Chọn: bưu chính, viễn thông, Internet, truyền hình."
            )
        return code.value, f"lĩnh vực {code.in_sentence}"
    province = current_province(value)
    where = f" tỉnh {province}" if province else ""
    return province, f"đơn vị chưa nộp báo cáo kết quả{where}"


def recipients(session: Session, channel: str, kind: str, value: str | None) -> list[Subscription]:
    """Active subscriptions of the channel in the audience (value already normalised).

    "pending": chats of an expected organisation (same folded name, same province) that has not
    yet sent a results report for its province's current directive.
    """
    query = select(Subscription).where(
        Subscription.channel == channel, Subscription.active.is_(True)
    )
    if kind == "province" or (kind == "pending" and value):
        query = query.where(Subscription.province == value)
    if kind == "sector":
        query = query.where(Subscription.sector == value)
    chats = list(session.scalars(query.order_by(Subscription.id)))
    if kind != "pending":
        return chats
    expected = {(o.folded, o.province) for o in progress.expected(session, value)}
    done: dict[str, set[str]] = {}
    waiting = []
    for chat in chats:
        if (chat.organisation_folded, chat.province) not in expected:
            continue
        assert chat.province is not None
        if chat.province not in done:
            done[chat.province] = progress.submitted(session, chat.province, "results")
        if chat.organisation_folded not in done[chat.province]:
            waiting.append(chat)
    return waiting


# --- broadcasts -----------------------------------------------------------------------------


def counts(session: Session, broadcast_id: int) -> dict[str, int]:
    query = (
        select(OutboxItem.status, func.count())
        .where(OutboxItem.broadcast_id == broadcast_id)
        .group_by(OutboxItem.status)
    )
    found = dict.fromkeys(STATUSES, 0)
    found.update({status: int(n) for status, n in session.execute(query)})
    return found


def broadcast_out(session: Session, broadcast: Broadcast) -> BroadcastOut:
    return BroadcastOut(
        id=broadcast.id,
        status=broadcast.status,
        audience_kind=broadcast.audience_kind,
        audience_value=broadcast.audience_value,
        audience_label=broadcast.audience_label,
        text=broadcast.text,
        recipient_count=broadcast.recipient_count,
        counts=counts(session, broadcast.id),
        progress_chat_id=broadcast.progress_chat_id,
        progress_message_id=broadcast.progress_message_id,
        created_at=broadcast.created_at,
        confirmed_at=broadcast.confirmed_at,
        finished_at=broadcast.finished_at,
    )


def draft(session: Session, body: BroadcastIn) -> Broadcast:
    """A draft with the number of chats it would reach now (the preview staff confirm)."""
    value, label = audience(body.audience_kind, body.audience_value)
    count = len(recipients(session, body.channel, body.audience_kind, value))
    broadcast = Broadcast(
        channel=body.channel,
        created_by=body.created_by,
        audience_kind=body.audience_kind,
        audience_value=value,
        audience_label=label,
        text=body.text,
        status="draft",
        recipient_count=count,
        progress_chat_id=body.progress_chat_id,
        created_at=utcnow(),
    )
    session.add(broadcast)
    session.commit()
    return broadcast


def get_broadcast(session: Session, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound(f"Không có thông báo số {broadcast_id}.")
    if broadcast.status == "sending":  # belt and braces: settle a finished one when read
        _finish(session, [broadcast_id], utcnow())
        session.commit()
        session.refresh(broadcast)
    return broadcast


def sending(session: Session, status: str | None) -> list[Broadcast]:
    query = select(Broadcast).order_by(Broadcast.id)
    if status:
        query = query.where(Broadcast.status == status)
    return list(session.scalars(query))


def set_progress(session: Session, broadcast_id: int, message_id: int | None) -> Broadcast:
    broadcast = get_broadcast(session, broadcast_id)
    broadcast.progress_message_id = message_id
    session.commit()
    return broadcast


def notice_html(text: str) -> str:
    """What recipients see; the staff member's text is escaped for Telegram's HTML parse mode."""
    return "<b>📢 Thông báo của Sở</b>\n" + html.escape(text)


def confirm(session: Session, broadcast_id: int) -> Broadcast:
    """Queue one row per recipient (recomputed now); confirming twice queues nothing more.

    The draft -> sending step is one conditional UPDATE, so of two concurrent confirmations
    only one queues anything.
    """
    broadcast = get_broadcast(session, broadcast_id)
    moment = utcnow()
    won = _rowcount(
        session,
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "draft")
        .values(status="sending", confirmed_at=moment)
        .execution_options(synchronize_session=False),
    )
    if not won:
        session.rollback()
        session.refresh(broadcast)
        if broadcast.status == "cancelled":
            raise Conflict("Thông báo này đã bị hủy, không gửi được nữa.")
        return broadcast
    session.refresh(broadcast)
    chats = recipients(
        session, broadcast.channel, broadcast.audience_kind, broadcast.audience_value
    )
    rows = [
        {"channel": broadcast.channel, "chat_id": chat.chat_id, "kind": "broadcast",
         "broadcast_id": broadcast.id, "dedupe_key": f"broadcast:{broadcast.id}",
         "text": notice_html(broadcast.text), "parse_mode": "HTML"}
        for chat in chats
    ]  # fmt: skip
    queued = insert_items(session, rows, moment)
    broadcast.recipient_count = queued
    if not queued:
        broadcast.status, broadcast.finished_at = "done", moment
    session.commit()
    return broadcast


def _rowcount(session: Session, statement: Executable) -> int:
    """How many rows an UPDATE changed (the conditional updates decide who won)."""
    # Session.execute is typed as returning Result; a DML statement's result is a CursorResult.
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


def cancel(session: Session, broadcast_id: int) -> Broadcast:
    """Only a draft can be cancelled (cancelling twice is harmless)."""
    broadcast = get_broadcast(session, broadcast_id)
    done = _rowcount(
        session,
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status.in_(("draft", "cancelled")))
        .values(status="cancelled")
        .execution_options(synchronize_session=False),
    )
    session.commit()
    session.refresh(broadcast)
    if not done:
        raise Conflict("Thông báo đã được gửi đi, không hủy được nữa.")
    return broadcast


def _finish(session: Session, broadcast_ids: Iterable[int | None], moment: datetime) -> None:
    """A sending broadcast with no pending or sending row left is done.

    The broadcast row is locked first (PostgreSQL): two results settling the last two rows at
    once would otherwise each still see the other's row open and leave the broadcast "sending"
    for ever. The check then runs as a new statement, which sees what the other one committed.
    """
    for broadcast_id in sorted({b for b in broadcast_ids if b is not None}):
        session.execute(select(Broadcast.id).where(Broadcast.id == broadcast_id).with_for_update())
        still_open = exists().where(
            OutboxItem.broadcast_id == broadcast_id, OutboxItem.status.in_(OPEN)
        )
        session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == "sending", ~still_open)
            .values(status="done", finished_at=moment)
            .execution_options(synchronize_session=False)
        )


# --- the outbox -----------------------------------------------------------------------------


def insert_items(session: Session, rows: Sequence[dict[str, Any]], moment: datetime) -> int:
    """Insert pending rows, skipping any (dedupe_key, chat_id) already queued; no commit.

    INSERT … ON CONFLICT DO NOTHING (PostgreSQL and SQLite alike), so two callers queueing the
    same message at once leave one row and neither fails. Returns how many rows were new.
    """
    fresh: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        fresh.setdefault((row["dedupe_key"], row["chat_id"]), row)
    if not fresh:
        return 0
    values = [
        row | {"status": "pending", "attempts": 0, "not_before": moment, "created_at": moment}
        for row in fresh.values()
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxItem)
        .on_conflict_do_nothing(index_elements=["dedupe_key", "chat_id"])
        .returning(OutboxItem.id)
    )
    return len(session.execute(statement, values).all())


def enqueue(session: Session, items: list[OutboxItemIn]) -> tuple[int, int]:
    """(queued, duplicates): an item already queued for that chat under that key is skipped."""
    queued = insert_items(session, [item.model_dump() for item in items], utcnow())
    session.commit()
    return queued, len(items) - queued


def claim(session: Session, channel: str, limit: int) -> list[OutboxItemOut]:
    """Move up to limit due rows (oldest first) to "sending" in one statement.

    PostgreSQL: a MATERIALIZED CTE selects the rows FOR UPDATE SKIP LOCKED (passing over rows
    another claimer holds) and the UPDATE joins it; an `id IN (sub-select … LIMIT n)` form is not
    safe there, as the planner may run the sub-select more than once and take more than n rows.
    SQLite: the single UPDATE … WHERE id IN (…) RETURNING runs under the database's one write
    lock. Either way no row is handed out twice.
    """
    moment = utcnow()
    due = (
        select(OutboxItem.id)
        .where(
            OutboxItem.channel == channel,
            OutboxItem.status == "pending",
            OutboxItem.not_before <= moment,
        )
        .order_by(OutboxItem.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        locked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        chosen = OutboxItem.id == locked.c.id
    else:
        chosen = OutboxItem.id.in_(due.scalar_subquery())
    statement = (
        update(OutboxItem)
        .where(chosen, OutboxItem.status == "pending")
        .values(status="sending", claimed_at=moment)
        .returning(*_CLAIMED)
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(statement).all()
    session.commit()
    return sorted((OutboxItemOut.model_validate(row._asdict()) for row in rows), key=lambda i: i.id)


def _apply(
    session: Session, item_id: int, body: ResultIn, max_attempts: int, moment: datetime
) -> Any:  # a Row of the outbox columns
    """One result as one conditional UPDATE: only a row still "sending" takes it."""
    values: dict[str, Any] = {"error": body.error}
    if body.status == "retry":
        tried = OutboxItem.attempts + 1
        values |= {
            "attempts": tried,
            "claimed_at": None,
            "status": case((tried >= max_attempts, "failed"), else_="pending"),
            "not_before": moment + timedelta(seconds=body.retry_after or 0),
        }
    else:
        values["status"] = body.status
        if body.status == "sent":
            values["sent_at"] = moment
    row = session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.status == "sending")
        .values(**values)
        .returning(*_CLAIMED, OutboxItem.channel)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        status = session.scalar(select(OutboxItem.status).where(OutboxItem.id == item_id))
        if status is None:
            raise NotFound(f"Không có tin nhắn số {item_id} trong hàng đợi.")
        raise Conflict(f"Tin nhắn số {item_id} không ở trạng thái đang gửi ({status}).")
    if body.status == "blocked":
        session.execute(
            update(Subscription)
            .where(Subscription.channel == row.channel, Subscription.chat_id == row.chat_id)
            .values(active=False, reason="blocked", updated_at=moment)
            .execution_options(synchronize_session=False)
        )
    return row


def record_results(
    session: Session, results: Sequence[tuple[int, ResultIn]], max_attempts: int
) -> list[OutboxItemOut]:
    """What happened to claimed rows, all or nothing: blocked chats are unsubscribed, retries
    wait retry_after seconds and fail after max_attempts, finished broadcasts become done."""
    moment = utcnow()
    try:
        rows = [_apply(session, item_id, body, max_attempts, moment) for item_id, body in results]
        _finish(session, [row.broadcast_id for row in rows], moment)
        session.commit()
    except (NotFound, Conflict):
        session.rollback()
        raise
    return [OutboxItemOut.model_validate(row._asdict()) for row in rows]


def recover(session: Session, channel: str) -> int:
    """Rows a crashed gateway left "sending" become "uncertain": never sent again."""
    moment = utcnow()
    stuck = session.execute(
        update(OutboxItem)
        .where(OutboxItem.channel == channel, OutboxItem.status == "sending")
        .values(status="uncertain", error="gateway stopped while sending")
        .returning(OutboxItem.broadcast_id)
        .execution_options(synchronize_session=False)
    ).all()
    _finish(session, [row.broadcast_id for row in stuck], moment)
    session.commit()
    return len(stuck)
