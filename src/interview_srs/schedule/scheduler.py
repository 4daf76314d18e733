"""FSRS glue and the clock.

* `now()` is the only place the wall clock is read; `SRS_NOW` (ISO 8601 with a time zone)
  replaces it, so tests and simulations can move through days. Everything inside is UTC;
  local dates appear only on screen and in the study-day arithmetic (`StudyDay`).
* `CardState` is a card's schedule as plain data (what the store keeps in real columns);
  `to_fsrs` / `from_fsrs` convert to and from `fsrs.Card`.
* `Schedulers` builds one `fsrs.Scheduler` per deck settings from the config, with fuzzing
  turned off inside fsrs: when fuzzing is on we apply the same fuzz ranges ourselves, seeded by
  the card and its last review, so the interval shown on a rating button before answering is
  exactly the one the answer gives (as in Anki).
* `Replay` answers one card through its history in time order (store/anki_history.py replays
  imported answers with it), carrying one fsrs.Card along; its states are those of `answer`.
* `format_interval` writes intervals like Anki ("<10m", "1d", "3.2mo").
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from interview_srs.schedule.config import Config, DeckSettings

if TYPE_CHECKING:  # fsrs is imported when the first card is answered, not at start-up
    import fsrs

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}
RATINGS = (1, 2, 3, 4)
LEARN_AHEAD = timedelta(minutes=20)
_MS = timedelta(milliseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# SRS_NOW's range: intervals of up to 100 years (maximum_interval) and study-day arithmetic a
# day either side must stay inside what datetime can hold (years 1–9999).
EARLIEST = datetime(1970, 1, 2, tzinfo=timezone.utc)
LATEST = datetime(9000, 12, 31, tzinfo=timezone.utc)


class ClockError(ValueError):
    """SRS_NOW is set but is not an ISO 8601 time with a time zone."""


def now(environ: dict | None = None) -> datetime:
    """The current time in UTC, to the millisecond; `SRS_NOW` overrides the wall clock."""
    environ = os.environ if environ is None else environ
    text = environ.get("SRS_NOW", "").strip()
    if not text:
        moment = datetime.now(timezone.utc)
    else:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ClockError(
                f"SRS_NOW='{text}' is not an ISO 8601 time (e.g. 2025-03-01T09:00:00+08:00)"
            ) from None
        if moment.tzinfo is None:
            raise ClockError(f"SRS_NOW='{text}' has no time zone; add one, e.g. +08:00 or Z")
        try:
            in_range = EARLIEST <= moment <= LATEST
        except OverflowError:  # a time zone offset pushes it past year 1 or 9999
            in_range = False
        if not in_range:
            raise ClockError(
                f"SRS_NOW='{text}' is out of range; use a time between {EARLIEST.year} and {LATEST.year}"
            )
    return from_ms(to_ms(moment))


def local_time(moment: datetime, zone: tzinfo | None) -> datetime:
    """`moment` on the user's wall clock: in `zone` (local_zone), or the system's when None."""
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def local_zone(config: Config, environ: dict | None = None) -> tzinfo | None:
    """The user's time zone for study days and interview times.

    `timezone` from config.toml when set (validated when the config was read), else the offset
    written in `SRS_NOW`, else None: the system zone. Without this a machine on UTC would roll
    the study day over at noon Beijing time.
    """
    if config.timezone:
        from zoneinfo import ZoneInfo

        return ZoneInfo(config.timezone)
    environ = os.environ if environ is None else environ
    text = environ.get("SRS_NOW", "").strip()
    if text:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo
        except ValueError:
            return None  # now() reports the bad value
    return None


def to_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch (how the store keeps times)."""
    return (moment - _EPOCH) // _MS


def from_ms(ms: int) -> datetime:
    return _EPOCH + timedelta(0, 0, 0, ms)  # positional milliseconds: a session start makes thousands


@dataclass(frozen=True)
class StudyDay:
    """Study days start at `rollover` o'clock local time (Anki's "next day starts at").

    `zone` None means the system's local time zone (TZ), with its daylight-saving rules.
    """

    rollover: int = 4
    zone: tzinfo | None = None

    def date_of(self, moment: datetime) -> date:
        return (self._local(moment) - timedelta(hours=self.rollover)).date()

    def start(self, day: date) -> datetime:
        """The UTC instant at which study day `day` begins."""
        naive = datetime.combine(day, time(self.rollover))
        if self.zone is None:
            return naive.astimezone(timezone.utc)
        return naive.replace(tzinfo=self.zone).astimezone(timezone.utc)

    def bounds(self, moment: datetime, offset: int = 0) -> tuple[datetime, datetime]:
        """Start and end (UTC) of the study day `offset` days after the one containing `moment`."""
        day = self.date_of(moment) + timedelta(days=offset)
        return self.start(day), self.start(day + timedelta(days=1))

    def _local(self, moment: datetime) -> datetime:
        return local_time(moment, self.zone)


