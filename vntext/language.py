"""Is this text Vietnamese? A cheap test for uploads and pasted text, with or without diacritics.

Diacritics alone do not decide it: French has é, è, à, ê, â, ô too, and staff often type without
any. So each word is judged as a Vietnamese syllable:

- a word with diacritics counts when, without them, it has the shape of a Vietnamese syllable
  (onset + vowel cluster + final: "thường" → th-uo-ng); "été", "être", "première" do not;
- a word without diacritics counts when it is one of the few hundred commonest syllables of
  Vietnamese administrative text ("cac", "doanh", "nghiep", "bao", "cao", "han", "nop"), and 0.4
  when it only has the shape of one (English "man", "long" and French "le" have it too).

English, French, Lorem ipsum and Chinese score well below 0.5; Vietnamese, typed either way, above.
Pure Python for both environments (3.10 and 3.11).
"""

from __future__ import annotations

import re
import unicodedata

from vntext.normalize import fold

THRESHOLD = 0.5
_WORD_RE = re.compile(r"[^\W\d_]+")
# Letters only Vietnamese uses among the Latin languages users might send (French, English…).
_VIETNAMESE_ONLY = set("ăđơưảãạẳẵặẩẫậẻẽẹểễệỉĩịỏõọổỗộởỡợủũụửữựỳỷỹỵằắầấềếồốờớừứẫ")
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")  # fmt: skip
_NUCLEI = {
    "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe",
    "oi", "oo", "ua", "ue", "ui", "uo", "uu", "uy", "ye", "ieu", "oai", "oay", "oao", "oeo", "uay",
    "uoi", "uou", "uya", "uye", "uyu", "yeu",
}  # fmt: skip
_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_SYLLABLE_RE = re.compile(
    "^(?:" + "|".join(_ONSETS) + ")?(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True))
    + ")(?:" + "|".join(c for c in _CODAS if c) + ")?$"
)  # fmt: skip
_COMMON_WORDS = """
    va cua cac nhung duoc trong cho voi khong la co nay mot nguoi de tai theo ve nam ngay thang
    tren den tu da se dang cung nhu thi ma khi neu hoac hay cung bi boi vi nen tuy rang thoi gian
    moi nhieu it het tat ca cac viec phai can nhan gui nop bao cao han chu ky truc tet nguyen dan
    so thong tin truyen bo khoa hoc cong nghe buu chinh vien internet doanh nghiep don vi ubnd
    tinh huyen xa phuong thanh pho thi tran dia ban nhan dan chu tich giam doc pho truong phong
    ban nganh quan ly nha nuoc chinh quyen dao dieu hanh lanh su co an toan mang dam lien lac
    dich vu cung cap khach hang ho tro xu ly kip thoi phoi hop thuc hien trien khai chi thi van
    ban quyet dinh ke hoach de nghi yeu cau kinh gui hoat dong to chuc le hoi xuan dip nghi
    dien thoai sdt dia chi email lien he nhu tren luu muc dich noi dung danh sach ket qua tinh
    hinh sang chieu toi dem gio phut tuan hom nay mai qua truoc sau giua cuoi dau ngoai
    tang cuong bao dam dam bao ung cuu su kien phuc vu nhu cau dan cu ca nhan tap the
    xin chao cam on vang duoc roi nhe a oi gi nao sao bao nhieu may ai dau kia do
    lam biet muon hoi tra loi giup xem sua xoa them huy xac nhan dong y
    nhat hai ba bon sau bay tam chin muoi tram nghin trieu lan con cai chiec ong chi em anh toi
    chung minh ho ay day duong nha song nuoc dat troi dong tay bac mien vung lang que huong nong
    son ninh giang soc trang ha tinh hue da nang can tho hai phong noi
    sdt stttt tttt skhcn khcn bcvt vt bc dn attt cntt ttt vnpt viettel mobifone
"""
COMMON = set(_COMMON_WORDS.split())
# Words that are both common Vietnamese syllables folded and everyday English or French: they
# count only with diacritics, or 0.4 as a bare syllable shape.
_AMBIGUOUS = {
    "a",
    "an",
    "do",
    "la",
    "de",
    "me",
    "to",
    "the",
    "so",
    "no",
    "on",
    "in",
    "ma",
    "ta",
    "sa",
}


def is_syllable(word: str) -> bool:
    """Has `word` (any case, diacritics or not) the shape of one Vietnamese syllable?"""
    return bool(_SYLLABLE_RE.match(fold(word)))


def _word_score(word: str) -> float:
    lower = word.lower()
    folded = fold(lower)
    if folded == lower:
        if folded in COMMON and folded not in _AMBIGUOUS:
            return 1.0
        return 0.4 if is_syllable(folded) else 0.0
    if not is_syllable(folded):
        return 0.0
    if any(char in _VIETNAMESE_ONLY for char in lower):
        return 1.0
    return 1.0 if folded in COMMON or len(folded) <= 3 else 0.75


def vietnamese_share(text: str) -> float:
    """Share (0–1) of the text's words that read as Vietnamese; 0.0 for text without words."""
    words = _WORD_RE.findall(unicodedata.normalize("NFC", text))
    if not words:
        return 0.0
    return sum(_word_score(word) for word in words) / len(words)


def looks_vietnamese(text: str, threshold: float = THRESHOLD) -> bool:
    """True when most words read as Vietnamese (see vietnamese_share)."""
    return vietnamese_share(text) >= threshold
