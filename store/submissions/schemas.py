"""Shapes of submissions in and out, with validation that answers in Vietnamese.

The people filling these in are duty officers typing on a phone at 2 a.m.; every rejection must
say, in their language, which field is wrong and what a right value looks like.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    computed_field,
    model_validator,
)

from common.vocabulary import DutyType, IncidentCategory, Severity, Stage
from store.models import RosterEntry, Submission
from vntext.normalize import fold, nfc
from vntext.provinces import resolve
from vntext.timefmt import VN_TZ, now

# Codes and labels live in common/vocabulary.py; these names are the tables exports and checks read.
DUTY_TYPES: dict[str, str] = DutyType.labels()
STAGES: dict[str, str] = Stage.labels()
CATEGORIES: dict[str, str] = IncidentCategory.labels()
SEVERITIES: dict[str, str] = Severity.labels()
KIND_PREFIX: dict[str, str] = {"roster": "TR", "incident": "SC", "results": "BC"}

Category = IncidentCategory

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME_RE = re.compile(r"^(\d{1,2})\s*[h:gG.]\s*(\d{2})?$")
_SHIFT_RE = re.compile(r"^(.+?)\s*(?:-|–|—|đến|den|to)\s*(.+)$")
_INCIDENT_REF_RE = re.compile(r"^SC-\d{4}-\d{6}$")
ALL_DAY = frozenset({"24/24", "24h", "24/24h", "ca ngay", "tron ngay"})
# Clock skew and typing time tolerated before a detection time counts as "in the future".
FUTURE_TOLERANCE = timedelta(minutes=5)


# --- cleaning -------------------------------------------------------------------------------


def _line(value: object) -> object:
    """One-line text: NFC, control characters and runs of spaces collapsed."""
    if not isinstance(value, str):
        return value
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", nfc(value))).strip()


def _block(value: object) -> object:
    """Multi-line text: NFC, control characters dropped, line breaks kept."""
    if not isinstance(value, str):
        return value
    return _CONTROL_RE.sub("", nfc(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def _number_as_text(value: object) -> object:
    """Chat ids arrive as numbers from Telegram; they are identifiers, kept as text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _optional(clean: Any) -> Any:
    """An optional field: an empty or blank value means "not given"."""

    def run(value: object) -> object:
        cleaned = clean(value)
        return None if cleaned == "" else cleaned

    return run


def _phone(value: str) -> str:
    phone_parts(value)
    return value


def _email(value: str | None) -> str | None:
    if value is not None and not _EMAIL_RE.match(value):
        raise ValueError(f"Email «{value}» không hợp lệ. Ví dụ: ten@donvi.vn.")
    return value


def _province(value: str) -> str:
    """The current (post-merger) province, whatever spelling or former name was used."""
    mention = resolve(value)
    if mention is None:
        raise ValueError(f"Không biết tỉnh/thành phố «{value}». Ví dụ: Bắc Ninh, Hà Tĩnh.")
    return mention.current


def _clock(value: object) -> object:
    """Accept "7h30", "07:30", "7g", "22.00" as well as ISO times."""
    if not isinstance(value, str):
        return value
    match = _TIME_RE.match(value.strip())
    if match is None:
        return value.strip()
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"Giờ «{value}» không hợp lệ. Ví dụ: 07:30.")
    return f"{hour:02d}:{minute:02d}"


def _local(value: datetime) -> datetime:
    """A time without offset is Vietnam time; stored as UTC, shown back in Vietnam time."""
    return value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value


def _within_years(value: datetime) -> datetime:
    """Only 2000..2100: year 1 or 9999 is a typing slip (and overflows date arithmetic)."""
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise ValueError(
            f"Ngày giờ «{value.isoformat()}» phải trong khoảng năm {FIRST_DAY.year}–{LAST_DAY.year}."
        )
    return value


def _shown(value: datetime) -> datetime:
    return value.astimezone(VN_TZ)


