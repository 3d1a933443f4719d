"""From a directive's lines to logical blocks, sections and passages, whatever the numbering.

Directives number their parts "1." / "I." / "1.1" / "a)" or not at all, set headings in ALL CAPS or
`**bold**`, and often address duties in running paragraphs ("Các doanh nghiệp bưu chính tổ chức …").
The text comes out of PDF or Word hard-wrapped, sometimes with a blank line inside a sentence, so
blank lines carry no meaning here and a block that does not end a sentence takes the next line.

Headings nest by the order their marker kinds first appear (a kind not yet open becomes a child of
the current heading; one already open closes what is below it), which reads "I./1./a)" and
"1./1.1/-" alike without knowing the layout in advance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vntext.audiences import (
    GENERAL,
    NAMED_ENTERPRISE,
    audiences_named,
    kinds_of_named,
    names_one_enterprise,
)
from vntext.normalize import clean_message, fold, nfc

# Block kinds.
(
    HEADER,
    SUBJECT,
    TITLE,
    RECIPIENTS,
    RECIPIENT,
    HEADING,
    BULLET,
    PARA,
    TABLE,
    CLOSING,
    SIGNATURE,
    CLOSING_ITEM,
) = (
    "header",
    "subject",
    "title",
    "recipients",
    "recipient",
    "heading",
    "bullet",
    "para",
    "table",
    "closing",
    "signature",
    "closing_item",
)
BODY_KINDS = (HEADING, BULLET, PARA, TABLE)
TERMINATORS = (".", ";", "!", "?", "./.")
# Words a title never ends with: a line ending in one of them is wrapped mid-sentence.
_OPEN_ENDINGS = {
    "và", "của", "về", "cho", "với", "tại", "các", "những", "trong", "theo", "để", "từ", "đến",
    "là", "được", "có", "bị", "do", "qua", "hoặc", "như", "trên", "dưới", "tới", "nhằm",
}  # fmt: skip

_URL_LINE_RE = re.compile(r"(?:(?:https?://|www\.)\S+\s*)+")
_BULLET_RE = re.compile(r"^(?P<marker>[-+*•–—▪●◦○·✓➢➤►□■]|o(?=\s))\s*(?P<text>\S.*)$")
_ROMAN_RE = re.compile(r"^(?P<marker>[IVX]{1,5})\s*[.)]\s*(?P<text>\S.*)$")
_MOTTO_RE = re.compile(r"^Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc", re.IGNORECASE)
_ARABIC_RE = re.compile(
    r"^(?P<marker>\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}[.)]|\d{1,2}/(?=\s))\s*(?P<text>[^\d\s/].*)$"
)
_ALPHA_RE = re.compile(r"^(?P<marker>[a-zđ][.)/])\s+(?P<text>\S.*)$")
_ARTICLE_RE = re.compile(
    r"^(?P<marker>(?:Điều|Mục|Phần)\s+(?:\d{1,2}|[IVX]{1,4}))[.:]?\s+(?P<text>\S.*)$"
)
_NUMBER_LINE_RE = re.compile(r"^Số\s*[:.]")
_SUBJECT_LINE_RE = re.compile(r"^(?:V/v|Về việc|V/V)\b[:.]?\s*")
_RECIPIENTS_LINE_RE = re.compile(r"^Kính\s+gửi\s*[:.]?\s*")
_CLOSING_LINE_RE = re.compile(r"^Nơi\s+nhận\s*:?")
_PLACE_DATE_RE = re.compile(
    r"(?P<place>[^\W\d][^,:;\d]{1,40}?),\s*(?P<date>ngày\b[^,;]{0,30}?năm\s*\d{4}|ngày\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})"
)
_LETTERHEAD_RE = re.compile(
    r"^(?:CỘNG H(?:OÀ|ÒA)|ĐỘC LẬP|Độc lập\s*-|UBND\b|[UỦ]Y BAN NHÂN DÂN|SỞ\b|VĂN PHÒNG|BỘ\b|BAN\b|"
    r"TRUNG TÂM\b|TỔNG CÔNG TY|CÔNG TY|TẬP ĐOÀN|PHÒNG\b|CỤC\b|THANH TRA\b|HỘI ĐỒNG|BCĐ)",
)
_APPENDIX_RE = re.compile(r"^(?:PHỤ LỤC|DANH SÁCH|BẢNG|LỊCH TRỰC|DANH BẠ)\b")
_SIGNATURE_RE = re.compile(
    r"^(?:(?:KT|TM|TL|TUQ|Q)\s*\.\s*.*|(?:PHÓ\s+)?GIÁM ĐỐC|(?:PHÓ\s+)?CHỦ TỊCH|"
    r"(?:PHÓ\s+)?CHÁNH VĂN PHÒNG|(?:PHÓ\s+)?TRƯỞNG (?:BAN|PHÒNG)|NGƯỜI KÝ|Ký bởi:?.*|"
    r"\(?(?:Đã ký|đã ký)\)?)$"
)
DOC_TITLES = {
    "CÔNG VĂN": "cong_van",
    "KẾ HOẠCH": "ke_hoach",
    "THÔNG BÁO": "thong_bao",
    "CHỈ THỊ": "chi_thi",
    "CÔNG ĐIỆN": "cong_dien",
    "QUYẾT ĐỊNH": "quyet_dinh",
    "HƯỚNG DẪN": "huong_dan",
    "PHƯƠNG ÁN": "phuong_an",
}


@dataclass
class Block:
    """A logical line: one heading, bullet, paragraph or table row with its hard wraps joined."""

    kind: str
    text: str
    marker: str = ""
    level_key: str = ""  # the marker's kind for headings ("roman", "arabic2", "alpha", "caps"…)
    bold: bool = False
    continuable: bool = True

    def accepts(self, line: str) -> bool:
        """Whether a plain line continues this block rather than starting a new one.

        A wrapped sentence never ends in a terminator, so an unterminated paragraph or bullet takes
        the next plain line. A heading takes only a lower-case continuation: a capitalised line
        after a short title is its first paragraph. Recipient lines behave like headings.
        """
        if not self.continuable:
            return False
        if line[:1].islower() and not self.text.endswith(("./.", ":")):
            return True  # nothing starts a sentence in lower case: "…trên biển;" / "duy trì…"
        if self.text.endswith(TERMINATORS):
            return False
        if self.kind == SUBJECT:
            return len(line.split()) <= 15
        if self.kind == HEADING and len(self.text.split()) >= 20 and self.level_key != "caps":
            return True  # a numbered sentence wraps like a paragraph
        if self.kind in (RECIPIENTS, RECIPIENT, HEADING):
            last = self.text.split()[-1].lower() if self.text.split() else ""
            return (
                line[:1].islower()
                or line[:1].isdigit()
                or line[:1] in '("“'
                or self.text.endswith((",", "-", "–"))
                or last in _OPEN_ENDINGS
            )
        return True


_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_ITALIC_RE = re.compile(r"^\*(?!\*)(?P<text>.+?)(?<!\*)\*$|^_(?P<under>.+)_$")


def _strip_bold(line: str) -> tuple[str, bool]:
    """The line without Markdown emphasis, and whether it was a heading as a whole: `**bold**`,
    `## heading` (a converter's or a chat's Markdown). Italics (`*…*`) are only dropped."""
    stripped = line.strip()
    if _MD_HEADING_RE.match(stripped):
        return _MD_HEADING_RE.sub("", stripped).replace("**", "").strip(), True
    whole = stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4
    leading = bool(re.match(r"^(?:[-+*•]\s*)?\*\*", stripped))
    text = stripped.replace("**", "").strip()
    if italic := _ITALIC_RE.match(text):
        text = (italic["text"] or italic["under"]).strip()
    return text, whole or (leading and stripped.endswith(":**"))


def clean_lines(text: str) -> list[tuple[str, bool]]:
    """NFC lines (with a bold flag) without blank lines or page-footer URL lines."""
    text = nfc(text).replace("\ufeff", "").replace("\u00a0", " ")
    lines = []
    for raw in _columns_apart(text.splitlines()):
        line, bold = _strip_bold(clean_message(raw))
        line = line.strip()
        if line and not _URL_LINE_RE.fullmatch(line) and not re.fullmatch(r"[\s|_.\-–]+", line):
            lines.append((line, bold))
    return lines


_COLUMN_GAP_RE = re.compile(
    r"(?:\s{4,}|\t+)(?=\S)|\s+(?=CỘNG H(?:OÀ|ÒA)\b|Độc lập\s*[-–]|ĐỘC LẬP\s*[-–])"
)
_RIGHT_CELL_RE = re.compile(
    r"(?:CỘNG H(?:OÀ|ÒA)|Độc lập|ĐỘC LẬP|Số\s*[:.]|[^\W\d][^,:;\d]{1,40}?,\s*ngày\b)"
)


_WIDE_GAP_RE = re.compile(r"(?<=\S)(?:\s{4,}|\t+)(?=\S)")
_BLANK_FIELD_RE = re.compile(r"(?:ngày|tháng|Số\s*:)\s*$")


def _columns_apart(raw_lines: list[str]) -> list[str]:
    """Lines laid out in columns, as PDF, Word and plain text give them.

    A letterhead or signature block puts two cells on one line ("SỞ KH&CN      Độc lập …",
    "- Lưu: VT.        Rơ Mah Thuận"): the cells are read as lines of their own. Any other line
    whose words stand in columns is a table row ("Thứ Sáu, 05/02    Đ/c Lê Văn Thiệu"): its
    cells are joined with " | ". Blanks left for the signer ("ngày     tháng") stay.
    """
    lines: list[str] = []
    for raw in raw_lines:
        cuts = [m.end() for m in _COLUMN_GAP_RE.finditer(raw) if _RIGHT_CELL_RE.match(raw, m.end())]
        start = 0
        for cut in cuts:
            lines.append(raw[start:cut])
            start = cut
        lines += _cells(raw[start:])
    return lines


def _cells(line: str) -> list[str]:
    gaps = [m for m in _WIDE_GAP_RE.finditer(line) if not _BLANK_FIELD_RE.search(line[: m.start()])]
    if not gaps:
        return [line]
    cells = []
    start = 0
    for gap in gaps:
        cells.append(line[start : gap.start()].strip())
        start = gap.end()
    cells.append(line[start:].strip())
    if _stacked(cells):
        return cells
    return [" | ".join(cells)]


def _stacked(cells: list[str]) -> bool:
    """Cells of a signature or closing block, each a line of its own rather than a table row."""
    right = cells[-1]
    words = right.split()
    name = 2 <= len(words) <= 6 and all(w[:1].isupper() and w[1:] == w[1:].lower() for w in words)
    return bool(_SIGNATURE_RE.match(right) or _LETTERHEAD_RE.match(right)) or (
        cells[0].startswith(("-", "Nơi nhận", "+", "•")) and (name or is_upper_line(right))
    )


def is_upper_line(line: str) -> bool:
    """ALL-CAPS text (letterhead, signature, or a heading): at least two letters, none lower."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _title_like(text: str) -> bool:
    """A short line without a final period reads as a title rather than a sentence."""
    words = text.split()
    return (len(words) <= 22 and not text.endswith(TERMINATORS[:-1])) or text.endswith(":")


