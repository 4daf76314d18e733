"""What to study next: card states + interviews + settings + now → the ordered queue.

The one place that decides the order of a review session (session.py only shows what this
returns). Pure: no clock, no store, no terminal; "what stability would a Good answer now give" is passed
in as `predict` (`good_answer` gives fsrs's, by readiness.stability_after_good).

A session's queue, in order:

1. `learning` — learning/relearning cards due now (chosen live by `choose`, not planned).
2. `due` — review cards due by the end of the study day, lowest recall now first.
3. `final-pass` — in the last `final_pass_days` before an interview, each of its cards not yet
   answered since the window opened, lowest recall at the interview first, spread evenly over
   the days left (an interview answer must be fluent, not just recallable).
4. `interview-bring-forward` — cards of an interview whose predicted recall at the interview is
   below its target, lowest first, at most an even share of them per day left, and only
   when a Good answer now would lift the card to the target or this is the last day (an answer
   given too early is wasted: the card would fall below the target again before the interview).
5. `interview-introduce` — never-seen cards of an interview, so that all are introduced by two
   days before it, spread evenly; they count against `new_per_day` but are not capped by
   it (the deck's allowance is raised as needed).
6. `new` — other never-seen cards in file order, up to what is left of `new_per_day`.
7. `ahead` — with `ahead=True` only: every other card already seen, lowest recall first (at
   its interview, or now).
8. `learning` — learning cards due within the next 20 minutes (Anki's learn-ahead).

Within `focus_days` of an interview the same entries come in another order (`_focus`): the
interview's own cards first (what it needs for the target, then its final pass), then each later
interview's in date order, then everything else; and decks in no upcoming interview introduce no
new cards then (unless `new_outside_focus`). `choose` also serves the nearest interview's
learning steps before any other card (`urgent`), so the day before an interview its cards are
the session's first answers, however fast the user answers.

A card belonging to several upcoming interviews is planned for the earliest. Interviews at or
before `now` are ignored: after the interview time normal scheduling resumes. Every answer is an
ordinary FSRS review; the planner only changes which cards are shown when.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from interview_srs.schedule.readiness import below_after, curve_ms, recall_ms, recall_on, stability_after_good
from interview_srs.schedule.scheduler import LEARN_AHEAD, LEARNING, NEW, RELEARNING, REVIEW, CardState, StudyDay, card_state, state_values, to_ms
from interview_srs.store.queries import InterviewCards, PlanCard

LEARNING_REASON = "learning"
DUE = "due"
FINAL_PASS = "final-pass"
BRING_FORWARD = "interview-bring-forward"
INTRODUCE = "interview-introduce"
NEW_REASON = "new"
AHEAD = "ahead"
NEW_REASONS = (INTRODUCE, NEW_REASON)
INTRODUCE_BY_DAYS = 2  # every card of an interview is introduced by two days before it


@dataclass(frozen=True)
class Interview:
    """An upcoming or past interview as the planner weighs it: its decks already resolved from
    the stored globs, so a plan never matches patterns."""

    name: str
    at: datetime
    decks: frozenset[str]  # the deck names it covers (its globs resolved)


@dataclass(frozen=True)
class Rules:
    """The settings the planner follows (from config.toml and the command line)."""

    new_per_day: int = 20
    final_pass_days: int = 2
    target_of: Callable[[str], float] = field(default=lambda deck: 0.95)
    # A deck's own daily new-card limit (config's [deck."…"] new_per_day); None: only the total.
    deck_new_of: Callable[[str], int | None] = field(default=lambda deck: None)
    params_of: Callable[[str], Sequence[float] | None] = field(default=lambda deck: None)
    focus_days: int = 3  # within this many days of an interview its cards come first (0: off)
    new_outside_focus: bool = False  # ... and decks in no interview still introduce new cards


@dataclass(frozen=True)
class Entry:
    """One card to show, why, and its schedule when planned, as the store's six values of
    STATE_COLUMNS (if they change, the entry is stale). The CardState is made when asked for:
    a plan holds every card due today, and the session shows one at a time."""

    card_id: str
    reason: str
    planned: tuple
    interview: str | None = None

    @property
    def state(self) -> CardState:
        return card_state(self.planned)


@dataclass(frozen=True)
class Left:
    """Cards left in a plan: planned reviews (due, interview bring-forward, final pass, ahead),
    learning cards due before the study day ends, and planned new cards."""

    due: int = 0
    learning: int = 0
    new: int = 0


def left(entries: Sequence[Entry], learning: int = 0) -> Left:
    """What is left of a plan's `entries` (interview introductions count as new), with the
    `learning` cards counted apart: the counts line and the session summary share this."""
    new = sum(1 for e in entries if e.reason in NEW_REASONS)
    planned_learning = sum(1 for e in entries if e.reason == LEARNING_REASON)
    return Left(due=len(entries) - new - planned_learning, learning=learning, new=new)


def upcoming(interviews: Sequence[Interview], now: datetime) -> list[Interview]:
    """Interviews still ahead, earliest first."""
    return sorted((i for i in interviews if i.at > now), key=lambda i: (i.at, i.name))


def assign(cards: Sequence[PlanCard], interviews: Sequence[Interview], now: datetime) -> dict[str, Interview]:
    """Each card's interview: the earliest upcoming one covering its deck (cards of none are absent)."""
    ahead = upcoming(interviews, now)
    result = {}
    for card in cards:
        for interview in ahead:
            if card.deck in interview.decks:
                result[card.id] = interview
                break
    return result


