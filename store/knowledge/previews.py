"""What was understood from a document, for staff to check before it goes live.

One preview for every way of loading (make ingest, the store API, a file sent to the bot, the web
page): the same fields, and the same Vietnamese wording in ``text``.
"""

from __future__ import annotations

from store.knowledge import parser
from store.knowledge.citation import Source, citation_of, issued_text, issuer_phrase
from store.knowledge.vocabulary import DOC_LABELS, DocKind
from store.schemas import (
    DirectivePreview,
    PreviewContact,
    PreviewDeadline,
    PreviewHoliday,
    PreviewSection,
)
from vntext.audiences import AUDIENCE_LABELS
from vntext.timefmt import deadline_when

STATUS_WORDS = {
    "draft": "Bản xem trước (chưa áp dụng)",
    "created": "Đã thêm",
    "updated": "Đã cập nhật",
    "unchanged": "Không đổi",
}
PROVINCE_SOURCES = {
    "given": "do cán bộ nhập",
    "letterhead": "theo tiêu đề văn bản",
    "place": "theo dòng địa danh, ngày tháng",
    "text": "suy ra từ nội dung",
    "site": "theo địa chỉ trang web",
}
MAX_LISTED = 12


def build(
    parsed: parser.Directive,
    *,
    status: str,
    source_name: str,
    draft_id: int | None = None,
    directive_id: int | None = None,
    ocr: tuple[bool, float | None] = (False, None),
    read_warnings: list[str] | None = None,
) -> DirectivePreview:
    """The preview of a parsed document, with its chat/terminal wording."""
    source = Source.of(parsed)
    preview = DirectivePreview(
        status=status,
        draft_id=draft_id,
        directive_id=directive_id,
        source_name=source_name,
        citation=citation_of(source),
        number=parsed.number,
        issued_text=issued_text(parsed.issued.day, parsed.issued.month, parsed.issued.year),
        issuer=issuer_phrase(source),
        issuer_kind=parsed.issuer_kind,
        doc_kind=parsed.doc_kind,
        province=parsed.issuing_province,
        province_current=parsed.province,
        province_source=parsed.province_source,
        tet_year=parsed.tet_year,
        tet_name=parsed.tet_name,
        subject=parsed.subject,
        sections=[
            PreviewSection(
                heading=s.heading,
                audiences=s.audiences,
                audience_labels=[AUDIENCE_LABELS.get(c, c) for c in s.audiences],
                items=len(s.items),
                first_item=s.items[0][:200],
            )
            for s in parsed.sections
        ],
        deadlines=[
            PreviewDeadline(
                kind=d.kind,
                when=deadline_when(d.kind, d.due, d.has_time, d.starts, d.until),
                what=d.what,
                who=d.who,
                to=d.to,
                email=d.email,
            )
            for d in parsed.deadlines
        ],
        contacts=[
            PreviewContact(name=c.name, title=c.title, phone=c.phone_display, email=c.email)
            for c in parsed.contacts
        ],
        holidays=[
            PreviewHoliday(
                kind="nghi" if h in parsed.holidays else "treo_co", starts_on=h.start, ends_on=h.end
            )
            for h in [*parsed.holidays, *parsed.flag_schedule]
        ],
        legal_bases=len(parsed.legal_bases),
        passages=len(parsed.passages),
        ocr=ocr[0],
        ocr_confidence=ocr[1],
        warnings=[*(read_warnings or []), *parsed.warnings],
        text="",
    )
    preview.text = render(preview)
    return preview


def _short(text: str, words: int = 14) -> str:
    """A unit's description in a preview line: its last words, not the whole sentence."""
    parts = text.split()
    return text if len(parts) <= words + 2 else "… " + " ".join(parts[-words:])


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"  … và {len(lines) - MAX_LISTED} mục nữa"]


def render(preview: DirectivePreview) -> str:
    """The preview worded for a chat message or a terminal, Vietnamese, most useful facts first."""
    kind = DOC_LABELS.get(DocKind(preview.doc_kind), "văn bản")
    where = PROVINCE_SOURCES.get(preview.province_source, "")
    answers = (
        f"; trả lời cho {preview.province_current}"
        if preview.province_current != preview.province
        else ""
    )
    lines = [
        f"{STATUS_WORDS.get(preview.status, preview.status)}: {preview.source_name}",
        preview.citation[0].upper() + preview.citation[1:],
        f"• Cơ quan ban hành: {preview.issuer} · Loại văn bản: {kind}",
        f"• Số: {preview.number or '(không có)'} · Ngày: {preview.issued_text}",
        f"• Tỉnh/thành phố: {preview.province}" + (f" ({where})" if where else "") + answers,
        "• Dịp: "
        + (
            f"Tết {preview.tet_name} {preview.tet_year}"
            if preview.tet_year
            else "chưa xác định (hãy sửa năm)"
        ),
    ]
    if preview.subject:
        lines.append(f"• Trích yếu: {preview.subject}")
    lines.append(f"Mục nhiệm vụ ({len(preview.sections)}):")
    lines += _listed(
        [
            f"  – {s.heading} → {', '.join(s.audience_labels)} ({s.items} nhiệm vụ)"
            for s in preview.sections
        ]
    )
    lines.append(f"Thời hạn ({len(preview.deadlines)}):")
    lines += _listed([f"  – {d.what}: {d.when}" for d in preview.deadlines])
    lines.append(f"Liên hệ ({len(preview.contacts)}):")
    lines += _listed(
        [
            "  – "
            + " – ".join(_short(p) for p in (c.name, c.title) if p)
            + f": {c.phone or c.email}"
            for c in preview.contacts
        ]
    )
    if preview.holidays:
        lines.append("Lịch nghỉ, treo cờ:")
        lines += [
            f"  – {'Nghỉ Tết' if h.kind == 'nghi' else 'Treo cờ'}: "
            f"{h.starts_on:%d/%m/%Y} – {h.ends_on:%d/%m/%Y}"
            for h in preview.holidays
        ]
    lines.append(f"Căn cứ: {preview.legal_bases} văn bản · Đoạn văn để tra cứu: {preview.passages}")
    if preview.ocr:
        confidence = (
            f" (độ tin cậy {preview.ocr_confidence:.0f}%)"
            if preview.ocr_confidence is not None
            else ""
        )
        lines.append(f"Văn bản được đọc bằng OCR{confidence}: hãy kiểm tra số điện thoại, ngày.")
    if preview.warnings:
        lines.append(f"Cảnh báo ({len(preview.warnings)}):")
        lines += _listed([f"  – {w}" for w in preview.warnings])
    return "\n".join(lines)