def _marked(line: str, bold: bool) -> Block | None:
    """A heading or bullet opened by a marker, or None."""
    for key, rx in (("roman", _ROMAN_RE), ("article", _ARTICLE_RE), ("alpha", _ALPHA_RE)):
        if match := rx.match(line):
            return Block(HEADING, match["text"], match["marker"], key, bold)
    if match := _ARABIC_RE.match(line):
        marker = match["marker"]
        depth = marker.rstrip(".)").count(".") + 1
        if depth == 1 and not match["text"][0].isupper() and not bold:
            return None
        return Block(HEADING, match["text"], marker, f"arabic{depth}", bold)
    if match := _BULLET_RE.match(line):
        return Block(BULLET, match["text"], match["marker"], bold=bold)
    return None


def _start_block(line: str, bold: bool, state: _State) -> Block | None:
    """The block a line opens, or None when it is plain text (a continuation or a paragraph)."""
    if (
        _NUMBER_LINE_RE.match(line)
        or _MOTTO_RE.match(line)
        or (not state.in_body and _PLACE_DATE_RE.search(line))
    ):
        return Block(HEADER, line, continuable=False)
    if _is_telegram_opening(line):
        return Block(RECIPIENTS, "")  # the addressees follow, as after "Kính gửi:"
    if _SUBJECT_LINE_RE.match(line) and not state.in_body:
        return Block(SUBJECT, _SUBJECT_LINE_RE.sub("", line))
    if match := _RECIPIENTS_LINE_RE.match(line):
        return Block(RECIPIENTS, line[match.end() :])
    if _CLOSING_LINE_RE.match(line):
        return Block(CLOSING, line, continuable=False)
    if " | " in line or line.startswith("|"):
        return Block(TABLE, line.strip("| "), continuable=False)
    if is_upper_line(line) or _SIGNATURE_RE.match(line):
        return _upper_block(line, state)
    if marked := _marked(line, bold):
        if marked.kind == BULLET and state.in_recipients:
            marked.kind = RECIPIENT
        return marked
    if bold and _title_like(line):
        return Block(HEADING, line.rstrip(":"), "", "bold", True)
    return None


