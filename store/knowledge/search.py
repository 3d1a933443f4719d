"""Passage retrieval over every directive: BM25 on folded words and word pairs, numpy postings.

Chosen by bench/retrieval_bench.py (200 directives / 20,000 passages cut by the parser, 91
labelled questions) against the previous TF-IDF of character 2–4-grams, the same scoring over an
inverted index, bm25s, SQLite FTS5 (trigram) and PostgreSQL pg_trgm. Words and adjacent word pairs of folded,
abbreviation-expanded text find the answering passage as often as character n-grams do,
unaccented and abbreviated questions included, and keep unanswerable questions apart: a pair such
as "thoi tiet" must match as a pair, so "thời tiết" no longer scores on "tiết kiệm" alone. A
search costs under a millisecond over 20,000 passages (p95 < 1 ms here) and the index ~45 MB.
Results: var/bench/retrieval-latest.md.

The score is comparable across questions and index sizes: the share of the question's IDF weight
a passage matches, each term weighed by BM25's term-frequency factor (1 for one occurrence in a
passage of average length), capped at 1. Words no passage contains keep their weight in the
denominator, so "tiêm vắc xin COVID" scores low everywhere.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from vntext.abbreviations import expand
from vntext.normalize import fold, nfc
from vntext.phones import EMAIL_RE

SEARCH_THRESHOLD = 0.3
"""Below this best score the directive searched does not answer the question. Bench, scoped to
the asked directive: unanswerable questions score at most 0.26, answered ones at least 0.32 with 5
directives indexed (0.35 with 34 or 200); at 0.3 precision and recall are 1.00 and every
unanswerable question is rejected at each size. Fitted on those 93 questions: revisit with more."""

UNSCOPED_SEARCH_THRESHOLD = 0.35
"""The same over every directive (no province named): with 200 directives some passage somewhere
matches more of an off-topic question (a hotline for "sdt công an phường": 0.54), so 0.3 lets 12%
of unanswerable questions through; 0.35 lets 4% through and keeps recall at 0.99."""

K1 = 1.2
B = 0.75
RARE_SHARE = 0.001
"""IDF smoothing as a share of passages rather than Lucene's half a passage:
idf = ln(1 + (1 - p + s) / (p + s)) with p = df / N. With 0.5/N a word no passage has weighs
ln(2N), so one question scored ~0.1 higher against 5 directives than against 200 and no threshold
fitted both; with a fixed share the margins hold from 120 to 20,000 passages."""
PAIR_WEIGHT = 1.5
"""A question's word pairs weigh 1.5× their IDF: matching one syllable of a two-syllable word
("tiết" of "thời tiết" in "tiết kiệm") is weak evidence. 1.5 kept every answer in the bench's top
3 while pulling weather questions from ~0.33 to ~0.25 (2.0 lost answers)."""

# Question words and fillers. Typed with diacritics, a word is dropped only in that spelling
# ("hỏi", not "hội"); typed without, its folded form decides, so the plain list leaves out folded
# words that are more often content ("hoi": hội, "may": máy, "chua": chứa, "ban": văn bản).
_ACCENTED_STOPWORDS = (
    "là gì nào thế như của có không và ở thì phải cần làm tôi mình bạn hỏi ạ à nhé với được "
    "những các tỉnh vậy ai nhiêu mấy đâu hả nhỉ ơi rồi chưa này đó chị giúp muốn biết hôm thôi "
    "ừ đấy yêu cầu "
    # Every directive is about Tết: the holiday's name and year say nothing about which passage.
    "tết nguyên đán dịp giáp ất bính đinh mậu kỷ canh nhâm quý tý sửu dần mão thìn tỵ ngọ mùi "
    "dậu tuất hợi"
)
_PLAIN_STOPWORDS = (
    "la gi nao the nhu cua co khong ko k va o thi phai can lam cho toi minh xin a ah nhe "
    "voi duoc nhung cac tinh sao vay khi ai nhieu nhi oi roi hay nay em anh giup muon biet hom "
    "j u tet dip"
)
_WORD_RE = re.compile(r"\w+")
_ACCENTED = frozenset(_WORD_RE.findall(_ACCENTED_STOPWORDS))
_PLAIN = frozenset(_WORD_RE.findall(_PLAIN_STOPWORDS))
# Passages say in other words what users ask for: an address is an "email", a number a phone,
# "trước 9h00 ngày …" a deadline ("hạn").
_PHONE_RE = re.compile(r"(?<![\d/.])0\d{2,4}[.\s]?\d{3}[.\s]?\d{3,4}(?![\d/])")
_DEADLINE_RE = re.compile(r"\b(?:trước|chậm nhất(?: là)?|hạn)\s+(?:ngày\s+)?\d", re.IGNORECASE)
_CUES = ((EMAIL_RE, ["email"]), (_PHONE_RE, ["so", "dien", "thoai"]), (_DEADLINE_RE, ["han"]))


# "29 Tết", "30 Tết" are the last days of tháng Chạp, the way directives write them.
_LATE_TET_RE = re.compile(r"(?<!\w)(2\d|30)\s+t[eếẾ]t(?!\w)", re.IGNORECASE)


def content_words(text: str) -> list[str]:
    """Folded, abbreviation-expanded words that carry meaning, in order; fillers dropped."""
    kept = []
    text = _LATE_TET_RE.sub(r"\1 tháng chạp", nfc(text))
    for word in _WORD_RE.findall(text.lower()):
        plain = fold(word)
        stop = word in _ACCENTED if word != plain else plain in _PLAIN
        if not stop:
            kept.append(plain)
    return _WORD_RE.findall(expand(" ".join(kept)))


def terms(words: list[str]) -> dict[str, int]:
    """Words and adjacent word pairs ("a b") with their counts: most Vietnamese words are two
    syllables, and a pair keeps "thời tiết" apart from "tiết kiệm"."""
    counts: dict[str, int] = {}
    for term in [*words, *map(" ".join, itertools.pairwise(words))]:
        counts[term] = counts.get(term, 0) + 1
    return counts


def passage_terms(text: str) -> dict[str, int]:
    """A passage's terms, plus the words users ask with for an e-mail, a phone or a deadline."""
    counts = terms(content_words(text))
    for pattern, cue in _CUES:
        if pattern.search(text):
            for term in terms(cue):
                counts[term] = counts.get(term, 0) + 1
    return counts


