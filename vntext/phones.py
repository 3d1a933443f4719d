"""Vietnamese phone numbers: validated with ``phonenumbers`` (region VN), stored as E.164.

Directives and rosters write numbers every way ("0912.345.678", "0912 345 678", "+84 912 345 678",
"02053.818.657"); mobiles have 10 digits, landlines a 4-digit area code such as 0205 or 0299.
The store keeps E.164 so the same person is one key; people are shown the national form they type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

from vntext.dates import fold_keep_offsets
from vntext.normalize import nfc

REGION = "VN"
EXAMPLE = "0912345678"
# An e-mail address as directives and users write them.
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LABEL_RE = re.compile(
    r"^\s*(?:(?:so\s+)?(?:sdt|dt|dd|di\s+dong|dien\s+thoai|tel|mobile|phone|hotline)\.?\s*)+[:.]?\s*"
)
_ALLOWED_RE = re.compile(r"^[\d\s.\-()+]+$")


@dataclass(frozen=True)
class Phone:
    """A valid number: ``e164`` for storage and matching, ``display`` as written at home (0912345678)."""

    e164: str
    display: str

    @property
    def grouped(self) -> str:
        """Spaced national form for reading aloud: "0912 345 678", "0205 3818 657"."""
        number = phonenumbers.parse(self.e164, REGION)
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)

    @property
    def is_mobile(self) -> bool:
        """True for a mobile number (what rosters ask for, since duty staff are reached anywhere)."""
        number = phonenumbers.parse(self.e164, REGION)
        kind = phonenumbers.number_type(number)
        return kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class PhoneMatch:
    """A number found in free text, with its offsets into the NFC text."""

    phone: Phone
    start: int
    end: int


def _phone_of(number: phonenumbers.PhoneNumber) -> Phone:
    """E.164 for storage and the compact national form (0912345678) for people."""
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return Phone(e164, re.sub(r"\D", "", national))


def _invalid(raw: str) -> ValueError:
    """The one message for every unusable number, with a valid example."""
    return ValueError(f"Số điện thoại “{raw}” không hợp lệ. Ví dụ: {EXAMPLE}.")


def parse_phone(text: str) -> Phone:
    """One number typed on its own, optionally after a label ("SĐT: 0912.345.678").

    Raises ValueError with a Vietnamese message and an example when it is not a valid VN number,
    so a typo (a digit missing, an old 11-digit mobile) is caught while the user is still there.
    """
    raw = nfc(text).strip()
    if not raw:
        raise ValueError(f"Chưa có số điện thoại. Vui lòng nhập số, ví dụ: {EXAMPLE}.")
    label = _LABEL_RE.match(fold_keep_offsets(raw))
    number_text = raw[label.end() :] if label else raw
    if not _ALLOWED_RE.match(number_text) or len(re.sub(r"\D", "", number_text)) < 8:
        raise _invalid(raw)
    try:
        number = phonenumbers.parse(number_text, REGION)
    except phonenumbers.NumberParseException as error:
        raise _invalid(raw) from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid(raw)
    return _phone_of(number)


def find_phone_matches(text: str) -> list[PhoneMatch]:
    """Every valid number in free text with its offsets, in order (duplicates kept)."""
    text = nfc(text)
    return [
        PhoneMatch(_phone_of(match.number), match.start, match.end)
        for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.VALID)
    ]


def find_phones(text: str) -> list[Phone]:
    """Every distinct valid number in free text ("02053.818.657 – 0918.210.111"), in order."""
    seen: dict[str, Phone] = {}
    for match in find_phone_matches(text):
        seen.setdefault(match.phone.e164, match.phone)
    return list(seen.values())