def _upper_block(line: str, state: _State) -> Block:
    """Letterhead and signature lines, document titles ("KẾ HOẠCH"), or an ALL-CAPS heading."""
    bare = re.sub(r"\s+", " ", line).strip(" :")
    if bare in DOC_TITLES and not state.in_body:
        return Block(TITLE, bare, continuable=False)
    if state.closed and _APPENDIX_RE.match(bare):
        state.closed = False
        return Block(HEADING, bare, "", "caps", True, continuable=False)
    if _SIGNATURE_RE.match(line) or (state.in_body and state.closed):
        return Block(SIGNATURE, line, continuable=False)
    if not state.in_body or _LETTERHEAD_RE.match(line):
        return Block(HEADER, line, continuable=False)
    marked = _marked(line, True)
    if marked is not None and marked.kind == HEADING:
        marked.text = marked.text.rstrip(":")
        return marked
    return Block(HEADING, bare, "", "caps", True, continuable=False)


@dataclass
class _State:
    in_body: bool = False
    in_recipients: bool = False
    closed: bool = False


def is_name_line(line: str) -> bool:
    """ "Rơ Mah Thuận", "Đặng Quốc Khánh": 2–6 capitalised words and nothing else."""
    words = line.split()
    return 2 <= len(words) <= 6 and all(
        w.isalpha() and w[:1].isupper() and w[1:] == w[1:].lower() for w in words
    )


