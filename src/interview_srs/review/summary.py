"""What a review session came to, for the summary printed when it ends (commands/review.py
words it): the answers given, the cards whose rating could not be stored, and what is left
today and tomorrow.

"Left today" is the session's own plan (session_queue.Queue.left_today), the figures the counts
line above each card shows, so the two always agree: new cards are the planned ones, an
interview's introductions included (not just what new_per_day allows). "Tomorrow" is the plan tomorrow's
session would start with at the same time of day if nothing more were done today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from interview_srs.review.planner import Left
from interview_srs.schedule.scheduler import StudyDay
from interview_srs.store.rows import CardFilter
from interview_srs.store.connection import Store

if TYPE_CHECKING:
    from interview_srs.store.answers import Answer

@dataclass(frozen=True)
class Summary:
    """What a review session came to: its answers, what could not be saved, and what is left
    today and tomorrow, for commands/review.py to word."""

    answers: tuple[Answer, ...] = ()
    unsaved: tuple[str, ...] = ()  # cards whose rating could not be stored (busy store)
    seconds: float = 0.0
    left: Left = Left()  # what is left of today's plan
    tomorrow: Left = Left()  # tomorrow's plan as things stand
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
    unsaved: tuple[str, ...], seconds: float, left: Left, tomorrow: Left,
) -> Summary:
    """The summary at `at`, with the session's `left` and `tomorrow` plans counted."""
    from interview_srs.store import lookups

    next_due = next_due_in = None
    if not (left.due or left.learning or left.new):
        upcoming = lookups.next_due(store, filt, at)
        if upcoming is not None:
            next_due = upcoming.astimezone(study_day.zone) if study_day.zone else upcoming.astimezone()
            next_due_in = upcoming - at
    return Summary(
        answers=answers, unsaved=unsaved, seconds=seconds, left=left, tomorrow=tomorrow,
        new_in_bank=lookups.new_left(store, filt, at), next_due=next_due, next_due_in=next_due_in,
    )


__all__ = ["Summary", "summarize"]