@dataclass(frozen=True)
class Hit:
    key: int
    score: float


class _Postings:
    """Term-major sparse matrix: term t occurs in rows[indptr[t]:indptr[t+1]], counts alike."""

    def __init__(self, indptr: np.ndarray, rows: np.ndarray, counts: np.ndarray) -> None:
        self.indptr, self.rows, self.counts = indptr, rows, counts

    @classmethod
    def build(
        cls, entries: list[tuple[np.ndarray, np.ndarray]], first_row: int, width: int
    ) -> _Postings:
        """From each new row's (term ids, counts); rows are numbered from first_row."""
        ids = np.concatenate([e[0] for e in entries]) if entries else np.zeros(0, np.int64)
        counts = np.concatenate([e[1] for e in entries]) if entries else np.zeros(0, np.float32)
        rows = np.repeat(
            np.arange(first_row, first_row + len(entries), dtype=np.int32),
            [len(e[0]) for e in entries],
        )
        order = np.argsort(ids, kind="stable")
        indptr = np.zeros(width + 1, np.int64)
        np.cumsum(np.bincount(ids, minlength=width), out=indptr[1:])
        return cls(indptr, rows[order], counts[order].astype(np.float32))

    @property
    def width(self) -> int:
        return len(self.indptr) - 1

    def lengths(self, width: int) -> np.ndarray:
        out = np.zeros(width, np.int64)
        out[: self.width] = np.diff(self.indptr)
        return out

    def merged(self, newer: _Postings) -> _Postings:
        """Both matrices in one, each term's older rows first: one vectorised pass, no sort."""
        width = max(self.width, newer.width)
        old_n, new_n = self.lengths(width), newer.lengths(width)
        indptr = np.zeros(width + 1, np.int64)
        np.cumsum(old_n + new_n, out=indptr[1:])
        rows = np.empty(int(indptr[-1]), np.int32)
        counts = np.empty(int(indptr[-1]), np.float32)
        for source, n, offset in ((self, old_n, 0), (newer, new_n, old_n)):
            term = np.repeat(np.arange(width), n)
            start = indptr[:-1] + offset
            first = np.cumsum(n) - n
            at = start[term] + np.arange(len(term)) - first[term]
            rows[at], counts[at] = source.rows, source.counts
        return _Postings(indptr, rows, counts)

    def kept(self, alive: np.ndarray) -> _Postings:
        """Without the rows not alive, the others renumbered in order."""
        keep = alive[self.rows]
        renumber = np.cumsum(alive, dtype=np.int64) - 1
        term = np.repeat(np.arange(self.width), np.diff(self.indptr))[keep]
        indptr = np.zeros(self.width + 1, np.int64)
        np.cumsum(np.bincount(term, minlength=self.width), out=indptr[1:])
        return _Postings(indptr, renumber[self.rows[keep]].astype(np.int32), self.counts[keep])

    def document_frequency(self, alive: np.ndarray) -> np.ndarray:
        """Alive rows per term."""
        cumulative = np.concatenate([[0], np.cumsum(alive[self.rows], dtype=np.int64)])
        return cumulative[self.indptr[1:]] - cumulative[self.indptr[:-1]]


