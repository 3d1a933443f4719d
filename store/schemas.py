"""Pydantic shapes of what the API returns and accepts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from store.knowledge.citation import Source, citation_of, issuer_phrase
from vntext.timefmt import VN_TZ


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str | None
    title: str | None
    phone_e164: str | None
    phone_display: str | None
    email: str | None


class DirectiveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_name: str
    issuing_province: str
    province: str
    department: str
    number: str
    issued_text: str
    issued_day: int | None = None
    issued_month: int | None = None
    issued_year: int | None = None
    subject: str
    tet_name: str | None = None
    tet_year: int | None = None
    issuer_kind: str = "other"
    doc_kind: str = "cong_van"
    restates: str | None = None
    source_site: str | None = None
    published: str | None = None
    status: str = "live"

    @computed_field  # type: ignore[prop-decorator]  # mypy cannot type decorated properties
    @property
    def citation(self) -> str:
        """How answers name this document: who issued what, never one issuer for another."""
        return citation_of(Source.of(self))

    @computed_field  # type: ignore[prop-decorator]  # mypy cannot type decorated properties
    @property
    def issuer(self) -> str:
        """ "Sở KH&CN Bắc Ninh", "UBND tỉnh Đắk Lắk": for "liên hệ trực tiếp …"."""
        return issuer_phrase(Source.of(self))


class LegalBasisOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    number: str
    issued_on: date | None
    issuer: str | None


class SectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    heading: str
    audiences: list[str]
    items: list[str]

    @field_validator("audiences", mode="before")
    @classmethod
    def _split_codes(cls, value: object) -> object:
        return [code for code in value.split(",") if code] if isinstance(value, str) else value

    @field_validator("items", mode="before")
    @classmethod
    def _item_texts(cls, value: object) -> object:
        return [getattr(item, "text", item) for item in value] if isinstance(value, list) else value


class DeadlineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    what: str
    due_at: datetime
    has_time: bool
    lunar_text: str | None
    who: str | None
    recipient: str | None
    channel: str | None
    email: str | None
    kind: str = "once"
    starts_at: datetime | None = None
    until_on: date | None = None
    source: str = ""

    @field_validator("due_at", "starts_at")
    @classmethod
    def _local(cls, value: datetime | None) -> datetime | None:
        return value.astimezone(VN_TZ) if value is not None else None


class HolidayOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    starts_on: date
    ends_on: date
    text: str


class DirectiveFull(DirectiveOut):
    signer: str | None
    recipients: list[str]
    legal_bases: list[LegalBasisOut]
    sections: list[SectionOut]
    deadlines: list[DeadlineOut]
    holidays: list[HolidayOut]
    contacts: list[ContactOut]

    @field_validator("recipients", mode="before")
    @classmethod
    def _lines(cls, value: object) -> object:
        return [line for line in value.splitlines() if line] if isinstance(value, str) else value


class ContactsAnswer(BaseModel):
    """Contacts for a province: the directive they come from, or none when no directive is known."""

    province_named: str
    province_current: str
    directive: DirectiveOut | None
    contacts: list[ContactOut]


class DirectiveLookup(BaseModel):
    """The directive that answers for a province (and Tết), or none."""

    province_named: str
    province_current: str
    directive: DirectiveFull | None


class SearchHit(BaseModel):
    """A passage of a directive close to a question, quoted with its section and source."""

    text: str
    heading: str | None
    audiences: list[str]
    score: float
    relevant: bool = True  # close enough to the question to quote
    directive: DirectiveOut


class SearchAnswer(BaseModel):
    """Hits best first; a hit scoring below ``threshold`` is not relevant enough to quote."""

    query: str
    province_named: str | None
    hits: list[SearchHit]
    threshold: float


class DirectiveHints(BaseModel):
    """What staff say about a document when the text does not (or says it wrongly)."""

    province: str | None = Field(default=None, max_length=100)
    tet_year: int | None = Field(default=None, ge=2000, le=2100)
    issuer: str | None = Field(default=None, max_length=200)


class DirectiveIn(DirectiveHints):
    """A directive's text to load as a draft; source_name identifies the document on re-loading."""

    source_name: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1, max_length=2_000_000)


class PreviewSection(BaseModel):
    heading: str
    audiences: list[str]
    audience_labels: list[str]
    items: int
    first_item: str


class PreviewDeadline(BaseModel):
    kind: str
    when: str
    what: str
    who: str | None
    to: str | None
    email: str | None


class PreviewContact(BaseModel):
    name: str | None
    title: str | None
    phone: str | None
    email: str | None


class PreviewHoliday(BaseModel):
    kind: str
    starts_on: date
    ends_on: date


class DirectivePreview(BaseModel):
    """What was understood from a document, shown to staff before (or after) it goes live.

    status: "draft" (awaiting confirmation), "created", "updated" or "unchanged". ``text`` is the
    same preview worded for a chat or a terminal, so every channel shows the same thing.
    """

    status: str
    draft_id: int | None = None
    directive_id: int | None = None
    source_name: str
    citation: str
    number: str
    issued_text: str
    issuer: str
    issuer_kind: str
    doc_kind: str
    province: str
    province_current: str
    province_source: str
    tet_year: int | None
    tet_name: str | None
    subject: str
    sections: list[PreviewSection]
    deadlines: list[PreviewDeadline]
    contacts: list[PreviewContact]
    holidays: list[PreviewHoliday]
    legal_bases: int
    passages: int
    ocr: bool
    ocr_confidence: float | None
    warnings: list[str]
    text: str


class DraftPending(BaseModel):
    """A draft that cannot be previewed yet: nothing in it names its province."""

    status: str  # "needs_province"
    draft_id: int
    source_name: str
    message: str


class DraftCorrection(DirectiveHints):
    """Corrections staff make in the preview before confirming."""


class Health(BaseModel):
    status: str
    database: str
    directives: int