def _is_telegram_opening(line: str) -> bool:
    """ "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:" opens a công điện's list of addressees."""
    head, _, tail = line.rstrip(" :").rpartition(" ")
    return tail == "điện" and is_upper_line(head) and len(head.split()) >= 2


def _join_wrap(head: str, tail: str) -> str:
    """Join a hard wrap; a wrap right after a hyphen inside a symbol ("TT-" / "BTTTT") closes up."""
    if re.search(r"\S-$", head):
        return head + tail
    return f"{head} {tail}"


def _opens_body(block: Block) -> bool:
    """The first sentence-like paragraph, a heading with a marker or the recipients start the body."""
    if block.kind in (RECIPIENTS, HEADING, BULLET):
        return block.kind != HEADING or bool(block.marker)
    return block.kind == PARA and len(re.findall(r"\w+", block.text)) >= 8


def blocks_of(text: str) -> list[Block]:
    """Join hard-wrapped lines into logical blocks; blank lines carry no meaning here."""
    blocks: list[Block] = []
    state = _State()
    for line, bold in clean_lines(text):
        block = _start_block(line, bold, state)
        if block is None:
            if blocks and blocks[-1].accepts(line):
                blocks[-1].text = _join_wrap(blocks[-1].text, line)
                continue
            # A name on its own line (under a signature) never runs on into the next line.
            block = Block(PARA, line, bold=bold, continuable=not is_name_line(line))
        if block.kind == RECIPIENTS:
            state.in_recipients = not block.text
        elif block.kind != RECIPIENT:
            state.in_recipients = False
        if block.kind == CLOSING:
            state.closed = True
        elif state.closed and block.kind in (BULLET, PARA, HEADING, TABLE):
            block.kind = CLOSING_ITEM
        if not state.in_body and _opens_body(block):
            state.in_body = True
        blocks.append(block)
    return blocks


