"""Which drafted questions the bank already asks, by the bank's own near-duplicate measure.

A question already on a card is learnt from that card; drafting it again would split its
reviews.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from interview_srs.bank.near_duplicates import find
from interview_srs.bank.quality import NEAR_DUPLICATE_SIMILARITY

# A draft as alike as `srs check` calls two questions near-duplicates would get its warning.
SIMILARITY = NEAR_DUPLICATE_SIMILARITY


@dataclass(frozen=True)
class Match:
    """A drafted question (by position) that repeats a bank card or an earlier draft."""

    index: int
    card_id: str = ""  # the bank card it repeats, or "" for an earlier draft
    earlier: int = -1  # the earlier draft it repeats, or -1
    similarity: float = 0.0


def matches(questions: Sequence[str], bank_questions: Mapping[str, str]) -> dict[int, Match]:
    """For each drafted question that is in the bank or repeats an earlier draft, why."""
    ids = list(bank_questions)
    everything = [bank_questions[i] for i in ids] + list(questions)
    found = find(everything, SIMILARITY)
    result: dict[int, Match] = {}
    for position, similarity, best, _count, _named in found:
        if position < len(ids):
            continue  # two bank cards alike: `srs check` reports that, not drafting
        index = position - len(ids)
        if best < len(ids):
            result[index] = Match(index, card_id=ids[best], similarity=similarity)
        else:
            earlier = best - len(ids)
            # an earlier draft that is itself in the bank points this one at the same card
            if earlier in result and result[earlier].card_id:
                result[index] = Match(index, card_id=result[earlier].card_id, similarity=similarity)
            else:
                result[index] = Match(index, earlier=earlier, similarity=similarity)
    return result
