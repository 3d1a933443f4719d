"""Whether a message asks something, and about what: the line between a question and a command.

"han gui danh sach truc la ngay nao" asks; "gui danh sach truc" commands. Users type without
diacritics or punctuation, so the cues are question words and frames on folded, abbreviation-
expanded text: "nào", "gì", "ai", "đâu", "bao giờ", "có … không", "được không", "chưa" at the end.
"""

from __future__ import annotations

import re

from vntext.abbreviations import expand

_QUESTION_RES = tuple(
    re.compile(pattern)
    for pattern in (
        r"\?",
        # Particles that end a question.
        r"(?<!\w)(?:khong|ko|k|hong|hok|chua|nhi|vay|the|ha|ak|a nhi)\s*(?:a|ad|ah|anh|chi|em|ban|sep)?\s*[.!]*$",
        # Question words.
        r"(?<!\w)(?:bao gio|khi nao|luc nao|ngay nao|hom nao|bao nhieu|bao lau|the nao|nhu nao|"
        r"ra sao|lam sao|tai sao|vi sao|o dau|ve dau|qua dau|den dau|lay o dau|cho ai|gui ai|voi ai|"
        r"la ai|ai la|ai ky|la gi|nhung gi|cai gi|gi|j|nao|sao|dau)(?!\w)",
        # "có cần / có phải / có được …", "… được không", "… đúng không".
        r"(?<!\w)co (?:can|phai|duoc|bat buoc|nen|the|bi|gom|kem|ghi)(?!\w)",
        r"(?<!\w)(?:duoc|phai|dung|dc|can|kip)\s+(?:khong|ko|k|chua)(?!\w)",
        r"(?<!\w)co(?!\w).{1,60}(?<!\w)(?:khong|ko|k|hong)(?!\w)\s*\S{0,6}\s*$",
        r"^(?:cho (?:em|toi|minh|chau) )?(?:hoi|xin hoi)(?!\w)",
        # "là số mấy", "mấy giờ" ("máy" folds to the same word, so only these frames).
        r"(?<!\w)(?:so may|la may|may gio|may ngay|may lan|may tieng|may phut)(?!\w)",
        # A keyword query about a deadline: "hạn chót báo cáo kết quả Tết Bính Ngọ".
        r"^(?:han|thoi han|han chot|han cuoi|han nop|han gui)(?!\w)",
        # A keyword query for a contact or a form: "email gửi báo cáo tổng kết Đắk Lắk".
        r"^(?:(?:cho (?:em|toi|minh|chau) )?xin )?(?:email|so dien thoai|dien thoai|so di dong|"
        r"duong day nong|dia chi|mau|bieu mau)(?!\w)",
    )
)
_ALTERNATIVE_RE = re.compile(r"(?P<before>(?:\S+ ){1,3})hay (?:la |chi )?(?P<after>\S+)")
_SUBMISSION_RE = re.compile(
    r"(?<!\w)(?:bao cao|bao|danh sach|ds|lich truc|truc|su co|ket qua|mau|bieu mau|nop|gui|cap nhat|"
    r"phu luc|ky so|dinh kem|file)(?!\w)"
)
_CONTACT_NOUN = (
    r"(?:so dien thoai|dien thoai|so di dong|so may|duong day nong|email|dia chi email|"
    r"so lien he|so truc|so may truc)"
)
_CONTACT_RES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^(?:(?:cho (?:em|toi|minh|chau) )?xin )?{_CONTACT_NOUN}(?!\w)",
        rf"(?<!\w){_CONTACT_NOUN}(?!\w).{{0,30}}(?<!\w)(?:nao|gi|bao nhieu|may|cua ai|la gi)(?!\w)",
        r"(?<!\w)(?:so cua|so dien thoai cua|email cua|so dt cua)(?!\w)",
        r"(?<!\w)(?:lien he|goi)(?: voi| cho)? (?:ai|so nao|dau)(?!\w)",
        r"(?<!\w)(?:hoi ai|phoi hop voi ai|bao cho ai)(?!\w)",
    )
)
_DUTY_RE = re.compile(
    r"(?<!\w)(?:lam gi|lam nhung gi|nhiem vu|can lam|phai lam|duoc giao|trach nhiem|"
    r"yeu cau gi|phai thuc hien|can chuan bi)(?!\w)"
)
_DEADLINE_RE = re.compile(
    r"(?<!\w)(?:han(?! che| noi| muc)|thoi han|han chot|han cuoi|khi nao|bao gio|luc nao|"
    r"ngay nao|hom nao|"
    r"truoc ngay|truoc may gio|may gio|muon nhat|cham nhat|tre han|qua han|deadline|tu ngay nao|"
    r"den ngay nao|tu may gio|mung may|ngay may|den mung|khung gio)(?!\w)"
)


def is_question(text: str) -> bool:
    """True when the message asks something (whatever it asks about)."""
    folded = expand(text).strip()
    return any(rx.search(folded) for rx in _QUESTION_RES) or _alternative(folded)


def _alternative(folded: str) -> bool:
    """ "gửi bản giấy hay bản điện tử", "báo cáo sở hay báo cáo bộ": X hay Y, with Y starting like X."""
    for match in _ALTERNATIVE_RE.finditer(folded):
        if match["after"] in match["before"].split():
            return True
    return False


def mentions_submission(text: str) -> bool:
    """True when the message is about something enterprises send (a report, a roster, a form)."""
    return bool(_SUBMISSION_RE.search(expand(text)))


def asks_about_deadline(text: str) -> bool:
    """True when the question is about when something is due."""
    return bool(_DEADLINE_RE.search(expand(text)))


def asks_for_contact(text: str) -> bool:
    """True when the message asks for a phone number, an e-mail or whom to call."""
    folded = expand(text).strip()
    return any(rx.search(folded) for rx in _CONTACT_RES)


def asks_about_duties(text: str) -> bool:
    """True when the message asks what someone must do ("phải làm gì", "nhiệm vụ")."""
    return bool(_DUTY_RE.search(expand(text)))


_HOLIDAY_RE = re.compile(
    r"(?<!\w)(?:nghi tet|lich nghi|nghi le|ngay nghi|duoc nghi|nghi may ngay|nghi bao nhieu|"
    r"treo co|nhung ngay tet|cac ngay tet)(?!\w)"
)
_DIRECTIVE_INFO_RE = re.compile(
    r"(?<!\w)(?:ai ky|nguoi ky|ky boi|ai ban hanh|co quan nao ban hanh|don vi nao ban hanh|"
    r"ban hanh ngay|so hieu|so bao nhieu|trich yeu|can cu)(?!\w)"
)


def asks_about_holidays(text: str) -> bool:
    """True when the message asks about days off, flag days or the days of Tết."""
    return bool(_HOLIDAY_RE.search(expand(text)))


def asks_about_directive(text: str) -> bool:
    """True when the message asks who signed or issued the document, its number or its bases."""
    return bool(_DIRECTIVE_INFO_RE.search(expand(text)))
