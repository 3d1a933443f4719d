"""Pydantic shapes of what the API returns."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, computed_field

from store.knowledge.citation import citation as citation_phrase


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
    subject: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        return citation_phrase(
            self.number, self.issued_text, self.department, self.issuing_province
        )


class ContactsAnswer(BaseModel):
    """Contacts for a province: the directive they come from, or none when no directive is known."""

    province_named: str
    province_current: str
    directive: DirectiveOut | None
    contacts: list[ContactOut]


class Health(BaseModel):
    status: str
    database: str
    directives: int
