"""Request and response shapes of the outreach API; refusals speak Vietnamese."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from common.vocabulary import Sector
from store.submissions.schemas import LocalDateTime, RowId, Shown, _block, _line

Line = Annotated[str, BeforeValidator(_line)]
Block = Annotated[str, BeforeValidator(_block)]
ChannelName = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,30}$")]
Role = Literal["doanh_nghiep", "can_bo_truc", "can_bo_so"]
AudienceKind = Literal["all", "province", "sector", "pending"]
BroadcastStatus = Literal["draft", "sending", "done", "cancelled"]
Result = Literal["sent", "blocked", "failed", "retry"]


def _text_id(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


TextId = Annotated[str, BeforeValidator(_text_id), Field(min_length=1, max_length=100)]


class ProfileIn(BaseModel):
    """Fields absent are kept; an explicit null clears one."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    chat_id: Annotated[TextId | None, Field(default=None)] = None
    username: Annotated[str | None, Field(max_length=100)] = None
    display_name: Annotated[str | None, Field(max_length=200)] = None
    declared_role: Role | None = None
    organisation: Annotated[Line | None, Field(max_length=300)] = None
    province: Annotated[str | None, Field(max_length=100)] = None
    sector: Sector | None = None
    name: Annotated[Line | None, Field(max_length=200)] = None
    phone: Annotated[str | None, Field(max_length=40)] = None


class ProfileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    channel: str
    user_id: str
    chat_id: str | None
    username: str | None
    display_name: str | None
    declared_role: str | None
    organisation: str | None
    province: str | None
    sector: str | None
    name: str | None
    phone: str | None
    is_staff: bool = False
    subscribed: bool = False


class StaffIn(BaseModel):
    """Accepted for older gateways and ignored: the store records the acting admin."""

    granted_by: TextId | None = None


class StaffChatOut(BaseModel):
    """A staff member as the gateway's alert worker needs them: no name, no grant details."""

    user_id: str
    chat_id: str | None


class StaffOut(BaseModel):
    channel: str
    user_id: str
    granted_by: str
    granted_at: Shown
    display_name: str | None = None
    chat_id: str | None = None


class AuditIn(BaseModel):
    channel: ChannelName
    user_id: TextId
    action: Annotated[str, Field(min_length=1, max_length=50)]
    allowed: bool
    detail: Annotated[str, Field(max_length=2000)] = ""


class AuditOut(AuditIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: Shown


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    chat_type: Literal["private", "group", "supergroup", "channel"] = "private"
    user_id: TextId | None = None
    province: Annotated[str | None, Field(max_length=100)] = None
    sector: Sector | None = None
    organisation: Annotated[Line | None, Field(max_length=300)] = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    channel: str
    chat_id: str
    chat_type: str
    user_id: str | None
    province: str | None
    sector: str | None
    organisation: str | None
    active: bool
    reason: str | None
    updated_at: Shown


class BroadcastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: ChannelName = "telegram"
    created_by: TextId
    audience_kind: AudienceKind
    audience_value: Annotated[str | None, Field(max_length=100)] = None
    text: Annotated[Block, Field(min_length=1, max_length=3500)]
    progress_chat_id: TextId | None = None


class BroadcastPatch(BaseModel):
    """Set by the gateway once it has posted the progress message (a restart keeps editing it)."""

    model_config = ConfigDict(extra="forbid")

    progress_message_id: RowId | None


class BroadcastOut(BaseModel):
    id: int
    status: str
    audience_kind: str
    audience_value: str | None
    audience_label: str
    text: str
    recipient_count: int
    counts: dict[str, int]
    progress_chat_id: str | None
    progress_message_id: int | None
    created_at: Shown
    confirmed_at: Shown | None
    finished_at: Shown | None


class OutboxItemIn(BaseModel):
    channel: ChannelName = "telegram"
    chat_id: TextId
    kind: Literal["broadcast", "reminder", "alert", "notice"]
    dedupe_key: Annotated[str, Field(min_length=1, max_length=100)]
    text: Annotated[str, Field(min_length=1, max_length=4096)]
    parse_mode: Literal["HTML", "MarkdownV2"] | None = None


class OutboxIn(BaseModel):
    items: Annotated[list[OutboxItemIn], Field(max_length=10000)]


class ClaimIn(BaseModel):
    """lease is accepted for compatibility and ignored: a claimed row is never handed out again
    on a timer (it may have been delivered); POST /api/outbox/recover settles rows a crashed
    gateway left "sending"."""

    channel: ChannelName = "telegram"
    limit: Annotated[int, Field(ge=1, le=500)] = 30
    lease: Annotated[float | None, Field(ge=0)] = None


class ChannelIn(BaseModel):
    channel: ChannelName = "telegram"


class ResultIn(BaseModel):
    status: Result
    error: Annotated[str | None, Field(max_length=1000)] = None
    retry_after: Annotated[float | None, Field(ge=0, le=86400)] = None


class ResultItemIn(ResultIn):
    id: RowId


class ResultsIn(BaseModel):
    results: Annotated[list[ResultItemIn], Field(min_length=1, max_length=500)]


class OutboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    chat_id: str
    kind: str
    broadcast_id: int | None
    text: str
    parse_mode: str | None
    attempts: int
    status: str


class RunIn(BaseModel):
    """now: default the store's clock (TRUTET_NOW-aware); a time without offset is Vietnam time."""

    now: LocalDateTime | None = None


class ReminderOut(BaseModel):
    deadline_id: int
    offset_label: str
    fire_at: Shown
    due_at: Shown
    province: str
    what: str


class OrganisationIn(BaseModel):
    """One organisation the department expects reports from; the sector as a key or its label."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Line, Field(min_length=2, max_length=300)]
    province: Annotated[str, Field(min_length=1, max_length=100)]
    sector: Annotated[str | None, Field(max_length=30)] = None


class OrganisationsIn(BaseModel):
    organisations: Annotated[list[OrganisationIn], Field(min_length=1, max_length=5000)]


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    province: str
    sector: str | None
    source: str


class OrganisationsLoaded(BaseModel):
    added: int
    known: int