def phone_parts(raw: str) -> tuple[str, str]:
    """(E.164, national digits) of a phone number, or a ValueError a duty officer understands."""
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(f"Số điện thoại {raw} không hợp lệ. Ví dụ: 0912345678.")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.region_code_for_number(number) == "VN":
        return e164, "0" + str(number.national_number)
    return e164, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


Line = Annotated[str, BeforeValidator(_line)]
Block = Annotated[str, BeforeValidator(_block)]

# Bounds of every number and date the API takes: ids fit PostgreSQL's INTEGER columns, dates
# are this century's (a larger value would be a 500 from the database or the calendar).
MAX_ROW_ID = 2**31 - 1
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_ROW_ID)]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


# Optional texts of at most N characters ("" counts as not given), spelt out so a type checker
# reads them as types.
OptLine30 = Annotated[
    Annotated[str, Field(max_length=30)] | None, BeforeValidator(_optional(_line))
]
OptLine40 = Annotated[
    Annotated[str, Field(max_length=40)] | None, BeforeValidator(_optional(_line))
]
OptLine50 = Annotated[
    Annotated[str, Field(max_length=50)] | None, BeforeValidator(_optional(_line))
]
OptLine200 = Annotated[
    Annotated[str, Field(max_length=200)] | None, BeforeValidator(_optional(_line))
]
OptLine300 = Annotated[
    Annotated[str, Field(max_length=300)] | None, BeforeValidator(_optional(_line))
]
OptLine500 = Annotated[
    Annotated[str, Field(max_length=500)] | None, BeforeValidator(_optional(_line))
]
OptBlock2000 = Annotated[
    Annotated[str, Field(max_length=2000)] | None, BeforeValidator(_optional(_block))
]
OptBlock5000 = Annotated[
    Annotated[str, Field(max_length=5000)] | None, BeforeValidator(_optional(_block))
]
OptBlock20000 = Annotated[
    Annotated[str, Field(max_length=20000)] | None, BeforeValidator(_optional(_block))
]

Phone = Annotated[
    str, BeforeValidator(_line), Field(min_length=1, max_length=40), AfterValidator(_phone)
]
Province = Annotated[str, BeforeValidator(_line), Field(max_length=100), AfterValidator(_province)]
LocalDateTime = Annotated[datetime, AfterValidator(_within_years), AfterValidator(_local)]
Shown = Annotated[datetime, AfterValidator(_shown)]
Clock = Annotated[time | None, BeforeValidator(_clock)]


# --- what comes in --------------------------------------------------------------------------


class SubmissionIn(BaseModel):
    """Fields every submission carries: who sends it, for which organisation and province."""

    # Enum fields hold their plain code, as the database columns do.
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    idempotency_key: Annotated[str, BeforeValidator(_line), Field(min_length=1, max_length=100)]
    submitter_channel: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,30}$")]
    submitter_id: Annotated[
        Line, BeforeValidator(_number_as_text), Field(min_length=1, max_length=100)
    ]
    submitter_name: OptLine200 = None
    organisation: Annotated[Line, Field(min_length=1, max_length=300)]
    province: Province
    directive_id: RowId | None = None

    @model_validator(mode="before")
    @classmethod
    def _spread_submitter(cls, data: Any) -> Any:
        """Accept the submitter nested ({"submitter": {"channel", "id", "name"}}) or flat."""
        if not isinstance(data, dict) or not isinstance(data.get("submitter"), dict):
            return data
        nested = data["submitter"]
        flat = {
            f"submitter_{key}": nested[key] for key in ("channel", "id", "name") if key in nested
        }
        rest = {key: value for key, value in data.items() if key != "submitter"}
        return {**flat, **rest}


