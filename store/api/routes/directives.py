"""Directives and the contacts they give."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from store import crud
from store.api.deps import SessionDep
from store.schemas import ContactOut, ContactsAnswer, DirectiveOut
from vntext.provinces import resolve

router = APIRouter(prefix="/api", tags=["directives"])


@router.get("/directives", response_model=list[DirectiveOut])
def list_directives(session: SessionDep, province: str | None = None) -> list[DirectiveOut]:
    current = None
    if province:
        mention = resolve(province)
        current = mention.current if mention else province
    return [DirectiveOut.model_validate(d) for d in crud.list_directives(session, current)]


@router.get("/contacts", response_model=ContactsAnswer)
def contacts(
    session: SessionDep, province: str = Query(min_length=1, max_length=100)
) -> ContactsAnswer:
    """Contacts of the directive that answers for the province; an empty list is an honest answer."""
    mention = resolve(province)
    if mention is None:
        raise HTTPException(status_code=404, detail=f"Không biết tỉnh/thành phố «{province}».")
    directive = crud.directive_for(session, mention)
    return ContactsAnswer(
        province_named=mention.named,
        province_current=mention.current,
        directive=DirectiveOut.model_validate(directive) if directive else None,
        contacts=[ContactOut.model_validate(c) for c in directive.contacts] if directive else [],
    )
