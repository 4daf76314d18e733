"""The stored interviews as a review session sees them: loaded with their deck globs resolved,
the `--interview` filter, and the header's countdown (the nearest upcoming interview, or the
session's own, the calendar days until it and how ready its cards are, kept up to date answer
by answer).

Apart from review/interviews.py (adding, listing and forecasting interviews), so that a session
imports only this."""

from __future__ import annotations

from datetime import datetime, tzinfo

from interview_srs.base.input_error import InputError
from interview_srs.review import planner
from interview_srs.schedule.readiness import recall_at, recalls_ms
from interview_srs.schedule.scheduler import local_time, to_ms
from interview_srs.store import interviews as rows
from interview_srs.store import lookups
from interview_srs.store.connection import Store
from interview_srs.store.home import decks_matching, plain_word
from interview_srs.store.queries import recall_rows, recall_total
from interview_srs.store.rows import CardFilter
from interview_srs.terminal.render import clean


class InterviewError(InputError):
    """Bad input for an interview (a date, a time, a name, decks that match nothing)."""


def load_interviews(store: Store) -> tuple[planner.Interview, ...]:
    """Every stored interview with its deck globs resolved against the decks present now."""
    stored = rows.all_rows(store)
    decks = lookups.decks(store) if stored else []
    # companies are read (every present card) only for a plain word: a stored glob needs none
    words = any(plain_word(pattern) for row in stored for pattern in row.decks)
    companies = dict(rows.deck_companies(store)) if words else {}
    return tuple(
        planner.Interview(
            row.name, row.at,
            frozenset(d for pattern in row.decks for d in decks_matching(decks, pattern, companies)),
        )
        for row in stored
    )


def interview_filter(interviews: tuple[planner.Interview, ...], name: str, tag: str | None,
                     now: datetime) -> CardFilter:
    """The cards of the upcoming interview `name` (`srs review --interview`)."""
    ahead = planner.upcoming(interviews, now)
    found = next((i for i in ahead if i.name == name), None)
    if found is None:
        known = ", ".join(clean(i.name) for i in ahead) or "none"
        raise InterviewError(f"no upcoming interview named '{clean(name)}' (upcoming: {known})")
    return CardFilter(decks=tuple(sorted(found.decks)), tag=tag)


class Countdown:
    """The review header: the nearest upcoming interview (or the one the session is for), the
    calendar days until it and its readiness, kept for the whole session. The readiness is
    summed by SQLite when the session starts (store/queries.recall_total); at the first change
    (`refresh` after an answer, suspend or undo) each card's recall is read, once, as plain
    numbers, and from then on the sum is updated card by card: reloading every card of the
    interview for each card shown made a large bank wait after every answer."""

    def __init__(self, store: Store, interviews: tuple[planner.Interview, ...], zone: tzinfo | None,
                 params_of=lambda deck: None, only: str | None = None):
        self.store, self.interviews, self.zone, self.params_of, self.only = store, interviews, zone, params_of, only
        self.interview: planner.Interview | None = None
        self.recalls: dict[str, float] | None = {}  # per card; None while only SQLite's sum is known
        self.total, self.count = 0.0, 0

    def _load(self, now: datetime) -> None:
        ahead = [i for i in planner.upcoming(self.interviews, now) if self.only in (None, i.name)]
        self.interview = ahead[0] if ahead else None
        self.recalls, self.total, self.count = {}, 0.0, 0
        if self.interview is None:
            return
        summed = recall_total(self.store, sorted(self.interview.decks), to_ms(self.interview.at), self.params_of)
        if summed is None:  # an SQLite without math functions: Python sums the rows
            self._read_each()
        else:
            self.recalls = None
            self.count, self.total = summed

    def _read_each(self) -> None:
        at_ms = to_ms(self.interview.at)
        self.recalls = {}
        for deck in sorted(self.interview.decks):
            self.recalls.update(recalls_ms(recall_rows(self.store, deck), at_ms, self.params_of(deck)))
        self.total, self.count = sum(self.recalls.values()), len(self.recalls)

    def refresh(self, card_id: str) -> None:
        """Read one card again (answered, buried, suspended or any of these undone)."""
        if self.interview is None:
            return
        if self.recalls is None:  # the first change: every card as the store has it now, this one included
            self._read_each()
            return
        card = lookups.card(self.store, card_id)
        self.total -= self.recalls.pop(card_id, 0.0)
        if card.present and not card.suspended and card.deck in self.interview.decks:
            self.recalls[card_id] = recall_at(card.schedule, self.interview.at, self.params_of(card.deck))
            self.total += self.recalls[card_id]
        self.count = len(self.recalls)

    def at(self, now: datetime) -> tuple[str, int, float] | None:
        """(name, calendar days until it in the user's zone, mean predicted recall at it), or None
        without an upcoming interview."""
        if self.interview is None or self.interview.at <= now:
            self._load(now)
        if self.interview is None:
            return None
        days = (local_time(self.interview.at, self.zone).date() - local_time(now, self.zone).date()).days
        return self.interview.name, days, self.total / self.count if self.count else 0.0


__all__ = ["Countdown", "InterviewError", "interview_filter", "load_interviews"]
