"""Retrieval over duty items: TF-IDF of character 2–4-grams on folded, abbreviation-expanded text.

Measured in DESIGN.md: this finds the right item for unaccented questions where word-level BM25 on
raw text fails, because "buu gui", "bưu gửi" and "bưu gửi KT1" share their character n-grams.
Pure Python: the index holds a few hundred items, rebuilt when directives change.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from vntext.abbreviations import expand

_STOPWORDS = {
    "la", "gi", "nao", "the", "nhu", "cua", "co", "khong", "va", "o", "thi", "phai", "can", "lam",
    "cho", "toi", "minh", "ban", "hoi", "xin", "a", "nhe", "voi", "duoc", "nhung", "cac",
    "tinh", "ko", "sao", "vay", "j", "ah",
}  # fmt: skip
_WORD_RE = re.compile(r"\w+")


def _analyse(text: str) -> Counter[str]:
    """Character 2–4-grams inside each (non-stopword) word, padded with spaces."""
    grams: Counter[str] = Counter()
    for word in _WORD_RE.findall(expand(text)):
        if word in _STOPWORDS:
            continue
        padded = f" {word} "
        for size in (2, 3, 4):
            grams.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def _content_words(text: str) -> set[str]:
    return {word for word in _WORD_RE.findall(expand(text)) if word not in _STOPWORDS}


@dataclass(frozen=True)
class Hit:
    key: int
    score: float


class TfidfIndex:
    """Cosine similarity between a query and documents, each a TF-IDF vector of n-grams."""

    def __init__(self, documents: dict[int, str]) -> None:
        analysed = {key: _analyse(text) for key, text in documents.items()}
        self._words = {key: _content_words(text) for key, text in documents.items()}
        frequency: Counter[str] = Counter()
        for grams in analysed.values():
            frequency.update(grams.keys())
        total = len(analysed) or 1
        self._idf = {gram: math.log((1 + total) / (1 + df)) + 1 for gram, df in frequency.items()}
        self._vectors = {key: self._weigh(grams) for key, grams in analysed.items()}

    def _weigh(self, grams: Counter[str]) -> dict[str, float]:
        vector = {g: (1 + math.log(n)) * self._idf.get(g, 0.0) for g, n in grams.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items() if v}

    def search(self, query: str, keys: set[int] | None = None, limit: int = 3) -> list[Hit]:
        """Best documents for query, restricted to keys when given, best first.

        The n-gram cosine is scaled by the share of the query's words the document contains, so
        "thoi tiet" does not score on "thiết bị" and "tiết kiệm" alone.
        """
        vector = self._weigh(_analyse(query))
        words = _content_words(query)
        hits = []
        for key, document in self._vectors.items():
            if keys is not None and key not in keys:
                continue
            score = sum(weight * document.get(gram, 0.0) for gram, weight in vector.items())
            coverage = len(words & self._words[key]) / len(words) if words else 0.0
            score *= 0.5 + 0.5 * coverage
            if score > 0:
                hits.append(Hit(key, round(score, 4)))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:limit]