class RosterEntryIn(BaseModel):
    """One line of a duty roster; "shift" ("07:30-17:00", "24/24") may replace the two times."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    duty_type: DutyType
    duty_date: Day
    lunar_text: OptLine50 = None
    shift: OptLine40 = None
    shift_start: Clock = None
    shift_end: Clock = None
    all_day: bool = False
    overnight: bool | None = None
    full_name: Annotated[Line, Field(min_length=1, max_length=200)]
    position: Annotated[Line, Field(min_length=1, max_length=200)]
    phone: Phone
    email: Annotated[OptLine200, AfterValidator(_email)] = None
    substitute: OptLine300 = None
    note: OptBlock2000 = None

    @model_validator(mode="before")
    @classmethod
    def _read_shift(cls, data: Any) -> Any:
        """Spread a written shift ("07:30-17:00", "24/24") over shift_start/shift_end/all_day.

        When both are sent, the written shift wins: it is what the duty officer typed.
        """
        if not isinstance(data, dict):
            return data
        written = data.get("shift")
        if not isinstance(written, str) and data.get("shift_start") in ALL_DAY:
            written = "24/24"
        if not isinstance(written, str):
            return data
        text = str(_line(written))
        if fold(text) in ALL_DAY:
            return {**data, "all_day": True, "shift_start": None, "shift_end": None}
        match = _SHIFT_RE.match(text)
        if match is None:
            raise ValueError(f"Ca trực «{text}» không đọc được. Ví dụ: 07:30-17:00 hoặc 24/24.")
        return {**data, "shift_start": match[1], "shift_end": match[2]}

    @model_validator(mode="after")
    def _check_shift(self) -> RosterEntryIn:
        """24/24 is 00:00–23:59; an end before the start is an overnight shift, never a typo."""
        if self.all_day:
            self.shift_start, self.shift_end, self.overnight = time(0, 0), time(23, 59), False
            return self
        start, end = self.shift_start, self.shift_end
        if start is None and end is None:
            self.overnight = False
            return self
        if start is None or end is None:
            raise ValueError(
                "Ca trực cần cả giờ bắt đầu và giờ kết thúc (ví dụ 07:30-17:00), hoặc 24/24."
            )
        self.overnight = _overnight(start, end, self.overnight)
        return self


def _overnight(start: time, end: time, flag: bool | None) -> bool:
    """Whether a shift runs past midnight; contradictions are refused with the times shown."""
    shown = f"{start:%H:%M}-{end:%H:%M}"
    if end < start:
        if flag is False:
            raise ValueError(
                f"Ca trực {shown}: giờ kết thúc sớm hơn giờ bắt đầu. "
                "Nếu là ca qua đêm, đặt overnight = true."
            )
        return True
    if end == start and not flag:
        raise ValueError(f"Ca trực {shown}: giờ kết thúc trùng giờ bắt đầu.")
    if end > start and flag:
        raise ValueError(f"Ca trực {shown} không qua đêm: giờ kết thúc muộn hơn giờ bắt đầu.")
    return bool(flag)


class RosterSubmissionIn(SubmissionIn):
    """A duty roster: 1 to 200 people on duty."""

    entries: Annotated[list[RosterEntryIn], Field(min_length=1, max_length=200)]


class IncidentIn(SubmissionIn):
    """An incident report (initial, update or closing), after Thông tư 20/2017 Mẫu 03."""

    stage: Stage
    parent_reference: OptLine30 = None
    contact_name: Annotated[Line, Field(min_length=1, max_length=200)]
    contact_phone: Phone
    category: Category
    detected_at: LocalDateTime
    area: Annotated[Block, Field(min_length=1, max_length=2000)]
    services_affected: Annotated[Block, Field(min_length=1, max_length=2000)]
    bts_down: Count | None = None
    bts_total: Count | None = None
    routes_cut: Count | None = None
    subscribers_affected: Count | None = None
    severity: Severity
    description: Annotated[Block, Field(min_length=1, max_length=10000)]
    cause: OptBlock5000 = None
    actions_taken: OptBlock5000 = None
    support_needed: OptBlock5000 = None
    restored_at: LocalDateTime | None = None
    confidential: bool = False

    @model_validator(mode="after")
    def _check(self) -> IncidentIn:
        _check_stage(self.stage, self.parent_reference)
        if self.parent_reference is not None:
            self.parent_reference = self.parent_reference.upper()
        _check_times(self.detected_at, self.restored_at)
        down, total = self.bts_down, self.bts_total
        if down is not None and total is not None and down > total:
            raise ValueError(
                f"Số trạm BTS mất liên lạc ({self.bts_down}) lớn hơn tổng số trạm ({self.bts_total})."
            )
        return self


def _check_stage(stage: str, parent: str | None) -> None:
    """An update or closing continues an incident; an initial report starts one."""
    if stage == "ban_dau" and parent is not None:
        raise ValueError("Báo cáo ban đầu không kèm mã sự cố trước (parent_reference).")
    if stage != "ban_dau" and parent is None:
        raise ValueError(
            "Báo cáo cập nhật hoặc kết thúc cần mã sự cố đã báo (parent_reference), "
            "ví dụ SC-2026-000045."
        )
    if parent is not None and not _INCIDENT_REF_RE.match(parent.upper()):
        raise ValueError(f"Mã sự cố «{parent}» không đúng dạng. Ví dụ: SC-2026-000045.")


def _check_times(detected: datetime, restored: datetime | None) -> None:
    limit = now() + FUTURE_TOLERANCE
    if detected > limit:
        raise ValueError(
            f"Thời điểm phát hiện sự cố ({_shown(detected):%H:%M %d/%m/%Y}) ở tương lai; "
            "kiểm tra lại ngày giờ."
        )
    if restored is not None and restored > limit:
        raise ValueError(
            f"Thời điểm khôi phục ({_shown(restored):%H:%M %d/%m/%Y}) ở tương lai; "
            "kiểm tra lại ngày giờ."
        )
    if restored is not None and restored < detected:
        raise ValueError("Thời điểm khôi phục sớm hơn thời điểm phát hiện sự cố.")


class ResultsReportIn(SubmissionIn):
    """A results report: a text, a file reference (already uploaded elsewhere), or both."""

    summary: OptBlock20000 = None
    file_reference: OptLine500 = None

    @model_validator(mode="after")
    def _something(self) -> ResultsReportIn:
        if self.summary is None and self.file_reference is None:
            raise ValueError("Cần nội dung báo cáo (summary) hoặc tệp đính kèm (file_reference).")
        return self


# --- what goes out --------------------------------------------------------------------------


class EnvelopeOut(BaseModel):
    """Who sent a record, when, under which reference, and whether the department has it."""

    model_config = ConfigDict(from_attributes=True)

    reference: str
    kind: str
    submitter_channel: str
    submitter_id: str
    submitter_name: str | None
    organisation: str
    province: str
    directive_id: int | None
    created_at: Shown
    forward_status: str | None
    forwarded_at: Shown | None


class RosterEntryOut(BaseModel):
    """One roster line with its submission's reference and submitter (lists and on-duty)."""

    model_config = ConfigDict(from_attributes=True)

    reference: str
    line_no: int
    organisation: str
    province: str
    duty_type: str
    duty_date: date
    lunar_text: str | None
    shift_start: time | None
    shift_end: time | None
    all_day: bool
    overnight: bool
    full_name: str
    position: str
    phone_e164: str
    phone_display: str
    email: str | None
    substitute: str | None
    note: str | None
    submitter_channel: str
    submitter_id: str
    submitter_name: str | None
    created_at: Shown

    @computed_field  # type: ignore[prop-decorator]  # mypy cannot type decorated properties
    @property
    def duty_type_label(self) -> str:
        return DUTY_TYPES.get(self.duty_type, self.duty_type)

    @computed_field  # type: ignore[prop-decorator]  # mypy cannot type decorated properties
    @property
    def shift_text(self) -> str:
        return shift_text(self.shift_start, self.shift_end, self.all_day, self.overnight)


