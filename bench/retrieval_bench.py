"""Passage retrieval benchmark: which engine answers questions over every passage of 200 directives.

The store searches every passage (sentence or short paragraph, with its section heading) of every
directive, cut by the parser; the bench takes them from the parser too. It builds a deterministic
corpus of ~200 directives / ~20,000 passages from the five real directives in data/directives/
(province, years, names and numbers substituted, paragraphs mixed between documents), asks the
labelled questions of bench/retrieval_queries.yml (accented, unaccented, abbreviated, and
questions the directive cannot answer) and measures every candidate
engine on the same corpus: hit@1/hit@3 scoped to the right directive and unscoped over all of them,
the best score of unanswerable questions (to choose a threshold), search latency, build time, time to
add one directive, and memory. Each engine runs in its own forked process so memory deltas and
timings do not leak between engines.

    python -m bench.retrieval_bench                  # the default engines, ~2.5 minutes
    python -m bench.retrieval_bench --engines all    # also bm25s+char 3-grams, pg_trgm with GIN
    python -m bench.retrieval_bench --engines passage,bm25s --searches 200

PostgreSQL: RETRIEVAL_BENCH_PG or --pg (default postgresql://postgres@127.0.0.1:5432/test); the
bench creates and drops a database of its own there.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from common.paths import PROJECT_ROOT
from store.knowledge.layout import BODY_KINDS, blocks_of, sections_of
from store.knowledge.parser import parse
from store.knowledge.search import (
    SEARCH_THRESHOLD,
    UNSCOPED_SEARCH_THRESHOLD,
    PassageIndex,
    content_words,
)
from vntext.abbreviations import expand
from vntext.normalize import fold
from vntext.provinces import current_provinces, without_places

DIRECTIVES = PROJECT_ROOT / "data" / "directives"
QUERIES = PROJECT_ROOT / "bench" / "retrieval_queries.yml"
SEED = 20260217
N_DOCUMENTS = 200
TARGET_PASSAGES = 20_000
ADDED_PASSAGES = 100

# ---------------------------------------------------------------------------------------------
# Passages of one directive
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """A passage before it joins the corpus: its section heading and its text."""

    heading: str
    text: str

    @property
    def indexed(self) -> str:
        """What the engines index: heading and text, as services builds its documents."""
        return f"{self.heading}. {self.text}" if self.heading else self.text


def split_passages(text: str) -> list[Chunk]:
    """A directive's passages exactly as the store indexes them: the parser's own."""
    return [Chunk(p.heading or "", p.text) for p in parse(text).passages]


def real_directives() -> dict[str, list[Chunk]]:
    """The five real directives, by file stem, as passages."""
    return {
        path.stem: split_passages(path.read_text(encoding="utf-8"))
        for path in sorted(DIRECTIVES.glob("*.txt"))
    }


# ---------------------------------------------------------------------------------------------
# The 200-directive corpus
# ---------------------------------------------------------------------------------------------

_REAL_PROVINCES = ("Bắc Ninh", "Bắc Giang", "Hà Tĩnh", "Lạng Sơn", "Sóc Trăng")
_CAN_CHI = {
    2020: "Canh Tý", 2021: "Tân Sửu", 2022: "Nhâm Dần", 2023: "Quý Mão", 2024: "Giáp Thìn",
    2025: "Ất Tỵ", 2026: "Bính Ngọ", 2027: "Đinh Mùi", 2028: "Mậu Thân", 2029: "Kỷ Dậu",
}  # fmt: skip
_CAN_CHI_RE = re.compile("|".join([*_CAN_CHI.values(), "Ất Ty"]))
_YEAR_RE = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_PHONE_RE = re.compile(r"(?<![\d/])0\d{2,4}[.\s]?\d{3}[.\s]?\d{3,4}(?![\d/])")
_DOC_NUMBER_RE = re.compile(r"(?<=số )(\d{1,4})(?=/)")
_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})/(\d{2})/(20\d\d)")
_HOUR_RE = re.compile(r"(?<!\d)(\d{1,2})h00")
_PEOPLE = ("Đặng Văn Đức", "Nguyễn Thanh Lâm", "Nguyễn Tiến Lên", "Mai Sơn")
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc", "Xuân")
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Long", "Nam", "Phúc", "Tâm")
_SYNONYMS = (
    ("đảm bảo", "bảo đảm"), ("bảo đảm", "đảm bảo"), ("tăng cường", "đẩy mạnh"),
    ("kịp thời", "nhanh chóng"), ("người dân", "Nhân dân"), ("Tổ chức", "Chủ động tổ chức"),
    ("nghiêm túc", "nghiêm"), ("triển khai", "thực hiện"), ("thông suốt", "liên tục"),
    ("doanh nghiệp", "đơn vị"), ("sự cố", "sự cố, sự việc"), ("Internet", "internet"),
)  # fmt: skip
_TEMPLATE_YEAR_RE = re.compile(r"-(20\d\d)-")


@dataclass(frozen=True)
class Passage:
    """One passage of the corpus, with the real passage it was derived from (its origin)."""

    key: int
    doc: int
    heading: str
    text: str
    origin: tuple[str, int]

    @property
    def indexed(self) -> str:
        return f"{self.heading}. {self.text}" if self.heading else self.text


@dataclass
class Corpus:
    """Documents (id -> passage keys), passages by key, and the real directives' document ids."""

    passages: dict[int, Passage] = field(default_factory=dict)
    documents: dict[int, list[int]] = field(default_factory=dict)
    real: dict[str, int] = field(default_factory=dict)

    def add_document(self, doc: int, chunks: Sequence[tuple[Chunk, tuple[str, int]]]) -> None:
        keys = []
        for chunk, origin in chunks:
            key = len(self.passages)
            self.passages[key] = Passage(key, doc, chunk.heading, chunk.text, origin)
            keys.append(key)
        self.documents[doc] = keys


