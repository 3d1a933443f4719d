"""Reads and writes of store records; the only module that builds queries."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from store.knowledge.loader import ParsedDirective, parse_directive, sha256_of
from store.models import Contact, Directive
from vntext.provinces import ProvinceMention

log = logging.getLogger(__name__)


def _contact_rows(parsed: ParsedDirective) -> list[Contact]:
    return [
        Contact(
            position=index,
            name=item.name,
            title=item.title,
            phone_e164=item.phone_e164,
            phone_display=item.phone_display,
            email=item.email,
            context=item.context,
        )
        for index, item in enumerate(parsed.contacts)
    ]


def upsert_directive(session: Session, source_name: str, text: str) -> tuple[Directive, bool]:
    """Store a directive by source name; the same document loaded again updates, never duplicates."""
    digest = sha256_of(text)
    existing = session.scalar(select(Directive).where(Directive.source_name == source_name))
    if existing is not None and existing.sha256 == digest:
        return existing, False
    parsed = parse_directive(text)
    directive = existing or Directive(source_name=source_name)
    directive.sha256 = digest
    directive.issuing_province = parsed.issuing_province
    directive.province = parsed.province
    directive.department = parsed.department
    directive.number = parsed.number
    directive.issued_text = parsed.issued_text
    directive.issued_sort = parsed.issued_sort
    directive.subject = parsed.subject
    directive.text = text
    directive.contacts = _contact_rows(parsed)
    session.add(directive)
    session.commit()
    return directive, existing is None


def load_directory(session: Session, directory: Path) -> int:
    """Load every .txt directive in directory; returns how many were new or changed."""
    changed = 0
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        before = session.scalar(select(Directive.sha256).where(Directive.source_name == path.name))
        directive, _created = upsert_directive(session, path.name, text)
        if before != directive.sha256:
            changed += 1
            log.info("loaded directive %s (%s %s)", path.name, directive.number, directive.province)
    return changed


def list_directives(session: Session, province: str | None = None) -> list[Directive]:
    """Directives, newest first, optionally of one current province."""
    query = select(Directive).order_by(Directive.issued_sort.desc(), Directive.id.desc())
    if province:
        query = query.where(Directive.province == province)
    return list(session.scalars(query))


def directive_for(session: Session, mention: ProvinceMention) -> Directive | None:
    """The directive that answers for a named province.

    A former province that issued its own directive (Bắc Giang) is answered from that one; otherwise
    the latest directive of the current province's department, merged departments included.
    """
    query = (
        select(Directive)
        .options(selectinload(Directive.contacts))
        .order_by(Directive.issued_sort.desc(), Directive.id.desc())
    )
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