class RosterSubmissionOut(EnvelopeOut):
    entries: list[RosterEntryOut]
    duplicate: bool = False


class IncidentOut(EnvelopeOut):
    stage: str
    parent_reference: str | None
    contact_name: str
    contact_phone_e164: str
    contact_phone_display: str
    category: str
    detected_at: Shown
    area: str
    services_affected: str
    bts_down: int | None
    bts_total: int | None
    routes_cut: int | None
    subscribers_affected: int | None
    severity: str
    description: str
    cause: str | None
    actions_taken: str | None
    support_needed: str | None
    restored_at: Shown | None
    confidential: bool


class IncidentCreated(IncidentOut):
    duplicate: bool = False
    alert: bool = False


class ResultsReportOut(EnvelopeOut):
    summary: str
    file_reference: str | None
    deadline: Shown | None
    late: bool


class ResultsReportCreated(ResultsReportOut):
    duplicate: bool = False


class AlertOut(BaseModel):
    id: int
    created_at: Shown
    delivered_at: Shown | None
    incident: IncidentOut


def shift_text(start: time | None, end: time | None, all_day: bool, overnight: bool) -> str:
    """How a roster writes a shift: "24/24", "07:30–17:00", "22:00–06:00 (qua đêm)"."""
    if all_day:
        return "24/24"
    if start is None or end is None:
        return ""
    text = f"{start:%H:%M}–{end:%H:%M}"
    return f"{text} (qua đêm)" if overnight else text