class Variator:
    """Rewrites a real passage for another province and year, as another department would."""

    def __init__(self, rng: random.Random, province: str, year: int, template_year: int) -> None:
        self.rng = rng
        self.province = province
        self.shift = year - template_year
        self.slug = fold(province).replace(" ", "")
        self.people = {name: self._person() for name in _PEOPLE}

    def _person(self) -> str:
        return " ".join(self.rng.choice(pool) for pool in (_SURNAMES, _MIDDLE, _GIVEN))

    def _digits(self, match: re.Match[str]) -> str:
        """Another number of the same shape: 0 and separators kept."""
        head, tail = match[0][:2], match[0][2:]
        return head + "".join(self.rng.choice("0123456789") if c.isdigit() else c for c in tail)

    def _date(self, match: re.Match[str]) -> str:
        day = min(28, max(1, int(match[1]) + self.rng.randint(-4, 4)))
        return f"{day:02d}/{match[2]}/{match[3]}"  # the year moves with every other year

    def _can_chi(self, match: re.Match[str]) -> str:
        name = "Ất Tỵ" if match[0] == "Ất Ty" else match[0]
        year = next(y for y, n in _CAN_CHI.items() if n == name)
        return _CAN_CHI.get(year + self.shift, name)

    def text(self, text: str) -> str:
        """Place, years, Tết name, people, numbers substituted; some wording and clause order varied."""
        for name in _REAL_PROVINCES:
            text = text.replace(name, self.province).replace(name.upper(), self.province.upper())
        for domain in ("bacgiang", "soctrang"):
            text = text.replace(domain, self.slug)
        text = _DATE_RE.sub(self._date, text)
        text = _YEAR_RE.sub(lambda m: str(int(m[1]) + self.shift), text)
        text = _CAN_CHI_RE.sub(self._can_chi, text)
        text = _PHONE_RE.sub(self._digits, text)
        text = _DOC_NUMBER_RE.sub(lambda m: str(self.rng.randint(1, 999)), text)
        text = _HOUR_RE.sub(lambda m: f"{self.rng.randint(8, 16)}h00", text)
        for name, person in self.people.items():
            text = text.replace(name, person)
        for old, new in _SYNONYMS:
            if old in text and self.rng.random() < 0.3:
                text = text.replace(old, new, 1)
        clauses = text.split(", ")
        if len(clauses) > 3 and self.rng.random() < 0.4:
            i = self.rng.randrange(1, len(clauses) - 1)
            clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
            text = ", ".join(clauses)
        return text

    def chunk(self, chunk: Chunk) -> Chunk:
        return Chunk(self.text(chunk.heading), self.text(chunk.text))


def _document_sizes(rng: random.Random, count: int, total: int) -> list[int]:
    """Passages per synthetic directive: skewed like real ones (most ~100, a few near 300)."""
    raw = [min(300.0, max(40.0, rng.lognormvariate(math.log(90), 0.5))) for _ in range(count)]
    scale = total / sum(raw)
    return [max(40, min(300, round(size * scale))) for size in raw]


def synthetic_document(
    rng: random.Random,
    real: Mapping[str, list[Chunk]],
    province: str,
    year: int,
    size: int,
) -> list[tuple[Chunk, tuple[str, int]]]:
    """A directive for province and year: one real directive rewritten, padded to size with
    passages borrowed from the others (and repeated, reworded, when they run out)."""
    stems = sorted(real)
    base = rng.choice(stems)
    pool = [(stem, i) for stem in stems if stem != base for i in range(len(real[stem]))]
    borrowed: list[tuple[str, int]] = []
    while len(real[base]) + len(borrowed) < size:
        rng.shuffle(pool)
        borrowed.extend(pool[: size - len(real[base]) - len(borrowed)])
    origins = [(base, i) for i in range(len(real[base]))]
    for origin in borrowed:
        origins.insert(rng.randrange(len(origins) + 1), origin)
    variators = {
        stem: Variator(rng, province, year, int(_TEMPLATE_YEAR_RE.search(stem)[1]))
        for stem in stems
    }
    return [(variators[stem].chunk(real[stem][index]), (stem, index)) for stem, index in origins]


