"""The work the plan asks for, day by day until the interviews: simulated, not guessed.

Counting cards (never-seen ones once, the rest once more) undercounts what a session really asks
by half or more: every new card takes two or three answers through its learning steps, a
forgotten card comes back, the final pass and the bring-forward add their share, and cards of
other decks fall due meanwhile. So the planner (planner.py) is run forward, one session a day at
the time of day of `now` (the sessions planner.days_left counts), on the cards as they are:
each planned card is answered and its learning steps are played out as the session plays them
(learning cards are served until none is due within LEARN_AHEAD). Each answer's rating is drawn:
on a review card Again with probability 1 − its predicted recall at that moment
(readiness.recall_at), else Hard/Good/Easy in the user's proportions; on a new or learning card
from the user's own split of ratings on such cards (`Outcomes`). Several runs with fixed seeds
are averaged, so the same store gives the same figures. Minutes are the answers' speaking-time
targets (config `answer_seconds`, by card type).

Pure: the fsrs step (`answer`) and the card types (`seconds_of`) are passed in.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from interview_srs.review import planner
from interview_srs.schedule.readiness import recall_at
from interview_srs.schedule.scheduler import LEARN_AHEAD, LEARNING, NEW, RELEARNING, CardState, StudyDay
from interview_srs.store.queries import PlanCard

RUNS = 5
# Interviews further away get no forecast (no plan, no outlook; their readiness now is still
# reported): a session simulated per day up to an interview years away would keep `srs interview
# list` busy for minutes, and what a forecast says months ahead is little more than a guess.
FORECAST_DAYS = 60
# Rating shares until the user has MIN_ANSWERS answers of each kind: Again/Hard/Good/Easy on new
# and learning cards, Hard/Good/Easy on review cards remembered.
DEFAULT_LEARNING = (0.1, 0.15, 0.65, 0.1)
DEFAULT_REMEMBERED = (0.1, 0.8, 0.1)
MIN_ANSWERS = 50


@dataclass(frozen=True)
class Outcomes:
    """How the user rates: shares of Again/Hard/Good/Easy on new and learning cards, and of
    Hard/Good/Easy on review cards remembered (whether one is remembered is the forgetting
    curve's to say)."""

    learning: tuple[float, ...] = DEFAULT_LEARNING
    remembered: tuple[float, ...] = DEFAULT_REMEMBERED


def outcomes_from(counts: Mapping[tuple[bool, int], int]) -> Outcomes:
    """The user's shares from `(learning, rating) → answers` (queries.rating_counts); the
    defaults for a kind with fewer than MIN_ANSWERS answers."""
    learning = [counts.get((True, r), 0) for r in (1, 2, 3, 4)]
    remembered = [counts.get((False, r), 0) for r in (2, 3, 4)]
    return Outcomes(
        tuple(n / sum(learning) for n in learning) if sum(learning) >= MIN_ANSWERS else DEFAULT_LEARNING,
        tuple(n / sum(remembered) for n in remembered) if sum(remembered) >= MIN_ANSWERS else DEFAULT_REMEMBERED,
    )


@dataclass(frozen=True)
class Day:
    """One session of the forecast: its study day and the expected answers and minutes (means
    over the runs), in all and per interview (the answers to cards it owns)."""

    date: date
    at: datetime
    answers: float
    minutes: float
    per_interview: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict:
        return {"date": self.date.isoformat(), "answers": round(self.answers), "minutes": round(self.minutes)}


@dataclass(frozen=True)
class Outlook:
    """An interview as the forecast leaves it: expected mean predicted recall at it, and the
    expected number of cards below target."""

    name: str
    readiness: float | None
    below_target: float


@dataclass(frozen=True)
class Forecast:
    days: tuple[Day, ...]
    outlooks: tuple[Outlook, ...]

    def until(self, interview: planner.Interview) -> tuple[Day, ...]:
        """The sessions before `interview`; none for one past FORECAST_DAYS (not forecast)."""
        if self.outlook(interview.name) is None:
            return ()
        return tuple(d for d in self.days if d.at < interview.at)

    def outlook(self, name: str) -> Outlook | None:
        return next((o for o in self.outlooks if o.name == name), None)


@dataclass(frozen=True)
class Today:
    """What today's sessions have done already (as the session's planner is told)."""

    introduced: frozenset[str] = frozenset()
    early: frozenset[str] = frozenset()
    per_deck: Mapping[str, int] | None = None  # None: no deck has its own new-card limit


def forecast(
    cards: Sequence[PlanCard], interviews: Sequence[planner.Interview], rules: planner.Rules, now: datetime,
    day: StudyDay, answer: Callable[[PlanCard, int, datetime], CardState], seconds_of: Callable[[str], int],
    outcomes: Outcomes = Outcomes(), today: Today = Today(), runs: int = RUNS,
) -> Forecast:
    """Sessions from `now`, one a day, until the last upcoming interview within FORECAST_DAYS;
    averaged over `runs`. The sessions plan for every upcoming interview, further ones too."""
    coming = planner.upcoming(interviews, now)
    near = [i for i in coming if i.at <= now + timedelta(days=FORECAST_DAYS)]
    if not near:
        return Forecast((), ())
    times = []
    while now + timedelta(days=len(times)) < near[-1].at:
        times.append(now + timedelta(days=len(times)))
    totals = [[0.0, 0.0, {}] for _ in times]
    recalls: dict[str, list[tuple[float, int]]] = {i.name: [] for i in near}
    for run in range(runs):
        rng = random.Random(run)
        states = {c.id: c.state for c in cards}
        done_at = {i.name: None for i in near}
        for index, at in enumerate(times):
            for interview in near:
                if done_at[interview.name] is None and interview.at <= at:
                    done_at[interview.name] = dict(states)
            first = index == 0
            answers, seconds, mine = _session(
                cards, states, coming, rules, at, day, answer, seconds_of, outcomes, rng,
                today if first else Today(per_deck=None if today.per_deck is None else {}),
            )
            totals[index][0] += answers
            totals[index][1] += seconds
            for name, count in mine.items():
                totals[index][2][name] = totals[index][2].get(name, 0) + count
        for interview in near:
            final = done_at[interview.name] or states
            values = [
                (recall_at(final[c.id], interview.at, rules.params_of(c.deck)), rules.target_of(c.deck))
                for c in cards if c.deck in interview.decks
            ]
            recalls[interview.name].append(
                (sum(r for r, _t in values) / len(values) if values else None, sum(r < t for r, t in values))
            )
    days = tuple(
        Day(day.date_of(at), at, answers / runs, seconds / runs / 60,
            tuple(sorted((name, n / runs) for name, n in mine.items())))
        for at, (answers, seconds, mine) in zip(times, totals)
    )
    outlooks = tuple(
        Outlook(name, None if values[0][0] is None else sum(m for m, _b in values) / runs,
                sum(b for _m, b in values) / runs)
        for name, values in recalls.items()
    )
    return Forecast(days, outlooks)


def _session(cards, states, coming, rules, at, day, answer, seconds_of, outcomes, rng, today):
    """One simulated session at `at`, changing `states`: (answers, seconds, answers per interview)."""
    current = [PlanCard(c.id, c.deck, states[c.id]) for c in cards]
    by_id = {c.id: c for c in current}
    owner = planner.assign(current, coming, at)
    entries = planner.plan(
        current, coming, rules, at, day, today.introduced,
        planner.good_answer(rules.params_of), early_today=today.early, introduced_per_deck=today.per_deck,
    )
    learning = sorted(
        (c for c in current if c.state.state in (LEARNING, RELEARNING) and c.state.due <= at + LEARN_AHEAD),
        key=lambda c: (c.state.due, c.id),
    )
    clock, answers, seconds, mine = at, 0, 0, {}
    for card_id in [c.id for c in learning] + [e.card_id for e in entries]:
        card = by_id[card_id]
        state = states[card_id]
        while True:
            state = answer(PlanCard(card.id, card.deck, state), _rating(state, clock, rules, card, outcomes, rng), clock)
            spent = seconds_of(card_id)
            answers, seconds = answers + 1, seconds + spent
            clock += timedelta(seconds=spent)
            if card_id in owner:
                mine[owner[card_id].name] = mine.get(owner[card_id].name, 0) + 1
            if state.state not in (LEARNING, RELEARNING) or state.due > clock + LEARN_AHEAD:
                break
        states[card_id] = state
    return answers, seconds, mine


def _rating(state: CardState, at: datetime, rules: planner.Rules, card: PlanCard, outcomes: Outcomes,
            rng: random.Random) -> int:
    if state.state in (NEW, LEARNING, RELEARNING):
        return rng.choices((1, 2, 3, 4), outcomes.learning)[0]
    if rng.random() >= recall_at(state, at, rules.params_of(card.deck)):
        return 1
    return rng.choices((2, 3, 4), outcomes.remembered)[0]


__all__ = ["Day", "Forecast", "Outcomes", "Outlook", "Today", "forecast", "outcomes_from"]
