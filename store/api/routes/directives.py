"""Directives: look-up by province, contacts, search over passages, and loading with a preview.

Loading is always two steps for staff: a document (text or file) becomes a draft whose preview
says what was understood; staff correct the province, Tết year or issuer if needed and confirm.
Only confirmed directives are answered from, reminded about or counted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import (
    APIRouter,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
)

from store import crud, services
from store.api.deps import SessionDep, StaffDep
from store.api.errors import NUL_REFUSED, problems
from store.knowledge.documents import (
    DocumentText,
    UnsupportedDocument,
    extract,
    max_document_bytes,
)
from store.knowledge.parser import DirectiveParseError, MissingProvince
from store.models import DirectiveDraft
from store.schemas import (
    ContactOut,
    ContactsAnswer,
    DirectiveFull,
    DirectiveIn,
    DirectiveLookup,
    DirectiveOut,
    DirectivePreview,
    DraftCorrection,
    DraftPending,
    SearchAnswer,
)
from store.submissions.schemas import MAX_ROW_ID
from vntext.provinces import ProvinceMention, resolve

router = APIRouter(prefix="/api", tags=["directives"])
ProvinceQuery = Annotated[str, Query(min_length=1, max_length=100)]
TetQuery = Annotated[str | None, Query(max_length=30)]
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
DRAFT_GONE = "Bản nháp này không còn (đã xác nhận hoặc đã hủy). Hãy gửi lại văn bản."


def _mention(province: str) -> ProvinceMention:
    mention = resolve(province)
    if mention is None:
        raise HTTPException(status_code=404, detail=f"Không biết tỉnh/thành phố «{province}».")
    return mention


@router.get("/directives", response_model=list[DirectiveOut])
def list_directives(
    session: SessionDep,
    province: Annotated[str | None, Query(max_length=100)] = None,
    retired: bool = False,
) -> list[DirectiveOut]:
    current = None
    if province:
        mention = resolve(province)
        current = mention.current if mention else province
    return [
        DirectiveOut.model_validate(d)
        for d in crud.list_directives(session, current, include_retired=retired)
    ]


@router.get("/directives/provinces", response_model=list[str])
def directive_provinces(session: SessionDep) -> list[str]:
    """Provinces whose directives the bot answers from, most recently loaded first (buttons)."""
    return crud.directive_provinces(session)


@router.get("/directives/lookup", response_model=DirectiveLookup, responses=problems(404))
def lookup(session: SessionDep, province: ProvinceQuery, tet: TetQuery = None) -> DirectiveLookup:
    """Everything the directive for a province (and Tết) says; directive is null when none."""
    mention = _mention(province)
    directive = crud.directive_for(session, mention, tet)
    return DirectiveLookup(
        province_named=mention.named,
        province_current=mention.current,
        directive=DirectiveFull.model_validate(directive) if directive else None,
    )


@router.get("/contacts", response_model=ContactsAnswer, responses=problems(404))
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


@router.get("/search", response_model=SearchAnswer, responses=problems(404))
def search(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=1000)],
    province: Annotated[str | None, Query(max_length=100)] = None,
    tet: TetQuery = None,
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
) -> SearchAnswer:
    """Passages closest to a free-form question, best first, each with its section and source."""
    mention = _mention(province) if province else None
    service: services.SearchService = request.app.state.search
    hits = service.search(session, q, mention, tet, limit)
    return SearchAnswer(
        query=q,
        province_named=mention.named if mention else None,
        hits=hits,
        threshold=services.threshold(scoped=mention is not None),
    )


# --------------------------------------------------------------------------------------------
# Loading: draft, preview, correct, confirm
# --------------------------------------------------------------------------------------------


def _draft_answer(draft: DirectiveDraft) -> DirectivePreview | DraftPending:
    """The draft's preview, or what is missing before there can be one (the province)."""
    try:
        return services.draft_preview(draft)
    except MissingProvince as error:
        return DraftPending(
            status="needs_province",
            draft_id=draft.id,
            source_name=draft.source_name,
            message=str(error),
        )


def _new_draft(
    session: SessionDep,
    acting: str,
    source_name: str,
    document: DocumentText,
    hints: dict[str, object],
) -> DirectivePreview | DraftPending:
    try:
        draft = services.create_draft(session, source_name, document, hints, acting)
    except DirectiveParseError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    return _draft_answer(draft)


@router.post(
    "/directives",
    response_model=DirectivePreview | DraftPending,
    status_code=201,
    responses=problems(403),
)
def load_text(
    session: SessionDep, acting: StaffDep, body: DirectiveIn
) -> DirectivePreview | DraftPending:
    """A directive's text as a draft: the preview says what was understood. 422 when unreadable."""
    hints = services.hints_dict(body.province, body.tet_year, body.issuer)
    return _new_draft(session, acting, body.source_name, DocumentText(text=body.text), hints)