def build_corpus(
    seed: int = SEED, documents: int = N_DOCUMENTS, passages: int = TARGET_PASSAGES
) -> Corpus:
    """The five real directives as they are, then synthetic ones up to `documents`."""
    rng = random.Random(seed)
    real = real_directives()
    corpus = Corpus()
    for doc, (stem, chunks) in enumerate(real.items()):
        corpus.add_document(doc, [(chunk, (stem, i)) for i, chunk in enumerate(chunks)])
        corpus.real[stem] = doc
    provinces = current_provinces()
    synthetic = documents - len(real)
    sizes = _document_sizes(rng, synthetic, passages - len(corpus.passages))
    for n, size in enumerate(sizes):
        province = provinces[n % len(provinces)]
        year = 2022 + (n // len(provinces)) % 6
        doc = len(real) + n
        corpus.add_document(doc, synthetic_document(rng, real, province, year, size))
    return corpus


def new_directive(corpus: Corpus, seed: int = SEED) -> dict[int, str]:
    """One more directive of ~100 passages (keys after the corpus's), to time an incremental add."""
    rng = random.Random(seed + 1)
    chunks = synthetic_document(rng, real_directives(), "Quảng Trị", 2027, ADDED_PASSAGES)
    start = max(corpus.passages) + 1
    return {start + i: chunk.indexed for i, (chunk, _) in enumerate(chunks)}


# ---------------------------------------------------------------------------------------------
# Labelled questions and accuracy
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A question, the real directive it is asked about, and the passages that answer it."""

    q: str
    directive: str
    style: str
    doc: int
    answers: frozenset[int]  # keys of the real directive's passages holding the answer
    # real passages of any directive that hold the answer: their rewrites answer it too, so an
    # unscoped search is right when it returns one of them or any passage derived from one
    origins: frozenset[tuple[str, int]]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def load_queries(corpus: Corpus, path: Path = QUERIES) -> list[Query]:
    """Questions with their answering passages resolved; a label that matches nothing fails loudly."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = []
    for item in data["answerable"] + data["unanswerable"]:
        doc = corpus.real[item["directive"]]
        answers: set[int] = set()
        origins: set[tuple[str, int]] = set()
        if item.get("answer"):
            needle = _squash(item["answer"])
            answers = {
                k for k in corpus.documents[doc] if needle in _squash(corpus.passages[k].text)
            }
            if not answers:
                raise ValueError(f"answer of {item['q']!r} is in no passage of {item['directive']}")
            origins = {
                corpus.passages[k].origin
                for real_doc in corpus.real.values()
                for k in corpus.documents[real_doc]
                if needle in _squash(corpus.passages[k].text)
            }
        queries.append(
            Query(
                item["q"],
                item["directive"],
                item["style"],
                doc,
                frozenset(answers),
                frozenset(origins),
            )
        )
    return queries


def prepare(query: str) -> str:
    """What services passes to the index: the question without place names."""
    return without_places(query)


@dataclass
class Accuracy:
    """Per question: rank of the first right passage (scoped, unscoped) and the best score."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        query: Query,
        scoped: list[tuple[int, float]],
        unscoped: list[tuple[int, float]],
        corpus: Corpus,
    ) -> None:
        def rank(hits: list[int], right: Callable[[int], bool]) -> int | None:
            return next((i + 1 for i, key in enumerate(hits) if right(key)), None)

        self.rows.append(
            {
                "q": query.q,
                "style": query.style,
                "answerable": query.answerable,
                "scoped_rank": rank([k for k, _ in scoped], query.answers.__contains__),
                "unscoped_rank": rank(
                    [k for k, _ in unscoped], lambda k: corpus.passages[k].origin in query.origins
                ),
                "scoped_best": scoped[0][1] if scoped else 0.0,
                "unscoped_best": unscoped[0][1] if unscoped else 0.0,
            }
        )

    def hit(self, at: int, where: str, style: str | None = None) -> float:
        rows = [r for r in self.rows if r["answerable"] and (style is None or r["style"] == style)]
        ok = [r for r in rows if r[f"{where}_rank"] is not None and r[f"{where}_rank"] <= at]
        return len(ok) / len(rows) if rows else 0.0

    def at(self, t: float, where: str = "scoped") -> dict[str, float]:
        """Precision, recall and F1 of answering only when the best score reaches t.

        A question counts as answered right when its best score reaches t and a right passage is
        in the top 3; an unanswerable question that reaches t, or an answerable one whose top 3
        misses, is a wrong answer. `rejected`: unanswerable questions kept below t."""
        answerable = [r for r in self.rows if r["answerable"]]
        unanswerable = [r for r in self.rows if not r["answerable"]]
        shown = [r for r in self.rows if r[f"{where}_best"] >= t]
        right = [r for r in shown if r["answerable"] and (r[f"{where}_rank"] or 99) <= 3]
        precision = len(right) / len(shown) if shown else 1.0
        recall = len(right) / len(answerable) if answerable else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rejected = [r for r in unanswerable if r[f"{where}_best"] < t]
        return {
            "t": round(t, 4),
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "rejected": len(rejected) / len(unanswerable) if unanswerable else 1.0,
        }

    def thresholds(self, where: str = "scoped") -> list[dict[str, float]]:
        """at() for every t halfway between two observed best scores (any engine's scale)."""
        best = sorted({r[f"{where}_best"] for r in self.rows})
        cuts = [(a + b) / 2 for a, b in itertools.pairwise(best)] or [0.0]
        return [self.at(t, where) for t in cuts]

    def best_threshold(self, where: str = "scoped") -> dict[str, float]:
        """The threshold of highest F1; among ties, the middle of the tied range."""
        table = self.thresholds(where)
        top = max(row["f1"] for row in table)
        ties = [row for row in table if row["f1"] >= top - 1e-9]
        return ties[len(ties) // 2]

    def margin(self, where: str = "scoped") -> tuple[float, float]:
        """Highest best score of an unanswerable question, lowest of an answered-right one."""
        wrong = [r[f"{where}_best"] for r in self.rows if not r["answerable"]]
        right = [
            r[f"{where}_best"]
            for r in self.rows
            if r["answerable"] and (r[f"{where}_rank"] or 99) <= 3
        ]
        return max(wrong, default=0.0), min(right, default=0.0)


def evaluate(engine: Engine, corpus: Corpus, queries: list[Query]) -> Accuracy:
    accuracy = Accuracy()
    for query in queries:
        text = prepare(query.q)
        scoped = engine.search(text, corpus.documents[query.doc], query.doc, 3)
        unscoped = engine.search(text, None, None, 3)
        accuracy.add(query, scoped, unscoped, corpus)
    return accuracy


class Engine(Protocol):
    """What the bench asks of a candidate: build, search (scoped by keys or document), add."""

    name: str

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None: ...

    def add(self, passages: Mapping[int, str], doc: int) -> None: ...

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]: ...


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------

_LEGACY_STOPWORDS = {
    "la", "gi", "nao", "the", "nhu", "cua", "co", "khong", "va", "o", "thi", "phai", "can", "lam",
    "cho", "toi", "minh", "ban", "hoi", "xin", "a", "nhe", "voi", "duoc", "nhung", "cac",
    "tinh", "ko", "sao", "vay", "j", "ah",
}  # fmt: skip
_LEGACY_WORD_RE = re.compile(r"\w+")


def legacy_grams(text: str) -> Counter[str]:
    """The previous analyser: character 2–4-grams inside each non-stopword folded word."""
    grams: Counter[str] = Counter()
    for word in _LEGACY_WORD_RE.findall(expand(text)):
        if word in _LEGACY_STOPWORDS:
            continue
        padded = f" {word} "
        for size in (2, 3, 4):
            grams.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def legacy_words(text: str) -> set[str]:
    return {w for w in _LEGACY_WORD_RE.findall(expand(text)) if w not in _LEGACY_STOPWORDS}


class LegacyTfidf:
    """(a) The TfidfIndex of store/knowledge/search.py before this bench, verbatim in substance:
    dict vectors, a Python loop over every passage per search. Adding rebuilds (IDF changes)."""

    name = "a. TF-IDF char 2–4 (brute force, before)"

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        self._texts = dict(passages)
        self._analysed = {key: legacy_grams(text) for key, text in passages.items()}
        self._word_sets = {key: legacy_words(text) for key, text in passages.items()}
        self._reweigh()

    def _reweigh(self) -> None:
        frequency: Counter[str] = Counter()
        for grams in self._analysed.values():
            frequency.update(grams.keys())
        total = len(self._analysed) or 1
        self._idf = {g: math.log((1 + total) / (1 + df)) + 1 for g, df in frequency.items()}
        self._vectors = {key: self._weigh(grams) for key, grams in self._analysed.items()}

    def _weigh(self, grams: Counter[str]) -> dict[str, float]:
        vector = {g: (1 + math.log(n)) * self._idf.get(g, 0.0) for g, n in grams.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items() if v}

    def add(self, passages: Mapping[int, str], doc: int) -> None:
        for key, text in passages.items():
            self._analysed[key] = legacy_grams(text)
            self._word_sets[key] = legacy_words(text)
        self._reweigh()

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]:
        vector = self._weigh(legacy_grams(query))
        words = legacy_words(query)
        wanted = set(keys) if keys is not None else None
        hits = []
        for key, document in self._vectors.items():
            if wanted is not None and key not in wanted:
                continue
            score = sum(weight * document.get(gram, 0.0) for gram, weight in vector.items())
            coverage = len(words & self._word_sets[key]) / len(words) if words else 0.0
            score *= 0.5 + 0.5 * coverage
            if score > 0:
                hits.append((key, round(score, 4)))
        hits.sort(key=lambda hit: hit[1], reverse=True)
        return hits[:limit]


def _csc(
    rows: np.ndarray, terms: np.ndarray, values: np.ndarray, width: int
) -> tuple[np.ndarray, ...]:
    """Term-major postings (indptr, rows, values) from coordinate triples."""
    order = np.argsort(terms, kind="stable")
    indptr = np.zeros(width + 1, np.int64)
    np.cumsum(np.bincount(terms, minlength=width), out=indptr[1:])
    return indptr, rows[order].astype(np.int32), values[order].astype(np.float32)


def _gather(
    postings: tuple[np.ndarray, ...], ids: Sequence[int], weights: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    indptr, rows, values = postings
    parts = [
        (rows[indptr[t] : indptr[t + 1]], values[indptr[t] : indptr[t + 1]] * w)
        for t, w in zip(ids, weights, strict=True)
    ]
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


class _Rows:
    """Key <-> row bookkeeping shared by the numpy and bm25s candidates."""

    def _index_rows(self, keys: Sequence[int]) -> None:
        self._keys = np.fromiter(keys, np.int64, len(keys))
        self._row_of = {key: row for row, key in enumerate(keys)}

    def _scope(self, keys: Collection[int] | None) -> np.ndarray | None:
        if keys is None:
            return None
        return np.fromiter((self._row_of[k] for k in keys if k in self._row_of), np.int64)

    def _top(
        self, scores: np.ndarray, scope: np.ndarray | None, limit: int
    ) -> list[tuple[int, float]]:
        rows = np.flatnonzero(scores > 0) if scope is None else scope[scores[scope] > 0]
        if len(rows) > limit:
            rows = rows[np.argpartition(-scores[rows], limit)[:limit]]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return [(int(self._keys[r]), round(float(scores[r]), 4)) for r in rows]


class InvertedTfidf(_Rows):
    """(b) The same scoring as (a) — cosine of char 2–4-gram TF-IDF × (0.5 + 0.5·share of query
    words present) — over numpy postings: a search touches only the postings of its n-grams.
    Adding re-weighs every posting (IDF and norms change) from cached analyses."""

    name = "b. TF-IDF char 2–4 (numpy postings)"

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        self._grams: dict[str, int] = {}
        self._vocab: dict[str, int] = {}
        self._analysed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._keys_list: list[int] = []
        self._add(passages)

    def _add(self, passages: Mapping[int, str]) -> None:
        for key, text in passages.items():
            grams = legacy_grams(text)
            ids = np.fromiter(
                (self._grams.setdefault(g, len(self._grams)) for g in grams), np.int64, len(grams)
            )
            words = legacy_words(text)
            wids = np.fromiter(
                (self._vocab.setdefault(w, len(self._vocab)) for w in words), np.int64, len(words)
            )
            tf = 1 + np.log(np.fromiter(grams.values(), np.float64, len(grams)))
            self._analysed.append((ids, tf, wids))
            self._keys_list.append(key)
        self._index_rows(self._keys_list)
        lengths = [len(a[0]) for a in self._analysed]
        rows = np.repeat(np.arange(len(self._analysed)), lengths)
        ids = np.concatenate([a[0] for a in self._analysed])
        tf = np.concatenate([a[1] for a in self._analysed])
        width = len(self._grams)
        df = np.bincount(ids, minlength=width)
        self._n = len(self._analysed)
        self._idf = np.log((1 + self._n) / (1 + df)) + 1
        weight = tf * self._idf[ids]
        norms = np.sqrt(np.bincount(rows, weight**2, minlength=self._n))
        weight /= np.where(norms == 0, 1, norms)[rows]
        self._postings = _csc(rows, ids, weight, width)
        wlengths = [len(a[2]) for a in self._analysed]
        wrows = np.repeat(np.arange(self._n), wlengths)
        wids = np.concatenate([a[2] for a in self._analysed])
        self._word_postings = _csc(wrows, wids, np.ones(len(wids)), len(self._vocab))

    def add(self, passages: Mapping[int, str], doc: int) -> None:
        self._add(passages)

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]:
        grams = legacy_grams(query)
        known = [(self._grams[g], n) for g, n in grams.items() if g in self._grams]
        if not known:
            return []
        ids = [t for t, _ in known]
        q = np.array([(1 + math.log(n)) * self._idf[t] for t, n in known])
        q /= np.sqrt((q**2).sum()) or 1.0
        rows, values = _gather(self._postings, ids, q)
        scores = np.bincount(rows, values, minlength=self._n)
        words = legacy_words(query)
        wids = [self._vocab[w] for w in words if w in self._vocab]
        wrows, _ = _gather(self._word_postings, wids, [1.0] * len(wids))
        coverage = np.bincount(wrows, minlength=self._n) / max(1, len(words))
        scores *= 0.5 + 0.5 * coverage
        return self._top(scores, self._scope(keys), limit)


def word_tokens(text: str) -> list[str]:
    return content_words(text)


def word_pair_tokens(text: str) -> list[str]:
    words = content_words(text)
    return [*words, *(f"{a}_{b}" for a, b in itertools.pairwise(words))]


def word_trigram_tokens(text: str) -> list[str]:
    words = content_words(text)
    grams = [f" {w} "[i : i + 3] for w in words for i in range(len(w))]
    return [*words, *grams]


class Bm25s(_Rows):
    """(c) The bm25s package (numpy backend), Lucene BM25 over our tokens of folded, expanded
    text; a scoped search picks from the full score vector, as its weight_mask does. It has no
    incremental add: adding re-indexes."""

    def __init__(self, label: str, tokenizer: Callable[[str], list[str]]) -> None:
        self.name = f"c. bm25s {label}"
        self._tokenizer = tokenizer

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        import bm25s

        self._bm25s = bm25s
        self._tokens = {key: self._tokenizer(text) or [""] for key, text in passages.items()}
        self._reindex()

    def _reindex(self) -> None:
        self._index_rows(list(self._tokens))
        self._retriever = self._bm25s.BM25()
        self._retriever.index(list(self._tokens.values()), show_progress=False)
        self._n = len(self._tokens)

    def add(self, passages: Mapping[int, str], doc: int) -> None:
        self._tokens.update({key: self._tokenizer(text) or [""] for key, text in passages.items()})
        self._reindex()

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]:
        tokens = [t for t in self._tokenizer(query) if t in self._retriever.vocab_dict]
        if not tokens:
            return []
        scores = self._retriever.get_scores(tokens)
        return self._top(scores, self._scope(keys), limit)


