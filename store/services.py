"""Operations on top of crud: ingestion with a summary, and search with a fresh index."""

from __future__ import annotations

import re
import threading

from sqlalchemy.orm import Session

from store import crud
from store.knowledge.search import TfidfIndex
from store.models import Directive, DutyItem
from store.schemas import DirectiveOut, IngestSummary, SearchHit
from vntext.provinces import ProvinceMention, without_places

_SENTENCE_RE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")


def ingest(session: Session, source_name: str, text: str) -> IngestSummary:
    """Parse and store one directive; what was found and what could not be read, in one summary."""
    existed = crud.directive_exists(session, source_name)
    directive, parsed = crud.upsert_directive(session, source_name, text)
    status = "unchanged" if parsed is None else ("updated" if existed else "created")
    return summarise(directive, status)


def summarise(directive: Directive, status: str) -> IngestSummary:
    out = DirectiveOut.model_validate(directive)
    return IngestSummary(
        id=directive.id,
        source_name=directive.source_name,
        status=status,
        citation=out.citation,
        province=directive.province,
        sections=len(directive.sections),
        duty_items=sum(len(section.items) for section in directive.sections),
        deadlines=len(directive.deadlines),
        contacts=len(directive.contacts),
        holidays=len(directive.holidays),
        legal_bases=len(directive.legal_bases),
        warnings=[w for w in directive.warnings.splitlines() if w],
    )


def sentences(text: str) -> list[str]:
    """A duty item's sentences: one long bullet often holds several unrelated duties."""
    return [part for part in _SENTENCE_RE.split(text) if part.strip()] or [text]


class SearchService:
    """TF-IDF over every sentence of every duty item, rebuilt when the directives change.

    An item scores as its best sentence, so a duty buried in a long bullet is still found.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signature: tuple[int, str] | None = None
        self._index = TfidfIndex({})
        self._items: dict[int, DutyItem] = {}
        self._item_of: dict[int, int] = {}

    def _refresh(self, session: Session) -> None:
        signature = crud.directives_signature(session)
        with self._lock:
            if signature == self._signature:
                return
            items = crud.all_items(session)
            for item in items:
                session.expunge(item)
            self._items = {item.id: item for item in items}
            documents: dict[int, str] = {}
            self._item_of = {}
            for item in items:
                for sentence in sentences(item.text):
                    key = len(documents)
                    documents[key] = f"{item.section.heading}. {sentence}"
                    self._item_of[key] = item.id
            self._index = TfidfIndex(documents)
            self._signature = signature

    def search(
        self,
        session: Session,
        query: str,
        mention: ProvinceMention | None,
        tet_name: str | None = None,
        limit: int = 3,
    ) -> list[SearchHit]:
        """Best items for query; within the province's directive when a province is named."""
        self._refresh(session)
        keys = None
        if mention is not None:
            directive = crud.directive_for(session, mention, tet_name)
            if directive is None:
                return []
            wanted = {item.id for section in directive.sections for item in section.items}
            keys = {key for key, item_id in self._item_of.items() if item_id in wanted}
        best: dict[int, float] = {}
        for hit in self._index.search(without_places(query), keys, limit=50):
            best.setdefault(self._item_of[hit.key], hit.score)
        hits = []
        for item_id, score in list(best.items())[:limit]:
            item = self._items[item_id]
            hits.append(
                SearchHit(
                    text=item.text,
                    heading=item.section.heading,
                    audiences=[c for c in item.section.audiences.split(",") if c],
                    score=score,
                    directive=DirectiveOut.model_validate(item.section.directive),
                )
            )
        return hits
