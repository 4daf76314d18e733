"""Read-only queries for the planner and stats: the cards a session may show, today's
introductions, answer times, every card's schedule and the answers per day. Functions take an
open Store (see store/__init__.py for the tables)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from interview_srs.schedule.readiness import DAY_MS, curve_ms
from interview_srs.schedule.scheduler import CardState, card_state, checked_stability, state_values, to_ms
from interview_srs.store.connection import Store
from interview_srs.store.rows import STATE_COLUMNS, CardFilter


class PlanCard:
    """A card as the planner and the readiness figures weigh it: id, deck and schedule.

    Read from the store, it keeps the schedule's raw values: the planner asks for the kind of
    state, the stability and the times in milliseconds, and the CardState (with its datetimes)
    is made once, when something asks for `state`. An interview's plan weighs every card of its
    decks but puts a few hundred in the queue, and making a CardState for each of 10,000 cards
    was most of such a session's start. Treat it as immutable, like a CardState."""

    __slots__ = ("id", "deck", "kind", "stability", "difficulty", "due_ms", "last_review_ms", "values", "_state")

    def __init__(self, id: str, deck: str, state: CardState):
        self.id, self.deck, self._state = id, deck, state
        self.values = state_values(state)
        self.kind, _step, self.stability, self.difficulty, self.due_ms, self.last_review_ms = self.values

    @classmethod
    def stored(cls, id: str, deck: str, values: tuple) -> PlanCard:
        """From the six values of STATE_COLUMNS, as the store keeps them."""
        card = cls.__new__(cls)
        card.id, card.deck, card.values, card._state = id, deck, values, None
        card.kind, _step, card.stability, card.difficulty, card.due_ms, card.last_review_ms = values
        return card

    @property
    def state(self) -> CardState:
        if self._state is None:
            self._state = card_state(self.values)
        return self._state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlanCard):
            return NotImplemented
        return (self.id, self.deck, self.values) == (other.id, other.deck, other.values)

    def __hash__(self) -> int:
        return hash((self.id, self.deck, self.values))

    def __repr__(self) -> str:
        return f"PlanCard({self.id!r}, {self.deck!r}, {self.state!r})"


class InterviewCards(NamedTuple):
    """Which cards of an upcoming interview's decks its plan can use (planner.interview_cards):
    with `below_after` None, every one; else those not in the review state, those answered since
    the plan's study day began (`plan_cards`' `since`: they count towards today's shares), and
    those whose predicted recall at `at_ms` may be below target (readiness.below_after: a ratio
    of elapsed time to stability). The rest stay in the store: an interview 5 days away on every
    deck of a 10,000-card bank loads under a fifth of its cards."""

    decks: tuple[str, ...]
    at_ms: int
    below_after: float | None = None


def plan_cards(
    store: Store, filt: CardFilter, at: datetime, day_end: datetime, *,
    interviews: Sequence[InterviewCards] = (), since: datetime | None = None, new_limit: int = 0,
    ahead: bool = False,
) -> list[PlanCard]:
    """The cards the planner needs, in file order (the order new cards are introduced in): among
    present cards matching `filt`, neither suspended nor buried at `at`, review cards due before
    `day_end` (every review card when `ahead`), the cards of the interviews' decks that their
    plans can use (see InterviewCards; `since`: the start of the study day the plan is for), and
    the first `new_limit` new cards of each other deck."""
    where, params = filt.available(at)
    columns = f"id, deck, {STATE_COLUMNS}"
    due, due_params = ("state = 2", []) if ahead else ("state = 2 AND due_ms < ?", [to_ms(day_end)])
    scope = sorted(deck for part in interviews for deck in part.decks)
    in_scope = f"deck IN ({', '.join('?' * len(scope))})" if scope else "0"
    # Parts each walking their own index (one query with an OR would walk every present card),
    # sorted into file order by SQLite: review cards due today, each interview's other usable
    # cards, and the first `new_limit` new cards of each other deck (enough for the day
    # whatever each deck's own new_per_day lets through).
    parts = [f"SELECT {columns}, file, line FROM cards WHERE {where} AND {due}"]
    values = params + due_params
    for part in interviews:
        usable, usable_params = "", []
        if part.below_after is not None:
            usable = (" AND (state != 2 OR stability IS NULL OR last_review_ms IS NULL OR last_review_ms >= ? "
                      "OR ? - last_review_ms >= ? * stability)")
            # a hair under the exact ratio: rounding must not leave out a card just below target
            usable_params = [to_ms(since or at), part.at_ms, part.below_after * DAY_MS * (1 - 1e-9)]
        parts.append(f"SELECT {columns}, file, line FROM cards WHERE {where} "
                     f"AND deck IN ({', '.join('?' * len(part.decks))}) AND NOT ({due}){usable}")
        values += params + list(part.decks) + due_params + usable_params
    parts.append(
        f"SELECT {columns}, file, line FROM (SELECT *, row_number() OVER (PARTITION BY +deck "  # `+`: by cards_queue
        f"ORDER BY file, line, id) AS place FROM cards WHERE {where} AND state = 0 AND NOT {in_scope}) "
        "WHERE place <= ?"
    )
    values += params + scope + [new_limit]
    rows = store.conn.execute(
        f"SELECT {columns} FROM ({' UNION ALL '.join(parts)}) ORDER BY file, line, id", values
    )
    return [PlanCard.stored(row[0], row[1], row[2:]) for row in rows]