@router.post(
    "/directives/upload",
    response_model=DirectivePreview | DraftPending,
    status_code=201,
    responses=problems(403, 413),
)
def load_file(
    session: SessionDep,
    acting: StaffDep,
    file: Annotated[UploadFile, File()],
    province: Annotated[str | None, Form(max_length=100)] = None,
    tet_year: Annotated[int | None, Form(ge=2000, le=2100)] = None,
    issuer: Annotated[str | None, Form(max_length=200)] = None,
) -> DirectivePreview | DraftPending:
    """A document (.docx, .pdf incl. scans, .txt, .html) as a draft, read in the store."""
    if "\x00" in (province or "") + (issuer or ""):
        raise HTTPException(status_code=422, detail=NUL_REFUSED)
    name = (file.filename or "").replace("\x00", "").rsplit("/", 1)[-1][:255] or "van-ban"
    limit = max_document_bytes()
    content = file.file.read(limit + 1)
    if len(content) > limit:
        size = max(file.size or 0, len(content)) / 1_000_000
        raise HTTPException(
            status_code=413,
            detail=f"Tệp {name} quá lớn ({size:.0f} MB, tối đa {limit / 1_000_000:.0f} MB). "
            "Hãy gửi bản .docx, hoặc bản scan nhẹ hơn (200–300 dpi, đen trắng).",
        )
    try:
        document = extract(name, content)
    except UnsupportedDocument as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    hints = services.hints_dict(province, tet_year, issuer, document.meta)
    return _new_draft(session, acting, name, document, hints)


def _draft(session: SessionDep, draft_id: int) -> DirectiveDraft:
    draft = crud.get_draft(session, draft_id)
    if draft is None:
        raise HTTPException(status_code=404, detail=DRAFT_GONE)
    return draft


@router.get(
    "/directives/drafts/{draft_id}",
    response_model=DirectivePreview | DraftPending,
    responses=problems(403, 404),
)
def get_draft(
    session: SessionDep, acting: StaffDep, draft_id: RowIdPath
) -> DirectivePreview | DraftPending:
    return _draft_answer(_draft(session, draft_id))


def _correct(session: SessionDep, draft: DirectiveDraft, body: DraftCorrection) -> None:
    if body.province and resolve(body.province) is None:
        raise HTTPException(status_code=422, detail=f"Không biết tỉnh/thành phố «{body.province}».")
    crud.correct_draft(session, draft, body.model_dump(exclude_none=True))


@router.patch(
    "/directives/drafts/{draft_id}",
    response_model=DirectivePreview | DraftPending,
    responses=problems(403, 404),
)
def correct_draft(
    session: SessionDep, acting: StaffDep, draft_id: RowIdPath, body: DraftCorrection
) -> DirectivePreview | DraftPending:
    """Correct the province, Tết year or issuer; the preview is read again with them."""
    draft = _draft(session, draft_id)
    _correct(session, draft, body)
    return _draft_answer(draft)


@router.post(
    "/directives/drafts/{draft_id}/confirm",
    response_model=DirectivePreview,
    responses=problems(403, 404),
)
def confirm_draft(
    session: SessionDep,
    acting: StaffDep,
    draft_id: RowIdPath,
    body: DraftCorrection | None = None,
) -> DirectivePreview:
    """Make the draft live (or update the directive it repeats): answered from at once."""
    draft = _draft(session, draft_id)
    if body is not None:
        _correct(session, draft, body)
    try:
        directive, status, parsed = crud.confirm_draft(session, draft)
    except DirectiveParseError as error:
        session.rollback()
        raise HTTPException(status_code=422, detail=str(error)) from error
    return services.directive_preview(directive, status, parsed=parsed)


@router.delete(
    "/directives/drafts/{draft_id}",
    status_code=204,
    response_class=Response,
    responses=problems(403, 404),
)
def discard_draft(session: SessionDep, acting: StaffDep, draft_id: RowIdPath) -> Response:
    crud.discard_draft(session, _draft(session, draft_id))
    return Response(status_code=204)


@router.post(
    "/directives/{directive_id}/retire",
    status_code=204,
    response_class=Response,
    responses=problems(403, 404),
)
def retire(session: SessionDep, acting: StaffDep, directive_id: RowIdPath) -> Response:
    """Stop answering from a directive (replaced by a new one, or loaded by mistake)."""
    directive = crud.get_directive(session, directive_id)
    if directive is None:
        raise HTTPException(status_code=404, detail="Không có công văn này.")
    crud.retire(session, directive)
    return Response(status_code=204)