def days_left(until: datetime, now: datetime) -> int:
    """Sessions left before `until` for a user who studies at this time of day: the whole
    24-hour steps from `now` that stay before it (at least 1, today). Counting study days instead
    would plan work for an interview morning's hour before a 9 o'clock interview that a user who
    studies in the evening never gets."""
    return max(1, math.ceil((until - now) / timedelta(days=1)))


def focused(interviews: Sequence[Interview], now: datetime, rules: Rules) -> list[Interview]:
    """The upcoming interviews within `focus_days` of `now`, earliest first."""
    horizon = now + timedelta(days=rules.focus_days)
    return [i for i in upcoming(interviews, now) if i.at <= horizon] if rules.focus_days > 0 else []


def final_pass_start(interview: Interview, rules: Rules) -> datetime | None:
    """When the final-pass window opens (None when the final pass is off)."""
    if rules.final_pass_days <= 0:
        return None
    return interview.at - timedelta(days=rules.final_pass_days)


def interview_cards(interviews: Sequence[Interview], rules: Rules, now: datetime) -> list[InterviewCards]:
    """Which cards of the upcoming interviews' decks a plan at `now` can use, for the store to
    load no others (store.queries.InterviewCards): a review card answered before today and whose
    recall at its interview is at or above the target is neither brought forward, introduced,
    nor counted in today's shares; only inside the final-pass window does every card count.
    A deck belongs to the earliest interview covering it, as in `assign`; decks of one
    interview sharing a target and parameters are read together."""
    claimed: set[str] = set()
    result = []
    for interview in upcoming(interviews, now):
        decks = sorted(interview.decks - claimed)
        claimed |= interview.decks
        if not decks:
            continue
        opens = final_pass_start(interview, rules)
        if opens is not None and now >= opens:
            result.append(InterviewCards(tuple(decks), to_ms(interview.at)))
            continue
        groups: dict[float, list[str]] = {}
        for deck in decks:
            groups.setdefault(below_after(rules.target_of(deck), rules.params_of(deck)), []).append(deck)
        result += [InterviewCards(tuple(group), to_ms(interview.at), ratio) for ratio, group in groups.items()]
    return result


