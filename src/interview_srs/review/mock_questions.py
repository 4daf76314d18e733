"""The questions of a mock interview (`srs mock`): which cards belong in a round, where, for how
long, and the draw itself.

A round goes the way real ones do: an opener (self-introduction, motivation), then a mix of
behavioural, scenario and business questions (taken in turn), and a 反问 (your questions to the
interviewer) last. The general opener deck's self-introduction and why-us cards open a round, its
open-ask-* cards close one (review/openers.py), and when the chosen decks have no opener or no
反问, `general_openers` takes one from that deck. Within each kind, cards are drawn at random, weighted
toward low predicted recall and toward cards you answer slowly; never the same card twice.
Cards tagged 求职准备 (about interviews rather than asked in one) are left out.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from interview_srs.review.openers import round_part
from interview_srs.schedule.scheduler import NEW
from interview_srs.store.rows import CardFilter
from interview_srs.store.connection import Store
from interview_srs.store import lookups, mocks

# Target times (seconds) when neither --seconds nor the card gives one: a STAR story takes longer.
TARGET_SECONDS = {"opener": 90, "star": 150, "outline": 90, "closing": 45}
BUDGET = re.compile(r"（约\s*(\d+)\s*(秒|分钟)）")
QUESTION_MINUTES = re.compile(r"(\d+)\s*(?:[–~-]\s*(\d+))?\s*分钟")
NEW_CARD_RECALL = 0.5  # a card never reviewed: as likely remembered as not
OPENER_WORDS = ("自我介绍", "介绍一下你自己", "介绍下自己")
# Motivation openers: "why this industry / role / company" (tag 动机 and a question like these).
MOTIVATION = re.compile(r"为什么(选择|想|要|加入|来|应聘|投)|了解多少")
OPENER_TAGS = frozenset({"动机"})
CLOSING_TAGS = frozenset({"反问"})
LEFT_OUT_TAGS = frozenset({"求职准备"})
BODY_KINDS = (("behavioural", ("行为", "自我认知")), ("scenario", ("情景",)), ("business", ("业务", "数据指标")))


class MockError(Exception):
    """A mock interview cannot start; the message is for the user."""


@dataclass(frozen=True)
class Candidate:
    """A card as mock selection sees it."""

    card_id: str
    kind: str  # opener, behavioural, scenario, business, other, closing
    target_seconds: int
    recall: float  # predicted recall now (0–1)
    slowness: float = 0.0  # median answer time / target time (0: no answers yet)

    @property
    def weight(self) -> float:
        """Low recall and slow answers make a card likelier; every card keeps a chance."""
        return 0.1 + (1 - self.recall) + min(1.0, max(0.0, self.slowness - 1))


def kind_of(tags: Sequence[str], question: str) -> str | None:
    """Where a card goes in a round; None for cards that are not interview questions."""
    tags = set(tags)
    if tags & LEFT_OUT_TAGS and not tags & {kind_tag for _k, group in BODY_KINDS for kind_tag in group}:
        return None
    if tags & CLOSING_TAGS or question.startswith("反问"):
        return "closing"
    if any(word in question for word in OPENER_WORDS) or (tags & OPENER_TAGS and MOTIVATION.search(question)):
        return "opener"
    for kind, group in BODY_KINDS:
        if tags & set(group):
            return kind
    return "other"


def target_seconds(kind: str, back: dict, question: str = "") -> int:
    """The card's own time: the budgets its prompts give (`（约 10 秒）` on each STAR part), else
    the time its question names (`请用 3–5 分钟…`: the upper bound), else TARGET_SECONDS."""
    star = back.get("star") or {}
    prompts = [p for key in ("situation", "task", "action", "result") for p in star.get(key) or []]
    budgets = [int(n) * (60 if unit == "分钟" else 1) for text in prompts + list(back.get("outline") or [])
               for n, unit in BUDGET.findall(text)]
    if budgets:
        return sum(budgets)
    named = QUESTION_MINUTES.search(question)
    if named:
        return int(named.group(2) or named.group(1)) * 60
    if kind in ("opener", "closing"):
        return TARGET_SECONDS[kind]
    return TARGET_SECONDS["star" if star else "outline"]


def predicted_recall(row: mocks.CardRow, at: datetime, params=None) -> float:
    """FSRS predicted recall at `at` (readiness.recall_at, with the deck's parameters); a card
    never reviewed counts as NEW_CARD_RECALL, so unseen cards are neither favoured nor avoided."""
    from interview_srs.schedule.readiness import recall_at
    from interview_srs.schedule.scheduler import CardState, from_ms

    if row.state == NEW or row.stability is None or row.last_review_ms is None:
        return NEW_CARD_RECALL
    return recall_at(CardState(row.state, stability=row.stability, last_review=from_ms(row.last_review_ms)), at, params)


def choose(candidates: Sequence[Candidate], count: int, rng: random.Random) -> list[Candidate]:
    """The questions of one round, in order: opener, mixed body, closing; no card twice."""
    left = list(candidates)

    def pick(pool: list[Candidate]) -> Candidate:
        chosen = rng.choices(pool, weights=[c.weight for c in pool])[0]
        left.remove(chosen)
        return chosen

    def of(kind: str) -> list[Candidate]:
        return [c for c in left if c.kind == kind]

    if count <= 0 or not left:
        return []
    first = [pick(of("opener"))] if of("opener") else []
    slots = count - len(first)
    # 反问 closes a round of two or more; a one-question round asks a real question if it can
    body_left = any(c.kind != "closing" for c in left)
    last = [pick(of("closing"))] if of("closing") and slots >= 1 and (count >= 2 or not body_left) else []
    body: list[Candidate] = []
    kinds = [kind for kind, _tags in BODY_KINDS] + ["other"]
    start = rng.randrange(len(kinds))
    kinds = kinds[start:] + kinds[:start]
    room = slots - len(last)
    while len(body) < room:
        progressed = False
        for kind in kinds:
            if len(body) < room and of(kind):
                body.append(pick(of(kind)))
                progressed = True
        if not progressed:
            spare = of("opener")  # motivation questions are fair mid-round questions too
            if not spare:
                break
            body.append(pick(spare))
    return first + body + last


def interview_filter(store: Store, name: str) -> CardFilter:
    """The cards of an interview added with `srs interview add` (its deck globs resolved now)."""
    from interview_srs.review.upcoming import load_interviews
    from interview_srs.terminal.render import clean

    found = {interview.name: interview for interview in load_interviews(store)}
    if name not in found:
        listed = ", ".join(clean(n) for n in found) or "none"
        raise MockError(f"no interview named '{clean(name)}' (interviews: {listed}); "
                        "add one with `srs interview add` or use --deck PATTERN")
    return CardFilter(decks=tuple(sorted(found[name].decks)))


def candidates(store: Store, filt: CardFilter, at: datetime, params_of=lambda deck: None) -> list[Candidate]:
    """Every present, unsuspended card of the filter that belongs in an interview round;
    `params_of(deck)` gives a deck's FSRS parameters (None: fsrs's defaults)."""
    rows = [(row, round_part(row.id) or kind_of(row.tags, row.question)) for row in mocks.card_rows(store, filt)]
    rows = [(row, kind) for row, kind in rows if kind is not None]
    times = mocks.answer_seconds(store, [row.id for row, _kind in rows])
    found = []
    for row, kind in rows:
        target = target_seconds(kind, row.back, row.question)
        recall = predicted_recall(row, at, params_of(row.deck))
        found.append(Candidate(row.id, kind, target, recall, times.get(row.id, 0.0) / target))
    return found


def general_openers(store: Store, found: Sequence[Candidate], at: datetime, rng: random.Random,
                    params_of=lambda deck: None) -> list[Candidate]:
    """A round opens with a self-introduction or why-us card and ends with 反问: for each of the
    two its decks have no card for, one card of the general opener deck (review/openers.py),
    drawn as `choose` draws. Empty when the decks have both, or the store has no opener deck."""
    from interview_srs.review.openers import OPENER_DECK

    missing = [part for part in ("opener", "closing") if not any(c.kind == part for c in found)]
    if not missing or OPENER_DECK not in lookups.decks(store):
        return []
    taken = {c.card_id for c in found}
    general = [c for c in candidates(store, CardFilter(decks=(OPENER_DECK,)), at, params_of)
               if c.card_id not in taken and round_part(c.card_id) in missing]
    chosen = []
    for part in missing:
        pool = [c for c in general if c.kind == part]
        if pool:
            chosen.append(rng.choices(pool, weights=[c.weight for c in pool])[0])
    return chosen


__all__ = [
    "Candidate",
    "MockError",
    "candidates",
    "choose",
    "general_openers",
    "interview_filter",
    "kind_of",
    "predicted_recall",
    "target_seconds",
]