def introduced_per_deck(store: Store, since: datetime) -> dict[str, int]:
    """How many cards of each deck got their first answer at or after `since` (per-deck limits)."""
    return dict(
        store.conn.execute(
            "SELECT cards.deck, count(*) FROM review_log JOIN cards ON cards.id = review_log.card_id "
            "WHERE reviewed_ms >= ? AND state_before = 0 GROUP BY cards.deck",
            (to_ms(since),),
        ).fetchall()
    )


def introduced_since(store: Store, since: datetime) -> frozenset[str]:
    """Cards whose first answer (from any source) was at or after `since`."""
    return frozenset(
        row[0]
        for row in store.conn.execute(
            "SELECT card_id FROM review_log WHERE reviewed_ms >= ? AND state_before = 0",
            (to_ms(since),),
        )
    )




def answered_early_since(store: Store, since: datetime) -> frozenset[str]:
    """Review cards answered before their due date at or after `since` (brought forward, final
    pass, or ahead)."""
    return frozenset(
        row[0]
        for row in store.conn.execute(
            "SELECT card_id FROM review_log WHERE reviewed_ms >= ? AND state_before = 2 "
            "AND due_before_ms > reviewed_ms",
            (to_ms(since),),
        )
    )


def learning_cards(store: Store, filt: CardFilter, at: datetime, until: datetime):
    """Learning/relearning cards due by `until`: (id, state), earliest first."""
    where, params = filt.available(at)
    return [
        (row[0], card_state(row[1:]))
        for row in store.conn.execute(
            f"SELECT id, {STATE_COLUMNS} FROM cards WHERE {where} AND state IN (1, 3) "
            "AND due_ms <= ? ORDER BY due_ms, id",
            params + [to_ms(until)],
        )
    ]


def studied_cards(store: Store, filt: CardFilter = CardFilter()) -> list[PlanCard]:
    """Present, unsuspended cards matching `filt` (buried ones too: they still count towards
    readiness), in file order."""
    where, params = filt.sql()
    return [
        PlanCard.stored(row[0], row[1], row[2:])
        for row in store.conn.execute(
            f"SELECT id, deck, {STATE_COLUMNS} FROM cards WHERE {where} AND suspended = 0 "
            "ORDER BY file, line, id",
            params,
        )
    ]


def answer_times(store: Store, filt: CardFilter, since: datetime) -> list[tuple[str, str, int, int]]:
    """Timed answers since `since` per card matching `filt` (imported Anki answers left out):
    (card id, deck, total ms, answers). The recent answers are read from the covering index
    review_log_answer_times alone (a join with cards would walk every card's whole history),
    then matched with the cards' decks."""
    where, params = filt.sql()
    decks = dict(store.conn.execute(f"SELECT id, deck FROM cards WHERE {where}", params).fetchall())
    rows = store.conn.execute(
        "SELECT card_id, sum(duration_ms), count(*) FROM review_log "
        "WHERE reviewed_ms >= ? AND duration_ms IS NOT NULL AND source != 'anki' "
        "GROUP BY +card_id",  # `+`: not by the card index, which would walk every answer ever
        (to_ms(since),),
    ).fetchall()
    return [(card_id, decks[card_id], total, count) for card_id, total, count in rows if card_id in decks]


def stat_cards(store: Store, filt: CardFilter) -> list[tuple]:
    """(id, deck, state, step, stability, difficulty, due_ms, last_review_ms, suspended,
    buried_until_ms) for every present card matching `filt`."""
    where, params = filt.sql()
    return store.conn.execute(
        "SELECT id, deck, state, step, stability, difficulty, due_ms, last_review_ms, suspended, "
        f"buried_until_ms FROM cards WHERE {where} ORDER BY deck, file, line, id",
        params,
    ).fetchall()


