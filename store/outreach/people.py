"""Profiles, staff grants, the audit log, subscriptions and the organisations expected to report.

Writes are idempotent and safe under concurrent calls: a PUT that loses a race on a unique key
is replayed once against the winner's row instead of failing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from store.models import RosterEntry, Submission, utcnow
from store.outreach.models import AuditEntry, Organisation, Profile, StaffMember, Subscription
from store.outreach.schemas import AuditIn, ProfileIn, ProfileOut, StaffOut, SubscriptionIn
from store.submissions.schemas import phone_parts
from vntext.normalize import fold
from vntext.provinces import resolve

log = logging.getLogger(__name__)
T = TypeVar("T")
WRITE_ATTEMPTS = 3


class OutreachError(ValueError):
    """A value the store cannot accept; the message is Vietnamese and says what to send."""


class NotFound(LookupError):
    """No such profile, staff member or subscription."""


def current_province(name: str | None) -> str | None:
    """Any spelling or former name to today's province ("Bắc Giang" -> "Bắc Ninh"); None stays."""
    if name is None or not name.strip():
        return None
    mention = resolve(name)
    if mention is None:
        raise OutreachError(f"Không biết tỉnh/thành phố «{name}». Ví dụ: Bắc Ninh, Hà Tĩnh.")
    return mention.current


def folded_name(name: str | None) -> str | None:
    """The matching form of an organisation name (same as submissions' organisation_folded)."""
    return " ".join(fold(name).split()) if name and name.strip() else None


