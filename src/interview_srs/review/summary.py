"""What a review session came to, for the summary printed when it ends (commands/review.py
words it): the answers given, the cards whose rating could not be stored, and what is left
today and tomorrow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from interview_srs.schedule.scheduler import StudyDay
from interview_srs.store.answers import Answer
from interview_srs.store.rows import CardFilter
from interview_srs.store.connection import Store


@dataclass(frozen=True)
class Summary:
    answers: tuple[Answer, ...] = ()
    unsaved: tuple[str, ...] = ()  # cards whose rating could not be stored (busy store)
    seconds: float = 0.0
    due_today: int = 0  # not new, due before the study day ends (learning steps included)
    new_today: int = 0  # new cards today's limit still allows
    due_tomorrow: int = 0  # falling due during tomorrow's study day
    new_tomorrow: int = 0
    new_in_bank: int = 0  # new cards never shown
    next_due: datetime | None = None  # when nothing is left today: the next card's due time, local
    next_due_in: timedelta | None = None  # ... and how long until then

    def ratings(self) -> dict[int, int]:
        counts = {1: 0, 2: 0, 3: 0, 4: 0}
        for answer in self.answers:
            counts[answer.rating] += 1
        return counts


def summarize(
    store: Store, filt: CardFilter, study_day: StudyDay, at: datetime, *, answers: tuple[Answer, ...],
    unsaved: tuple[str, ...], seconds: float, new_remaining: int, new_usually: int,
) -> Summary:
    """The summary at `at`. Today's cards include learning cards due later today; tomorrow's
    are those falling due during tomorrow, with the usual new-card limit (`new_usually`, not
    today's --new)."""
    from interview_srs.store import lookups

    _start, day_end = study_day.bounds(at)
    _start, tomorrow_end = study_day.bounds(at, 1)
    due_today = lookups.due_count(store, filt, day_end)
    new_in_bank = lookups.new_left(store, filt, at)
    new_today = min(new_in_bank, new_remaining)
    next_due = next_due_in = None
    if not due_today and not new_today:
        upcoming = lookups.next_due(store, filt, at)
        if upcoming is not None:
            next_due = upcoming.astimezone(study_day.zone) if study_day.zone else upcoming.astimezone()
            next_due_in = upcoming - at
    return Summary(
        answers=answers, unsaved=unsaved, seconds=seconds, due_today=due_today, new_today=new_today,
        due_tomorrow=lookups.due_between(store, filt, day_end, tomorrow_end),
        new_tomorrow=min(new_usually, new_in_bank), new_in_bank=new_in_bank,
        next_due=next_due, next_due_in=next_due_in,
    )


__all__ = ["Summary", "summarize"]