# --- Vietnamese validation messages ---------------------------------------------------------

LABELS: dict[str, str] = {
    "idempotency_key": "Mã chống gửi trùng (idempotency_key)",
    "submitter_channel": "Kênh gửi (submitter_channel)",
    "submitter_id": "Mã người gửi (submitter_id)",
    "submitter_name": "Tên người gửi",
    "organisation": "Đơn vị",
    "province": "Tỉnh/thành phố",
    "directive_id": "Mã công văn (directive_id)",
    "entries": "Danh sách cán bộ trực",
    "duty_type": "Loại trực",
    "duty_date": "Ngày trực",
    "lunar_text": "Ngày âm lịch",
    "shift": "Ca trực",
    "shift_start": "Giờ bắt đầu ca",
    "shift_end": "Giờ kết thúc ca",
    "all_day": "Trực 24/24 (all_day)",
    "overnight": "Ca qua đêm (overnight)",
    "full_name": "Họ và tên",
    "position": "Chức vụ",
    "phone": "Số điện thoại",
    "email": "Email",
    "substitute": "Người thay thế",
    "note": "Ghi chú",
    "stage": "Giai đoạn báo cáo",
    "parent_reference": "Mã sự cố đã báo (parent_reference)",
    "contact_name": "Người liên hệ",
    "contact_phone": "Số điện thoại liên hệ",
    "category": "Loại sự cố",
    "detected_at": "Thời điểm phát hiện",
    "area": "Khu vực ảnh hưởng",
    "services_affected": "Dịch vụ bị ảnh hưởng",
    "bts_down": "Số trạm BTS mất liên lạc",
    "bts_total": "Tổng số trạm BTS",
    "routes_cut": "Số tuyến cáp bị đứt",
    "subscribers_affected": "Số thuê bao bị ảnh hưởng",
    "severity": "Mức độ",
    "description": "Mô tả sự cố",
    "cause": "Nguyên nhân",
    "actions_taken": "Biện pháp đã thực hiện",
    "support_needed": "Đề xuất hỗ trợ",
    "restored_at": "Thời điểm khôi phục",
    "confidential": "Mật (confidential)",
    "summary": "Nội dung báo cáo",
    "file_reference": "Tệp đính kèm",
    "date_from": "Từ ngày (date_from)",
    "date_to": "Đến ngày (date_to)",
    "at": "Thời điểm (at)",
    "format": "Định dạng (format)",
    "limit": "Số dòng tối đa (limit)",
    "offset": "Vị trí bắt đầu (offset)",
    # profiles, staff, subscriptions, broadcasts, the outbox and reminders (store.outreach)
    "channel": "Kênh (channel)",
    "user_id": "Mã người dùng (user_id)",
    "chat_id": "Mã cuộc trò chuyện (chat_id)",
    "chat_type": "Loại cuộc trò chuyện (chat_type)",
    "username": "Tên người dùng (username)",
    "display_name": "Tên hiển thị",
    "declared_role": "Vai trò",
    "sector": "Lĩnh vực",
    "name": "Họ và tên",
    "granted_by": "Người cấp quyền (granted_by)",
    "action": "Hành động (action)",
    "allowed": "Được phép (allowed)",
    "detail": "Chi tiết",
    "reason": "Lý do (reason)",
    "created_by": "Người tạo (created_by)",
    "audience_kind": "Đối tượng nhận",
    "audience_value": "Giá trị đối tượng nhận",
    "text": "Nội dung",
    "progress_chat_id": "Cuộc trò chuyện theo dõi tiến độ",
    "progress_message_id": "Tin nhắn tiến độ",
    "items": "Danh sách tin nhắn",
    "results": "Danh sách kết quả",
    "kind": "Loại (kind)",
    "dedupe_key": "Mã chống gửi trùng (dedupe_key)",
    "parse_mode": "Kiểu định dạng (parse_mode)",
    "status": "Trạng thái (status)",
    "error": "Lỗi (error)",
    "retry_after": "Thời gian chờ gửi lại (retry_after)",
    "lease": "Thời hạn giữ tin (lease)",
    "now": "Thời điểm (now)",
    "id": "Mã (id)",
    "broadcast_id": "Mã thông báo",
    "item_id": "Mã tin nhắn",
}