# --------------------------------------------------------------------------------------------
# Sections and passages
# --------------------------------------------------------------------------------------------


@dataclass
class Section:
    """One part of the directive, who it addresses and its duty items in order."""

    heading: str
    audiences: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    key: str = ""
    parent: Section | None = None
    implicit: bool = False


@dataclass
class Passage:
    """A piece of body text and the section it belongs to (None: not under any section)."""

    text: str
    section: Section | None


_DOI_VOI_RE = re.compile(r"^Đối với\s+(?P<who>[^:]{3,120}?)\s*:\s*(?P<rest>.*)$")
_SUBJECT_START_RE = re.compile(
    r"^(?:(?:các|tất cả(?:\s+các)?|mỗi|những)\s+)?(?:doanh nghiệp|dn|đơn vị|cơ quan|công ty|"
    r"tổng công ty|nhà mạng|nhà cung cấp|bưu điện|bưu chính|viễn thông|viettel|vnpt|mobifone|"
    r"vinaphone|fpt|đài|báo|trung tâm|sở|ubnd|ủy ban|uỷ ban|phòng|hệ thống|chi nhánh|"
    r"doanh nghiệp cung cấp|các doanh|tập đoàn|thủ trưởng|chủ tịch|giám đốc|lãnh đạo)\b",
    re.IGNORECASE,
)
_ASK_RE = re.compile(
    r"\b(?:đề nghị|yêu cầu|giao|chỉ đạo|đề xuất)\s+(?:lãnh đạo\s+|thủ trưởng\s+)?"
    r"(?P<who>(?:các|tất cả các|mỗi)\s+[^:;.]{3,120})",
    re.IGNORECASE,
)
_LEAD_END_RE = re.compile(
    r"\s(?:tổ chức|thực hiện|triển khai|bố trí|đảm bảo|bảo đảm|chủ động|phối hợp|tăng cường|"
    r"gửi|nộp|báo cáo|xây dựng|rà soát|có trách nhiệm|cần|phải|chỉ đạo|quán triệt|duy trì|"
    r"nâng cao|kiểm tra|theo dõi|sẵn sàng|khẩn trương|nghiêm túc|cung cấp|lập|đăng ký|chấp hành|"
    r"hoàn thành|chịu trách nhiệm|thông báo|tập trung|phân công|trực|thường xuyên|kịp thời|"
    r"được|không|khi|để|nhằm|thuộc|trong dịp|trong thời gian|như sau|các nội dung|một số)\b"
    r"|[:;.(]",
    re.IGNORECASE,
)


def _doi_voi_comma(text: str) -> str | None:
    """ "Đối với các doanh nghiệp viễn thông, Internet, Sở yêu cầu …": X runs to the first comma
    whose next words do not name a kind of organisation."""
    match = re.match(r"^Đối với\s+", text, re.IGNORECASE)
    if match is None:
        return None
    chunks = text[match.end() :].split(",")
    who = chunks[0]
    for chunk in chunks[1:]:
        if len(chunk.split()) > 3 or not audiences_named(chunk):
            break
        who = f"{who},{chunk}"
    return f"Đối với {who.strip()}"


