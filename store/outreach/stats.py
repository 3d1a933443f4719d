"""/stats and /pending: the expected organisations of a province against what each has sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.knowledge.citation import issued_text
from store.models import Submission
from store.outreach import progress
from store.outreach.models import Organisation


def _directive_info(session: Session, province: str | None) -> dict[str, Any] | None:
    directive = progress.current_directive(session, province) if province else None
    if directive is None:
        return None
    return {
        "id": directive.id,
        "number": directive.number,
        "issued_text": issued_text(
            directive.issued_day, directive.issued_month, directive.issued_year
        ),
        "department": directive.department,
    }


def _provinces(session: Session, province: str | None) -> list[str]:
    """The province asked for, else every province expected to report or that reported."""
    if province:
        return [province]
    expected = {o.province for o in progress.expected(session, None)}
    reported = set(session.scalars(select(Submission.province).distinct()))
    return sorted(expected | reported)


def stats(session: Session, province: str | None) -> dict[str, Any]:
    """Per organisation: rosters, results (late ones), incidents, subscribed chats; totals.

    The organisations are the expected ones of the province (all provinces when none is given)
    plus any organisation that sent something there. What counts for the province's current
    directive is decided in store.outreach.progress: results reports that name it; rosters and
    incident reports sent on or after its date (all of them when its date is unknown or the
    province has no directive).
    """
    rows: list[dict[str, Any]] = []
    expected_count = 0
    for name in _provinces(session, province):
        directive = progress.current_directive(session, name)
        tallies = progress.tallies(session, name, directive)
        expected = progress.expected(session, name)
        expected_count += len(expected)
        listed: list[tuple[str, str, str | None]] = [(o.folded, o.name, o.sector) for o in expected]
        known = {folded for folded, _, _ in listed}
        listed += [(folded, t.name, None) for folded, t in tallies.items() if folded not in known]
        for folded, label, sector in listed:
            tally = tallies.get(folded, progress.Tally())
            rows.append(
                {
                    "organisation": label,
                    "province": name,
                    "sector": sector,
                    "rosters": tally.counts["roster"],
                    "results": tally.counts["results"],
                    "incidents": tally.counts["incident"],
                    "late_results": tally.late_results,
                    "subscribed_chats": progress.subscribed_chats(session, folded, name),
                }
            )
    totals = {
        "rosters_submitted": sum(1 for r in rows if r["rosters"]),
        "results_submitted": sum(1 for r in rows if r["results"]),
        "incidents": sum(r["incidents"] for r in rows),
    }
    return {
        "province": province,
        "directive": _directive_info(session, province),
        "expected": expected_count,
        "organisations": rows,
        "totals": totals,
    }


def pending(session: Session, province: str | None, kind: str) -> list[dict[str, Any]]:
    """Expected organisations that have not sent this kind for their current directive."""
    result = []
    for name in _provinces(session, province):
        done = progress.submitted(session, name, kind)
        organisations: list[Organisation] = progress.expected(session, name)
        result += [
            {"organisation": o.name, "province": o.province, "sector": o.sector,
             "subscribed_chats": progress.subscribed_chats(session, o.folded, o.province)}
            for o in organisations if o.folded not in done
        ]  # fmt: skip
    return result
