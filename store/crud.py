"""Reads and writes of directives and their drafts; the only module that builds their queries."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from store.knowledge import parser
from store.knowledge.citation import issued_text
from store.knowledge.contacts import sha256_of
from store.knowledge.header import Hints
from store.models import (
    Contact,
    Deadline,
    Directive,
    DirectiveDraft,
    DutyItem,
    Holiday,
    LegalBasis,
    Passage,
    Section,
)
from vntext.normalize import fold
from vntext.provinces import ProvinceMention

log = logging.getLogger(__name__)
LIVE, RETIRED = "live", "retired"
HINT_KEYS = ("province", "tet_year", "issuer")


def hints_of(stored: dict[str, Any] | None) -> Hints:
    """Parser hints from the JSON kept with a directive or draft (given facts and page metadata)."""
    stored = stored or {}
    year = stored.get("tet_year")
    return Hints(
        province=stored.get("province") or None,
        tet_year=int(year) if year else None,
        issuer=stored.get("issuer") or None,
        meta={str(k): str(v) for k, v in (stored.get("meta") or {}).items() if v},
    )


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
        (issued.year or parsed.tet_year or 0) * 10000
        + (issued.month or 0) * 100
        + (issued.day or 0)
    )
    directive.subject = parsed.subject
    directive.tet_name = parsed.tet_name
    directive.tet_year = parsed.tet_year
    directive.issuer_kind = parsed.issuer_kind
    directive.doc_kind = parsed.doc_kind
    directive.province_source = parsed.province_source
    directive.restates = parsed.restates
    directive.source_title = parsed.source_title
    directive.source_site = parsed.source_site
    directive.published = parsed.published
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
            kind=d.kind,
            starts_at=d.starts,
            until_on=d.until,
        )
        for i, d in enumerate(parsed.deadlines)
    ]
    directive.holidays = [
        Holiday(position=i, kind=kind, starts_on=h.start, ends_on=h.end, text=h.text)
        for i, (kind, h) in enumerate(
            [("nghi", h) for h in parsed.holidays] + [("treo_co", h) for h in parsed.flag_schedule]
        )
    ]
    directive.passages = [
        Passage(position=i, heading=p.heading, audiences=",".join(p.audiences), text=p.text)
        for i, p in enumerate(parsed.passages)
    ]


def _has_number(number: str) -> bool:
    """ "184/STTTT-HTS" identifies a document; a blank "/STTTT-BCVT" does not."""
    return bool(re.match(r"^\d", number))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def _same_subject(a: str, b: str) -> bool:
    """Two subjects that differ only by a typo fix or a wrap: most of their words shared."""
    first, second = _words(a), _words(b)
    return bool(first and second) and len(first & second) / len(first | second) >= 0.8


def _same_document(session: Session, parsed: parser.Directive, digest: str) -> Directive | None:
    """A live directive this text is a copy or a corrected re-issue of (never a second row).

    The same text; else the same number from the same issuer and province; else, for a number
    left blank ("/STTTT-BCVT"), the same symbol, issuer, Tết and subject (a scan or a corrected
    copy of one already loaded).
    """
    same_text = session.scalar(
        select(Directive).where(Directive.sha256 == digest, Directive.status == LIVE)
    )
    if same_text is not None:
        return same_text
    same_issuer = select(Directive).where(
        Directive.status == LIVE,
        Directive.number == parsed.number,
        Directive.issuing_province == parsed.issuing_province,
        Directive.issuer_kind == parsed.issuer_kind,
        Directive.doc_kind == parsed.doc_kind,
    )
    if _has_number(parsed.number):
        return session.scalar(same_issuer)
    candidates = session.scalars(same_issuer.where(Directive.tet_year == parsed.tet_year))
    return next((d for d in candidates if _same_subject(d.subject, parsed.subject)), None)


def upsert_directive(
    session: Session,
    source_name: str,
    text: str,
    hints: dict[str, Any] | None = None,
    ocr: tuple[bool, float | None] = (False, None),
) -> tuple[Directive, str, parser.Directive | None]:
    """Store a directive: the same document again (by name, by text, or by number from the same
    issuer) updates it, never duplicates it.

    Returns the row, what happened ("created", "updated" or "unchanged") and what was read
    (None when nothing was parsed again).
    Raises parser.DirectiveParseError when the text cannot be a directive.
    """
    digest = sha256_of(text)
    hints = {k: v for k, v in (hints or {}).items() if v}
    existing = session.scalar(select(Directive).where(Directive.source_name == source_name))
    if (
        existing is not None
        and existing.sha256 == digest
        and existing.parser_version == parser.PARSER_VERSION
        and (existing.hints or {}) == hints
        and existing.status == LIVE
    ):
        return existing, "unchanged", None
    parsed = parser.parse(text, hints_of(hints))
    if existing is None:
        existing = _same_document(session, parsed, digest)
        if (
            existing is not None
            and existing.sha256 == digest
            and (existing.hints or {}) == hints
            and existing.parser_version == parser.PARSER_VERSION
        ):
            return existing, "unchanged", parsed
    status = "updated" if existing is not None else "created"
    directive = existing or Directive(source_name=source_name)
    directive.source_name = source_name
    directive.sha256 = digest
    directive.parser_version = parser.PARSER_VERSION
    directive.text = text
    directive.hints = hints
    directive.status = LIVE
    directive.ocr, directive.ocr_confidence = ocr
    _fill(directive, parsed)
    session.add(directive)
    session.commit()
    return directive, status, parsed


def load_directory(session: Session, directory: Path) -> int:
    """Load every .txt directive in directory; returns how many were new or changed."""
    changed = 0
    for path in sorted(directory.glob("*.txt")):
        directive, status, _ = upsert_directive(
            session, path.name, path.read_text(encoding="utf-8")
        )
        if status != "unchanged":
            changed += 1
            log.info("loaded directive %s (%s %s)", path.name, directive.number, directive.province)
    return changed


def reparse_stale(session: Session) -> int:
    """Parse again every directive read by an older parser, so a release improves them all."""
    stale = session.scalars(
        select(Directive).where(Directive.parser_version != parser.PARSER_VERSION)
    ).all()
    for directive in stale:
        try:
            parsed = parser.parse(directive.text, hints_of(directive.hints))
        except parser.DirectiveParseError as error:
            log.warning("directive %s no longer parses: %s", directive.id, error)
            directive.parser_version = parser.PARSER_VERSION
            continue
        directive.parser_version = parser.PARSER_VERSION
        _fill(directive, parsed)
    session.commit()
    return len(stale)


def list_directives(
    session: Session, province: str | None = None, include_retired: bool = False
) -> list[Directive]:
    """Directives, newest first, optionally of one current province."""
    query = select(Directive).order_by(Directive.issued_sort.desc(), Directive.id.desc())
    if not include_retired:
        query = query.where(Directive.status == LIVE)
    if province:
        query = query.where(Directive.province == province)
    return list(session.scalars(query))


def _full() -> tuple[LoaderOption, ...]:
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
    """The live directive that answers for a named province.

    A former province that issued its own directive (Bắc Giang) is answered from that one;
    otherwise the latest directive of the current province's department, merged departments
    included. A Tết name ("Giáp Thìn") picks that Tết's directive instead of the latest.
    """
    query = (
        select(Directive)
        .options(*_full())
        .where(Directive.status == LIVE)
        .order_by(
            Directive.tet_year.desc().nulls_last(),
            Directive.issued_sort.desc(),
            Directive.id.desc(),
        )
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


def get_directive(session: Session, directive_id: int) -> Directive | None:
    return session.scalar(select(Directive).options(*_full()).where(Directive.id == directive_id))


def retire(session: Session, directive: Directive) -> None:
    """Stop answering from a directive (kept for the record and for submissions that cite it)."""
    directive.status = RETIRED
    session.commit()


def live_versions(session: Session) -> dict[int, str]:
    """A token per live directive that changes whenever its passages are written again (a
    re-read replaces them, so their highest id moves)."""
    rows = session.execute(
        select(Directive.id, Directive.sha256, func.max(Passage.id))
        .outerjoin(Passage, Passage.directive_id == Directive.id)
        .where(Directive.status == LIVE)
        .group_by(Directive.id, Directive.sha256)
    ).all()
    return {directive_id: f"{sha}:{top}" for directive_id, sha, top in rows}


def live_passages(session: Session, directive_ids: list[int]) -> list[Passage]:
    """The passages of these directives with their directive loaded (for the search index)."""
    if not directive_ids:
        return []
    query = (
        select(Passage)
        .where(Passage.directive_id.in_(directive_ids))
        .options(selectinload(Passage.directive))
    )
    return list(session.scalars(query))


def directive_provinces(session: Session) -> list[str]:
    """Issuing provinces of live directives, the most recently loaded first (for buttons)."""
    rows = session.execute(
        select(Directive.issuing_province, Directive.loaded_at)
        .where(Directive.status == LIVE)
        .order_by(Directive.loaded_at.desc(), Directive.id.desc())
    ).all()
    return list(dict.fromkeys(province for province, _ in rows))


# --------------------------------------------------------------------------------------------
# Drafts: loaded, previewed, corrected, then confirmed or discarded
# --------------------------------------------------------------------------------------------


def create_draft(
    session: Session,
    source_name: str,
    text: str,
    hints: dict[str, Any],
    ocr: tuple[bool, float | None] = (False, None),
    read_warnings: list[str] | None = None,
    created_by: str | None = None,
) -> DirectiveDraft:
    draft = DirectiveDraft(
        source_name=source_name,
        text=text,
        hints={k: v for k, v in hints.items() if v},
        ocr=ocr[0],
        ocr_confidence=ocr[1],
        read_warnings="\n".join(read_warnings or []),
        created_by=created_by,
    )
    session.add(draft)
    session.commit()
    return draft


def get_draft(session: Session, draft_id: int) -> DirectiveDraft | None:
    return session.get(DirectiveDraft, draft_id)


def correct_draft(session: Session, draft: DirectiveDraft, corrections: dict[str, Any]) -> None:
    """Staff corrected the province, Tết year or issuer: kept with the draft and re-applied."""
    hints = dict(draft.hints or {})
    for key in HINT_KEYS:
        if corrections.get(key):
            hints[key] = corrections[key]
    draft.hints = hints
    session.commit()


def confirm_draft(
    session: Session, draft: DirectiveDraft
) -> tuple[Directive, str, parser.Directive | None]:
    """Make a draft live (or update the directive it repeats); the draft is gone afterwards."""
    directive, status, parsed = upsert_directive(
        session, draft.source_name, draft.text, draft.hints, (draft.ocr, draft.ocr_confidence)
    )
    session.execute(delete(DirectiveDraft).where(DirectiveDraft.id == draft.id))
    session.commit()
    return directive, status, parsed


def discard_draft(session: Session, draft: DirectiveDraft) -> None:
    session.delete(draft)
    session.commit()