_TYPE_MESSAGES: dict[str, str] = {
    "missing": "Thiếu {label}.",
    "string_too_short": "{label} không được để trống.",
    "string_too_short_n": "{label} cần ít nhất {min_length} ký tự.",
    "string_too_long": "{label} dài quá {max_length} ký tự.",
    "too_short": "{label} cần ít nhất {min_length} dòng.",
    "too_long": "{label} tối đa {max_length} dòng mỗi lần gửi.",
    "literal_error": "{label} «{input}» không hợp lệ; chọn một trong: {expected}.",
    "enum": "{label} «{input}» không hợp lệ; chọn một trong: {expected}.",
    "date_parsing": "{label} «{input}» phải là ngày dạng YYYY-MM-DD, ví dụ 2026-02-17.",
    "date_from_datetime_parsing": "{label} «{input}» phải là ngày dạng YYYY-MM-DD, ví dụ 2026-02-17.",
    "date_from_datetime_inexact": "{label} «{input}» phải là ngày dạng YYYY-MM-DD, ví dụ 2026-02-17.",
    "date_type": "{label} phải là ngày dạng YYYY-MM-DD, ví dụ 2026-02-17.",
    "time_parsing": "{label} «{input}» phải là giờ dạng HH:MM, ví dụ 07:30.",
    "time_type": "{label} phải là giờ dạng HH:MM, ví dụ 07:30.",
    "datetime_parsing": "{label} «{input}» phải là ngày giờ dạng 2026-02-17T08:30:00+07:00.",
    "datetime_from_date_parsing": "{label} «{input}» phải là ngày giờ dạng 2026-02-17T08:30:00+07:00.",
    "datetime_type": "{label} phải là ngày giờ dạng 2026-02-17T08:30:00+07:00.",
    "int_parsing": "{label} phải là số nguyên.",
    "int_type": "{label} phải là số nguyên.",
    "int_from_float": "{label} phải là số nguyên.",
    "float_parsing": "{label} phải là một số.",
    "float_type": "{label} phải là một số.",
    "greater_than_equal": "{label} không được nhỏ hơn {ge}.",
    "less_than_equal": "{label} không được lớn hơn {le}.",
    "bool_parsing": "{label} phải là true hoặc false.",
    "bool_type": "{label} phải là true hoặc false.",
    "string_type": "{label} phải là chuỗi ký tự.",
    "string_pattern_mismatch": "{label} «{input}» không đúng dạng (chữ thường không dấu, số, - hoặc _).",
    "list_type": "{label} phải là một danh sách.",
    "extra_forbidden": "Trường «{field}» không được hỗ trợ.",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ.",
    "model_attributes_type": "Nội dung gửi lên phải là một đối tượng JSON.",
    "dict_type": "Nội dung gửi lên phải là một đối tượng JSON.",
    "model_type": "Nội dung gửi lên phải là một đối tượng JSON.",
}


