"""Dated interviews (`srs interview add/list/remove`), and how ready each one's cards are.

An interview has a name (the user's label, e.g. 快手), a time (a date and `--time`, in the user's
time zone: scheduler.local_zone) and deck globs. Without `--deck`, the decks whose path or company
contains the name are chosen when the interview is added. The globs are resolved again whenever
a plan is made, so a deck added later under a matching path joins the interview.

`reports` gives, per upcoming interview, the readiness (readiness.py) of its cards at the
interview time, the work per session until then as forecast.py simulates it (the answers the
sessions will really ask, every deck's, and their minutes) and the readiness that work should
bring; an interview past less than a week ago stays, with its readiness as the cards were at
its time.
"""

from __future__ import annotations

import glob
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from interview_srs.review import planner
from interview_srs.review.upcoming import InterviewError, load_interviews
from interview_srs.review.openers import OPENER_DECK, filled, interview_company
from interview_srs.schedule.config import Config
from interview_srs.schedule.readiness import Readiness, readiness, recall_at
from interview_srs.schedule.scheduler import NEW, StudyDay, local_time
from interview_srs.store import interviews as rows
from interview_srs.store import lookups
from interview_srs.store.connection import Store
from interview_srs.store.home import decks_matching
from interview_srs.store.rows import CardFilter
from interview_srs.terminal.render import clean

if TYPE_CHECKING:  # `srs interview list` forecasts; the review countdown does not
    from interview_srs.review import forecast

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")


class DateOutOfRange(InterviewError):
    """A well-formed date and time that is past year 9999 (or before year 1) in UTC."""


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
        if zone is not None:  # zoneinfo reads a skipped time (02:30 as clocks jump) as after the jump
            return moment.replace(tzinfo=zone).astimezone(timezone.utc)
        local = moment.astimezone()  # the system zone: a skipped time may come out before the jump
        shown = local.astimezone().replace(tzinfo=None)
        if shown != moment:
            local = (moment + (moment - shown)).astimezone()
        return local.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # a moment past year 9999 (or before year 1) in UTC
        raise DateOutOfRange(f"{clean(day)} {clean(clock)} is out of the range of dates srs can handle") from None


def skipped_by_the_clock(day: str, clock: str, at: datetime, zone: tzinfo | None) -> bool:
    """Whether `day` `clock` does not exist in the zone (the hour clocks skip when summer time
    starts), so `at`, the moment stored for it, reads as another time on the wall."""
    local = local_time(at, zone)
    return f"{local:%Y-%m-%d %H:%M}" != f"{day} {clock.zfill(5)}"


def add_interview(
    store: Store, name: str, day: str, clock: str, patterns: tuple[str, ...],
    zone: tzinfo | None, now: datetime, openers: bool = True,
) -> rows.InterviewRow:
    """Validate and store an interview; returns what was stored. `openers`: the general opener
    deck (review/openers.py) joins the chosen decks, as every round opens and closes with it."""
    name = name.strip()
    if not name or len(name) > 40 or any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in name):
        raise InterviewError("NAME must be 1 to 40 printable characters on one line (no line breaks or invisible characters)")
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
    if openers and OPENER_DECK in known and not any(decks_matching([OPENER_DECK], p) for p in chosen):
        chosen += (glob.escape(OPENER_DECK),)
    row = rows.InterviewRow(name, at, chosen)
    rows.add(store, row, now)
    return row


PAST_DAYS = 7  # a past interview stays in the list this long, with its last readiness


