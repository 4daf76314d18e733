"""Which outline points or STAR parts a typed answer covers (`srs mock --type`).

Matching is on Chinese words, not on exact strings: text is segmented with jieba (its bundled
dictionary; nothing is downloaded), and each word of a point is weighted by its IDF over the
whole bank, so "复购率" counts for more than "用户". A point is covered when the words of the
answer carry at least COVERED of its weight. A STAR part is also covered when the answer uses a
word that tells that part of a story (当时…, 目标…, 首先…, 结果…): the prompts describe what to
say, an answer says it in its own words.

jieba costs about a second to load, so it is imported on first use only, with its log silenced.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

COVERED = 0.4
STAR_CUES = {
    "situation": ("当时", "背景", "实习", "期间", "那时", "项目", "负责", "公司", "团队"),
    "task": ("目标", "任务", "需要", "要求", "kpi", "指标", "挑战", "难点"),
    "action": ("首先", "然后", "接着", "其次", "我先", "推动", "方案", "分析", "通过", "最后", "协调"),
    "result": ("结果", "最终", "提升", "增长", "降低", "达成", "复盘", "收获", "学到", "%"),
}
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 我 你 他 她 它 我们 你们 他们 也 就 都 而 把 被 对 从 到 为 以 于 这 那 "
    "一个 这个 那个 什么 怎么 如何 为什么 可以 进行 通过 以及 如果 因为 所以 但是 还是 或者 比如 "
    "等 等等 如 即 其 之 并 且 又 再 很 更 最 会 能 要 有 没有 不是 就是 一些 这些 那些 自己 时候".split()
)
_WORD = re.compile(r"[\w%]", re.UNICODE)


@dataclass(frozen=True)
class Point:
    """One thing the answer should contain: an outline point, or a STAR part (`part` set)."""

    label: str
    text: str
    part: str = ""  # situation/task/action/result for STAR parts


@dataclass(frozen=True)
class PointResult:
    point: Point
    score: float  # share of the point's IDF weight found in the answer (0–1)
    covered: bool


@dataclass(frozen=True)
class Coverage:
    results: tuple[PointResult, ...]

    @property
    def covered(self) -> tuple[Point, ...]:
        return tuple(r.point for r in self.results if r.covered)

    @property
    def missed(self) -> tuple[Point, ...]:
        return tuple(r.point for r in self.results if not r.covered)

    def suggested_rating(self, overran: bool = False) -> int:
        """4 everything within time, 3 most (or everything but late), 2 some, 1 little."""
        if not self.results:
            return 3
        share = len(self.covered) / len(self.results)
        if share == 1:
            return 3 if overran else 4
        if share >= 0.6:
            return 3
        return 2 if share >= 0.3 else 1


_jieba = None


def words(text: str) -> list[str]:
    """Content words of `text`: jieba's segments, lower-cased, without stopwords, punctuation
    and single characters (which match everywhere)."""
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.ERROR)
        _jieba = jieba
    result = []
    for token in _jieba.lcut(text):
        token = token.strip().lower()
        if len(token) < 2 and token != "%":
            continue
        if token in STOPWORDS or not _WORD.search(token):
            continue
        result.append(token)
    return result


class Idf:
    """Inverse document frequency of words over the bank's texts (each point a document)."""

    def __init__(self, documents: Iterable[str]):
        counts: Counter[str] = Counter()
        total = 0
        for document in documents:
            counts.update(set(words(document)))
            total += 1
        self.counts = counts
        self.total = total

    def __call__(self, word: str) -> float:
        return math.log((self.total + 1) / (self.counts.get(word, 0) + 1)) + 1


def points(back: dict) -> list[Point]:
    """The points of a card's back (the store's `back` JSON): STAR parts, else outline points."""
    star = back.get("star")
    if star:
        labels = {"situation": "S", "task": "T", "action": "A", "result": "R"}
        return [Point(labels[key], "；".join(star.get(key) or []), key) for key in labels]
    return [Point(str(number), text) for number, text in enumerate(back.get("outline") or [], start=1)]


def documents(back: dict, question: str = "") -> list[str]:
    """A card's texts as IDF documents."""
    star = back.get("star") or {}
    texts = [question, back.get("assesses") or "", back.get("example") or ""]
    texts += list(back.get("outline") or []) + list(back.get("pitfalls") or [])
    texts += [prompt for key in ("situation", "task", "action", "result") for prompt in star.get(key) or []]
    return [text for text in texts if text]


def measure(answer: str, card_points: list[Point], idf: Idf) -> Coverage:
    """How much of each point the typed `answer` covers."""
    typed = set(words(answer))
    folded = answer.lower()
    results = []
    for point in card_points:
        wanted = set(words(point.text))
        total = sum(idf(w) for w in wanted)
        found = sum(idf(w) for w in wanted if w in typed or w in folded)
        score = found / total if total else 0.0
        cue = point.part and any(c in typed or c in folded for c in STAR_CUES[point.part])
        results.append(PointResult(point, round(score, 3), bool(score >= COVERED or cue)))
    return Coverage(tuple(results))


__all__ = ["COVERED", "Coverage", "Idf", "Point", "PointResult", "documents", "measure", "points", "words"]