def vietnamese_message(error: dict[str, Any]) -> str:
    """One pydantic/FastAPI validation error as a sentence a duty officer can act on."""
    loc = [part for part in error.get("loc", ()) if part not in ("body", "query")]
    rows = [part for part in loc if isinstance(part, int)]
    names = [str(part) for part in loc if isinstance(part, str)]
    field = names[-1] if names else ""
    listed = "entries" in names or "organisations" in names
    prefix = f"Dòng {rows[0] + 1}: " if rows and listed else ""
    ctx = error.get("ctx") or {}
    if error.get("type") == "value_error" and "error" in ctx:
        return prefix + str(ctx["error"])
    kind = str(error.get("type", ""))
    if kind.endswith("_type") and error.get("input", "") is None:
        kind = "missing"  # null sent for a required value
    if kind in ("too_long", "too_short") and ctx.get("field_type") != "List":
        kind = "string_" + kind  # a length constraint applied after a cleaning validator
    if kind == "string_too_short" and int(ctx.get("min_length", 1)) > 1:
        kind = "string_too_short_n"
    template = _TYPE_MESSAGES.get(kind)
    label = LABELS.get(field, field or "Nội dung")
    if "organisations" in names and field == "name":
        label = "Tên đơn vị"
    if template is None:
        return f"{prefix}{label}: {error.get('msg', '')}"
    shown = str(error.get("input", ""))
    if "expected" in ctx:
        ctx = {**ctx, "expected": str(ctx["expected"]).replace(" or ", " hoặc ")}
    values = {
        "label": label,
        "field": field,
        "input": shown[:60],
        **{k: str(v) for k, v in ctx.items()},
    }
    return prefix + template.format_map(_Missing(values))


class _Missing(dict[str, str]):
    """format_map helper: an unknown placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# --- building responses from rows -----------------------------------------------------------


def _fields(model: type[BaseModel], *sources: object, **given: Any) -> dict[str, Any]:
    """Values for model's fields: given ones first, then the first source having the attribute."""
    values = dict(given)
    for name in model.model_fields:
        if name in values:
            continue
        for source in sources:
            if source is not None and hasattr(source, name):
                values[name] = getattr(source, name)
                break
    return values


def roster_entry_out(entry: RosterEntry) -> RosterEntryOut:
    return RosterEntryOut.model_validate(_fields(RosterEntryOut, entry, entry.submission))


def roster_out(submission: Submission, duplicate: bool = False) -> RosterSubmissionOut:
    entries = [roster_entry_out(entry) for entry in submission.entries]
    values = _fields(RosterSubmissionOut, submission, entries=entries, duplicate=duplicate)
    return RosterSubmissionOut.model_validate(values)


def incident_out(
    submission: Submission, model: type[IncidentOut] = IncidentOut, **given: Any
) -> IncidentOut:
    incident = submission.incident
    parent = incident.parent.reference if incident and incident.parent else None
    values = _fields(model, incident, submission, parent_reference=parent, **given)
    return model.model_validate(values)


def results_out(
    submission: Submission, model: type[ResultsReportOut] = ResultsReportOut, **given: Any
) -> ResultsReportOut:
    values = _fields(model, submission.results_report, submission, **given)
    return model.model_validate(values)


def record_out(submission: Submission) -> BaseModel:
    """The record as the API shows it, whatever its kind (what the webhook sends)."""
    if submission.kind == "roster":
        return roster_out(submission)
    if submission.kind == "incident":
        return incident_out(submission)
    return results_out(submission)