_CONNECTOR_RE = re.compile(
    r"^(?:Theo đó|Ngoài ra|Đồng thời|Bên cạnh đó|Cụ thể|Trong đó|Mặt khác|Riêng)\s*,?\s*",
    re.IGNORECASE,
)


def _lead(text: str) -> str | None:
    """Who a paragraph addresses: "Đối với X:", "đề nghị các X …", or its subject "Các X tổ chức…"."""
    text = _CONNECTOR_RE.sub("", text)
    if match := _DOI_VOI_RE.match(text):
        return f"Đối với {match['who']}"
    if doi_voi := _doi_voi_comma(text):
        return doi_voi
    head = " ".join(text.split()[:30])
    subject = _SUBJECT_START_RE.match(head)
    candidate = head if subject else None
    if candidate is None and (asked := _ASK_RE.search(head)):
        candidate = asked["who"]
    if candidate is None:
        return None
    end = _LEAD_END_RE.search(candidate, 4)
    lead = candidate[: end.start()] if end else candidate
    return lead.strip(" ,-–") or None


_CONTACT_LINE_RE = re.compile(r"\d{3,4}[.\s]?\d{3}[.\s]?\d{3,4}|[\w.+-]+@[\w-]+\.\w")


def lead_audiences(text: str) -> tuple[list[str], str | None]:
    """Audience codes a paragraph's addressee names, with the addressee phrase.

    A short line giving a phone or an e-mail ("Phòng Bưu chính, Viễn thông: 0236…") is a
    contact, not a duty, whatever unit it names."""
    lead = _lead(text)
    if lead is None or (_CONTACT_LINE_RE.search(text) and len(text.split()) < 20):
        return [], None
    codes = audiences_named(lead)
    if names_one_enterprise(lead):
        codes = _with_named(codes, lead)
    return codes, lead


def _with_named(codes: list[str], text: str) -> list[str]:
    """A named enterprise's section also answers for its kind ("Viettel X" is telecom)."""
    return list(dict.fromkeys([NAMED_ENTERPRISE, *codes, *kinds_of_named(text)]))


def heading_audiences(heading: str) -> list[str]:
    """Audience codes a heading names, in the order it names them; 'chung' when none."""
    who = re.sub(r"^(?:Đối với|Về|Nhiệm vụ của)\s+", "", heading, flags=re.IGNORECASE)
    codes = audiences_named(heading)
    if names_one_enterprise(who) and not re.match(r"^(?:cac|tat ca)\b", fold(who)):
        return _with_named(codes, who)
    return codes or [GENERAL]


def strip_item(text: str) -> str:
    """Item text without trailing list punctuation; the closing './.' becomes a plain period."""
    text = text.strip()
    if text.endswith("./."):
        text = text[:-2]
    return text.rstrip(" ;,").strip()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_title(block: Block) -> bool:
    """A heading block that names a part rather than stating a duty."""
    if block.level_key in ("caps", "bold") or block.bold:
        return True
    label, colon, _ = block.text.partition(":")
    if colon and len(label.split()) <= 14:
        return True
    return _title_like(block.text)