@dataclass(frozen=True)
class InterviewReport:
    """An interview and how ready its cards are for it: for an upcoming one, predicted at its
    time from the cards as they are now, the forecast work per session until then and the
    readiness that work should bring; for a past one, as the cards were at its time."""

    interview: planner.Interview
    patterns: tuple[str, ...]
    now: datetime
    sessions_left: int  # daily sessions left before it, today's included (planner.days_left); 0 when past
    readiness: Readiness
    recalls: tuple[tuple[str, str, float], ...]  # (card id, deck, predicted recall), weakest first
    plan: tuple[forecast.Day, ...] = ()  # the sessions until it (every deck's answers: the real load)
    outlook: forecast.Outlook | None = None  # its readiness if that plan is followed (None: past, or not forecast yet)
    heavy: tuple[forecast.Day, ...] = ()  # the sessions of the plan over config's daily_minutes
    # card id → its question (`{公司}` named for the interview), so a list of cards can show questions
    questions: dict[str, str] = field(default_factory=dict)

    @property
    def past(self) -> bool:
        return self.interview.at <= self.now

    @property
    def answers_needed(self) -> int:
        return round(sum(d.answers for d in self.plan))


def reports(store: Store, config: Config, now: datetime, day: StudyDay) -> list[InterviewReport]:
    """One report per interview upcoming or past less than PAST_DAYS ago, earliest first."""
    from interview_srs.store import queries

    stored = {row.name: row.decks for row in rows.all_rows(store)}
    interviews = load_interviews(store)
    cards = queries.studied_cards(store)
    outlook = _forecast(store, config, cards, interviews, now, day)
    result = []
    for interview in sorted(interviews, key=lambda i: (i.at, i.name)):
        if interview.at <= now - timedelta(days=PAST_DAYS):
            continue
        past = interview.at <= now
        scope = queries.states_at(store, CardFilter(decks=tuple(sorted(interview.decks))), interview.at) if past else [
            c for c in cards if c.deck in interview.decks
        ]
        mine = [
            (c, recall_at(c.state, interview.at, config.for_deck(c.deck).parameters),
             config.for_deck(c.deck).interview_target)
            for c in scope
        ]
        plan = () if past else outlook.until(interview)
        company = interview_company(store, interview.decks)
        result.append(
            InterviewReport(
                interview, stored[interview.name], now, 0 if past else planner.days_left(interview.at, now),
                readiness((r, c.state.state == NEW, target) for c, r, target in mine),
                tuple(sorted(((c.id, c.deck, r) for c, r, _t in mine), key=lambda item: (item[2], item[0]))),
                plan, None if past else outlook.outlook(interview.name),
                tuple(d for d in plan if d.minutes > config.daily_minutes),
                {c.id: filled(lookups.card(store, c.id), company).question for c, _r, _t in mine},
            )
        )
    return result


def _forecast(store, config, cards, interviews, now, day) -> forecast.Forecast:
    """The workload forecast as `srs review` (no options) would plan it."""
    from interview_srs.review import forecast
    from interview_srs.schedule.scheduler import Schedulers
    from interview_srs.store import queries

    if not planner.upcoming(interviews, now):
        return forecast.Forecast((), ())
    schedulers = Schedulers(config)
    star = queries.star_cards(store)
    seconds = {kind: config.target_seconds(kind) for kind in ("star", "outline")}
    rules = planner.Rules(
        new_per_day=config.new_per_day, final_pass_days=config.final_pass_days,
        target_of=lambda deck: config.for_deck(deck).interview_target,
        deck_new_of=config.new_limit if config.decks else (lambda deck: None),
        params_of=lambda deck: config.for_deck(deck).parameters,
        focus_days=config.focus_days, new_outside_focus=config.new_outside_focus,
    )
    since = day.bounds(now)[0]
    today = forecast.Today(
        queries.introduced_since(store, since), queries.answered_early_since(store, since),
        queries.introduced_per_deck(store, since) if config.decks else None,
    )
    return forecast.forecast(
        cards, interviews, rules, now, day,
        lambda card, rating, at: schedulers.answer(card.id, card.deck, card.state, rating, at),
        lambda card_id: seconds["star" if card_id in star else "outline"],
        forecast.outcomes_from(queries.rating_counts(store)), today,
    )


__all__ = [
    "DateOutOfRange",
    "InterviewReport",
    "add_interview",
    "parse_moment",
    "reports",
]
