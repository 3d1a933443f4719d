"""Normalisation and diacritic folding for Vietnamese text.

Users type on phones without diacritics ("han nop bao cao"), directives are typed with them, and text
arrives in NFC or NFD depending on the keyboard. Folding both sides lets them meet.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return the NFC form; NFD "Tỵ" is three code points and never matches NFC text."""
    return unicodedata.normalize("NFC", text)


def fold_char(char: str) -> str:
    """Fold one character: drop combining marks, map đ/Đ (and look-alike Ð) to d/D."""
    decomposed = unicodedata.normalize("NFD", char.translate(_D_MAP))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case, diacritic-free form used for matching; word boundaries are kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()


def clean_message(text: str) -> str:
    """NFC, no control characters, collapsed whitespace: the form every boundary accepts."""
    text = _CONTROL_RE.sub(" ", nfc(text))
    return _SPACE_RE.sub(" ", text).strip()


def clean_lines(text: str) -> str:
    """Like clean_message, but line breaks survive: a roster pasted from Excel is one row a line."""
    lines = (clean_message(line) for line in nfc(text).replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
