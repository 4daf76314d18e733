"""Near-duplicate questions: IDF-weighted character-bigram similarity, without comparing every pair.

The same question asked at two companies should be one card with two sources, so that it is
learnt once; `srs check` names such pairs (quality.py words the warnings). Chinese questions
have no spaces to split words on, so a question is compared by its pairs of adjacent characters.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import accumulate, chain

MAX_SCANNED = 600  # index entries read per question: bounds adversarial banks to seconds
MAX_NAMED = 3  # other alike cards listed per question (the rest are counted)

_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)


def content(text: str) -> str:
    """The text's letters and digits, case-folded: what two texts are compared by."""
    return _NOT_CONTENT.sub("", text.casefold())


def bigrams(text: str) -> frozenset[str]:
    """`ordered_bigrams` as a set, to intersect."""
    return frozenset(ordered_bigrams(text))


def ordered_bigrams(text: str) -> dict[str, None]:
    """The adjacent pairs of the text's letters and digits (case-folded), each once, in the
    order they first occur; a text shorter than two stands alone."""
    letters = content(text)
    if len(letters) < 2:
        return {letters: None}
    return dict.fromkeys(map(str.__add__, letters, letters[1:]))  # every adjacent pair, built in C


def find(questions: list[str], threshold: float) -> list[list]:
    """Each question whose IDF-weighted character-bigram Jaccard similarity to an earlier one
    reaches `threshold`, once: [question, similarity, the most alike earlier question, how many
    earlier ones are alike, the next MAX_NAMED of them], all by position in `questions`.

    Weighting by rarity keeps shared boilerplate ("快手营销服务平台在帮助品牌商家…") from
    making different questions look alike. A 10,000-card bank is not compared pair by pair:
    candidates come from prefix filtering. Order all bigrams rarest first; a question's prefix
    is its rarest bigrams up to where the rest weighs less than `threshold` of its total. Two
    questions at least that alike share at least `threshold` of each one's weight, so the first
    bigram they share lies in both prefixes: indexing and probing prefixes only finds every
    alike pair, and a bigram no other question has is never indexed at all. Questions with the
    same bigrams are one entry of the index: a question repeated 4,000 times is compared once,
    and each copy is reported against the first (its other likenesses are reported on that
    first card). At most MAX_SCANNED index entries are read per question, which bounds time and
    memory even when every bigram is in thousands of questions.
    """
    grams = [ordered_bigrams(question) for question in questions]
    frequency = Counter(chain.from_iterable(grams))
    # Ties in the order first seen, reading the questions in order: a total order that does not
    # depend on string hashing, so a bank that exhausts the budget below gets the same warnings
    # from every run.
    rarest_first = sorted(frequency, key=frequency.__getitem__)
    rank = {g: r for r, g in enumerate(rarest_first)}
    counts = [frequency[g] for g in rarest_first]
    weight_at = [math.log(1 + len(questions) / df) for df in counts]
    shared_by_several = bisect_right(counts, 1)  # ranks below this are in one question only
    lowest = threshold - 1e-9  # floating-point slack: a prefix a little too long is still exact
    index: defaultdict[int, list[int]] = defaultdict(list)  # bigram rank -> first card of each distinct question
    ranks_of: dict[int, list[int]] = {}
    totals: dict[int, float] = {}
    first_with: dict[tuple[int, ...], int] = {}  # a question's bigrams -> the first card asking it
    copies: dict[int, list[int]] = {}  # first card of a question -> every card asking it, in order
    found = []  # [question, similarity, most alike earlier question, how many alike, a few of them]
    for i, question_grams in enumerate(grams):
        ranks = sorted(map(rank.__getitem__, question_grams))
        first = first_with.setdefault(tuple(ranks), i)
        if first != i:
            alike = [(1.0, first, len(copies[first]))]  # (similarity, question, copies so far)
            copies[first].append(i)
        else:
            copies[i] = [i]
            running = list(accumulate(map(weight_at.__getitem__, ranks)))
            total = running[-1]
            prefix = ranks[bisect_left(ranks, shared_by_several) : bisect_right(running, (1 - lowest) * total) + 1]
            found_in = list(filter(None, map(index.get, prefix)))
            if sum(map(len, found_in)) <= MAX_SCANNED:
                candidates = set(chain.from_iterable(found_in))
            else:
                candidates = _first_scanned(found_in)
            alike = []
            if candidates:
                mine = set(ranks)
                for j in candidates:  # any order: `alike` is sorted below
                    other = totals[j]
                    if min(total, other) < lowest * max(total, other):
                        continue  # too different in size to be alike
                    shared = sum(map(weight_at.__getitem__, mine.intersection(ranks_of[j])))
                    similarity = shared / (total + other - shared)
                    if similarity >= threshold:
                        alike.append((similarity, j, len(copies[j])))
            for r in prefix:
                index[r].append(i)
            ranks_of[i] = ranks
            totals[i] = total
        if alike:
            alike.sort(key=lambda entry: (-entry[0], entry[1]))
            similarity, best, _count = alike[0]
            total_alike = sum(count for _s, _j, count in alike)
            named = [k for _s, j, count in alike for k in copies[j][:count]][1 : MAX_NAMED + 2]
            found.append([i, similarity, best, total_alike, named])
    return found


def _first_scanned(postings: list[list[int]]) -> set[int]:
    """The questions in the first MAX_SCANNED entries of `postings`, read in order."""
    scanned: set[int] = set()
    budget = MAX_SCANNED
    for entries in postings:
        scanned.update(entries[:budget])
        budget -= min(budget, len(entries))
        if not budget:
            break
    return scanned