@dataclass(frozen=True)
class CardState:
    """A card's FSRS schedule; `state` NEW means never answered (fsrs has no New state)."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None

    def to_dict(self) -> dict:
        return {
            "state": STATE_NAMES[self.state],
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        names = {name: number for number, name in STATE_NAMES.items()}
        return cls(
            state=names[data["state"]],
            step=data["step"],
            stability=data["stability"],
            difficulty=data["difficulty"],
            due=datetime.fromisoformat(data["due"]) if data["due"] else None,
            last_review=datetime.fromisoformat(data["last_review"]) if data["last_review"] else None,
        )


def card_state(row) -> CardState:
    """A CardState from its six stored values (store/rows.STATE_COLUMNS, or the same six of a
    review_log row): the times in milliseconds."""
    state, step, stability, difficulty, due, last = row
    return CardState(
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_ms(due) if due is not None else None,
        last_review=from_ms(last) if last is not None else None,
    )


def state_values(state: CardState) -> tuple:
    """The six values the store keeps for `state` (store/rows.STATE_COLUMNS), times in
    milliseconds: what `card_state` reads back."""
    return (
        state.state,
        state.step,
        state.stability,
        state.difficulty,
        to_ms(state.due) if state.due is not None else None,
        to_ms(state.last_review) if state.last_review is not None else None,
    )


def to_fsrs(state: CardState, at: datetime) -> fsrs.Card:
    """The fsrs.Card for a stored state; a new card becomes fsrs's fresh Learning card due `at`.

    A state fsrs would stop on with an AssertionError or an IndexError (a (re)learning card
    without its step, a review card without its memory) is refused with a ValueError: only
    damage or a hand edit stores one, and store/health.reading words that as a value it cannot read."""
    import fsrs

    if state.state == NEW:
        return fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=at)
    if state.state in (LEARNING, RELEARNING) and (state.step is None or state.step < 0):
        raise ValueError(f"a card in state {state.state} has step {state.step}")
    if state.state in (REVIEW, RELEARNING) and (state.stability is None or state.difficulty is None):
        raise ValueError(f"a card in state {state.state} lacks its stability or difficulty")
    if state.stability is not None:
        checked_stability(state.stability)
    if state.difficulty is not None and not math.isfinite(state.difficulty):
        raise ValueError(f"a card's difficulty is {state.difficulty}")
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def checked_stability(stability: float) -> float:
    """`stability` if FSRS could have stored it (positive and finite); else a ValueError. Only
    damage or a hand edit stores another, which the forgetting curve would divide by or turn
    into a complex number; store/health.reading words the ValueError as a value it cannot read."""
    if not (stability > 0 and math.isfinite(stability)):
        raise ValueError(f"a card's stability is {stability}, not a positive number")
    return stability


def from_fsrs(card: fsrs.Card) -> CardState:
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


class Schedulers:
    """One fsrs.Scheduler per deck settings, built from the config on first use."""

    def __init__(self, config: Config):
        self.config = config
        self._built: dict[DeckSettings, fsrs.Scheduler] = {}

    def for_deck(self, deck: str) -> fsrs.Scheduler:
        settings = self.config.for_deck(deck)
        if settings not in self._built:
            import fsrs

            self._built[settings] = fsrs.Scheduler(
                parameters=settings.parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
                desired_retention=settings.desired_retention,
                learning_steps=settings.learning_steps,
                relearning_steps=settings.relearning_steps,
                maximum_interval=settings.maximum_interval,
                enable_fuzzing=False,
            )
        return self._built[settings]

    def answer(
        self, card_id: str, deck: str, before: CardState, rating: int, at: datetime
    ) -> CardState:
        """The state after rating the card at `at` (fuzzed as the config says)."""
        scheduler = self.for_deck(deck)
        last_ms = to_ms(before.last_review) if before.last_review else 0
        return from_fsrs(_review(scheduler, self.config.fuzz, card_id, to_fsrs(before, at), last_ms, rating, at))

    def preview(
        self, card_id: str, deck: str, before: CardState, at: datetime
    ) -> dict[int, timedelta]:
        """For each rating 1–4, the interval that answer would give."""
        return {r: self.answer(card_id, deck, before, r, at).due - at for r in RATINGS}


class Replay:
    """One card answered again and again in time order, as when its history is replayed (a
    first `srs sync-anki` replays hundreds of thousands of answers): its fsrs.Card is carried from
    one answer to the next rather than converted to and from a CardState each time, and its state
    is kept as `values`, the CardState fields with the times in milliseconds (what the store
    writes). Every state is exactly the one `Schedulers.answer` gives."""

    def __init__(self, schedulers: Schedulers, card_id: str, deck: str, state: CardState):
        self._scheduler = schedulers.for_deck(deck)
        self._fuzz = schedulers.config.fuzz
        self._card_id = card_id
        self._card = None if state.state == NEW else to_fsrs(state, _EPOCH)
        self.values: tuple = state_values(state)

    def answer(self, rating: int, at_ms: int) -> tuple:
        """Rate the card at `at_ms`; returns (and keeps) the new `values`."""
        at = from_ms(at_ms)
        card = self._card if self._card is not None else to_fsrs(CardState(), at)
        card = self._card = _review(self._scheduler, self._fuzz, self._card_id, card, self.values[5] or 0, rating, at)
        self.values = (int(card.state), card.step, card.stability, card.difficulty, to_ms(card.due), at_ms)
        return self.values


def _review(
    scheduler: fsrs.Scheduler, fuzz: bool, card_id: str, card: fsrs.Card, last_ms: int, rating: int, at: datetime
) -> fsrs.Card:
    """fsrs's answer, with our fuzz (when `fuzz`) on a review interval, seeded by the card and
    the time of its previous review (`last_ms`, 0 for none)."""
    import fsrs

    after, _log = scheduler.review_card(card, fsrs.Rating(rating), at)
    if fuzz and after.state == fsrs.State.Review:
        after.due = at + fuzzed_interval(after.due - at, scheduler.maximum_interval, _seed(card_id, last_ms))
    return after


def fuzzed_interval(interval: timedelta, maximum: int, seed: bytes) -> timedelta:
    """fsrs's fuzz (same ranges, same rounding), drawn from a generator seeded by `seed`."""
    import random

    days = interval.days
    if days < 2.5:
        return interval
    low, high = _fuzz_range(days, maximum)
    draw = random.Random(seed).random()
    return timedelta(days=min(round(draw * (high - low + 1) + low), maximum))