class _Builder:
    """Walks body blocks and keeps the open headings, the current section and the passages."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.passages: list[Passage] = []
        self.stack: list[Section] = []
        self.current: Section | None = None  # where items go
        self.target: Section | None = None  # where "+" sub-items go

    def heading(self, block: Block) -> None:
        """Open a section; it nests under the open heading unless its kind is already open."""
        keys = [section.key for section in self.stack]
        if block.level_key in keys:
            del self.stack[keys.index(block.level_key) :]
        label, _, inline = block.text.partition(":")
        label = label.strip() if inline.strip() and len(label.split()) <= 14 else block.text
        inline = inline if label != block.text else ""
        heading = f"{block.marker} {label.strip().rstrip(':')}".strip()
        parent = self.stack[-1] if self.stack else None
        audiences = heading_audiences(heading)
        if audiences == [GENERAL] and parent is not None and parent.audiences != [GENERAL]:
            audiences = list(parent.audiences)
        section = Section(heading, audiences, key=block.level_key, parent=parent)
        self.stack.append(section)
        self.sections.append(section)
        self.current = self.target = section
        if not inline.strip() and len(block.text.split()) >= 4:
            # Headings carry facts too: "2. Trong những ngày Tết (từ 01/02 đến 06/02/2022)".
            self.passages.append(Passage(block.text, section))
        if inline.strip():
            self.item(section, inline.strip())

    def item(self, section: Section, text: str) -> None:
        section.items.append(_capitalised(strip_item(text)))
        self.passages.append(Passage(text, section))

    def free(self, text: str) -> None:
        """A paragraph outside any section: an audience section when it addresses one."""
        codes, lead = lead_audiences(text)
        if not codes or lead is None or text.endswith(":"):
            self.passages.append(Passage(text, None))
            self.current = self.target = None
            return
        last = self.sections[-1] if self.sections else None
        if last is not None and last.implicit and last.audiences == codes and not self.stack:
            section = last
        else:
            section = Section(_capitalised(lead), codes, implicit=True)
            self.sections.append(section)
        self.current = self.target = None
        self.item(section, text)

    def content(self, block: Block) -> None:
        """A bullet, a sentence-long numbered item or a paragraph."""
        text = block.text
        if self.current is None:
            if block.marker == "+" and self.target is not None and self.target.items:
                self._append(text)
            else:
                self.free(text)
            return
        if block.marker == "+" and self.target is not None and self.target.items:
            self._append(text)
            return
        if doi_voi := _DOI_VOI_RE.match(text):
            self._sub_section(f"Đối với {doi_voi['who'].strip()}", doi_voi["rest"])
            return
        codes, lead = lead_audiences(text)
        if lead and codes and self.current.audiences == [GENERAL] and block.kind != PARA:
            self._sub_section(_capitalised(lead), text, codes)
            return
        self.target = self.current
        self.item(self.current, text)

    def _append(self, text: str) -> None:
        assert self.target is not None
        self.target.items[-1] = f"{self.target.items[-1]} {strip_item(text)}"
        self.passages.append(Passage(text, self.target))

    def _sub_section(self, heading: str, rest: str, codes: list[str] | None = None) -> None:
        """ "Đối với X: …" inside a section: X's own sub-section (X inherits when it names none)."""
        assert self.current is not None
        audiences = codes or heading_audiences(heading)
        if audiences == [GENERAL]:
            audiences = list(self.current.audiences)
        section = Section(heading, audiences, parent=self.current, implicit=True)
        self.sections.append(section)
        self.target = section
        if rest.strip():
            self.item(section, rest)

    def paragraph(self, block: Block) -> None:
        """Plain text: the first paragraph of a section is its item; a later one closes it.

        Under a heading that names nobody ("Tăng dung lượng tại điểm đông người"), a paragraph
        that names its addressee ("Theo đó, các doanh nghiệp viễn thông …") is that kind's duty.
        """
        if self.current is not None and self.current.audiences == [GENERAL]:
            codes, lead = lead_audiences(block.text)
            if codes and lead and not block.text.endswith(":"):
                self._sub_section(_capitalised(lead), block.text, codes)
                return
        if self.current is not None and not self.current.items:
            if not block.text.endswith(":"):
                self.item(self.current, block.text)
            else:
                self.passages.append(Passage(block.text, self.current))
            return
        self.stack.clear()
        self.current = self.target = None
        self.free(block.text)

    def table_row(self, block: Block) -> None:
        self.passages.append(Passage(block.text, self.current))


def sections_of(body: list[Block]) -> tuple[list[Section], list[Passage]]:
    """Sections with their items, and every passage of the body with the section it is in."""
    builder = _Builder()
    for block in body:
        if block.kind == HEADING and (_is_title(block) or not block.marker):
            builder.heading(block)
        elif block.kind == HEADING or block.kind == BULLET:
            builder.content(block)
        elif block.kind == TABLE:
            builder.table_row(block)
        else:
            builder.paragraph(block)
    return [s for s in builder.sections if s.items], builder.passages