class SqliteTrigram:
    """(d) SQLite FTS5 with the trigram tokenizer on folded, expanded words, ranked by bm25().
    The query is an OR of its words (3+ letters) and word pairs as phrases. A directive's passages
    have consecutive rowids, so a scoped search is a rowid range."""

    name = "d. SQLite FTS5 trigram + bm25()"

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE VIRTUAL TABLE passages USING fts5(body, tokenize='trigram')")
        self._insert(passages)

    def _insert(self, passages: Mapping[int, str]) -> None:
        rows = ((key, " ".join(content_words(text))) for key, text in passages.items())
        with self._db:
            self._db.executemany("INSERT INTO passages(rowid, body) VALUES (?, ?)", rows)

    def add(self, passages: Mapping[int, str], doc: int) -> None:
        self._insert(passages)

    @staticmethod
    def expression(query: str) -> str:
        words = content_words(query)
        phrases = [w for w in words if len(w) >= 3]
        phrases += [f"{a} {b}" for a, b in itertools.pairwise(words)]
        return " OR ".join(f'"{p}"' for p in dict.fromkeys(phrases))

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]:
        expression = self.expression(query)
        if not expression:
            return []
        sql = "SELECT rowid, -bm25(passages) FROM passages WHERE passages MATCH ?"
        args: list[Any] = [expression]
        if keys is not None:
            sql += " AND rowid BETWEEN ? AND ?"
            args += [min(keys), max(keys)]
        sql += " ORDER BY bm25(passages) LIMIT ?"
        rows = self._db.execute(sql, [*args, limit]).fetchall()
        return [(key, round(score, 4)) for key, score in rows]