def review_counts(store: Store, filt: CardFilter, starts: list[datetime]) -> list[tuple]:
    """Answers per (day, deck) between starts[0] and starts[-1], days split at `starts`:
    (day index, deck, answers, answers to review-state cards, of which not Again)."""
    where, params = filt.sql()
    bounds = [to_ms(s) for s in starts]
    case = " ".join(f"WHEN reviewed_ms < {b} THEN {i}" for i, b in enumerate(bounds[1:]))
    return store.conn.execute(
        f"SELECT CASE {case} END AS day, cards.deck, count(*), "
        "sum(state_before = 2), sum(state_before = 2 AND rating > 1) "
        "FROM review_log JOIN cards ON cards.id = review_log.card_id "
        f"WHERE reviewed_ms >= ? AND reviewed_ms < ? AND {where} GROUP BY day, cards.deck",
        [bounds[0], bounds[-1]] + params,
    ).fetchall()


def star_cards(store: Store) -> frozenset[str]:
    """The STAR cards (their answers are timed against answer_seconds' `star`, not `outline`)."""
    return frozenset(
        row[0] for row in store.conn.execute("SELECT id FROM cards WHERE json_extract(back, '$.star') IS NOT NULL")
    )


def rating_counts(store: Store) -> dict[tuple[bool, int], int]:
    """How often each rating was given, `(on a new or learning card, rating) → answers`, over
    the whole review log (the workload forecast draws its ratings from these shares)."""
    return {
        (bool(learning), rating): count
        for learning, rating, count in store.conn.execute(
            "SELECT state_before != 2, rating, count(*) FROM review_log GROUP BY 1, 2"
        )
    }


def states_at(store: Store, filt: CardFilter, at: datetime) -> list[PlanCard]:
    """`studied_cards` as they were at `at`: a card answered since has the state from before its
    first answer at or after `at` (a past interview's readiness, whatever was studied after it)."""
    where, params = filt.sql()
    return [
        PlanCard.stored(row[0], row[1], row[2:8] if row[8] is None else row[8:])
        for row in store.conn.execute(
            f"SELECT cards.id, deck, {STATE_COLUMNS}, b.state_before, b.step_before, b.stability_before, "
            "b.difficulty_before, b.due_before_ms, b.last_review_before_ms FROM cards LEFT JOIN review_log b "
            "ON b.id = (SELECT id FROM review_log WHERE card_id = cards.id AND reviewed_ms >= ? "
            "ORDER BY reviewed_ms, id LIMIT 1) "
            f"WHERE {where} AND suspended = 0 ORDER BY file, line, cards.id",
            [to_ms(at), *params],
        )
    ]


def recall_total(store: Store, decks: Iterable[str], at_ms: int, params_of) -> tuple[int, float] | None:
    """How many present, unsuspended cards `decks` have (buried ones too) and their predicted
    recall at `at_ms` (each deck's parameters from `params_of`) summed by SQLite, from the index
    cards_deck alone: the review header needs only the mean, and 10,000 rows into Python cost
    more than the rest of a session's start. A stability the curve cannot take is refused as in
    Python (scheduler.checked_stability). None when this SQLite was built without its math
    functions (pow): then read `recall_rows`."""
    try:
        store.conn.execute("SELECT pow(2, 0.5)").fetchone()
    except sqlite3.OperationalError:
        return None
    count, total = 0, 0.0
    for deck in decks:
        per_ms, exponent = curve_ms(params_of(deck))
        cards, summed, lowest, highest = store.conn.execute(
            "SELECT count(*), total(CASE WHEN state = 0 THEN 0.0 "
            "ELSE pow(1 + ? * max(0, ? - last_review_ms) / stability, ?) END), "
            "min(CASE WHEN state != 0 THEN stability END), max(CASE WHEN state != 0 THEN stability END) "
            "FROM cards WHERE present = 1 AND suspended = 0 AND deck = ?",
            (per_ms, at_ms, exponent, deck),
        ).fetchone()
        for stability in (lowest, highest):
            if stability is not None:
                checked_stability(stability)
        count, total = count + cards, total + summed
    return count, total


def recall_rows(store: Store, deck: str) -> list[tuple[str, float | None, int | None]]:
    """(id, stability, last review ms) of the present, unsuspended cards of `deck` (buried ones
    too), the stability None for new cards: what predicted recall needs, and no more (the review
    header sums it over every card of an interview, deck by deck, from the index cards_deck)."""
    return store.conn.execute(
        "SELECT id, CASE WHEN state = 0 THEN NULL ELSE stability END, last_review_ms FROM cards "
        "WHERE present = 1 AND suspended = 0 AND deck = ?",
        (deck,),
    ).fetchall()


__all__ = [
    "InterviewCards", "PlanCard", "answer_times", "answered_early_since", "introduced_since", "learning_cards", "plan_cards", "rating_counts",
    "recall_rows", "recall_total", "review_counts", "star_cards", "stat_cards", "states_at", "studied_cards",
]