def retrying(session: Session, write: Callable[[], T]) -> T:
    """Run write (which commits); a lost race on a unique key is rolled back and run again."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return write()
        except (IntegrityError, OperationalError) as error:
            session.rollback()
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            log.info("retrying a write after %s", type(error).__name__)
    raise AssertionError("unreachable")


# --- profiles -------------------------------------------------------------------------------


def get_profile(session: Session, channel: str, user_id: str) -> Profile | None:
    query = select(Profile).where(Profile.channel == channel, Profile.user_id == user_id)
    return session.scalar(query)


def _value(field: str, value: object) -> object:
    if value is None:
        return None
    if field == "province":
        return current_province(str(value))
    if field == "phone":
        try:
            return phone_parts(str(value))[1]
        except ValueError as error:
            raise OutreachError(str(error)) from error
    if field == "username":
        return str(value).strip().lstrip("@").lower() or None
    return value


def upsert_profile(session: Session, channel: str, user_id: str, body: ProfileIn) -> Profile:
    """Set the fields the body names (null clears); register the organisation it declares.

    An enterprise profile (declared_role doanh_nghiep) with an organisation and a province adds
    that organisation to those the department expects rosters and reports from.
    """
    values = {field: _value(field, getattr(body, field)) for field in body.model_fields_set}

    def write() -> Profile:
        profile = get_profile(session, channel, user_id)
        if profile is None:
            profile = Profile(channel=channel, user_id=user_id, created_at=utcnow())
            session.add(profile)
        for field, value in values.items():
            setattr(profile, field, value)
        profile.organisation_folded = folded_name(profile.organisation)
        profile.updated_at = utcnow()
        if profile.declared_role == "doanh_nghiep" and profile.organisation and profile.province:
            expect(session, profile.organisation, profile.province, profile.sector)
        session.commit()
        return profile

    return retrying(session, write)


def profile_out(session: Session, profile: Profile) -> ProfileOut:
    out = ProfileOut.model_validate(profile)
    out.is_staff = is_staff(session, profile.channel, profile.user_id)
    if profile.chat_id:
        subscription = get_subscription(session, profile.channel, profile.chat_id)
        out.subscribed = bool(subscription and subscription.active)
    return out


def profiles_named(session: Session, channel: str, username: str) -> list[Profile]:
    """Profiles with this Telegram username ("@Abc" and "abc" alike)."""
    wanted = username.strip().lstrip("@").lower()
    if not wanted:
        return []
    query = select(Profile).where(Profile.channel == channel, Profile.username == wanted)
    return list(session.scalars(query.order_by(Profile.id)))


def expect(
    session: Session, name: str, province: str, sector: str | None, source: str = "profile"
) -> Organisation:
    """Add an organisation to those expected to report (once per folded name and province)."""
    folded = folded_name(name)
    query = select(Organisation).where(
        Organisation.folded == folded, Organisation.province == province
    )
    existing = session.scalar(query)
    if existing is None:
        existing = Organisation(
            name=name, folded=folded, province=province, sector=sector, source=source
        )
        session.add(existing)
        session.flush()
    elif sector and not existing.sector:
        existing.sector = sector
    return existing


def confirmed_duty_officer(session: Session, profile: Profile) -> bool:
    """A declared duty officer the store can vouch for: their organisation's own records name them.

    Anyone can declare "cán bộ trực of VNPT Hà Tĩnh" at /start. The declaration opens names and
    phones only when that organisation's rosters list the user's phone, or the user has filed a
    roster for it through the bot themselves.
    """
    folded = profile.organisation_folded
    if not folded:
        return False
    filed = select(func.count()).where(
        Submission.kind == "roster",
        Submission.submitter_channel == profile.channel,
        Submission.submitter_id == profile.user_id,
        Submission.organisation_folded == folded,
    )
    if session.scalar(filed):
        return True
    try:
        e164 = phone_parts(profile.phone or "")[0]
    except ValueError:
        return False
    listed = select(func.count()).where(
        RosterEntry.organisation_folded == folded, RosterEntry.phone_e164 == e164
    )
    return bool(session.scalar(listed))


# --- staff and audit ------------------------------------------------------------------------


def is_staff(session: Session, channel: str, user_id: str) -> bool:
    query = select(func.count()).where(
        StaffMember.channel == channel, StaffMember.user_id == user_id
    )
    return bool(session.scalar(query))


def _member(session: Session, channel: str, user_id: str) -> StaffMember | None:
    query = select(StaffMember).where(
        StaffMember.channel == channel, StaffMember.user_id == user_id
    )
    return session.scalar(query)


def _staff_out(session: Session, member: StaffMember) -> StaffOut:
    profile = get_profile(session, member.channel, member.user_id)
    return StaffOut(
        channel=member.channel,
        user_id=member.user_id,
        granted_by=member.granted_by,
        granted_at=member.granted_at,
        display_name=profile.display_name if profile else None,
        chat_id=profile.chat_id if profile else None,
    )


def grant(session: Session, channel: str, user_id: str, by_channel: str, by: str) -> StaffOut:
    """Make a user staff (idempotent: a second grant keeps the first one and audits nothing).

    The audit entry names the admin who granted (by_channel, by) and the user in its detail.
    """

    def write() -> StaffMember:
        member = _member(session, channel, user_id)
        if member is None:
            member = StaffMember(channel=channel, user_id=user_id, granted_by=by)
            session.add(member)
            add_audit(session, AuditIn(channel=by_channel, user_id=by, action="grant",
                                       allowed=True, detail=f"{channel}:{user_id}"))  # fmt: skip
        session.commit()
        return member

    return _staff_out(session, retrying(session, write))


def revoke(session: Session, channel: str, user_id: str, by_channel: str, by: str) -> None:
    """Remove a grant; audited under the admin who revoked it."""
    member = _member(session, channel, user_id)
    if member is None:
        raise NotFound(f"Người dùng {user_id} không phải cán bộ Sở.")
    session.delete(member)
    add_audit(session, AuditIn(channel=by_channel, user_id=by, action="revoke",
                               allowed=True, detail=f"{channel}:{user_id}"))  # fmt: skip
    session.commit()


def list_staff(session: Session, channel: str | None) -> list[StaffOut]:
    query = select(StaffMember).order_by(StaffMember.id)
    if channel:
        query = query.where(StaffMember.channel == channel)
    return [_staff_out(session, member) for member in session.scalars(query)]


def add_audit(session: Session, body: AuditIn) -> AuditEntry:
    entry = AuditEntry(**body.model_dump(), at=utcnow())
    session.add(entry)
    return entry


def audit_refusal(
    session: Session, channel: str, user_id: str, detail: str, action: str = "staff_only"
) -> None:
    """Record a refused call (staff_only, admin_only, personal_data); a failure to record never
    changes the 403."""
    try:
        session.rollback()
        session.add(AuditEntry(at=utcnow(), channel=channel[:30], user_id=user_id[:100],
                               action=action, allowed=False, detail=detail[:2000]))  # fmt: skip
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        log.warning("refusal not audited: %s", type(error).__name__)


def list_audit(session: Session, limit: int) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(query))


# --- subscriptions --------------------------------------------------------------------------


def get_subscription(session: Session, channel: str, chat_id: str) -> Subscription | None:
    query = select(Subscription).where(
        Subscription.channel == channel, Subscription.chat_id == chat_id
    )
    return session.scalar(query)


def subscribe(session: Session, channel: str, chat_id: str, body: SubscriptionIn) -> Subscription:
    """Active from now on; a chat that had unsubscribed or blocked the bot is active again.

    Like profiles, fields absent from the body are kept and an explicit null clears one.
    """
    given = body.model_fields_set
    province = current_province(body.province) if "province" in given else None

    def write() -> Subscription:
        subscription = get_subscription(session, channel, chat_id)
        if subscription is None:
            subscription = Subscription(channel=channel, chat_id=chat_id, chat_type="private")
            session.add(subscription)
        if "chat_type" in given:
            subscription.chat_type = body.chat_type
        if "user_id" in given:
            subscription.user_id = body.user_id
        if "province" in given:
            subscription.province = province
        if "sector" in given:
            subscription.sector = body.sector
        if "organisation" in given:
            subscription.organisation = body.organisation
            subscription.organisation_folded = folded_name(body.organisation)
        subscription.active = True
        subscription.reason = None
        subscription.updated_at = utcnow()
        session.commit()
        return subscription

    return retrying(session, write)


def unsubscribe(session: Session, channel: str, chat_id: str, reason: str) -> Subscription:
    subscription = get_subscription(session, channel, chat_id)
    if subscription is None:
        raise NotFound("Cuộc trò chuyện này chưa đăng ký nhận thông báo.")
    subscription.active = False
    subscription.reason = reason
    subscription.updated_at = utcnow()
    session.commit()
    return subscription