class PassageIndex:
    """BM25 over words and word pairs of passages, with incremental add and remove.

    Rows are passages in insertion order; a removed passage stays as a dead row until more than a
    fifth of the rows are dead, then the postings are compacted. Statistics (document frequency,
    average length) cover live rows only, so removing a directive changes scores as if it had never
    been loaded. One lock serialises add, remove and search (a search takes under a millisecond),
    so a directive loaded while others ask is never seen half-indexed.
    """

    def __init__(self, documents: Mapping[int, str]) -> None:
        self._lock = threading.Lock()
        self._vocabulary: dict[str, int] = {}
        self._keys = np.zeros(0, np.int64)
        self._row_of: dict[int, int] = {}
        self._alive = np.zeros(0, bool)
        self._length = np.zeros(0, np.float32)
        self._norm = np.zeros(0, np.float32)
        self._postings = _Postings.build([], 0, 0)
        self._df = np.zeros(0, np.int64)
        self.add(documents)

    def __len__(self) -> int:
        return len(self._row_of)

    def add(self, documents: Mapping[int, str]) -> None:
        """Index passages (a newly loaded directive); a key already present is replaced."""
        with self._lock:
            self._add(documents)

    def _add(self, documents: Mapping[int, str]) -> None:
        self._remove([key for key in documents if key in self._row_of])
        first = len(self._keys)
        entries = []
        for key, text in documents.items():
            counts = passage_terms(text)
            ids = np.fromiter(map(self._term_id, counts), np.int64, len(counts))
            entries.append((ids, np.fromiter(counts.values(), np.float32, len(counts))))
            self._row_of[key] = first + len(entries) - 1
        width = len(self._vocabulary)
        added = _Postings.build(entries, first, width)
        self._postings = self._postings.merged(added)
        self._keys = np.concatenate([self._keys, np.fromiter(documents, np.int64, len(documents))])
        self._alive = np.concatenate([self._alive, np.ones(len(entries), bool)])
        lengths = [float(counts.sum()) for _, counts in entries]
        self._length = np.concatenate([self._length, np.array(lengths, np.float32)])
        df = np.zeros(width, np.int64)
        df[: len(self._df)] = self._df
        self._df = df + np.diff(added.indptr)
        self._renormalise()

    def _renormalise(self) -> None:
        """BM25's length normalisation of every row, from the live rows' average length.

        Rows shorter than average count as average: plain BM25 lifts a heading line or a six-word
        passage above the sentence that answers, and "Thực hiện tiết kiệm trong dịp Tết" to 0.45
        for "thời tiết"; long rows are still discounted (bench: hit@1 0.91 → 0.96 on paragraphs).
        """
        live = self._length[self._alive]
        average = float(live.mean()) if len(live) else 1.0
        relative = np.maximum(self._length / average, 1.0)
        self._norm = (K1 * (1 - B + B * relative)).astype(np.float32)

    def _term_id(self, term: str) -> int:
        return self._vocabulary.setdefault(term, len(self._vocabulary))

    def remove(self, keys: Collection[int]) -> None:
        """Forget passages (a directive replaced or retired); unknown keys are ignored."""
        with self._lock:
            self._remove(keys)

    def _remove(self, keys: Collection[int]) -> None:
        rows = [self._row_of.pop(key) for key in keys if key in self._row_of]
        if not rows:
            return
        self._alive[rows] = False
        if (~self._alive).sum() > len(self._alive) / 5:
            self._compact()
        self._df = self._postings.document_frequency(self._alive)
        self._renormalise()

    def _compact(self) -> None:
        """Drop dead rows from the postings and renumber the living."""
        alive = self._alive
        self._postings = self._postings.kept(alive)
        self._keys, self._length = self._keys[alive], self._length[alive]
        self._alive = np.ones(len(self._keys), bool)
        self._row_of = {int(key): row for row, key in enumerate(self._keys)}

    def search(self, query: str, keys: Collection[int] | None = None, limit: int = 3) -> list[Hit]:
        """Best passages for query, among keys when given, best first; only scores above zero.

        Each term adds idf × BM25 term-frequency factor; the sum is divided by the idf of every
        term of the question, known or not, so the score is the share of the question matched.
        """
        query_terms = terms(content_words(query))
        with self._lock:
            return self._search(query_terms, keys, limit)

    def _search(
        self, query_terms: dict[str, int], keys: Collection[int] | None, limit: int
    ) -> list[Hit]:
        live = len(self._row_of)
        if not query_terms or not live:
            return []
        ids = np.array([self._vocabulary.get(term, -1) for term in query_terms], np.int64)
        df = np.where(ids >= 0, self._df[np.maximum(ids, 0)], 0)
        share = df / live
        idf = np.log1p((1 - share + RARE_SHARE) / (share + RARE_SHARE))
        idf *= np.fromiter(query_terms.values(), np.float64, len(query_terms))  # said twice: twice
        idf[np.fromiter((" " in t for t in query_terms), bool, len(query_terms))] *= PAIR_WEIGHT
        present = (ids >= 0) & (df > 0)
        found = ids[present]
        weight = idf[present]
        if not len(found):
            return []
        starts, ends = self._postings.indptr[found], self._postings.indptr[found + 1]
        rows = np.concatenate([self._postings.rows[s:e] for s, e in zip(starts, ends, strict=True)])
        tf = np.concatenate([self._postings.counts[s:e] for s, e in zip(starts, ends, strict=True)])
        term_weight = np.repeat(weight, ends - starts)
        factor = tf * (K1 + 1) / (tf + self._norm[rows])
        contribution = term_weight * factor
        scores = np.bincount(rows, contribution, minlength=len(self._keys)) / idf.sum()
        return self._best(scores, keys, limit)

    def _best(self, scores: np.ndarray, keys: Collection[int] | None, limit: int) -> list[Hit]:
        """The top `limit` live rows (restricted to keys) with a positive score."""
        if keys is None:
            candidates = np.flatnonzero(self._alive & (scores > 0))
        else:
            wanted = (self._row_of.get(key, -1) for key in keys)
            candidates = np.fromiter((row for row in wanted if row >= 0), np.int64)
            candidates = candidates[scores[candidates] > 0]
        if len(candidates) > limit > 0:  # keep ties with the last place: keys break them below
            kth = np.partition(scores[candidates], len(candidates) - limit)[len(candidates) - limit]
            candidates = candidates[scores[candidates] >= kth]
        candidates = candidates[np.lexsort((self._keys[candidates], -scores[candidates]))][:limit]
        return [
            Hit(int(self._keys[row]), round(min(1.0, float(scores[row])), 4)) for row in candidates
        ]


TfidfIndex = PassageIndex
"""The previous name, kept until services.py moves to PassageIndex."""