def plan(
    cards: Sequence[PlanCard],
    interviews: Sequence[Interview],
    rules: Rules,
    now: datetime,
    day: StudyDay,
    introduced_today: frozenset[str] = frozenset(),
    predict: Callable[[PlanCard, datetime], float] | None = None,
    ahead: bool = False,
    early_today: frozenset[str] = frozenset(),
    introduced_per_deck: Mapping[str, int] | None = None,
) -> list[Entry]:
    """The queue of planned cards for a session starting at `now` (learning cards apart: see
    `choose`). `introduced_today` holds the cards first answered this study day (any deck),
    `early_today` those answered before their due date this study day (so a second session the
    same day does not bring forward a second share); `predict(card, at)` is the stability a Good
    answer at `at` would give (`good_answer`; None: assume it helps); `introduced_per_deck` counts today's first
    answers per deck, against `rules.deck_new_of`."""
    day_start, day_end = day.bounds(now)
    owner = assign(cards, interviews, now)
    taken: set[str] = set()
    entries: list[Entry] = []

    curves: dict[str, tuple[float, float]] = {}  # per deck, worked out once

    def recall(card: PlanCard, at_ms: int) -> float:
        """recall_at from the card's raw values: this runs for every card of an interview."""
        if card.kind == NEW or card.stability is None or card.last_review_ms is None:
            return 0.0
        curve = curves.get(card.deck)
        if curve is None:
            curve = curves[card.deck] = curve_ms(rules.params_of(card.deck))
        return recall_on(curve, card.stability, card.last_review_ms, at_ms)

    now_ms, day_end_ms = to_ms(now), to_ms(day_end)
    due = [c for c in cards if c.kind == REVIEW and c.due_ms < day_end_ms]
    due.sort(key=lambda c: (recall(c, now_ms), c.due_ms, c.id))
    for card in due:
        entries.append(Entry(card.id, DUE, card.values, _name(owner.get(card.id))))
        taken.add(card.id)
    busy = taken | {c.id for c in cards if c.kind in (LEARNING, RELEARNING)}

    introductions: list[Entry] = []
    for interview in upcoming(interviews, now):
        mine = [c for c in cards if owner.get(c.id) is interview]
        if not mine:
            continue
        final, left_to_final = _final_pass(mine, interview, rules, now, day_start, busy, recall)
        forward = _bring_forward(
            mine, interview, rules, now, busy | left_to_final, recall, predict,
            sum(1 for c in mine if c.id in early_today),
        )
        entries += final + forward
        introductions += _introductions(mine, interview, now, introduced_today)
    taken |= {e.card_id for e in entries + introductions}
    entries += introductions

    allowance = rules.new_per_day - len(introduced_today) - len(introductions)
    deck_left: dict[str, int] = {}
    for card in cards:
        if allowance <= 0:
            break
        if card.kind != NEW or card.id in taken:
            continue
        own = rules.deck_new_of(card.deck)
        if own is not None:
            left = deck_left.setdefault(card.deck, own - (introduced_per_deck or {}).get(card.deck, 0))
            if left <= 0:
                continue
            deck_left[card.deck] = left - 1
        entries.append(Entry(card.id, NEW_REASON, card.values, _name(owner.get(card.id))))
        taken.add(card.id)
        allowance -= 1

    if ahead:
        rest = [c for c in cards if c.kind == REVIEW and c.id not in taken]
        rest.sort(key=lambda c: (recall(c, to_ms(owner[c.id].at) if c.id in owner else now_ms), c.id))
        entries += [Entry(c.id, AHEAD, c.values, _name(owner.get(c.id))) for c in rest]
    if focused(interviews, now, rules):
        return _focus(entries, upcoming(interviews, now), rules)
    return entries


def _focus(entries: list[Entry], ahead: list[Interview], rules: Rules) -> list[Entry]:
    """The focus order: per interview in date order its needs then its final pass, then cards of
    no interview; cards ahead of time after all of that, in the same order. New cards of no
    interview are left out unless `rules.new_outside_focus`."""
    rank = {interview.name: index for index, interview in enumerate(ahead)}
    kept = [e for e in entries if rules.new_outside_focus or e.reason != NEW_REASON or e.interview is not None]
    return sorted(kept, key=lambda e: (
        e.reason == AHEAD, rank.get(e.interview, len(rank)) if e.interview else len(rank), e.reason == FINAL_PASS,
    ))


def _final_pass(mine, interview, rules, now, day_start, busy, recall) -> tuple[list[Entry], set[str]]:
    """Inside the window, the cards not answered since it opened (returned too: they are left to
    the final pass, not brought forward): today's even share of them over the days left
    (counting those done today and those answered today anyway), weakest at the interview first."""
    opens = final_pass_start(interview, rules)
    if opens is None or now < opens:
        return [], set()
    at_ms, opens_ms, today_ms = to_ms(interview.at), to_ms(opens), to_ms(max(opens, day_start))
    seen = sorted((c for c in mine if c.kind != NEW), key=lambda c: (recall(c, at_ms), c.id))
    pending = [c for c in seen if c.last_review_ms < opens_ms]
    done_today = sum(1 for c in seen if c.last_review_ms >= today_ms)
    quota = _share(len(pending) + done_today, days_left(interview.at, now)) - done_today
    quota -= sum(1 for c in pending if c.id in busy)
    chosen = [c for c in pending if c.id not in busy][: max(0, quota)]
    return [Entry(c.id, FINAL_PASS, c.values, interview.name) for c in chosen], {c.id for c in pending}


