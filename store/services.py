"""Operations on top of crud: loading with a preview, drafts, and search with a fresh index."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy.orm import Session

from store import crud
from store.knowledge import parser, previews
from store.knowledge.documents import DocumentText
from store.knowledge.search import (
    SEARCH_THRESHOLD,
    UNSCOPED_SEARCH_THRESHOLD,
    PassageIndex,
)
from store.models import Directive, DirectiveDraft, Passage
from store.schemas import DirectiveOut, DirectivePreview, SearchHit
from vntext.provinces import ProvinceMention, without_places


def hints_dict(
    province: str | None = None,
    tet_year: int | None = None,
    issuer: str | None = None,
    meta: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The hints kept with a draft or a directive (what staff said, what the page said)."""
    hints: dict[str, Any] = {"province": province, "tet_year": tet_year, "issuer": issuer}
    if meta:
        hints["meta"] = {k: v for k, v in meta.items() if v}
    return {k: v for k, v in hints.items() if v}


def _ocr(document: DocumentText) -> tuple[bool, float | None]:
    return document.ocr, document.ocr_confidence


def preview_text(
    source_name: str, document: DocumentText, hints: dict[str, Any]
) -> DirectivePreview:
    """What would be loaded, without loading it (DRY_RUN)."""
    parsed = parser.parse(document.text, crud.hints_of(hints))
    return previews.build(
        parsed,
        status="draft",
        source_name=source_name,
        ocr=_ocr(document),
        read_warnings=document.warnings,
    )


def ingest(
    session: Session, source_name: str, document: DocumentText, hints: dict[str, Any]
) -> DirectivePreview:
    """Parse and store one directive at once (make ingest); the preview says what was read."""
    directive, status, parsed = crud.upsert_directive(
        session, source_name, document.text, hints, _ocr(document)
    )
    return directive_preview(directive, status, document.warnings, parsed)


def directive_preview(
    directive: Directive,
    status: str,
    read_warnings: list[str] | None = None,
    parsed: parser.Directive | None = None,
) -> DirectivePreview:
    """The preview of a stored directive, from what was just read or read again from its text."""
    parsed = parsed or parser.parse(directive.text, crud.hints_of(directive.hints))
    return previews.build(
        parsed,
        status=status,
        source_name=directive.source_name,
        directive_id=directive.id,
        ocr=(directive.ocr, directive.ocr_confidence),
        read_warnings=read_warnings,
    )


def draft_preview(draft: DirectiveDraft) -> DirectivePreview:
    """The preview of a draft; raises DirectiveParseError (e.g. MissingProvince) like parse."""
    parsed = parser.parse(draft.text, crud.hints_of(draft.hints))
    return previews.build(
        parsed,
        status="draft",
        source_name=draft.source_name,
        draft_id=draft.id,
        ocr=(draft.ocr, draft.ocr_confidence),
        read_warnings=[w for w in draft.read_warnings.splitlines() if w],
    )


def create_draft(
    session: Session,
    source_name: str,
    document: DocumentText,
    hints: dict[str, Any],
    created_by: str | None = None,
) -> DirectiveDraft:
    """Keep a loaded document as a draft; parsing problems are the preview's business."""
    parser.check_readable(document.text)
    return crud.create_draft(
        session, source_name, document.text, hints, _ocr(document), document.warnings, created_by
    )


LIST_FOLLOWERS = 4
# A best hit standing well clear of the rest is an answer even a little under the threshold: a
# question full of words the passage says otherwise ("nhà mạng" for "doanh nghiệp viễn thông")
# scores ~0.25 on its one right passage and ~0.05 on the others. Unanswerable questions score
# flat (bench/retrieval_bench.py: several hits near their best).
MARGIN = 2.5
MARGIN_FLOOR = 0.2


def threshold(scoped: bool) -> float:
    """The score a hit needs to be quoted: one directive searched, or all of them."""
    return SEARCH_THRESHOLD if scoped else UNSCOPED_SEARCH_THRESHOLD