class PgTrigram:
    """(e) PostgreSQL pg_trgm: word_similarity(query, passage) on folded, expanded words, in a
    database of its own (dropped afterwards). Scoped searches filter on a b-tree over the directive
    and rank its ~100 passages. Unscoped ones use a trigram index: GiST ordered by the distance
    `<<->` (k-nearest, the default), or GIN with `<%` at a 0.3 word-similarity threshold (the
    threshold GIN needs; ~0.8 s a search here, so it is not the default)."""

    def __init__(self, url: str, index: str = "gist") -> None:
        self.name = f"e. PostgreSQL pg_trgm word_similarity ({index.upper()})"
        self._url = url
        self._kind = index
        self._database = f"retrieval_bench_{os.getpid()}"

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        import psycopg

        with psycopg.connect(self._url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {self._database}")
        base, _, _ = self._url.rpartition("/")
        self._db = psycopg.connect(f"{base}/{self._database}", autocommit=True)
        self._db.execute("CREATE EXTENSION pg_trgm")
        self._db.execute("CREATE TABLE passages (id int PRIMARY KEY, doc int, body text)")
        self._insert(passages, doc_of)
        ops = "gist_trgm_ops" if self._kind == "gist" else "gin_trgm_ops"
        self._db.execute(f"CREATE INDEX passages_body ON passages USING {self._kind} (body {ops})")
        self._db.execute("CREATE INDEX passages_doc ON passages (doc)")
        self._db.execute("ANALYZE passages")
        self._db.execute("SET pg_trgm.word_similarity_threshold = 0.3")

    def _insert(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        with self._db.cursor().copy("COPY passages (id, doc, body) FROM STDIN") as copy:
            for key, text in passages.items():
                copy.write_row((key, doc_of[key], " ".join(content_words(text))))

    def add(self, passages: Mapping[int, str], doc: int) -> None:
        self._insert(passages, dict.fromkeys(passages, doc))

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]:
        text = " ".join(content_words(query))
        if not text:
            return []
        if doc is not None:
            sql = (
                "SELECT id, word_similarity(%s, body) AS s FROM passages WHERE doc = %s"
                " ORDER BY s DESC, id LIMIT %s"
            )
            args: tuple[Any, ...] = (text, doc, limit)
        elif self._kind == "gist":
            sql = "SELECT id, 1 - (%s <<-> body) AS s FROM passages ORDER BY %s <<-> body LIMIT %s"
            args = (text, text, limit)
        else:
            sql = (
                "SELECT id, word_similarity(%s, body) AS s FROM passages WHERE %s <%% body"
                " ORDER BY s DESC, id LIMIT %s"
            )
            args = (text, text, limit)
        rows = self._db.execute(sql, args).fetchall()
        return [(key, round(float(score), 4)) for key, score in rows if score > 0]

    def size_mb(self) -> float:
        size = self._db.execute("SELECT pg_total_relation_size('passages')").fetchone()[0]
        return size / 2**20

    def close(self) -> None:
        import psycopg

        if getattr(self, "_db", None) is not None:
            self._db.close()
        with psycopg.connect(self._url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self._database}")


class Chosen:
    """(f) store.knowledge.search.PassageIndex as shipped: BM25 over words and word pairs of
    folded, expanded text, numpy postings, incremental add/remove, scores normalised to 0–1."""

    name = "f. PassageIndex: BM25 words+pairs (numpy, shipped)"

    def build(self, passages: Mapping[int, str], doc_of: Mapping[int, int]) -> None:
        self._index = PassageIndex(passages)

    def add(self, passages: Mapping[int, str], doc: int) -> None:
        self._index.add(passages)

    def search(
        self, query: str, keys: Collection[int] | None, doc: int | None, limit: int
    ) -> list[tuple[int, float]]:
        return [(hit.key, hit.score) for hit in self._index.search(query, keys, limit)]


def engines(pg_url: str) -> dict[str, Callable[[], Engine]]:
    """Candidates by short name, each made fresh in its own process."""
    return {
        "legacy": LegacyTfidf,
        "inverted": InvertedTfidf,
        "bm25s": lambda: Bm25s("words", word_tokens),
        "bm25s-pairs": lambda: Bm25s("words+pairs", word_pair_tokens),
        "bm25s-char3": lambda: Bm25s("words+char 3-grams", word_trigram_tokens),
        "fts5": SqliteTrigram,
        "pg_trgm": lambda: PgTrigram(pg_url),
        "pg_trgm-gin": lambda: PgTrigram(pg_url, "gin"),
        "passage": Chosen,
    }


# Left out of the default run to keep it under ~3 minutes: bm25s with character trigrams is
# slower and less accurate than bm25s on words; pg_trgm with GIN takes ~0.8 s a search unscoped.
DEFAULT_ENGINES = ("legacy", "inverted", "bm25s", "bm25s-pairs", "fts5", "pg_trgm", "passage")


# ---------------------------------------------------------------------------------------------
# Measuring one engine (in a forked process) and reporting
# ---------------------------------------------------------------------------------------------


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _timed(
    engine: Engine,
    calls: Sequence[tuple[str, Collection[int] | None, int | None]],
    budget_s: float,
) -> list[float]:
    """Milliseconds per search, stopping early (after at least 20) when over budget_s."""
    times: list[float] = []
    started = time.perf_counter()
    for query, keys, doc in calls:
        t0 = time.perf_counter_ns()
        engine.search(query, keys, doc, 3)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        if len(times) >= 20 and time.perf_counter() - started > budget_s:
            break
    return times


def measure(
    make: Callable[[], Engine], corpus: Corpus, queries: list[Query], searches: int, budget_s: float
) -> dict[str, Any]:
    """Build, accuracy, latency, add and memory of one engine, in this (fresh) process; an engine
    with a close() (PostgreSQL: drops its database) is closed whatever happens."""
    engine = make()
    try:
        return _measure(engine, corpus, queries, searches, budget_s)
    finally:
        close = getattr(engine, "close", None)
        if close is not None:
            close()


def _measure(
    engine: Engine, corpus: Corpus, queries: list[Query], searches: int, budget_s: float
) -> dict[str, Any]:
    texts = {key: p.indexed for key, p in corpus.passages.items()}
    doc_of = {key: p.doc for key, p in corpus.passages.items()}
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    engine.build(texts, doc_of)
    build_s = time.perf_counter() - t0
    gc.collect()
    built = rss_mb()
    accuracy = evaluate(engine, corpus, queries)
    prepared = [prepare(q.q) for q in queries]
    docs = sorted(corpus.documents)
    scoped_calls = [
        (
            prepared[i % len(prepared)],
            corpus.documents[docs[(i * 7919) % len(docs)]],
            docs[(i * 7919) % len(docs)],
        )
        for i in range(searches)
    ]
    unscoped_calls = [(prepared[i % len(prepared)], None, None) for i in range(searches)]
    scoped = _timed(engine, scoped_calls, budget_s)
    unscoped = _timed(engine, unscoped_calls, budget_s)
    extra = new_directive(corpus)
    new_doc = max(corpus.documents) + 1
    t0 = time.perf_counter()
    engine.add(extra, new_doc)
    add_ms = (time.perf_counter() - t0) * 1000
    first_key, first_text = next(iter(extra.items()))
    found = engine.search(prepare(first_text), list(extra), new_doc, 3)
    result = {
        "engine": engine.name,
        "build_s": build_s,
        "add_ms": add_ms,
        "added_searchable": first_key in [key for key, _ in found],
        "rss_delta_mb": built - before,
        "scoped_ms": _percentiles(scoped),
        "unscoped_ms": _percentiles(unscoped),
        "rows": accuracy.rows,
    }
    if isinstance(engine, PgTrigram):
        result["db_mb"] = engine.size_mb()
    return result


def _percentiles(times: list[float]) -> dict[str, float]:
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": float(np.percentile(times, 95)),
        "max": max(times),
    }


