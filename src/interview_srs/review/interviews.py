"""Dated interviews (`srs interview add/list/remove`), and how ready each one's cards are.

An interview has a name (the user's label, e.g. 快手), a time (a date and `--time`, in the user's
time zone: scheduler.local_zone) and deck globs. Without `--deck`, the decks whose path or company
contains the name are chosen when the interview is added. The globs are resolved again whenever
a plan is made, so a deck added later under a matching path joins the interview.

`reports` gives, per upcoming interview, the readiness (readiness.py) of its cards
at the interview time and the answers per day still needed, estimated as: each never-seen card
once to introduce it, plus each card not yet answered in the final-pass window (with the final
pass off: each card below the target), divided by the days left (planner.days_left).
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone, tzinfo

from interview_srs.review import planner
from interview_srs.schedule.config import Config
from interview_srs.store.home import decks_matching
from interview_srs.base.problems import InputError
from interview_srs.schedule.readiness import Readiness, readiness, recall_at
from interview_srs.terminal.render import clean
from interview_srs.schedule.scheduler import NEW
from interview_srs.store import lookups
from interview_srs.store.connection import Store
from interview_srs.store import interviews as rows

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")


class InterviewError(InputError):
    """Bad input for an interview (a date, a time, a name, decks that match nothing)."""


class DateOutOfRange(InterviewError):
    """A well-formed date and time that is past year 9999 (or before year 1) in UTC."""


def load_interviews(store: Store) -> tuple[planner.Interview, ...]:
    """Every stored interview with its deck globs resolved against the decks present now."""
    stored = rows.all_rows(store)
    decks = lookups.decks(store) if stored else []
    return tuple(
        planner.Interview(
            row.name, row.at, frozenset(d for pattern in row.decks for d in decks_matching(decks, pattern))
        )
        for row in stored
    )


def parse_moment(day: str, clock: str, zone: tzinfo | None) -> datetime:
    """`YYYY-MM-DD` and `HH:MM` in `zone` (None: the system zone) → an aware UTC datetime."""
    if not _DATE.match(day):
        raise InterviewError(f"DATE must be YYYY-MM-DD (got '{clean(day)}')")
    if not _TIME.match(clock):
        raise InterviewError(f"--time must be HH:MM (got '{clean(clock)}')")
    try:
        moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock.zfill(5)))
    except ValueError:
        raise InterviewError(f"no such date and time: {clean(day)} {clean(clock)}") from None
    try:
        local = moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
        return local.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # a moment past year 9999 (or before year 1) in UTC
        raise DateOutOfRange(f"{clean(day)} {clean(clock)} is out of the range of dates srs can handle") from None


def add_interview(
    store: Store, name: str, day: str, clock: str, patterns: tuple[str, ...],
    zone: tzinfo | None, now: datetime,
) -> rows.InterviewRow:
    """Validate and store an interview; returns what was stored."""
    name = name.strip()
    if not name or clean(name) != name or len(name) > 40:
        raise InterviewError("NAME must be 1 to 40 printable characters")
    at = parse_moment(day, clock, zone)
    if at <= now:
        raise InterviewError(f"{day} {clock} is in the past")
    known = lookups.decks(store)
    listed = ", ".join(clean(deck) for deck in known) if known else "none"
    if patterns:
        for pattern in patterns:
            if not decks_matching(known, pattern):
                raise InterviewError(f"no deck matches '{clean(pattern)}' (decks: {listed})")
        chosen = tuple(patterns)
    else:
        folded = name.casefold()
        decks = sorted(
            {deck for deck, company in rows.deck_companies(store)
             if folded in deck.casefold() or folded in company.casefold()}
        )
        if not decks:
            raise InterviewError(
                f"no deck's path or company contains '{name}'; choose decks with --deck "
                f"(decks: {listed})"
            )
        chosen = tuple(glob.escape(deck) for deck in decks)
    row = rows.InterviewRow(name, at, chosen)
    rows.add(store, row, now)
    return row


@dataclass(frozen=True)
class InterviewReport:
    """An upcoming interview and how ready its cards are for it."""

    interview: planner.Interview
    patterns: tuple[str, ...]
    now: datetime
    sessions_left: int  # daily sessions left before it, today's included (planner.days_left)
    readiness: Readiness
    answers_needed: int
    recalls: tuple[tuple[str, str, float], ...]  # (card id, deck, predicted recall), weakest first

    @property
    def per_day(self) -> float:
        return self.answers_needed / self.sessions_left


def reports(store: Store, config: Config, now: datetime) -> list[InterviewReport]:
    """One report per upcoming interview, earliest first."""
    from interview_srs.store.queries import studied_cards

    stored = {row.name: row.decks for row in rows.all_rows(store)}
    cards = studied_cards(store)
    result = []
    for interview in planner.upcoming(load_interviews(store), now):
        mine = [
            (c, recall_at(c.state, interview.at, config.for_deck(c.deck).parameters),
             config.for_deck(c.deck).interview_target)
            for c in cards if c.deck in interview.decks
        ]
        summary = readiness((r, c.state.state == NEW, target) for c, r, target in mine)
        recalls = sorted(((c.id, c.deck, r) for c, r, _t in mine), key=lambda item: (item[2], item[0]))
        opens = planner.final_pass_start(interview, planner.Rules(final_pass_days=config.final_pass_days))
        seen = [(c, r, target) for c, r, target in mine if c.state.state != NEW]
        if opens is None:  # each card below target once, each never-seen card once
            needed = summary.never_seen + sum(1 for _c, r, target in seen if r < target)
        else:  # ... and with a final pass, each card not yet answered in it
            needed = 2 * summary.never_seen + sum(1 for c, _r, _t in seen if c.state.last_review < opens)
        result.append(
            InterviewReport(
                interview, stored[interview.name], now, planner.days_left(interview.at, now),
                summary, needed, tuple(recalls),
            )
        )
    return result


def countdown(
    store: Store, interviews: tuple[planner.Interview, ...], deck: str, now: datetime,
    zone: tzinfo | None, params_of=lambda deck: None,
) -> tuple[str, int, float] | None:
    """For the review header: the upcoming interview covering `deck` (else the next one), the
    calendar days until it in `zone`, and its readiness; None without upcoming interviews."""
    from interview_srs.store.rows import CardFilter
    from interview_srs.store.queries import studied_cards

    ahead = planner.upcoming(interviews, now)
    if not ahead:
        return None
    interview = next((i for i in ahead if deck in i.decks), ahead[0])
    cards = studied_cards(store, CardFilter(decks=tuple(sorted(interview.decks))))
    mean = readiness(
        (recall_at(c.state, interview.at, params_of(c.deck)), c.state.state == NEW, 0.0) for c in cards
    ).mean
    days = (_local(interview.at, zone).date() - _local(now, zone).date()).days
    return interview.name, days, mean or 0.0


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


__all__ = [
    "DateOutOfRange",
    "InterviewError",
    "InterviewReport",
    "add_interview",
    "countdown",
    "load_interviews",
    "parse_moment",
    "reports",
]
