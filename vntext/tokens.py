"""Syllable tokenisation that keeps offsets into the original (possibly NFD) text."""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from vntext.normalize import fold, nfc


class Span(NamedTuple):
    """A token: its folded text and its offsets in the original string."""

    text: str
    start: int
    end: int


def _is_word_char(char: str) -> bool:
    # Combining marks belong to the syllable they decorate (NFD input).
    return char.isalnum() or unicodedata.category(char).startswith("M") or char in "_@"


def syllables(text: str) -> list[Span]:
    """Split on anything that is not a letter, digit or combining mark; fold each piece.

    Offsets index the original string, so entity annotations written against it stay valid.
    """
    spans: list[Span] = []
    start: int | None = None
    for index, char in enumerate(text):
        if _is_word_char(char):
            if start is None:
                start = index
            continue
        if start is not None:
            spans.append(Span(fold(nfc(text[start:index])), start, index))
            start = None
    if start is not None:
        spans.append(Span(fold(nfc(text[start:])), start, len(text)))
    return spans
