"""Warnings about card content that is valid but falls short of the bank's standard.

`srs check` prints these; they never stop a build. The limits come from how the cards are
used: a back should be readable in under a minute, and the same question asked at two
companies should be one card with two sources, so that it is learnt once.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from interview_srs.cards import Bank, Card, Problem

MAX_BACK_CHARS = 450
MAX_EXAMPLE_CHARS = 300
OUTLINE_POINTS = (3, 7)
NEAR_DUPLICATE_SIMILARITY = 0.65
ALWAYS_INDEXED = 3  # a question's rarest bigrams are indexed even when common, so no card goes unchecked
MAX_POSTINGS = 200  # a bigram in more questions than this says nothing about duplicates

_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class QualityWarning:
    """Same shape as a Problem, printed with `warning:` in front."""

    problem: Problem

    def __str__(self) -> str:
        loc = self.problem.location
        rest = str(self.problem).removeprefix(f"{loc}: ")
        return f"{loc}: warning: {rest}"


def back_length(card: Card) -> int:
    parts = list(card.outline) + list(card.pitfalls) + [card.assesses]
    if card.star:
        parts += [text for _, texts in card.star.parts() for text in texts]
    return sum(len(part) for part in parts)


def content_warnings(bank: Bank) -> list[QualityWarning]:
    warnings = []
    for _, card in bank.cards():
        def warn(field_name: str, message: str) -> None:
            warnings.append(QualityWarning(Problem(card.location, message, card.id, field_name)))

        length = back_length(card)
        if length > MAX_BACK_CHARS:
            warn("back", f"{length} characters; keep it under {MAX_BACK_CHARS} so it reads in a minute")
        if len(card.example) > MAX_EXAMPLE_CHARS:
            warn("example", f"{len(card.example)} characters; condense it to under {MAX_EXAMPLE_CHARS}")
        low, high = OUTLINE_POINTS
        if card.outline and not low <= len(card.outline) <= high:
            warn("outline", f"{len(card.outline)} points; aim for {low} to {high}")
    return warnings + near_duplicate_warnings(bank)


def _bigrams(question: str) -> frozenset[str]:
    text = _NOT_CONTENT.sub("", question.casefold())
    if len(text) < 2:
        return frozenset([text])
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def near_duplicate_warnings(bank: Bank, threshold: float = NEAR_DUPLICATE_SIMILARITY) -> list[QualityWarning]:
    """Pairs of questions whose IDF-weighted character-bigram Jaccard similarity reaches `threshold`.

    Weighting by rarity keeps shared boilerplate ("快手营销服务平台在帮助品牌商家…") from
    making different questions look alike. Candidates come from an inverted index over the
    bigrams that are not everywhere, so a 10,000-card bank is not compared pair by pair.
    """
    cards = [card for _, card in bank.cards()]
    grams = [_bigrams(card.question) for card in cards]
    frequency = Counter(g for gram_set in grams for g in gram_set)
    weight = {g: math.log(1 + len(cards) / df) for g, df in frequency.items()}
    too_common = max(MAX_POSTINGS, len(cards) // 50)
    index: dict[str, list[int]] = defaultdict(list)
    warnings = []
    for i, gram_set in enumerate(grams):
        by_rarity = sorted(gram_set, key=lambda g: (frequency[g], g))
        selective = by_rarity[:ALWAYS_INDEXED] + [g for g in by_rarity[ALWAYS_INDEXED:] if frequency[g] <= too_common]
        candidates = {j for g in selective for j in index[g]}
        for j in sorted(candidates):
            other = grams[j]
            shared = sum(weight[g] for g in gram_set & other)
            similarity = shared / sum(weight[g] for g in gram_set | other)
            if similarity >= threshold:
                first = cards[j]
                warnings.append(
                    QualityWarning(
                        Problem(
                            cards[i].location,
                            f"near-duplicate of card {first.id} at {first.location} "
                            f"({similarity:.0%} alike); merge them into one card with both sources",
                            cards[i].id,
                            "question",
                        )
                    )
                )
        for g in selective:
            index[g].append(i)
    return warnings
