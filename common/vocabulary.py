"""The domain's closed vocabularies: one code, one Vietnamese label, and the words users type for it.

Duty types, incident categories, severities and stages, and the sectors enterprises belong to are
read by the forms, the buttons, the store's schemas, the gateway's audiences and the parsers. Each was
once copied in three to five places and the copies drifted (the sector "truyen_hinh" was the audience
"truyen_hinh_tra_tien"); now each lives here, and tests/unit/test_vocabulary.py checks that the
domain, the store's OpenAPI and data/audiences.yml agree with it.

Codes are `str` subclasses, so they compare, serialise and store as their code; `str()` and
f-strings give the code on Python 3.10 and 3.11 alike (a plain `(str, Enum)` prints its name on 3.11).
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from vntext.normalize import fold

C = TypeVar("C", bound="Code")
# Labels that keep their capital inside a sentence ("lĩnh vực Internet").
_PROPER_NOUNS = frozenset({"Internet"})


class Code(str, Enum):
    """A code with its Vietnamese label and the folded phrases that name it in a user's answer."""

    label: str
    phrases: tuple[str, ...]

    def __new__(cls, code: str, label: str, phrases: tuple[str, ...] = ()) -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.phrases = (fold(label), *phrases)
        return member

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: «lĩnh vực bưu chính», «mức nghiêm trọng»."""
        first = self.label.split()[0]
        return self.label if first in _PROPER_NOUNS else self.label[0].lower() + self.label[1:]

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """{code: label}, in declaration order (buttons and tables keep it)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def exactly(cls: type[C], text: str) -> C | None:
        """The member whose code, label or phrase is the whole of text (folded), or None."""
        folded = " ".join(fold(text).replace("_", " ").split())
        for member in cls:
            if folded == member.value.replace("_", " ") or folded in member.phrases:
                return member
        return None

    @classmethod
    def named_in(cls: type[C], text: str) -> C | None:
        """The member a short answer names («nghiêm trọng», "vien thong", "Trực LĐ"), or None.

        The whole answer must be one of the phrases, or contain one as whole words; the longest
        phrase wins so "rất nghiêm trọng" is not "trọng".
        """
        folded = f" {' '.join(fold(text).replace('_', ' ').split())} "
        best: tuple[int, C] | None = None
        for member in cls:
            for phrase in (member.value.replace("_", " "), *member.phrases):
                if f" {phrase} " in folded and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), member)
        return best[1] if best else None


class DutyType(Code):
    TRUC_LANH_DAO = ("truc_lanh_dao", "Trực lãnh đạo", ("lanh dao truc", "truc ld", "tld"))
    TRUC_DIEU_HANH = ("truc_dieu_hanh", "Trực điều hành", ("truc dh", "tdh"))
    TRUC_CA = ("truc_ca", "Trực ca")
    UNG_CUU_THONG_TIN = (
        "ung_cuu_thong_tin",
        "Ứng cứu thông tin",
        ("ung cuu su co", "ung cuu", "uctt", "ucsc"),
    )
    VAN_HANH_KHAI_THAC = (
        "van_hanh_khai_thac",
        "Vận hành khai thác",
        ("van hanh, khai thac", "vhkt"),
    )


class IncidentCategory(Code):
    MANG_VIEN_THONG = ("mang_vien_thong", "Mạng viễn thông", ("vien thong", "mang"))
    AN_TOAN_THONG_TIN = ("an_toan_thong_tin", "An toàn thông tin", ("attt", "an ninh mang"))
    BUU_CHINH = ("buu_chinh", "Bưu chính", ("chuyen phat",))
    KHAC = ("khac", "Khác")


class Severity(Code):
    THAP = ("thap", "Thấp", ("nhe",))
    TRUNG_BINH = ("trung_binh", "Trung bình", ("tb", "vua"))
    CAO = ("cao", "Cao", ("nang",))
    NGHIEM_TRONG = (
        "nghiem_trong",
        "Nghiêm trọng",
        ("rat nghiem trong", "dac biet nghiem trong", "rat nang"),
    )


SEVERE = frozenset({Severity.CAO, Severity.NGHIEM_TRONG})


class Stage(Code):
    BAN_DAU = ("ban_dau", "Ban đầu")
    CAP_NHAT = ("cap_nhat", "Cập nhật")
    KET_THUC = ("ket_thuc", "Kết thúc", ("da khac phuc", "da khoi phuc"))


class Sector(Code):
    """What an enterprise does; also the audience code of the directive sections addressed to it."""

    BUU_CHINH = ("buu_chinh", "Bưu chính", ("bc", "buu dien", "chuyen phat"))
    VIEN_THONG = ("vien_thong", "Viễn thông", ("vt", "nha mang"))
    INTERNET = ("internet", "Internet", ("isp",))
    TRUYEN_HINH = (
        "truyen_hinh",
        "Truyền hình trả tiền",
        ("truyen hinh", "truyen hinh cap", "iptv"),
    )
    KHAC = ("khac", "Khác")
