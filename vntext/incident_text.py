"""What an incident report sentence already says, so the form asks only for the rest.

Duty officers report at night, on a phone, often without diacritics: "mat song 12 tram bts o ky anh
tu 8h30 do mat dien". The fields follow Thông tư 20/2017/TT-BTTTT Mẫu 03 and operators' outage
practice (DESIGN.md, "What enterprises send back"): category, detected at, area, services affected,
impact (BTS down of total, routes cut, subscribers), cause, severity, stage. Every rule works on
folded text; places are cut from the original so they keep their diacritics.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

from vntext.abbreviations import expand
from vntext.dates import DateParseError, fold_keep_offsets, parse_past_datetime
from vntext.normalize import nfc
from vntext.provinces import find_in_text

# Folded phrases (after abbreviation expansion) that point at a category, strongest first.
_CATEGORY_PHRASES: dict[str, tuple[str, ...]] = {
    "an_toan_thong_tin": (
        "tan cong", "deface", "ma doc", "ddos", "ransomware", "ma hoa du lieu", "lo lot",
        "ro ri", "phishing", "gia mao", "hack", "xam nhap", "botnet", "virus", "an toan thong tin",
        "chiem quyen", "lua dao",
    ),
    "buu_chinh": (
        "buu gui", "buu pham", "buu kien", "buu cuc", "buu chinh", "chuyen phat", "buu ta",
        "that lac", "diem buu dien", "buu dien van hoa", "kt1",
    ),
    "mang_vien_thong": (
        "mat song", "bts", "tram", "cap quang", "dut cap", "mat lien lac", "mat ket noi",
        "gian doan", "internet", "truyen dan", "nghen mang", "song di dong", "thue bao",
        "vien thong", "4g", "3g", "5g", "2g", "mat dich vu", "cap bien", "ftth",
    ),
}  # fmt: skip
_SERVICE_PHRASES: dict[str, tuple[str, ...]] = {
    "di động": ("di dong", "mat song", "bts", "2g", "3g", "4g", "5g", "song dien thoai"),
    "Internet": ("internet", "ftth", "adsl", "bang rong", "cap quang internet"),
    "cố định": ("co dinh",),
    "truyền hình": ("truyen hinh", "iptv", "mytv"),
    "website": ("website", "trang web", "cong thong tin dien tu"),
    "thư điện tử": ("email", "thu dien tu"),
    "bưu chính": ("buu gui", "buu pham", "buu kien", "chuyen phat"),
}
_SEVERITY_PHRASES: tuple[tuple[str, str], ...] = (
    ("dac biet nghiem trong", "nghiem_trong"),
    ("rat nghiem trong", "nghiem_trong"),
    ("nghiem trong", "nghiem_trong"),
    ("dien rong", "cao"),
    ("toan tinh", "cao"),
    ("toan mang", "cao"),
    ("khan cap", "cao"),
    ("cuc bo", "thap"),
)
_STAGE_PHRASES: tuple[tuple[str, str], ...] = (
    ("da khac phuc", "ket_thuc"),
    ("da khoi phuc", "ket_thuc"),
    ("ket thuc", "ket_thuc"),
    ("cap nhat", "cap_nhat"),
    ("ban dau", "ban_dau"),
)
_NUMBER = r"(?P<n>\d{1,3}(?:[.,]\d{3})+|\d+)"
_BTS_OF_RE = re.compile(
    r"(?<![\w/])(?P<n>\d+)\s*(?:/|tren(?:\s+tong(?:\s+so)?)?|trong(?:\s+(?:tong\s+)?so)?)\s*"
    r"(?P<total>\d+)\s*(?:tram|bts|nodeb|enodeb|gnodeb)(?!\w)"
)
_BTS_RE = re.compile(
    r"(?<![\w/])"
    + _NUMBER
    + r"\s*(?:tram(?:\s+(?:bts|phat\s+song|goc|[2345]g))?|bts|nodeb|enodeb|gnodeb)(?!\w)"
    r"(?:\s*(?:bts|[2345]g))?(?:\s*(?:/|tren(?:\s+tong(?:\s+so)?)?)\s*(?P<total>\d+)(?:\s*tram)?)?"
)
_ROUTES_RE = re.compile(r"(?<![\w/])" + _NUMBER + r"\s*(?:tuyen|soi|huong)(?:\s+cap)?(?!\w)")
_CUT_RE = re.compile(r"(?<!\w)(?:dut|su co)\s+(?:\w+\s+){0,2}?(?:cap|tuyen)(?!\w)")
_SUBSCRIBERS_RE = re.compile(
    r"(?<![\w/])"
    + _NUMBER
    + r"\s*(?P<unit>nghin|ngan|k|trieu)?\s*(?:thue\s+bao|khach\s+hang)(?!\w)"
)
_SUBSCRIBERS_AFTER_RE = re.compile(r"(?:thue\s+bao|khach\s+hang)[^\d]{0,25}" + _NUMBER)
_CAUSE_RE = re.compile(
    r"(?<!\w)(?P<cue>do|vi|boi|nguyen\s+nhan(?:\s+la)?\s*:?)\s+(?P<cause>[^,.;()\n]+)"
)
# Folded cues are ambiguous ("Đỗ", "phạm vi", "ô"): the original spelling must be one of these.
_CAUSE_CUES = {"do": ("do",), "vi": ("vì",), "boi": ("bởi", "boi")}
_AREA_CUES: dict[str, tuple[str, ...]] = {"o": ("ở", "o"), "tai": ("tại", "tai")}
_CAUSE_STOP_RE = re.compile(
    r"\s+(?:tu|luc|vao|ke\s+tu|khoang|tai|o|anh\s+huong|lam)\s+.*$|\s+\d.*$"
)
_AREA_TRIGGER_RE = re.compile(
    r"(?<!\w)(?:o|tai|khu\s+vuc|dia\s+ban|tuyen(?:\s+cap(?:\s+quang)?)?(?:\s+truc)?)\s+"
)
_AREA_STOP = frozenset(
    (
        "tu", "luc", "do", "vi", "vao", "khoang", "ke", "bi", "gay", "lam", "va", "nen",
        "hien", "dang", "sau", "truoc", "trong", "tai", "o", "mat", "dut", "thue", "tram", "ngay",
        "hom", "sang", "chieu", "toi", "dem", "nay", "qua", "khien", "voi", "cua",
    )
)  # fmt: skip


@dataclass
class IncidentFacts:
    """Fields an incident sentence stated; everything not stated stays None."""

    category: str | None = None
    detected_at: datetime | None = None
    area: str | None = None
    services_affected: tuple[str, ...] | None = None
    bts_down: int | None = None
    bts_total: int | None = None
    routes_cut: int | None = None
    subscribers_affected: int | None = None
    cause: str | None = None
    severity: str | None = None
    stage: str | None = None

    def found(self) -> dict[str, object]:
        """Only the fields the text gave, for pre-filling form slots."""
        return {key: value for key, value in asdict(self).items() if value is not None}


def _number(text: str) -> int:
    """ "5.000" / "5,000" / "12" -> int (Vietnamese thousands use dots)."""
    return int(re.sub(r"[.,]", "", text))


def category_of(folded: str) -> str | None:
    """The category with most cues; ties go to information security, then postal, then telecom.

    Postal wins a tie with telecom because a post office reporting "mất kết nối" is a postal incident.
    """
    order = ("an_toan_thong_tin", "buu_chinh", "mang_vien_thong")
    scores = {
        code: sum(bool(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", folded)) for p in phrases)
        for code, phrases in _CATEGORY_PHRASES.items()
    }
    best = max(order, key=lambda code: (scores[code], -order.index(code)))
    return best if scores[best] else None


def _has(folded: str, phrase: str) -> bool:
    """Whole-word phrase search in folded text."""
    return bool(re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded))


def _bts(folded: str) -> tuple[int | None, int | None]:
    """BTS down and total: "12 trạm BTS", "12/150 trạm", "12 trạm trên tổng số 150 trạm"."""
    match = _BTS_OF_RE.search(folded)
    if match:
        return int(match["n"]), int(match["total"])
    match = _BTS_RE.search(folded)
    if not match:
        return None, None
    total = int(match["total"]) if match["total"] else None
    return _number(match["n"]), total


def _routes(folded: str) -> int | None:
    """Routes cut: "đứt 3 tuyến cáp" -> 3; "đứt cáp quang tuyến A - B" -> 1."""
    if not _CUT_RE.search(folded) and not _has(folded, "dut"):
        return None
    match = _ROUTES_RE.search(folded)
    if match:
        return _number(match["n"])
    return 1 if _CUT_RE.search(folded) else None


def _subscribers(folded: str) -> int | None:
    """ "khoảng 5000 thuê bao", "5 nghìn thuê bao", "thuê bao bị ảnh hưởng: 5.000"."""
    match = _SUBSCRIBERS_RE.search(folded)
    if match:
        factor = {"nghin": 1000, "ngan": 1000, "k": 1000, "trieu": 1_000_000}.get(
            match["unit"] or "", 1
        )
        return _number(match["n"]) * factor
    match = _SUBSCRIBERS_AFTER_RE.search(folded)
    return _number(match["n"]) if match else None


def _cause(text: str, folded: str) -> str | None:
    """What follows "do" / "vì" / "nguyên nhân", up to a time, a place or punctuation."""
    match = next(
        (
            m
            for m in _CAUSE_RE.finditer(folded)
            if _spelled(text, m.start("cue"), m["cue"], _CAUSE_CUES)
        ),
        None,
    )
    if not match:
        return None
    start, end = match.span("cause")
    stop = _CAUSE_STOP_RE.search(folded[start:end])
    if stop:
        end = start + stop.start()
    cause = text[start:end].strip()
    return cause or None


def _area(text: str, folded: str) -> str | None:
    """The place after "ở" / "tại" / "khu vực" / "tuyến", cut from the original text.

    Capitalised words are kept even when they look like stop words ("Từ Sơn"); for all-lower-case
    input the place is title-cased. Without such a cue, a province named anywhere is used.
    """
    for trigger in _AREA_TRIGGER_RE.finditer(folded):
        cue = trigger.group().split()[0]
        if not _spelled(text, trigger.start(), cue, _AREA_CUES):
            continue
        words = _place_words(text, folded, trigger.end())
        if words:
            place = " ".join(words).strip(" -–")
            return place.title() if place == place.lower() else place
    mention = find_in_text(text)
    return mention.named if mention else None


def _spelled(text: str, start: int, cue: str, table: dict[str, tuple[str, ...]]) -> bool:
    """True when a folded cue listed in ``table`` is spelled one of the allowed ways in the original."""
    if cue not in table:
        return True
    return text[start : start + len(cue)].lower() in table[cue]


def _place_words(text: str, folded: str, position: int) -> list[str]:
    """Up to six words of a place name from ``position``; hyphens join route ends ("A - B")."""
    words: list[str] = []
    limit = re.search(r"(?<!\w)anh\s+huong(?!\w)", folded[position:])
    segment = text[position : position + limit.start()] if limit else text[position:]
    for match in re.finditer(r"\S+", segment):
        raw = match.group().rstrip(",.;:)")
        key = folded[position + match.start() : position + match.start() + len(raw)]
        capital = raw[:1].isupper()
        if raw in ("-", "–"):
            words.append(raw)
            continue
        if not raw or key[:1].isdigit() or (not capital and key in _AREA_STOP):
            break
        if not raw.replace("-", "").isalpha():
            break
        words.append(raw)
        if len(words) >= 6 or raw != match.group():
            break
    while words and words[-1] in ("-", "–"):
        words.pop()
    return words


def _first_phrase(folded: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """Code of the first phrase of ``table`` found in the text (tables list strongest first)."""
    for phrase, code in table:
        if _has(folded, phrase):
            return code
    return None


def _services(folded: str) -> tuple[str, ...] | None:
    """Services the sentence names or implies ("mất sóng" -> di động), in a fixed order."""
    found = tuple(
        name for name, phrases in _SERVICE_PHRASES.items() if any(_has(folded, p) for p in phrases)
    )
    return found or None


def _detected_at(text: str, reference: date | datetime | None) -> datetime | None:
    """When it started: "từ 8h30" today, or yesterday if that is still to come.

    A written day in the future, or an impossible one, is left for the form to ask again.
    """
    try:
        return parse_past_datetime(text, reference)
    except DateParseError:
        return None


def extract_incident(text: str, reference: date | datetime | None = None) -> IncidentFacts:
    """Every field an incident sentence states (accented, unaccented or NFD), others None."""
    text = nfc(text)
    folded = fold_keep_offsets(text)
    expanded = expand(text)
    bts_down, bts_total = _bts(folded)
    return IncidentFacts(
        category=category_of(expanded),
        detected_at=_detected_at(text, reference),
        area=_area(text, folded),
        services_affected=_services(expanded),
        bts_down=bts_down,
        bts_total=bts_total,
        routes_cut=_routes(folded),
        subscribers_affected=_subscribers(folded),
        cause=_cause(text, folded),
        severity=_first_phrase(folded, _SEVERITY_PHRASES),
        stage=_first_phrase(folded, _STAGE_PHRASES),
    )