@functools.cache  # a replayed history fuzzes hundreds of thousands of intervals of a few thousand lengths
def _fuzz_range(days: int, maximum: int) -> tuple[int, int]:
    """The lowest and highest fuzzed interval for one of `days` days."""
    from fsrs.scheduler import FUZZ_RANGES

    delta = 1.0
    for fuzz_range in FUZZ_RANGES:
        delta += fuzz_range["factor"] * max(min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum)
    return min(low, high), high


def _seed(card_id: str, last_ms: int) -> bytes:
    import hashlib  # only fuzz needs it: not imported for a session's first card

    return hashlib.sha256(f"{card_id}\0{last_ms}".encode()).digest()


def format_interval(interval: timedelta) -> str:
    """Like Anki's answer buttons: "<1m", "<10m", "<1.5h", "1d", "12d", "3.2mo", "1.5y".

    Under a day the interval gets "<", because a learning card may come back a little early.
    """
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"<{_round(seconds / 60)}m"
    if seconds < 86400:
        return f"<{_round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{_round(days / 30.4375)}mo"
    return f"{_round(days / 365.25)}y"


def _round(value: float) -> str:
    """One decimal, dropped when it is .0 ("3.2mo", "2mo"); whole numbers from 10 up."""
    if value >= 10:
        return str(round(value))
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


__all__ = [
    "LEARN_AHEAD",
    "LEARNING",
    "NEW",
    "RATINGS",
    "RELEARNING",
    "REVIEW",
    "STATE_NAMES",
    "CardState",
    "ClockError",
    "Replay",
    "Schedulers",
    "StudyDay",
    "card_state",
    "checked_stability",
    "format_interval",
    "from_fsrs",
    "from_ms",
    "fuzzed_interval",
    "local_zone",
    "now",
    "state_values",
    "to_fsrs",
    "to_ms",
]
