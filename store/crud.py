"""Reads and writes of store records; the only module that builds queries."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from store.knowledge import parser
from store.knowledge.citation import issued_text
from store.knowledge.contacts import sha256_of
from store.models import Contact, Deadline, Directive, DutyItem, Holiday, LegalBasis, Section
from vntext.provinces import ProvinceMention

log = logging.getLogger(__name__)


def _fill(directive: Directive, parsed: parser.Directive) -> None:
    """Copy every parsed record onto the directive row, replacing the children it had."""
    issued = parsed.issued
    directive.issuing_province = parsed.issuing_province
    directive.province = parsed.province
    directive.department = parsed.department
    directive.number = parsed.number
    directive.issued_day, directive.issued_month, directive.issued_year = (
        issued.day,
        issued.month,
        issued.year,
    )
    directive.issued_text = issued_text(issued.day, issued.month, issued.year)
    directive.issued_sort = (
        (issued.year or 0) * 10000 + (issued.month or 0) * 100 + (issued.day or 0)
    )
    directive.subject = parsed.subject
    directive.tet_name = parsed.tet_name
    directive.signer = parsed.signer
    directive.recipients = "\n".join(parsed.recipients)
    directive.warnings = "\n".join(parsed.warnings)
    directive.contacts = [
        Contact(
            position=i,
            name=c.name,
            title=c.title,
            phone_e164=c.phone_e164,
            phone_display=c.phone_display,
            email=c.email,
            context=c.context,
        )
        for i, c in enumerate(parsed.contacts)
    ]
    directive.legal_bases = [
        LegalBasis(position=i, kind=b.kind, number=b.number, issued_on=b.date, issuer=b.issuer)
        for i, b in enumerate(parsed.legal_bases)
    ]
    directive.sections = [
        Section(
            position=i,
            heading=s.heading,
            audiences=",".join(s.audiences),
            items=[DutyItem(position=j, text=text) for j, text in enumerate(s.items)],
        )
        for i, s in enumerate(parsed.sections)
    ]
    directive.deadlines = [
        Deadline(
            position=i,
            what=d.what,
            due_at=d.due,
            has_time=d.has_time,
            lunar_text=d.lunar_text,
            who=d.who,
            recipient=d.to,
            channel=d.channel,
            email=d.email,
            source=d.source_sentence,
        )
        for i, d in enumerate(parsed.deadlines)
    ]
    directive.holidays = [
        Holiday(position=i, kind=kind, starts_on=h.start, ends_on=h.end, text=h.text)
        for i, (kind, h) in enumerate(
            [("nghi", h) for h in parsed.holidays] + [("treo_co", h) for h in parsed.flag_schedule]
        )
    ]


def upsert_directive(
    session: Session, source_name: str, text: str
) -> tuple[Directive, parser.Directive | None]:
    """Store a directive by source name: the same document again updates it, never duplicates it.

    Returns the row and the parse result (None when the text is unchanged and was not re-parsed).
    Raises parser.DirectiveParseError when the text is not a directive.
    """
    digest = sha256_of(text)
    existing = session.scalar(select(Directive).where(Directive.source_name == source_name))
    if (
        existing is not None
        and existing.sha256 == digest
        and existing.parser_version == parser.PARSER_VERSION
    ):
        return existing, None
    parsed = parser.parse(text)
    directive = existing or Directive(source_name=source_name)
    directive.sha256 = digest
    directive.parser_version = parser.PARSER_VERSION
    directive.text = text
    _fill(directive, parsed)
    session.add(directive)
    session.commit()
    return directive, parsed


def directive_exists(session: Session, source_name: str) -> bool:
    return (
        session.scalar(select(Directive.id).where(Directive.source_name == source_name)) is not None
    )


def load_directory(session: Session, directory: Path) -> int:
    """Load every .txt directive in directory; returns how many were new or changed."""
    changed = 0
    for path in sorted(directory.glob("*.txt")):
        directive, parsed = upsert_directive(session, path.name, path.read_text(encoding="utf-8"))
        if parsed is not None:
            changed += 1
            log.info("loaded directive %s (%s %s)", path.name, directive.number, directive.province)
    return changed


def list_directives(session: Session, province: str | None = None) -> list[Directive]:
    """Directives, newest first, optionally of one current province."""
    query = select(Directive).order_by(Directive.issued_sort.desc(), Directive.id.desc())
    if province:
        query = query.where(Directive.province == province)
    return list(session.scalars(query))


def _full() -> tuple:  # type: ignore[type-arg]
    return (
        selectinload(Directive.contacts),
        selectinload(Directive.legal_bases),
        selectinload(Directive.sections).selectinload(Section.items),
        selectinload(Directive.deadlines),
        selectinload(Directive.holidays),
    )


def directive_for(
    session: Session, mention: ProvinceMention, tet_name: str | None = None
) -> Directive | None:
    """The directive that answers for a named province.

    A former province that issued its own directive (Bắc Giang) is answered from that one;
    otherwise the latest directive of the current province's department, merged departments
    included. A Tết name ("Giáp Thìn") picks that Tết's directive instead of the latest.
    """
    query = (
        select(Directive)
        .options(*_full())
        .order_by(Directive.issued_sort.desc(), Directive.id.desc())
    )
    if tet_name:
        query = query.where(Directive.tet_name == tet_name)
    if mention.named != mention.current:
        own = session.scalar(query.where(Directive.issuing_province == mention.named))
        if own is not None:
            return own
    return session.scalar(
        query.where(
            or_(
                Directive.province == mention.current, Directive.issuing_province == mention.current
            )
        )
    )


def directives_signature(session: Session) -> tuple[int, str]:
    """Changes whenever a directive is added or re-ingested (search index freshness)."""
    rows = session.execute(select(Directive.id, Directive.sha256).order_by(Directive.id)).all()
    return len(rows), "".join(f"{i}:{sha}" for i, sha in rows)


def all_items(session: Session) -> list[DutyItem]:
    """Every duty item with its section and directive loaded (for the search index)."""
    query = select(DutyItem).options(selectinload(DutyItem.section).selectinload(Section.directive))
    return list(session.scalars(query))
