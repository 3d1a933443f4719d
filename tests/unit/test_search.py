"""Passage retrieval as a user notices it: over every passage of the five real directives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.knowledge.search import SEARCH_THRESHOLD, PassageIndex, TfidfIndex

DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"
STEMS = {
    "bac_ninh": "bac-ninh-2026-skhcn-tet-binh-ngo",
    "bac_giang": "bac-giang-2024-stttt-tet-giap-thin",
    "ha_tinh": "ha-tinh-2024-stttt-tet-giap-thin",
    "lang_son": "lang-son-2025-stttt-184-tet-at-ty",
    "soc_trang": "soc-trang-2024-stttt-tet-giap-thin",
}


_HEADING_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\S")
_SENTENCE_RE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")


def paragraphs(text: str) -> list[str]:
    """Hard-wrapped lines joined: a bullet, a number or the end of a sentence starts a paragraph."""
    parts: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if (
            not parts
            or line[0] in "-+*"
            or line[0].isdigit()
            or parts[-1].endswith((".", ";", ":"))
        ):
            parts.append(line)
        else:
            parts[-1] += " " + line
    return parts


def passages(text: str) -> list[str]:
    """Sentences under their section heading, "heading. sentence", as the store indexes them."""
    found: list[str] = []
    heading = ""
    for paragraph in paragraphs(text):
        if _HEADING_RE.match(paragraph) and len(paragraph.split()) <= 20:
            heading = paragraph.rstrip(":")
            continue
        for sentence in _SENTENCE_RE.split(paragraph):
            found.append(f"{heading}. {sentence}" if heading else sentence)
    return found


def load() -> tuple[dict[int, str], dict[str, list[int]]]:
    """Passages keyed 1000·n + i for the n-th directive, and each directive's keys."""
    texts: dict[int, str] = {}
    keys: dict[str, list[int]] = {}
    for n, (name, stem) in enumerate(STEMS.items(), start=1):
        text = (DIRECTIVES / f"{stem}.txt").read_text(encoding="utf-8")
        chunk = {1000 * n + i: p for i, p in enumerate(passages(text))}
        texts.update(chunk)
        keys[name] = list(chunk)
    return texts, keys


PASSAGES, KEYS = load()


@pytest.fixture
def index() -> PassageIndex:
    return PassageIndex(PASSAGES)


def best(index: PassageIndex, question: str, directive: str | None = None) -> tuple[str, float]:
    hits = index.search(question, KEYS[directive] if directive else None)
    assert hits, question
    return PASSAGES[hits[0].key], hits[0].score


@pytest.mark.parametrize(
    ("question", "directive", "answer"),
    [
        ("buu gui kt1 phai xu ly the nao", "bac_ninh", "bưu gửi KT1"),
        ("sdt doi ung cuu su co attt", "lang_son", "02053.818.657"),
        ("dt lien he chanh thanh tra so", "soc_trang", "0916861396"),
        ("dn vt co phai chia se ha tang roaming ko", "lang_son", "roaming"),
        ("han gui danh sach truc lanh dao", "soc_trang", "01/02/2024"),
        ("bc ket qua gui email nao", "bac_giang", "so_tttt_vt@bacgiang.gov.vn"),
        ("dn ttt phai lam gi", "bac_ninh", "truyền hình trả tiền"),
    ],
)
def test_unaccented_abbreviated_question_finds_the_accented_passage(
    index: PassageIndex, question: str, directive: str, answer: str
) -> None:
    text, score = best(index, question, directive)
    assert answer in text
    assert score >= SEARCH_THRESHOLD


def test_a_scoped_search_returns_only_the_given_keys(index: PassageIndex) -> None:
    # KT1 is only in Bắc Ninh's directive: scoped to Sóc Trăng, Bắc Ninh must not leak in.
    everywhere = index.search("bưu gửi KT1", limit=1)
    assert everywhere[0].key in KEYS["bac_ninh"]
    scoped = index.search("bưu gửi KT1", KEYS["soc_trang"], limit=10)
    assert scoped and {hit.key for hit in scoped} <= set(KEYS["soc_trang"])
    assert index.search("bưu gửi KT1", [999_999]) == []