def _run_in_child(
    make: Callable[[], Engine],
    corpus: Corpus,
    queries: list[Query],
    searches: int,
    budget_s: float,
    pipe: Any,
) -> None:
    try:
        pipe.send(measure(make, corpus, queries, searches, budget_s))
    except Exception as error:  # reported in the table, not fatal to the other engines
        pipe.send({"error": f"{type(error).__name__}: {error}"})
    finally:
        pipe.close()


def run_isolated(
    make: Callable[[], Engine], corpus: Corpus, queries: list[Query], searches: int, budget_s: float
) -> dict[str, Any]:
    """measure() in a forked process: its memory delta and timings are its own."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_run_in_child, args=(make, corpus, queries, searches, budget_s, sender)
    )
    process.start()
    sender.close()
    result = receiver.recv()
    process.join()
    return result


def accuracy_of(result: dict[str, Any]) -> Accuracy:
    return Accuracy(rows=result["rows"])


def report(results: dict[str, dict[str, Any]], corpus: Corpus, queries: list[Query]) -> str:
    """The markdown tables: one row per engine, then hits by style, then the threshold."""
    answerable = sum(q.answerable for q in queries)
    styles = Counter(q.style for q in queries if q.answerable)
    lines = [
        "# Passage retrieval benchmark",
        "",
        f"Corpus: {len(corpus.documents)} directives, {len(corpus.passages)} passages "
        f"(seed {SEED}); {answerable} answerable questions "
        f"({', '.join(f'{n} {s}' for s, n in sorted(styles.items()))}), "
        f"{len(queries) - answerable} unanswerable. Scoped = within the asked directive; "
        "unscoped = over all passages, right when the passage (or a rewrite of it in another "
        "directive) holds the answer. Latency: scoped searches rotate over every directive "
        "(16–300 passages). Threshold: highest F1 of answering only at or above it (precision, "
        "recall, unanswerable rejected). machine: "
        f"{os.cpu_count()} cores.",
        "",
        "| engine | hit@1 scoped | hit@3 scoped | hit@1 all | hit@3 all "
        "| scoped p50 / p95 ms | all p50 / p95 ms (n) | build 20k s | add 100 ms "
        "| RSS Δ MB | max no-answer / min right score | threshold: P / R / rejected |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results.values():
        if "error" in result:
            lines.append(f"| {result.get('engine', '?')} | error: {result['error']} |")
            continue
        acc = accuracy_of(result)
        best = acc.best_threshold()
        wrong, right = acc.margin()
        s, u = result["scoped_ms"], result["unscoped_ms"]
        memory = f"{result['rss_delta_mb']:.0f}"
        added = "" if result["added_searchable"] else " (not found after!)"
        if "db_mb" in result:
            memory += f" (+{result['db_mb']:.0f} in PG)"
        lines.append(
            f"| {result['engine']} | {acc.hit(1, 'scoped'):.2f} | {acc.hit(3, 'scoped'):.2f} "
            f"| {acc.hit(1, 'unscoped'):.2f} | {acc.hit(3, 'unscoped'):.2f} "
            f"| {s['p50']:.2f} / {s['p95']:.2f} | {u['p50']:.2f} / {u['p95']:.2f} ({u['n']}) "
            f"| {result['build_s']:.1f} | {result['add_ms']:.0f}{added} | {memory} "
            f"| {wrong:.3g} / {right:.3g} "
            f"| {best['t']:.3g}: {best['precision']:.2f} / {best['recall']:.2f} / {best['rejected']:.2f} |"
        )
    lines += [
        "",
        "hit@3 scoped by style:",
        "",
        "| engine | " + " | ".join(sorted(styles)) + " |",
        "|---|" + "---|" * len(styles),
    ]
    for result in results.values():
        if "error" not in result:
            acc = accuracy_of(result)
            cells = " | ".join(f"{acc.hit(3, 'scoped', style):.2f}" for style in sorted(styles))
            lines.append(f"| {result['engine']} | {cells} |")
    chosen = results.get("passage")
    if chosen and "error" not in chosen:
        acc = accuracy_of(chosen)
        lines += ["", "Shipped PassageIndex, unscoped (all 200 directives):", ""]
        for t in (SEARCH_THRESHOLD, UNSCOPED_SEARCH_THRESHOLD):
            row = acc.at(t, "unscoped")
            lines.append(
                f"- at {t}: precision {row['precision']:.2f}, recall {row['recall']:.2f}, "
                f"unanswerable rejected {row['rejected']:.2f}"
            )
        lines += [
            "",
            f"Shipped PassageIndex, scoped, at thresholds around SEARCH_THRESHOLD = {SEARCH_THRESHOLD}:",
            "",
            "| t | precision | recall | unanswerable rejected |",
            "|---|---|---|---|",
        ]
        for t in sorted({0.25, 0.3, SEARCH_THRESHOLD, 0.35, 0.4}):
            row = acc.at(t)
            lines.append(
                f"| {t} | {row['precision']:.2f} | {row['recall']:.2f} | {row['rejected']:.2f} |"
            )
        misses = [r for r in acc.rows if r["answerable"] and (r["scoped_rank"] or 99) > 1]
        if misses:
            lines += ["", "Shipped PassageIndex, scoped, not first:", ""]
            lines += [f"- rank {r['scoped_rank']}: {r['q']}" for r in misses]
    return "\n".join(lines) + "\n"


def subset(corpus: Corpus, documents: int) -> Corpus:
    """The real directives and the first synthetic ones, `documents` in all."""
    part = Corpus(real=dict(corpus.real))
    for doc in sorted(corpus.documents)[:documents]:
        part.documents[doc] = corpus.documents[doc]
        part.passages.update({key: corpus.passages[key] for key in corpus.documents[doc]})
    return part


def paragraph_corpus() -> Corpus:
    """The five real directives as whole paragraphs without headings: a cruder segmentation."""
    corpus = Corpus()
    for doc, (stem, _) in enumerate(real_directives().items()):
        text = (DIRECTIVES / f"{stem}.txt").read_text(encoding="utf-8")
        body = [block for block in blocks_of(text) if block.kind in BODY_KINDS]
        paragraphs = [passage.text for passage in sections_of(body)[1]]
        chunks = [(Chunk("", p), (stem, i)) for i, p in enumerate(paragraphs)]
        corpus.add_document(doc, chunks)
        corpus.real[stem] = doc
    return corpus


def size_check(corpus: Corpus) -> list[dict[str, Any]]:
    """The shipped index at 5, 34 and 200 directives (does one threshold fit every size?), and
    on the five as whole paragraphs without headings (how much segmentation matters)."""
    rows = []
    sizes = [(str(n), subset(corpus, n)) for n in (len(corpus.real), 34, len(corpus.documents))]
    for label, part in [*sizes, ("5, paragraphs without headings", paragraph_corpus())]:
        queries = load_queries(part)
        engine = Chosen()
        engine.build({key: p.indexed for key, p in part.passages.items()}, {})
        accuracy = evaluate(engine, part, queries)
        wrong, right = accuracy.margin()
        at = accuracy.at(SEARCH_THRESHOLD)
        rows.append(
            {
                "directives": label,
                "passages": len(part.passages),
                "hit1": accuracy.hit(1, "scoped"),
                "hit3": accuracy.hit(3, "scoped"),
                "max_unanswerable": wrong,
                "min_right": right,
                **{k: at[k] for k in ("precision", "recall", "rejected")},
            }
        )
    return rows


def size_report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "",
        f"Shipped PassageIndex by index size (scoped; P / R / rejected at SEARCH_THRESHOLD = {SEARCH_THRESHOLD}):",
        "",
        "| directives | passages | hit@1 | hit@3 | max unanswerable | min right | P / R / rejected |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['directives']} | {r['passages']} | {r['hit1']:.2f} | {r['hit3']:.2f} "
            f"| {r['max_unanswerable']:.3f} | {r['min_right']:.3f} "
            f"| {r['precision']:.2f} / {r['recall']:.2f} / {r['rejected']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engines", default="default", help="comma-separated names, default or all"
    )
    parser.add_argument("--searches", type=int, default=500, help="timed searches of each kind")
    parser.add_argument(
        "--budget", type=float, default=10.0, help="seconds of timed searches of each kind"
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("RETRIEVAL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    candidates = engines(args.pg)
    names = {"all": list(candidates), "default": list(DEFAULT_ENGINES)}.get(
        args.engines, args.engines.split(",")
    )
    corpus = build_corpus()
    queries = load_queries(corpus)
    results = {}
    for name in names:
        started = time.perf_counter()
        results[name] = run_isolated(candidates[name], corpus, queries, args.searches, args.budget)
        results[name].setdefault("engine", name)
        status = results[name].get("error") or "ok"
        print(f"{name}: {status} in {time.perf_counter() - started:.0f}s", flush=True)
    text = report(results, corpus, queries)
    sizes = size_check(corpus) if "passage" in names else []
    if sizes:
        text += size_report(sizes)
    from bench.harness import write_results

    write_results("retrieval", text, {"seed": SEED, "results": results, "sizes": sizes})


if __name__ == "__main__":
    main()
