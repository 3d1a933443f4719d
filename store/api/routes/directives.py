"""Directives: look-up by province, contacts, search over duties, ingestion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from store import crud, services
from store.api.deps import SessionDep
from store.knowledge.parser import DirectiveParseError
from store.schemas import (
    ContactOut,
    ContactsAnswer,
    DirectiveFull,
    DirectiveIn,
    DirectiveLookup,
    DirectiveOut,
    IngestSummary,
    SearchAnswer,
)
from vntext.provinces import ProvinceMention, resolve

router = APIRouter(prefix="/api", tags=["directives"])
ProvinceQuery = Annotated[str, Query(min_length=1, max_length=100)]
TetQuery = Annotated[str | None, Query(max_length=30)]


def _mention(province: str) -> ProvinceMention:
    mention = resolve(province)
    if mention is None:
        raise HTTPException(status_code=404, detail=f"Không biết tỉnh/thành phố «{province}».")
    return mention


@router.get("/directives", response_model=list[DirectiveOut])
def list_directives(session: SessionDep, province: str | None = None) -> list[DirectiveOut]:
    current = None
    if province:
        mention = resolve(province)
        current = mention.current if mention else province
    return [DirectiveOut.model_validate(d) for d in crud.list_directives(session, current)]


@router.get("/directives/lookup", response_model=DirectiveLookup)
def lookup(session: SessionDep, province: ProvinceQuery, tet: TetQuery = None) -> DirectiveLookup:
    """Everything the directive for a province (and Tết) says; directive is null when none."""
    mention = _mention(province)
    directive = crud.directive_for(session, mention, tet)
    return DirectiveLookup(
        province_named=mention.named,
        province_current=mention.current,
        directive=DirectiveFull.model_validate(directive) if directive else None,
    )


@router.get("/contacts", response_model=ContactsAnswer)
def contacts(session: SessionDep, province: ProvinceQuery, tet: TetQuery = None) -> ContactsAnswer:
    """Contacts of the directive that answers for the province; an empty list is an honest answer."""
    mention = _mention(province)
    directive = crud.directive_for(session, mention, tet)
    return ContactsAnswer(
        province_named=mention.named,
        province_current=mention.current,
        directive=DirectiveOut.model_validate(directive) if directive else None,
        contacts=[ContactOut.model_validate(c) for c in directive.contacts] if directive else [],
    )


@router.get("/search", response_model=SearchAnswer)
def search(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=1000)],
    province: Annotated[str | None, Query(max_length=100)] = None,
    tet: TetQuery = None,
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
) -> SearchAnswer:
    """Duty items closest to a free-form question, best first, each with its source."""
    mention = _mention(province) if province else None
    service: services.SearchService = request.app.state.search
    hits = service.search(session, q, mention, tet, limit)
    return SearchAnswer(query=q, province_named=mention.named if mention else None, hits=hits)


@router.post("/directives", response_model=IngestSummary)
def ingest(session: SessionDep, body: DirectiveIn) -> IngestSummary:
    """Ingest a directive's text; the same source_name again updates it. 422 when unreadable."""
    try:
        return services.ingest(session, body.source_name, body.text)
    except DirectiveParseError as error:
        session.rollback()
        raise HTTPException(status_code=422, detail=str(error)) from error