def test_a_removed_directive_is_never_returned(index: PassageIndex) -> None:
    question = "đội ứng cứu sự cố an toàn thông tin mạng số điện thoại"
    assert best(index, question)[0].count("02053.818.657")
    index.remove(KEYS["lang_son"])
    assert index.search(question, KEYS["lang_son"]) == []
    assert not {hit.key for hit in index.search(question, limit=50)} & set(KEYS["lang_son"])
    # Removing most of the index compacts it; what is left keeps its keys and answers.
    index.remove(KEYS["bac_giang"] + KEYS["ha_tinh"] + KEYS["soc_trang"])
    assert len(index) == len(KEYS["bac_ninh"])
    assert "KT1" in best(index, "buu gui kt1")[0]


def test_add_makes_a_new_directive_findable_at_once() -> None:
    without = {k: v for k, v in PASSAGES.items() if k not in KEYS["soc_trang"]}
    index = PassageIndex(without)
    assert index.search("han gui danh sach truc lanh dao", KEYS["soc_trang"]) == []
    index.add({k: PASSAGES[k] for k in KEYS["soc_trang"]})
    assert "01/02/2024" in best(index, "han gui danh sach truc lanh dao", "soc_trang")[0]


def test_loading_directives_one_by_one_answers_as_loading_them_at_once() -> None:
    at_once = PassageIndex(PASSAGES)
    one_by_one = PassageIndex({})
    for keys in KEYS.values():
        one_by_one.add({k: PASSAGES[k] for k in keys})
    one_by_one.remove(KEYS["ha_tinh"])  # a directive retired, then loaded again
    one_by_one.add({k: PASSAGES[k] for k in KEYS["ha_tinh"]})
    for question in ("sdt duong day nong", "bưu gửi KT1", "dn vt phai lam gi", "roaming"):
        assert one_by_one.search(question, limit=5) == at_once.search(question, limit=5)


def test_adding_a_known_key_replaces_its_text(index: PassageIndex) -> None:
    key = next(k for k in KEYS["ha_tinh"] if "tin nhắn rác" in PASSAGES[k])
    index.add({key: "Chống tin nhắn quảng cáo trái phép, cuộc gọi quảng cáo trái phép."})
    assert index.search("quảng cáo trái phép", limit=1)[0].key == key
    assert key not in {hit.key for hit in index.search("thư điện tử rác", limit=50)}


@pytest.mark.parametrize(
    "question",
    [
        "Thời tiết Tết năm nay thế nào?",
        "tiem vac xin covid o dau",
        "giá vàng hôm nay bao nhiêu",
        "lich thi dau bong da",
        "luong thang 13 khi nao tra",
        "cách làm bánh chưng",
    ],
)
def test_a_question_the_directives_do_not_answer_scores_below_the_threshold(
    index: PassageIndex, question: str
) -> None:
    assert all(hit.score < SEARCH_THRESHOLD for hit in index.search(question, limit=10))


def test_weather_does_not_match_equipment_or_thrift() -> None:
    texts = {
        **PASSAGES,
        1: "Bố trí đủ nhân lực trực, theo dõi bưu gửi KT1 phục vụ cơ quan Đảng",
        2: "Đảm bảo dự phòng đầy đủ các thiết bị tiếp phát, nguồn điện",
        3: "Thực hiện tiết kiệm trong dịp Tết",
    }
    index = PassageIndex(texts)
    for question in ("thoi tiet hom nay", "Thời tiết hôm nay thế nào?", "du bao thoi tiet"):
        assert all(hit.score < SEARCH_THRESHOLD for hit in index.search(question, limit=10))
    # Asked for, the same words still find their passages.
    assert "tiết kiệm" in texts[index.search("tiết kiệm dịp Tết", limit=1)[0].key]
    assert (
        "thiết bị tiếp phát" in texts[index.search("du phong thiet bi tiep phat", limit=1)[0].key]
    )


def test_the_old_name_still_builds_the_same_index() -> None:
    index = TfidfIndex({1: "Bố trí nhân lực theo dõi bưu gửi KT1", 2: "Thực hiện tiết kiệm"})
    assert index.search("buu gui kt1 la gi")[0].key == 1
    assert PassageIndex({}).search("bưu gửi") == []