class SearchService:
    """Retrieval over every passage of every live directive, kept in step with the store.

    The index holds passages keyed by their id; a search within one directive passes that
    directive's keys, so a province's question is answered only from its own documents. A
    directive loaded, re-read or retired changes only its own passages in the index (tens of
    milliseconds), never a rebuild of all of them (seconds at 20,000 passages).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[int, str] = {}
        self._index = PassageIndex({})
        self._passages: dict[int, tuple[str | None, str, str, int]] = {}
        self._by_directive: dict[int, list[int]] = {}
        self._next: dict[int, list[int]] = {}
        self._directives: dict[int, DirectiveOut] = {}

    def _refresh(self, session: Session) -> None:
        versions = crud.live_versions(session)
        with self._lock:
            if versions == self._versions:
                return
            stale = [d for d, v in self._versions.items() if versions.get(d) != v]
            fresh = [d for d, v in versions.items() if self._versions.get(d) != v]
            for directive_id in stale:
                self._forget(directive_id)
            self._learn(crud.live_passages(session, fresh))
            self._versions = versions

    def _forget(self, directive_id: int) -> None:
        keys = self._by_directive.pop(directive_id, [])
        self._index.remove(keys)
        for key in keys:
            self._passages.pop(key, None)
            self._next.pop(key, None)
        self._directives.pop(directive_id, None)

    def _learn(self, passages: list[Passage]) -> None:
        ordered = sorted(passages, key=lambda p: (p.directive_id, p.position))
        for index, passage in enumerate(ordered):
            self._passages[passage.id] = (
                passage.heading,
                passage.audiences,
                passage.text,
                passage.directive_id,
            )
            self._by_directive.setdefault(passage.directive_id, []).append(passage.id)
            if passage.directive_id not in self._directives:
                self._directives[passage.directive_id] = DirectiveOut.model_validate(
                    passage.directive
                )
            if passage.text.rstrip().endswith(":"):
                self._next[passage.id] = [
                    b.id
                    for b in ordered[index + 1 : index + 1 + LIST_FOLLOWERS]
                    if b.directive_id == passage.directive_id
                ]
        self._index.add({p.id: f"{p.heading}. {p.text}" if p.heading else p.text for p in ordered})

    def search(
        self,
        session: Session,
        query: str,
        mention: ProvinceMention | None,
        tet_name: str | None = None,
        limit: int = 3,
    ) -> list[SearchHit]:
        """Best passages for query; within the province's directive when a province is named."""
        self._refresh(session)
        keys = None
        if mention is not None:
            directive = crud.directive_for(session, mention, tet_name)
            if directive is None:
                return []
            keys = set(self._by_directive.get(directive.id, []))
        hits = []
        found = self._index.search(without_places(query), keys, limit=max(limit, 2))
        floor = threshold(scoped=keys is not None)
        for rank, hit in enumerate(found):
            heading, audiences, text, directive_id = self._passages[hit.key]
            text = self._with_list(hit.key, text)
            runner_up = found[rank + 1].score if rank + 1 < len(found) else 0.0
            relevant = hit.score >= floor or (
                rank == 0 and hit.score >= MARGIN_FLOOR and hit.score >= MARGIN * runner_up
            )
            hits.append(
                SearchHit(
                    text=text,
                    heading=heading,
                    audiences=[c for c in audiences.split(",") if c],
                    score=hit.score,
                    relevant=relevant,
                    directive=self._directives[directive_id],
                )
            )
        return hits[:limit]

    def _with_list(self, key: int, text: str) -> str:
        """A passage that introduces a list ("… tại các điểm du lịch:") with the list's items."""
        followers = [self._passages[k][2] for k in self._next.get(key, [])]
        items = []
        for follower in followers:
            items.append(follower)
            if not follower.rstrip().endswith((";", ",")):
                break
        return " ".join([text, *(f"– {item}" for item in items)]) if items else text
