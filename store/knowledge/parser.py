"""Parser for provincial Tết directives in any layout: header facts, duties, deadlines, passages.

Structure is a bonus, never a gate (DESIGN.md, "Answering a directive nobody has seen yet"): a
document is refused only when it is empty or cannot be tied to a province; everything else that
cannot be read becomes a warning for the staff member who loads it. Besides the structured parts
(sections by audience, deadlines, contacts, holidays), every passage of the body is kept with its
section so answers can quote the document's own sentences when the structure has no match.

The texts are converted from PDF, Word or web pages and are messy: hard wraps (sometimes with a
blank line inside a sentence), page headers out of order, page-footer URLs, blank numbers and
days left for the signer, markdown `**bold**`. Everything works on NFC text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.knowledge.contacts import ParsedContact, extract_contacts, unwrap
from store.knowledge.deadlines import Deadline, Holiday, deadlines, holidays, sentences
from store.knowledge.header import Hints, PartialDate, read_header
from store.knowledge.layout import (
    BODY_KINDS,
    CLOSING,
    CLOSING_ITEM,
    HEADING,
    PARA,
    RECIPIENT,
    RECIPIENTS,
    SIGNATURE,
    Block,
    Passage,
    Section,
    blocks_of,
    is_name_line,
    sections_of,
    strip_item,
)
from store.knowledge.legal import LegalBasis, legal_bases
from store.knowledge.vocabulary import DocKind, IssuerKind
from vntext.audiences import GENERAL
from vntext.language import looks_vietnamese
from vntext.lunar import tet_name_of, tet_named
from vntext.normalize import nfc

__all__ = [
    "Deadline",
    "Directive",
    "DirectiveParseError",
    "Hints",
    "Holiday",
    "LegalBasis",
    "MissingProvince",
    "ParsedPassage",
    "PartialDate",
    "Section",
    "parse",
]

# Bump when parsing changes what is read: stored directives are then re-parsed at the next load.
PARSER_VERSION = 3  # 3: audience "truyen_hinh_tra_tien" became the sector code "truyen_hinh"
MIN_WORDS = 25
PASSAGE_WORDS = 60


class DirectiveParseError(ValueError):
    """The text is empty or not a document we can read; the message says what to add."""


class MissingProvince(DirectiveParseError):
    """Nothing in the document names its province: staff must say which one."""


@dataclass(frozen=True)
class ParsedPassage:
    """A sentence or short paragraph of the document, with its section, for retrieval."""

    text: str
    heading: str | None
    audiences: tuple[str, ...]


@dataclass
class Directive:
    """Everything the bot answers from one directive; all text is NFC."""

    issuing_province: str
    province: str
    department: str
    number: str
    issued: PartialDate
    subject: str
    tet_name: str | None = None
    tet_year: int | None = None
    issuer_kind: str = IssuerKind.OTHER.value
    doc_kind: str = DocKind.CONG_VAN.value
    province_source: str = ""
    restates: str | None = None
    source_title: str | None = None
    source_site: str | None = None
    published: str | None = None
    legal_bases: list[LegalBasis] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    contacts: list[ParsedContact] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    flag_schedule: list[Holiday] = field(default_factory=list)
    passages: list[ParsedPassage] = field(default_factory=list)
    signer: str | None = None
    warnings: list[str] = field(default_factory=list)

    # The issue date under the names a stored directive uses, so citations read both alike.
    @property
    def issued_day(self) -> int | None:
        return self.issued.day

    @property
    def issued_month(self) -> int | None:
        return self.issued.month

    @property
    def issued_year(self) -> int | None:
        return self.issued.year

    def __eq__(self, other: object) -> bool:
        """Equal when every read fact is equal (sections compare by heading, audiences, items)."""
        if not isinstance(other, Directive):
            return NotImplemented
        return _comparable(self) == _comparable(other)


def _comparable(directive: Directive) -> tuple[object, ...]:
    sections = [(s.heading, s.audiences, s.items) for s in directive.sections]
    rest = {k: v for k, v in directive.__dict__.items() if k != "sections"}
    return (sections, sorted(rest.items(), key=lambda kv: kv[0]).__repr__())


def _recipients(blocks: list[Block]) -> list[str]:
    """The 'Kính gửi:' addressees: inline ones split on ';' and the bullet lines under it."""
    found: list[str] = []
    for block in blocks:
        if block.kind == RECIPIENTS:
            found.extend(block.text.split(";"))
        elif block.kind == RECIPIENT:
            found.append(block.text)
    return [name for name in (strip_item(part).rstrip(".") for part in found) if name]


def _signer(blocks: list[Block]) -> str | None:
    """The name under the signature: the first name line after the signature block ("KT. GIÁM
    ĐỐC / PHÓ GIÁM ĐỐC / (Đã ký)"), else the last name line of the document."""
    for index, block in enumerate(blocks):
        if block.kind != SIGNATURE:
            continue
        for following in blocks[index + 1 : index + 4]:
            if following.kind in (PARA, CLOSING_ITEM, HEADING) and is_name_line(following.text):
                return following.text
    for block in reversed(blocks[-4:]):
        if block.kind in (PARA, CLOSING_ITEM) and is_name_line(block.text):
            return block.text
    return None


_SIGN_TITLE_RE = re.compile(
    r"(?<!\w)(?:KT|TM|TL|TUQ)\s*\.|GIÁM ĐỐC|CHỦ TỊCH|CHÁNH VĂN PHÒNG|TRƯỞNG (?:PHÒNG|BAN)"
)
_TRAILING_NAME_RE = re.compile(
    r"(?:^|[\s.;:|,)])(?P<name>(?:[A-ZĐÀ-Ỹ][^\W\d_A-ZĐ]*\s+){1,5}[A-ZĐÀ-Ỹ][^\W\d_A-ZĐ]*)\s*$"
)
_NOT_SIGNER_RE = re.compile(r"^(?:Người soạn|Người liên hệ|Liên hệ|Đầu mối|Chuyên viên)", re.I)


def _signer_in_lines(text: str) -> str | None:
    """The name that ends a line soon after the signature title, whatever the layout put beside
    it ("- Lưu: VT, BCVT.   Lương Văn Khánh", "- Lưu: VT. | Vũ Đình Khiêm")."""
    lines = [line.replace("**", "").strip() for line in nfc(text).splitlines()]
    closing = [i for i, line in enumerate(lines) if re.match(r"^Nơi\s+nhận", line)]
    titles = [i for i, line in enumerate(lines) if _SIGN_TITLE_RE.search(line)]
    if not titles:
        return None
    start = closing[-1] if closing else titles[-1]
    for line in lines[start : start + 14]:
        if not line or _NOT_SIGNER_RE.match(line) or line.upper() == line:
            continue
        match = _TRAILING_NAME_RE.search(line.split(" | ")[-1])
        if match and is_name_line(match["name"]) and len(match["name"].split()) >= 2:
            return match["name"]
    return None


def _chunks(text: str) -> list[str]:
    """A passage per short paragraph; long ones split into groups of sentences."""
    if len(text.split()) <= PASSAGE_WORDS:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences(text):
        if current and len(" ".join([*current, sentence]).split()) > PASSAGE_WORDS:
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


def _heading_path(section: Section | None) -> str | None:
    names = []
    while section is not None:
        names.append(section.heading)
        section = section.parent
    return " › ".join(reversed(names)) or None


def _audiences_of(section: Section | None) -> tuple[str, ...]:
    while section is not None:
        if section.audiences != [GENERAL]:
            return tuple(section.audiences)
        section = section.parent
    return (GENERAL,)


_CITING_RE = re.compile(
    r"^(?:Căn cứ|Thực hiện (?:Chỉ thị|Công văn|Văn bản|Kế hoạch|Quyết định|Thông báo|Công điện))"
    r"\b[^:]*$"
)


def _passages(passages: list[Passage]) -> list[ParsedPassage]:
    """Every passage of the body for retrieval, each at most about PASSAGE_WORDS words.

    The paragraphs that only cite other documents ("Căn cứ Chỉ thị số …") are left out: every
    directive has them, they share every question's Tết words, and the directive's own facts
    answer "căn cứ văn bản nào"."""
    found = []
    for passage in passages:
        if _CITING_RE.match(passage.text):
            continue
        heading, audiences = _heading_path(passage.section), _audiences_of(passage.section)
        found += [ParsedPassage(chunk, heading, audiences) for chunk in _chunks(passage.text)]
    return found


_PHONE_HINT_RE = re.compile(
    r"(?<!\w)(?:ĐT|SĐT|[Đđ]iện thoại|[Hh]otline|[Đđ]ường dây nóng)\s*:?\s*(?:số\s*)?"
    r"(?P<raw>\+?\d[\d.\s-]{2,}\d)"
)


def _phone_warnings(flat: str, contacts: list[ParsedContact]) -> list[str]:
    """Labelled phone numbers that phonenumbers did not recognise (too short, typos...)."""
    known = {re.sub(r"\D", "", c.phone_display or "") for c in contacts}
    warnings = []
    for match in _PHONE_HINT_RE.finditer(flat):
        digits = re.sub(r"\D", "", match["raw"])
        if digits not in known and not any(digits in k or k in digits for k in known if k):
            warnings.append(f"Không đọc được số điện thoại: «{match.group(0).strip()}»")
    return warnings


def check_readable(text: str) -> None:
    """Refuse what cannot be a directive at all: (almost) empty, or not Vietnamese."""
    words = re.findall(r"\w+", text)
    if len(words) < MIN_WORDS:
        raise DirectiveParseError(
            "Văn bản gần như trống (chưa tới 25 từ) nên chưa nạp được. Hãy gửi toàn văn công văn "
            "(.docx, .pdf, .txt hoặc trang web đã lưu)."
        )
    if not looks_vietnamese(text):
        raise DirectiveParseError(
            "Văn bản có vẻ không phải tiếng Việt nên chưa nạp được. Hãy gửi bản tiếng Việt của "
            "công văn (.docx, .pdf, .txt hoặc trang web đã lưu)."
        )


def _missing_province() -> MissingProvince:
    return MissingProvince(
        "Không xác định được văn bản này của tỉnh/thành phố nào (không có dòng «UBND tỉnh …», "
        "«Sở … tỉnh …» hay địa danh, ngày tháng). Hãy cho biết tỉnh: với make ingest thêm "
        'PROVINCE="Tên tỉnh", với API gửi trường province, trên Telegram chọn tỉnh khi bot hỏi.'
    )


def parse(text: str, hints: Hints | None = None) -> Directive:
    """Parse one directive; raise DirectiveParseError when it is empty or has no province."""
    hints = hints or Hints()
    check_readable(text)
    blocks = blocks_of(text)
    warnings: list[str] = []
    flat = unwrap(text.replace("**", ""))
    header = read_header(blocks, flat, hints, warnings)
    if header.mention is None:
        raise _missing_province()
    closing = next((i for i, b in enumerate(blocks) if b.kind == CLOSING), len(blocks))
    body = [b for b in blocks if b.kind in BODY_KINDS]
    recipients = _recipients(blocks[:closing])
    sections, passages = sections_of(body)
    contacts = extract_contacts(text)
    days_off, flags = holidays(passages, header.tet_year, warnings)
    found_deadlines = deadlines(passages, header.tet_year, recipients, warnings, days_off)
    tet_name = tet_name_of(header.tet_year) if header.tet_year else tet_named(header.subject, flat)
    warnings += _missing_facts(header.number, header.issued, header.tet_year, sections)
    return Directive(
        issuing_province=header.mention.named,
        province=header.mention.current,
        department=header.issuer_name,
        number=header.number,
        issued=header.issued,
        subject=header.subject,
        tet_name=tet_name,
        tet_year=header.tet_year,
        issuer_kind=header.issuer_kind.value,
        doc_kind=header.doc_kind.value,
        province_source=header.province_source,
        restates=header.restates,
        source_title=header.source_title,
        source_site=header.source_site,
        published=header.published.isoformat() if header.published else None,
        legal_bases=legal_bases([b.text for b in body], warnings),
        recipients=recipients,
        sections=sections,
        deadlines=found_deadlines,
        contacts=contacts,
        holidays=days_off,
        flag_schedule=flags,
        passages=_passages(passages),
        signer=None
        if header.doc_kind == DocKind.BAI_VIET  # an article has an author, not a signer
        else _signer(blocks) or _signer_in_lines(text),
        warnings=[*warnings, *_phone_warnings(flat, contacts)],
    )


def _missing_facts(
    number: str, issued: PartialDate, tet_year: int | None, sections: list[Section]
) -> list[str]:
    """What staff should know is absent (the bot still answers from the text)."""
    notes = []
    if not number:
        notes.append("Không thấy số hiệu văn bản («Số: …»); trích dẫn sẽ không có số.")
    if issued.year is None:
        notes.append("Không thấy ngày ban hành; trích dẫn sẽ không có ngày.")
    if tet_year is None:
        notes.append("Không xác định được dịp Tết (năm); hãy sửa năm trong bản xem trước.")
    if not any(s.audiences != [GENERAL] for s in sections):
        notes.append(
            "Không thấy mục nhiệm vụ riêng cho loại đơn vị nào; trợ lý sẽ trả lời bằng cách "
            "trích các đoạn văn bản phù hợp."
        )
    return notes
