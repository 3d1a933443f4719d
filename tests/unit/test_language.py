"""Vietnamese is recognised typed either way; other languages that share its letters are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from vntext.language import is_syllable, looks_vietnamese, vietnamese_share
from vntext.normalize import fold

DIRECTIVE = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "directives"
    / "lang-son-2025-stttt-184-tet-at-ty.txt"
).read_text(encoding="utf-8")[:3000]

VIETNAMESE = [
    DIRECTIVE,
    fold(DIRECTIVE),
    "Hạn nộp báo cáo kết quả trực Tết của doanh nghiệp viễn thông là khi nào?",
    "han nop bao cao truc tet cua vnpt ha tinh la khi nao vay ban",
    "sdt duong day nong so tttt lang son",
    "ai dang truc o vnpt ha tinh bay gio",
]
OTHER = {
    "english": "The department issues a directive every year telling each kind of organisation "
    "what to do, by when, and whom to call during the lunar new year holiday.",
    "french": "Le ministère a publié une circulaire pour les fêtes du Têt : les entreprises doivent "
    "être prêtes à assurer la continuité du service pendant toute la période des congés.",
    "chinese": "春节期间，各电信企业要确保网络安全和信息畅通，及时报告突发事件。",
    "lorem": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud.",
}


@pytest.mark.parametrize("text", VIETNAMESE)
def test_vietnamese_with_or_without_diacritics(text: str) -> None:
    assert looks_vietnamese(text), vietnamese_share(text)


@pytest.mark.parametrize("language", sorted(OTHER))
def test_other_languages_are_not_vietnamese(language: str) -> None:
    assert not looks_vietnamese(OTHER[language]), vietnamese_share(OTHER[language])
    assert vietnamese_share(OTHER[language]) < 0.3


def test_syllable_shape_tells_vietnamese_accents_from_french() -> None:
    assert all(is_syllable(word) for word in ("thường", "nghiêng", "quyền", "giữa", "khuya", "Đức"))
    assert not any(is_syllable(word) for word in ("été", "être", "première", "très", "où"))


def test_short_english_made_of_syllable_shapes_is_not_vietnamese() -> None:
    assert not looks_vietnamese("The cat")
    assert looks_vietnamese("han nop bc")


def test_no_words_is_not_vietnamese() -> None:
    assert vietnamese_share("0911378999 — 13/02/2024") == 0.0
    assert not looks_vietnamese("")
