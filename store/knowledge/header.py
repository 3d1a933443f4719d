"""Header facts of a directive: number, date, issuer, kind, province, subject and Tết year.

None of these is required. A portal page that restates a directive has no "Số:" line and no
place-and-date line; a UBND letter's place line may name a city rather than the province. Each
fact is taken from the most reliable place that has it (what staff said, the letterhead, the
number's symbol, the place line, the signature block, the text) and left blank otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from store.knowledge.layout import (
    DOC_TITLES,
    HEADER,
    PARA,
    SIGNATURE,
    SUBJECT,
    TITLE,
    Block,
    is_upper_line,
)
from store.knowledge.vocabulary import (
    ISSUER_CODES,
    ISSUER_NAMES,
    KIND_CODES,
    DocKind,
    IssuerKind,
    issuer_kind,
)
from vntext.lunar import tet_name_of, tet_named
from vntext.normalize import fold
from vntext.provinces import ProvinceMention, mentions_in_text, resolve


@dataclass(frozen=True)
class PartialDate:
    """An issue date as typed: the signer often leaves the day (or day and month) blank."""

    day: int | None = None
    month: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Hints:
    """What staff told us about a document, and what its container said (a web page's metadata).

    Given facts win over what the text suggests: staff correct the province, Tết year or issuer
    in the preview.
    """

    province: str | None = None
    tet_year: int | None = None
    issuer: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Header:
    number: str = ""
    issued: PartialDate = PartialDate()
    issuer_kind: IssuerKind = IssuerKind.OTHER
    issuer_name: str = ""
    doc_kind: DocKind = DocKind.CONG_VAN
    mention: ProvinceMention | None = None
    province_source: str = ""
    subject: str = ""
    tet_year: int | None = None
    restates: str | None = None
    source_title: str | None = None
    source_site: str | None = None
    published: date | None = None


_NUMBER_RE = re.compile(
    r"Số\s*[:.]?\s*(?P<no>\d*)\s*/\s*(?P<symbol>[A-ZĐ][A-Za-zĐ&]*(?:\s*-\s*[A-ZĐ][A-Za-zĐ0-9&]*)*)"
)
# The place is the capitalised words right before ", ngày" ("… /STTTT-BCVT Yên Bái, ngày …").
_PLACE_DATE_RE = re.compile(
    r"(?<![\w&-])(?P<place>(?:[A-ZĐÀ-Ỹ][^\W\dA-ZĐ]*(?=[\s,])(?:\s+-\s+|\s+)?){1,6}?),\s*(?P<date>ngày\b[^,;]{0,30}?"
    r"năm\s*\d{4}|ngày\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})"
)
_DATE_PART_RE = {
    "day": re.compile(r"ngày\s+(\d{1,2})\b"),
    "month": re.compile(r"tháng\s+(\d{1,2})\b"),
    "year": re.compile(r"năm\s+(\d{4})\b"),
}
_SLASH_DATE_RE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_SUBJECT_TAIL_RE = re.compile(r"\s+(?:CỘNG H(?:OÀ|ÒA)|Kính gửi\s*:).*$")
_ORG_LINE_RE = re.compile(
    r"^(?:UBND|[UỦ]Y BAN NHÂN DÂN|SỞ|VĂN PHÒNG|BỘ|BAN|TRUNG TÂM|PHÒNG|CỤC|THANH TRA)\b"
)
_PLACE_LINE_RE = re.compile(r"^(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG)\b")
_ISSUER_TEXT = (
    (r"sở khoa học và công nghệ|sở kh&cn|sở khcn", IssuerKind.SO_KHCN),
    (r"sở thông tin và truyền thông|sở tt&tt|sở tttt", IssuerKind.SO_TTTT),
    (r"văn phòng (?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)", IssuerKind.VP_UBND),
    (r"(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(?:tỉnh|thành phố)", IssuerKind.UBND),
)
_ACTS = r"(?:vừa\s+|đã\s+|mới\s+)?(?:ban hành|có văn bản|có công văn|đề nghị|yêu cầu|thông báo|chỉ đạo|triển khai)"
_RESTATED_RE = re.compile(
    r"(?P<kind>[Cc]ông văn|[Vv]ăn bản|[Kk]ế hoạch|[Tt]hông báo|[Cc]hỉ thị|[Cc]ông điện|"
    r"[Hh]ướng dẫn)\s+(?:số\s+)?(?P<number>\d+\s*/\s*[A-ZĐ][A-Za-zĐ0-9&]*(?:-[A-ZĐ][A-Za-zĐ0-9&]*)*)"
    r"(?:\s+ngày\s+(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?"
)
_YEAR_AFTER_TET_RE = re.compile(r"\btết\b[^.;\n]{0,40}?\b(20\d\d)\b", re.IGNORECASE)
_PORTAL_CUES_RE = re.compile(
    r"\b(?:vừa ban hành|đã ban hành|vừa có văn bản|vừa có công văn|theo đó|cổng thông tin|"
    r"bài viết|tin bài)\b",
    re.IGNORECASE,
)


def _letterhead(blocks: list[Block]) -> list[str]:
    """Upper-case organisation lines above the body, with the right-hand motto cut off; a line
    "TỈNH THANH HÓA" under "ỦY BAN NHÂN DÂN" completes it."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == HEADER and is_upper_line(block.text):
            text = re.split(r"\s+(?:CỘNG H(?:OÀ|ÒA)|ĐỘC LẬP)\b", block.text)[0].strip()
            if _ORG_LINE_RE.match(text):
                lines.append(text)
            elif lines and _PLACE_LINE_RE.match(text):
                lines[-1] = f"{lines[-1]} {text}"
        elif block.kind not in (HEADER, SUBJECT, TITLE):
            break
    return lines


def _partial_date(date_text: str, warnings: list[str]) -> PartialDate:
    """Day, month and year as far as the signer filled them in."""
    day: int | None
    month: int | None
    year: int | None
    if slash := _SLASH_DATE_RE.search(date_text):
        day, month, year = (int(part) for part in slash.groups())
    else:
        found = [rx.search(date_text) for rx in _DATE_PART_RE.values()]
        day, month, year = (int(m.group(1)) if m else None for m in found)
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        warnings.append(f"Ngày ban hành không hợp lệ: «{date_text}»")
        return PartialDate(None, None, year)
    return PartialDate(day, month, year)


def _number(blocks: list[Block]) -> tuple[str, str]:
    """(number as written without spaces, symbol) from the "Số:" line; blanks stay blank."""
    for block in blocks:
        if block.kind == HEADER and (match := _NUMBER_RE.search(block.text)):
            symbol = re.sub(r"\s+", "", match["symbol"])
            return f"{match['no']}/{symbol}", symbol
    return "", ""


def _place_date(blocks: list[Block]) -> re.Match[str] | None:
    for block in blocks:
        if block.kind == HEADER and (match := _PLACE_DATE_RE.search(block.text)):
            return match
    return None


def _symbol_parts(symbol: str) -> list[str]:
    return [part.upper() for part in re.split(r"[-/]", symbol) if part]


def _issuer_from_letterhead(lines: list[str]) -> tuple[IssuerKind, str] | None:
    """The lowest organisation line of the letterhead is the issuer; the one above its parent."""
    if not lines:
        return None
    own = fold(lines[-1])
    parent = fold(lines[-2]) if len(lines) > 1 else ""
    if own.startswith("van phong") and ("ubnd" in parent or "uy ban" in parent or len(own) < 12):
        return IssuerKind.VP_UBND, ISSUER_NAMES[IssuerKind.VP_UBND]
    if own.startswith("so khoa hoc"):
        return IssuerKind.SO_KHCN, ISSUER_NAMES[IssuerKind.SO_KHCN]
    if own.startswith("so thong tin"):
        return IssuerKind.SO_TTTT, ISSUER_NAMES[IssuerKind.SO_TTTT]
    if re.match(r"^(?:ubnd|uy ban nhan dan)\s+(?:tinh|thanh pho)\b", own):
        return IssuerKind.UBND, ISSUER_NAMES[IssuerKind.UBND]
    if re.match(r"^(?:ubnd|uy ban nhan dan)\s+(?:huyen|quan|thi xa|xa|phuong|thi tran)\b", own):
        return IssuerKind.OTHER, _proper_case(lines[-1]).replace("Ủy ban nhân dân", "UBND")
    name = _proper_case(lines[-1])
    if parent and not own.startswith(("ubnd", "uy ban", "bo ")):
        name = f"{name} – {_proper_case(lines[-2])}"
    return IssuerKind.OTHER, name


_ACRONYMS = {"UBND", "HĐND", "KH&CN", "TT&TT", "CNTT", "BCVT", "VHTT", "VH&TT", "TTTT", "KHCN"}
_LEVEL_WORDS = ("TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG", "PHỐ", "TRẤN")


def _proper_case(line: str) -> str:
    """ "UBND HUYỆN GÒ DẦU" -> "UBND huyện Gò Dầu": acronyms keep capitals, place names after an
    administrative level ("huyện", "tỉnh", "thành phố") are capitalised, the rest lower case."""
    out = []
    in_place = False
    for index, word in enumerate(line.split()):
        if word in _ACRONYMS:
            out.append(word)
        elif in_place:
            out.append(word[:1] + word[1:].lower())
        else:
            lowered = word.lower()
            out.append(lowered.capitalize() if index == 0 else lowered)
        in_place = in_place or word in _LEVEL_WORDS
    return " ".join(out)


def _issuer_from_signature(blocks: list[Block]) -> IssuerKind | None:
    signature = " ".join(b.text for b in blocks if b.kind == SIGNATURE).upper()
    if "CHÁNH VĂN PHÒNG" in signature:
        return IssuerKind.VP_UBND
    if "ỦY BAN NHÂN DÂN" in signature or "UỶ BAN NHÂN DÂN" in signature or "CHỦ TỊCH" in signature:
        return IssuerKind.UBND
    return None


def _issuer_from_text(flat: str) -> IssuerKind | None:
    """The organisation that acts in the text: "Sở KH&CN tỉnh X vừa ban hành …", "UBND tỉnh đề nghị"."""
    lowered = flat.lower()
    hits = []
    for pattern, kind in _ISSUER_TEXT:
        rx = re.compile(
            rf"(?:{pattern})(?:\s+(?:tỉnh|thành phố)\s+[^\s,.;]+(?:\s+[^\s,.;]+)?)?\s+{_ACTS}"
        )
        if match := rx.search(lowered):
            hits.append((match.start(), kind))
    return min(hits)[1] if hits else None


def _first_named_department(flat: str) -> IssuerKind | None:
    hits = []
    for pattern, kind in _ISSUER_TEXT[:2]:
        if match := re.search(pattern, flat.lower()):
            hits.append((match.start(), kind))
    return min(hits)[1] if hits else None


def issuer_of(
    blocks: list[Block], symbol: str, flat: str, hints: Hints
) -> tuple[IssuerKind, str, str]:
    """(kind, full name, where it came from); never labels a UBND letter as a Sở's."""
    if hinted := issuer_kind(hints.issuer):
        name = ISSUER_NAMES.get(hinted, hints.issuer or "")
        return hinted, name, "given"
    if hints.issuer:
        return IssuerKind.OTHER, hints.issuer.strip(), "given"
    letterhead = _issuer_from_letterhead(_letterhead(blocks))
    coded = [ISSUER_CODES[p] for p in _symbol_parts(symbol) if p in ISSUER_CODES]
    local = letterhead is not None and bool(
        re.search(r"\b(?:huyen|quan|thi xa|xa|phuong|thi tran)\b", fold(letterhead[1]))
    )
    if letterhead and (letterhead[0] != IssuerKind.OTHER or local):
        return (*letterhead, "letterhead")
    if coded:
        kind = coded[-1] if IssuerKind.VP_UBND not in coded else IssuerKind.VP_UBND
        return kind, ISSUER_NAMES[kind], "number"
    if letterhead:
        return (*letterhead, "letterhead")
    for found in (_issuer_from_signature(blocks), _issuer_from_text(flat)):
        if found is not None:
            return found, ISSUER_NAMES.get(found, ""), "text"
    if department := _first_named_department(flat):
        return department, ISSUER_NAMES[department], "text"
    return IssuerKind.OTHER, "", ""


def doc_kind_of(blocks: list[Block], symbol: str, flat: str, hints: Hints) -> DocKind:
    """Kế hoạch, thông báo … from the title line or the number; a web page restating one is an article."""
    for part in _symbol_parts(symbol)[:1]:
        if part in KIND_CODES:
            return KIND_CODES[part]
    for block in blocks:
        if block.kind == TITLE:
            return DocKind(DOC_TITLES[block.text])
    has_header = any(b.kind == HEADER and _NUMBER_RE.search(b.text) for b in blocks)
    if hints.meta.get("url") or hints.meta.get("site_name"):
        return DocKind.BAI_VIET
    if not has_header and _place_date(blocks) is None and _PORTAL_CUES_RE.search(flat):
        return DocKind.BAI_VIET
    return DocKind.CONG_VAN


def _province_in_text(flat: str) -> ProvinceMention | None:
    """The province the text is about: "tỉnh X" / "thành phố X" mentions outweigh bare names."""
    folded = fold(flat)
    scores: Counter[str] = Counter()
    first: dict[str, int] = {}
    named: dict[str, ProvinceMention] = {}
    for start, _, mention in mentions_in_text(flat):
        before = folded[max(0, start - 12) : start]
        weight = 3 if re.search(r"(?:tinh|thanh pho|tp\.?)\s*$", before) else 1
        scores[mention.named] += weight
        first.setdefault(mention.named, start)
        named[mention.named] = mention
    if not scores:
        return None
    best = max(scores, key=lambda name: (scores[name], -first[name]))
    return named[best]


def _province_in_site(meta: dict[str, str]) -> ProvinceMention | None:
    """ "sokhcn.nghean.gov.vn" names Nghệ An: a province's name, spaces dropped, in the host."""
    for _, _, named in mentions_in_text(meta.get("site_name") or ""):
        return named
    host = (meta.get("url") or meta.get("site_name") or "").lower()
    for label in re.split(r"[./:]", host):
        if (mention := resolve(label.replace("-", " "))) is not None:
            return mention
    return None


def province_of(
    blocks: list[Block], flat: str, hints: Hints, warnings: list[str]
) -> tuple[ProvinceMention | None, str]:
    """The province a document belongs to and how we know it; None when nothing names one."""
    if hints.province:
        mention = resolve(hints.province)
        if mention is not None:
            return mention, "given"
        warnings.append(f"Không biết tỉnh/thành phố «{hints.province}» đã nhập.")
    for line in _letterhead(blocks):
        for _, _, mention in mentions_in_text(line):
            return mention, "letterhead"
    place = _place_date(blocks)
    if place is not None and (mention := resolve(place["place"])) is not None:
        return mention, "place"
    if (mention := _province_in_text(flat)) is not None:
        return mention, "text"
    if (mention := _province_in_site(hints.meta)) is not None:
        return mention, "site"
    return None, ""


def _subject(blocks: list[Block], hints: Hints) -> str:
    """ "V/v …", else the line under a title ("KẾ HOẠCH" / "Đảm bảo …"), else a page's headline."""
    for block in blocks:
        if block.kind == SUBJECT:
            return _SUBJECT_TAIL_RE.sub("", block.text).strip()
    for index, block in enumerate(blocks):
        if block.kind == TITLE and index + 1 < len(blocks):
            following = blocks[index + 1]
            if following.kind in (PARA, HEADER, "heading") and len(following.text.split()) <= 40:
                return following.text.strip().rstrip(".")
    if hints.meta.get("title"):
        return hints.meta["title"]
    first = blocks[0] if blocks else None
    if first is not None and first.kind in (PARA, "heading") and len(first.text.split()) <= 30:
        return first.text.strip().rstrip(".")
    return ""


def _year_of_name(name: str, around: int) -> int:
    """The solar year of a can-chi Tết nearest a reference year (the cycle is 60 years)."""
    candidates = [y for y in range(around - 40, around + 41) if tet_name_of(y) == name]
    return min(candidates, key=lambda y: abs(y - around))


def tet_year_of(
    subject: str, flat: str, issued: PartialDate, published: date | None, hints: Hints
) -> int | None:
    """The Tết this directive prepares for, from what is said, else from when it was issued."""
    if hints.tet_year:
        return hints.tet_year
    years = [int(y) for y in re.findall(r"(?<![\d/])\d{1,2}/\d{1,2}/(20\d\d)(?!\d)", flat)]
    when = issued.year or (published.year if published else None)
    month = issued.month if issued.year else (published.month if published else None)
    reference = when or (Counter(years).most_common(1)[0][0] if years else None)
    for text in (subject, flat):
        if match := _YEAR_AFTER_TET_RE.search(text):
            return int(match.group(1))
        name = tet_named(text)
        if name and reference:
            return _year_of_name(name, reference + (1 if (month or 1) >= 9 else 0))
    if when:
        return when + 1 if (month or 1) >= 9 else when
    return reference


def _published(meta: dict[str, str]) -> date | None:
    value = meta.get("published") or ""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _restated(flat: str) -> str | None:
    """The directive a portal article restates: the number named next to "ban hành"."""
    best = None
    for match in _RESTATED_RE.finditer(flat):
        window = flat[max(0, match.start() - 80) : match.end() + 40].lower()
        if "ban hành" in window or "vừa" in window:
            best = match
            break
        best = best or match
    if best is None:
        return None
    number = re.sub(r"\s+", "", best["number"])
    when = f" ngày {best['date']}" if best["date"] else ""
    return f"{best['kind'].lower()} số {number}{when}"


def read_header(blocks: list[Block], flat: str, hints: Hints, warnings: list[str]) -> Header:
    """Every header fact the document gives; blanks where it gives none."""
    number, symbol = _number(blocks)
    place = _place_date(blocks)
    issued = _partial_date(place["date"], warnings) if place else PartialDate()
    kind, name, _ = issuer_of(blocks, symbol, flat, hints)
    doc_kind = doc_kind_of(blocks, symbol, flat, hints)
    mention, source = province_of(blocks, flat, hints, warnings)
    subject = _subject(blocks, hints)
    published = _published(hints.meta)
    header = Header(
        number=number,
        issued=issued,
        issuer_kind=kind,
        issuer_name=name,
        doc_kind=doc_kind,
        mention=mention,
        province_source=source,
        subject=subject,
        tet_year=tet_year_of(subject, flat, issued, published, hints),
        published=published,
        source_title=hints.meta.get("title"),
        source_site=hints.meta.get("site_name"),
    )
    if doc_kind == DocKind.BAI_VIET:
        header.restates = _restated(flat)
    return header