def _bring_forward(mine, interview, rules, now, busy, recall, predict, done_today) -> list[Entry]:
    """Cards below target not otherwise answered today: today's even share (counting the
    `done_today` answered early already), weakest first, skipping those a Good answer now would
    not lift to the target (unless today is the last day)."""
    days = days_left(interview.at, now)
    now_ms, at_ms = to_ms(now), to_ms(interview.at)
    recalls = ((recall(c, at_ms), c) for c in mine if c.kind != NEW and c.id not in busy)
    below = [c for _r, c in sorted(
        ((r, c) for r, c in recalls if r < rules.target_of(c.deck)), key=lambda pair: (pair[0], pair[1].id)
    )]
    chosen: list[Entry] = []
    quota = _share(len(below) + done_today, days) - done_today
    for card in below:
        if len(chosen) >= quota:
            break
        if days > 1 and predict is not None and recall_ms(
            predict(card, now), now_ms, at_ms, rules.params_of(card.deck)
        ) < rules.target_of(card.deck):
            continue
        chosen.append(Entry(card.id, BRING_FORWARD, card.values, interview.name))
    return chosen


def _introductions(mine, interview, now, introduced_today) -> list[Entry]:
    """Never-seen cards: all by INTRODUCE_BY_DAYS days before, today's even share, file order."""
    fresh = [c for c in mine if c.kind == NEW]
    started = sum(1 for c in mine if c.id in introduced_today)
    deadline_days = days_left(interview.at - timedelta(days=INTRODUCE_BY_DAYS), now)
    quota = _share(len(fresh) + started, deadline_days) - started
    return [Entry(c.id, INTRODUCE, c.values, interview.name) for c in fresh[: max(0, quota)]]


def good_answer(params_of: Callable[[str], Sequence[float] | None]) -> Callable[[PlanCard, datetime], float]:
    """`predict` for `plan`: the stability fsrs gives a review card answered Good at `at`, with
    its deck's parameters."""
    def predict(card: PlanCard, at: datetime) -> float:
        return stability_after_good(card.stability, card.difficulty, card.last_review_ms, to_ms(at), params_of(card.deck))

    return predict


def choose(
    learning: Sequence[tuple[str, CardState]],
    pending: Sequence[Entry],
    now: datetime,
    servable: Callable[[Entry], bool],
    urgent: frozenset[str] = frozenset(),
) -> tuple[Entry | None, list[Entry]]:
    """The next card and the planned entries left after it.

    Learning cards due now come first, then the planned entries in order (stale ones, for which
    `servable` is false, are dropped), then learning cards due within LEARN_AHEAD. A learning
    card in `urgent` (the focused interview's cards) due within LEARN_AHEAD comes before any
    planned entry outside `urgent`: an interview's learning steps are not pushed behind other
    decks' cards.
    """
    soon = [
        (Entry(card_id, LEARNING_REASON, state_values(state)), state.due)
        for card_id, state in sorted(learning, key=lambda item: (item[1].due, item[0]))
        if state.due <= now + LEARN_AHEAD
    ]
    for entry, due in soon:
        if due <= now and servable(entry):
            return entry, list(pending)
    rest = list(pending)
    while rest:
        if rest[0].card_id not in urgent:
            for entry, _due in soon:
                if entry.card_id in urgent and servable(entry):
                    return entry, rest
        entry = rest.pop(0)
        if servable(entry):
            return entry, rest
    for entry, _due in soon:
        if servable(entry):
            return entry, rest
    return None, rest


def _share(work: int, days: int) -> int:
    """Today's even share of `work` spread over `days` (today included)."""
    return math.ceil(work / max(1, days)) if work > 0 else 0


def _name(interview: Interview | None) -> str | None:
    return interview.name if interview else None


__all__ = [
    "AHEAD",
    "BRING_FORWARD",
    "DUE",
    "FINAL_PASS",
    "INTRODUCE",
    "LEARNING_REASON",
    "NEW_REASON",
    "NEW_REASONS",
    "Entry",
    "Interview",
    "Left",
    "PlanCard",
    "Rules",
    "assign",
    "choose",
    "days_left",
    "final_pass_start",
    "focused",
    "good_answer",
    "interview_cards",
    "left",
    "plan",
    "upcoming",
]
