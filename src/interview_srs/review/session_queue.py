"""A review session's queue: the plan made when it starts, the card on screen, and what is left.

The order is planner.py's; this keeps the session's place in it. The plan is made once, when
the session starts; an entry whose card has changed since (answered in another session, say) is
skipped, and learning cards are chosen live (`planner.choose`). session.py shows what `next_card`
gives and puts a card back that was not answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from interview_srs.review import planner
from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import LEARN_AHEAD, StudyDay
from interview_srs.store import lookups, queries
from interview_srs.store.connection import Store
from interview_srs.store.rows import CardFilter


@dataclass(frozen=True)
class Limits:
    """What bounds a session: new-card limits (command line over config), cards, --ahead, --interview."""

    new_per_day: int = 20
    cards: int | None = None  # at most this many different cards in the session
    deck_new: Callable[[str], int] | None = None  # a deck's own new-card limit (config), if any
    new_usually: int | None = None  # the daily limit without --new (for tomorrow's figure)
    leech_threshold: int = 8  # lapses from which the screen suggests reworking your answer
    ahead: bool = False  # --ahead: cards not due yet once the rest is done
    interview: str | None = None  # --interview: the session is for this interview (its decks only)


class Queue:
    """The session's place in its plan: `pending` entries, the `current` one on screen, the
    cards `shown` so far (for `Limits.cards`), and the `urgent` ones (the nearest focused
    interview's: their learning steps come before other cards)."""

    def __init__(self, store: Store, config: Config, clock: Callable[[], datetime], study_day: StudyDay,
                 filt: CardFilter, limits: Limits, interviews: tuple[planner.Interview, ...]):
        self.store, self.config, self.clock, self.study_day = store, config, clock, study_day
        self.filt, self.limits, self.interviews = filt, limits, interviews
        self.shown: set[str] = set()
        at = clock()
        self.pending = self.plan(at)
        focus = planner.focused(interviews, at, self.rules())
        self.urgent = frozenset(e.card_id for e in self.pending if focus and e.interview == focus[0].name)
        self.current: planner.Entry | None = None

    def rules(self, new_per_day: int | None = None) -> planner.Rules:
        config = self.config
        return planner.Rules(
            new_per_day=self.limits.new_per_day if new_per_day is None else new_per_day,
            final_pass_days=config.final_pass_days,
            target_of=lambda deck: config.for_deck(deck).interview_target,
            deck_new_of=self.limits.deck_new or (lambda deck: None),
            params_of=lambda deck: config.for_deck(deck).parameters,
            focus_days=config.focus_days,
            new_outside_focus=config.new_outside_focus,
        )

    def plan(self, at: datetime, tomorrow: bool = False) -> list[planner.Entry]:
        """The plan for a session at `at`; `tomorrow`: the one tomorrow's session would start
        with if nothing more were done today (nothing introduced yet that day, the usual limit)."""
        rules = self.rules(self._usual_new() if tomorrow else None)
        coming = planner.upcoming(self.interviews, at)
        day_start, day_end = self.study_day.bounds(at)
        since = day_end if tomorrow else day_start  # tomorrow: no answers yet that day
        cards = queries.plan_cards(
            self.store, self.filt, at, day_end, interviews=planner.interview_cards(coming, rules, at), since=since,
            new_limit=rules.new_per_day, ahead=self.limits.ahead and not tomorrow,
        )
        return planner.plan(
            cards,
            self.interviews,
            rules,
            at,
            self.study_day,
            queries.introduced_since(self.store, since),
            planner.good_answer(rules.params_of),
            ahead=self.limits.ahead and not tomorrow,
            early_today=queries.answered_early_since(self.store, since) if coming else frozenset(),
            introduced_per_deck=queries.introduced_per_deck(self.store, since) if self.limits.deck_new else None,
        )

    def _usual_new(self) -> int:
        return self.limits.new_per_day if self.limits.new_usually is None else self.limits.new_usually

    def _allowed(self, card_id: str) -> bool:
        return (
            self.limits.cards is None
            or card_id in self.shown
            or len(self.shown) < self.limits.cards
        )

    def _servable(self, entry: planner.Entry) -> bool:
        """The card can be shown for this entry: still there, not suspended or buried, and
        unchanged since the entry was made."""
        if not self._allowed(entry.card_id):
            return False
        card = lookups.card(self.store, entry.card_id)
        return (
            card.present
            and not card.suspended
            and (card.buried_until is None or card.buried_until <= self.clock())
            and card.schedule == entry.state  # as CardStates: a stored 1.5 ms reads back as whole ms
        )

    def next_card(self) -> planner.Entry | None:
        at = self.clock()
        learning = queries.learning_cards(self.store, self.filt, at, at + LEARN_AHEAD)
        entry, self.pending = planner.choose(learning, self.pending, at, self._servable, self.urgent)
        return entry

    def put_back(self) -> None:
        """The card on screen was not answered: it goes back to the front of the queue."""
        if self.current is not None and self.current.reason != planner.LEARNING_REASON:
            self.pending.insert(0, self.current)
        self.current = None

    def left_today(self) -> planner.Left:
        """What is left of today's plan, for the counts line and the quit summary alike: the
        planned cards and the learning cards due before the study day ends."""
        at = self.clock()
        day_end = self.study_day.bounds(at)[1]
        planned = self.pending + ([self.current] if self.current else [])
        return planner.left(planned, len(queries.learning_cards(self.store, self.filt, at, day_end)))


__all__ = ["Limits", "Queue"]
