"""Pydantic shapes of what the API returns and accepts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from store.knowledge.citation import citation as citation_phrase
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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        return citation_phrase(
            self.number,
            self.issued_day,
            self.issued_month,
            self.issued_year,
            self.department,
            self.issuing_province,
        )


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

    @field_validator("due_at")
    @classmethod
    def _local(cls, value: datetime) -> datetime:
        return value.astimezone(VN_TZ)


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
    text: str
    heading: str
    audiences: list[str]
    score: float
    directive: DirectiveOut


class SearchAnswer(BaseModel):
    query: str
    province_named: str | None
    hits: list[SearchHit]


class DirectiveIn(BaseModel):
    """A directive's text to ingest; source_name identifies the document across re-ingestion."""

    source_name: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1, max_length=2_000_000)


class IngestSummary(BaseModel):
    id: int
    source_name: str
    status: str  # "created" | "updated" | "unchanged"
    citation: str
    province: str
    sections: int
    duty_items: int
    deadlines: int
    contacts: int
    holidays: int
    legal_bases: int
    warnings: list[str]


class Health(BaseModel):
    status: str
    database: str
    directives: int
