"""Who has sent what the current directive asks for: the basis of /stats, /pending, the
"pending" broadcast audience and deadline reminders.

The current directive of a province is the one that answers questions about it:
store.crud.directive_for with the province as both named and current, i.e. the newest (by issued
date, then load order) directive whose province or issuing province is that province — the same
directive the lookup route answers with and a results report is linked to on arrival. For Bắc
Ninh that is the 2026 Sở KH&CN directive, not the former Bắc Giang one. A results report counts when it names that directive (the store links it on
arrival); a roster or incident report, which names no directive, counts when it was sent on or
after the directive's date (the first of its month when the day is blank; any time when the year
is blank too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store import crud as directives_crud
from store.models import Directive, Submission
from store.outreach.models import Organisation, Subscription
from vntext.normalize import fold
from vntext.provinces import ProvinceMention
from vntext.timefmt import VN_TZ

KINDS = ("roster", "results", "incident")


def current_directive(session: Session, province: str) -> Directive | None:
    """The directive now answering for a (current) province; see the module docstring."""
    return directives_crud.directive_for(session, ProvinceMention(named=province, current=province))


def directive_start(directive: Directive | None) -> datetime | None:
    """When submissions start counting for this directive (see the module docstring)."""
    if directive is None or not directive.issued_year:
        return None
    day = datetime(directive.issued_year, directive.issued_month or 1, directive.issued_day or 1)
    return datetime.combine(day.date(), time(0), VN_TZ)


@dataclass
class Tally:
    """Submissions of one organisation for its province's current directive."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    late_results: int = 0
    name: str = ""


def tallies(session: Session, province: str, directive: Directive | None) -> dict[str, Tally]:
    """Folded organisation name -> what it sent for the province's current directive."""
    query = select(Submission).where(Submission.province == province)
    start = directive_start(directive)
    if directive is not None:
        counted = or_(
            Submission.directive_id == directive.id,
            (Submission.kind != "results") & (Submission.created_at >= start)
            if start
            else Submission.kind != "results",
        )
        query = query.where(counted)
    result: dict[str, Tally] = {}
    for submission in session.scalars(query):
        tally = result.setdefault(
            submission.organisation_folded, Tally(name=submission.organisation)
        )
        tally.counts[submission.kind] += 1
        tally.late_results += int(submission.kind == "results" and submission.late)
    return result


def submitted(session: Session, province: str, kind: str) -> set[str]:
    """Folded names of the organisations of the province that sent this kind already."""
    found = tallies(session, province, current_directive(session, province))
    return {name for name, tally in found.items() if tally.counts[kind]}


def expected(session: Session, province: str | None) -> list[Organisation]:
    """The organisations the department expects submissions from: every enterprise profile's
    organisation (registered on PUT /api/profiles) and any seeded ones (source "seed")."""
    query = select(Organisation).order_by(Organisation.province, Organisation.name)
    if province:
        query = query.where(Organisation.province == province)
    return list(session.scalars(query))


def subscribed_chats(session: Session, folded: str, province: str) -> int:
    query = select(func.count()).where(
        Subscription.active.is_(True),
        Subscription.organisation_folded == folded,
        Subscription.province == province,
    )
    return int(session.scalar(query) or 0)


def wanted_kind(what: str) -> str:
    """What a deadline asks for: a roster when it says "danh sách" / "lịch trực", else a report."""
    folded = fold(what)
    return "roster" if "danh sach" in folded or "lich truc" in folded else "results"


def provinces(session: Session) -> list[str]:
    """Provinces that have a directive (their current one answers for them)."""
    query = select(Directive.province).where(Directive.status == "live").distinct()
    return sorted(set(session.scalars(query)))
