"""`srs stats`: cards by state per deck, due forecast, review history, retention, retrievability.

`collect` turns the store into a `Stats` value (the clock and study day are parameters);
`Stats.to_dict` is the `--json` output (documented by its keys, versioned by "format");
`render_text` draws it for the terminal with bar charts.

* Due today: cards that are not new, suspended or buried, due before the end of the study day.
* Forecast: non-new, unsuspended cards by the study day they fall due (overdue ones count today).
* True retention: over the last 30 study days, the share of answers to cards in the review
  state that were not "Again" (as Anki's "true retention"); compared with desired retention.
* Retrievability: FSRS's predicted recall probability now, averaged over reviewed cards.
* Leeches: cards forgotten (Again on a review card) at least `leech_threshold` times.

On a store where nothing has been answered yet the text is one line, not a table of zeros; the
forecast and the history are one-line charts (a column per day), not 30 lines each. `srs stats`
never creates a store: with none yet it says so.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from interview_srs.schedule.config import Config
from interview_srs.schedule.readiness import Readiness
from interview_srs.terminal.render import cell_width, shorten
from interview_srs.schedule.scheduler import (
    NEW,
    STATE_NAMES,
    StudyDay,
    from_ms,
    to_ms,
)
from interview_srs.store import lookups, queries
from interview_srs.store.connection import Store
from interview_srs.store.rows import CardFilter
from interview_srs.terminal.texts import Texts

DAYS = 30
JSON_FORMAT = 1
BAR_WIDTH = 40
MOCK_RUNS = 5  # latest mock interviews shown


@dataclass(frozen=True)
class DeckStats:
    deck: str
    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    suspended: int = 0
    buried: int = 0
    due_today: int = 0
    desired_retention: float = 0.9
    retention_reviews: int = 0
    retention_passed: int = 0

    @property
    def true_retention(self) -> float | None:
        return self.retention_passed / self.retention_reviews if self.retention_reviews else None

    def to_dict(self) -> dict:
        return {
            "deck": self.deck,
            "new": self.new,
            "learning": self.learning,
            "review": self.review,
            "relearning": self.relearning,
            "suspended": self.suspended,
            "buried": self.buried,
            "due_today": self.due_today,
            "desired_retention": self.desired_retention,
            "true_retention": self.true_retention,
            "retention_reviews": self.retention_reviews,
        }


@dataclass(frozen=True)
class Stats:
    at: datetime
    today: date
    rollover: int
    decks: tuple[DeckStats, ...]
    total: DeckStats
    forecast: tuple[tuple[date, int], ...]
    history: tuple[tuple[date, int], ...]
    average_retrievability: float | None
    retrievability_cards: int
    cards: tuple[dict, ...]
    leeches: tuple[tuple[str, str, int], ...] = ()  # (id, question, lapses)
    leech_threshold: int = 8

    def to_dict(self) -> dict:
        return {
            "format": JSON_FORMAT,
            "now": self.at.isoformat(),
            "today": self.today.isoformat(),
            "day_starts_at": self.rollover,
            "decks": [d.to_dict() for d in self.decks],
            "total": self.total.to_dict(),
            "forecast": [{"date": d.isoformat(), "due": n} for d, n in self.forecast],
            "reviews_per_day": [{"date": d.isoformat(), "reviews": n} for d, n in self.history],
            "true_retention": {
                "value": self.total.true_retention,
                "reviews": self.total.retention_reviews,
                "desired": self.total.desired_retention,
                "days": DAYS,
            },
            "average_retrievability": {
                "value": self.average_retrievability,
                "cards": self.retrievability_cards,
            },
            "cards": list(self.cards),
            "leeches": [{"id": i, "question": q, "lapses": n} for i, q, n in self.leeches],
        }


def collect(
    store: Store, config: Config, filt: CardFilter, at: datetime, study_day: StudyDay,
    with_cards: bool = True,
) -> Stats:
    """The figures at `at`; `with_cards` adds every card's FSRS state (for --json)."""
    from interview_srs.schedule.readiness import recall_ms
    from interview_srs.store.lookups import leeches

    params: dict[str, object] = {}  # per deck: config.toml may give decks their own parameters
    today = study_day.date_of(at)
    starts = [to_ms(study_day.start(today + timedelta(days=i))) for i in range(DAYS + 1)]
    day_end = starts[1]
    at_ms = to_ms(at)
    per_deck: dict[str, dict] = {}
    forecast = [0] * DAYS
    cards = []
    r_sum, r_count = 0.0, 0
    for (card_id, deck, state, step, stability, difficulty, due_ms, last_ms, suspended, buried_ms) in (
        queries.stat_cards(store, filt)
    ):
        counts = per_deck.get(deck)
        if counts is None:
            counts = per_deck[deck] = _empty()
        counts[STATE_NAMES[state]] += 1
        buried = buried_ms is not None and buried_ms > at_ms
        counts["suspended"] += suspended
        counts["buried"] += buried
        r = None
        if state != NEW:
            if deck not in params:
                params[deck] = config.for_deck(deck).parameters
            r = recall_ms(stability, last_ms, at_ms, params[deck])
            r_sum += r
            r_count += 1
            if not suspended:
                if due_ms < day_end and not buried:
                    counts["due_today"] += 1
                index = bisect.bisect_right(starts, due_ms) - 1
                if index < DAYS:
                    forecast[max(index, 0)] += 1
        if with_cards:
            cards.append(
                {
                    "id": card_id,
                    "deck": deck,
                    "state": STATE_NAMES[state],
                    "step": step,
                    "stability": stability,
                    "difficulty": difficulty,
                    "due": from_ms(due_ms).isoformat() if due_ms is not None else None,
                    "last_review": from_ms(last_ms).isoformat() if last_ms is not None else None,
                    "retrievability": r,
                    "suspended": bool(suspended),
                    "buried_until": from_ms(buried_ms).isoformat() if buried else None,
                }
            )
    history_starts = [study_day.start(today - timedelta(days=DAYS - 1 - i)) for i in range(DAYS + 1)]
    history = [0] * DAYS
    for day, deck, answers, on_reviews, passed in queries.review_counts(store, filt, history_starts):
        history[day] += answers
        counts = per_deck.get(deck)
        if counts is None:
            counts = per_deck[deck] = _empty()
        counts["retention_reviews"] += on_reviews
        counts["retention_passed"] += passed
    decks = tuple(
        DeckStats(deck=deck, desired_retention=config.for_deck(deck).desired_retention, **values)
        for deck, values in sorted(per_deck.items())
    )
    total = DeckStats(
        deck="",
        desired_retention=config.defaults.desired_retention,
        **{key: sum(getattr(d, key) for d in decks) for key in _empty()},
    )
    return Stats(
        at=at,
        today=today,
        rollover=study_day.rollover,
        decks=decks,
        total=total,
        forecast=tuple((today + timedelta(days=i), n) for i, n in enumerate(forecast)),
        history=tuple((today - timedelta(days=DAYS - 1 - i), n) for i, n in enumerate(history)),
        average_retrievability=r_sum / r_count if r_count else None,
        retrievability_cards=r_count,
        cards=tuple(cards),
        leeches=tuple(leeches(store, filt, config.leech_threshold)),
        leech_threshold=config.leech_threshold,
    )


def _empty() -> dict:
    return dict.fromkeys(
        ("new", "learning", "review", "relearning", "suspended", "buried", "due_today",
         "retention_reviews", "retention_passed"),
        0,
    )


def percent(value: float) -> str:
    """92% (one decimal only below 10%, where a whole number would say too little)."""
    return f"{value * 100:.0f}%" if value >= 0.1 or value == 0 else f"{value * 100:.1f}%"


def render_text(stats: Stats, texts: Texts) -> str:
    lines = [texts.stats_title.format(today=stats.today.isoformat(), rollover=stats.rollover)]
    t = stats.total
    if stats.retrievability_cards == 0 and not any(n for _d, n in stats.history):
        cards = t.new + t.learning + t.review + t.relearning
        lines.append(texts.stats_fresh.format(cards=cards, decks=len(stats.decks)))
        return "\n".join(lines)
    lines.append("")
    headers = texts.stats_columns
    rows = []
    for d in (*stats.decks, stats.total):
        rows.append(
            (
                d.deck or texts.stats_total,
                *(str(v) for v in (d.new, d.learning, d.review, d.relearning, d.suspended, d.buried, d.due_today)),
                _against_target(d.true_retention, d.desired_retention, texts),
            )
        )
    widths = [max(cell_width(r[i]) for r in (headers, *rows)) for i in range(len(headers))]
    for row in (headers, *rows):
        cells = [_pad(row[0], widths[0])] + [_pad(c, w, right=True) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    for title, series in ((texts.stats_forecast, stats.forecast), (texts.stats_history, stats.history)):
        lines += day_chart(series, title, texts)
    lines.append("")
    desired = percent(t.desired_retention)
    if t.true_retention is None:
        lines.append(texts.stats_retention_none.format(desired=desired))
    else:
        lines.append(texts.stats_retention.format(value=percent(t.true_retention), reviews=t.retention_reviews, desired=desired))
    if stats.average_retrievability is None:
        lines.append(texts.stats_retrievability_none)
    else:
        lines.append(
            texts.stats_retrievability.format(
                value=percent(stats.average_retrievability), cards=stats.retrievability_cards
            )
        )
    if stats.leeches:
        lines += ["", texts.stats_leeches.format(threshold=stats.leech_threshold)]
        width = max(len(card_id) for card_id, _q, _n in stats.leeches)
        lines += [f"  {card_id:<{width}}  {n:>3}×  {shorten(q, 40)}" for card_id, q, n in stats.leeches]
    return "\n".join(lines)


def _against_target(value: float | None, desired: float, texts: Texts) -> str:
    """`92% (target 90%)`, or `none yet (target 90%)`."""
    if value is None:
        return texts.stats_no_value.format(desired=percent(desired))
    return texts.stats_target.format(value=percent(value), desired=percent(desired))


SPARKS = " ▁▂▃▄▅▆▇█"


def day_chart(series: tuple[tuple[date, int], ...], title: str, texts: Texts) -> list[str]:
    """A compact chart: a title with the total and the busiest day, one column per day scaled
    to the busiest (any day with cards shows at least ▁), and the first and last dates under it.

        Due in the next 30 days: 12 in all, most on 03-05 (4)
          █▂ ▁    ▄
          03-01                        03-30
    """
    total = sum(n for _d, n in series)
    if not total:
        return [texts.stats_chart_empty.format(title=title)]
    peak_day, peak = max(series, key=lambda item: item[1])
    bars = "".join(SPARKS[max(1, round(n / peak * 8))] if n else " " for _d, n in series)
    first, last = series[0][0].strftime("%m-%d"), series[-1][0].strftime("%m-%d")
    axis = first + " " * max(1, len(series) - len(first) - len(last)) + last
    return [
        texts.stats_chart.format(title=title, total=total, peak=peak, day=peak_day.strftime("%m-%d")),
        "  " + bars.rstrip(),
        "  " + axis,
    ]


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - cell_width(text))
    return space + text if right else text + space


# -- answer times ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerTimes:
    """How long answers took over the last DAYS days (review_log.duration_ms: question shown →
    rating), per deck, and the cards answered slowest against their card type's target."""

    decks: tuple[tuple[str, float, int], ...]  # (deck, mean seconds, answers)
    slowest: tuple[tuple[str, str, float, int], ...]  # (card id, deck, mean seconds, target)

    def to_dict(self) -> dict:
        return {
            "days": DAYS,
            "decks": [{"deck": d, "mean_seconds": round(m, 1), "answers": n} for d, m, n in self.decks],
            "slowest": [
                {"id": c, "deck": d, "mean_seconds": round(m, 1), "target_seconds": t}
                for c, d, m, t in self.slowest
            ],
        }


def answer_times(store: Store, config: Config, filt: CardFilter, since: datetime, count: int = 5) -> AnswerTimes:
    per_card = queries.answer_times(store, filt, since)
    per_deck: dict[str, list[int]] = {}
    for _card, deck, total, answers in per_card:
        sums = per_deck.setdefault(deck, [0, 0])
        sums[0] += total
        sums[1] += answers
    slowest = sorted(per_card, key=lambda row: (-row[2] / row[3], row[0]))[:count]
    return AnswerTimes(
        tuple((deck, total / n / 1000, n) for deck, (total, n) in sorted(per_deck.items())),
        tuple(
            (card_id, deck, total / n / 1000, config.target_seconds(_kind(store, card_id)))
            for card_id, deck, total, n in slowest
        ),
    )


def _kind(store: Store, card_id: str) -> str:
    return "star" if lookups.card(store, card_id).back.get("star") else "outline"


def render_answer_times(times: AnswerTimes, texts: Texts) -> list[str]:
    from interview_srs.terminal.render import clean
    from interview_srs.terminal.screen import format_duration

    if not times.decks:
        return [texts.stats_answer_times_none]
    lines = [texts.stats_answer_times]
    width = max(cell_width(clean(d)) for d, _m, _n in times.decks)
    for deck, mean, count in times.decks:
        lines.append(f"  {_pad(clean(deck), width)}  {format_duration(mean)}  ({count})")
    lines.append(texts.stats_slowest)
    for card_id, _deck, mean, target in times.slowest:
        mark = " !" if mean > target else ""
        lines.append(f"  {clean(card_id)}  {format_duration(mean)} / {format_duration(target)}{mark}")
    return lines


# -- predicted recall at a time (--at) -----------------------------------------------------------


WEAKEST = 10


@dataclass(frozen=True)
class Forecast:
    """Predicted recall at `at`: per deck, and the weakest cards already seen (never-seen ones
    are counted per deck)."""

    at: datetime
    decks: tuple[tuple[str, Readiness], ...]
    weakest: tuple[tuple[str, str, float], ...]  # (card id, deck, predicted recall)

    def to_dict(self, zone) -> dict:
        return {
            "format": JSON_FORMAT,
            "at": _local(self.at, zone).isoformat(),
            "decks": [{"deck": d, **r.to_dict()} for d, r in self.decks],
            "weakest": [{"id": c, "deck": d, "recall": r} for c, d, r in self.weakest],
        }


def forecast_at(store: Store, config: Config, filt: CardFilter, at: datetime) -> Forecast:
    from interview_srs.schedule.readiness import deck_readiness, recall_at
    from interview_srs.store.queries import studied_cards

    cards = studied_cards(store, filt)
    params_of = lambda deck: config.for_deck(deck).parameters  # noqa: E731
    per_deck = deck_readiness(
        ((c.deck, c.state) for c in cards), at, lambda deck: config.for_deck(deck).interview_target, params_of
    )
    weakest = sorted(
        ((c.id, c.deck, recall_at(c.state, at, params_of(c.deck))) for c in cards if c.state.state != NEW),
        key=lambda r: (r[2], r[0]),
    )
    return Forecast(at, tuple(per_deck.items()), tuple(weakest[:WEAKEST]))


def render_forecast(forecast: Forecast, texts: Texts, zone) -> str:
    from interview_srs.terminal.render import clean

    lines = [texts.stats_at_title.format(at=f"{_local(forecast.at, zone):%Y-%m-%d %H:%M}"), ""]
    headers = texts.stats_at_columns
    rows = [
        (clean(deck), str(r.cards), str(r.never_seen), percent(r.mean or 0.0), percent(r.lowest or 0.0),
         str(r.below_target))
        for deck, r in forecast.decks
    ]
    widths = [max(cell_width(r[i]) for r in (headers, *rows)) for i in range(len(headers))]
    for row in (headers, *rows):
        cells = [_pad(row[0], widths[0])] + [_pad(c, w, right=True) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    lines += ["", texts.stats_weakest]
    for card_id, deck, recall in forecast.weakest:
        lines.append(f"  {percent(recall):>6}  {clean(card_id)}  ({clean(deck)})")
    return "\n".join(lines)


def parse_at(text: str, zone) -> datetime:
    """`YYYY-MM-DD` (09:00) or `YYYY-MM-DDTHH:MM`, in the user's zone, as UTC."""
    from interview_srs.review.interviews import parse_moment
    from interview_srs.base.problems import InputError

    day, _sep, clock = text.partition("T")
    try:
        return parse_moment(day, clock or "09:00", zone)
    except InputError:
        raise InputError(f"--at must be DATE or DATETHH:MM, e.g. 2026-12-03T14:00 (got '{text}')") from None


def _local(moment: datetime, zone) -> datetime:
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def report(cards_dir: Path, store_path: Path | None, *, deck: str | None = None,
           as_json: bool = False, at: str | None = None, environ: dict | None = None) -> str:
    """`srs stats`: sync, collect, and render as text or JSON; with `at`, the forecast instead."""
    import json

    from interview_srs.store.home import card_filter, open_home, store_path_for
    from interview_srs.schedule.scheduler import now
    from interview_srs.store import mocks
    from interview_srs.store.health import reading
    from interview_srs.base.sanitize import json_safe
    from interview_srs.terminal.texts import texts_for

    moment = now(environ)
    texts = texts_for(environ)
    path = store_path_for(store_path, environ)
    if not path.exists():
        if as_json:
            return json.dumps({"format": JSON_FORMAT, "store": None}, indent=2)
        return texts.stats_no_store.format(path=path)
    home = open_home(store_path, cards_dir, moment, environ)
    try:
        with reading(home.store.path):
            filt = card_filter(home.store, deck, None)
            if at is not None:
                forecast = forecast_at(home.store, home.config, filt, parse_at(at, home.zone))
                if as_json:
                    return json_safe(json.dumps(forecast.to_dict(home.zone), ensure_ascii=False, indent=2))
                return render_forecast(forecast, texts, home.zone)
            stats = collect(home.store, home.config, filt, moment, home.study_day, as_json)
            since = home.study_day.start(stats.today - timedelta(days=DAYS - 1))
            times = answer_times(home.store, home.config, filt, since)
            runs = mocks.history(home.store, MOCK_RUNS)
    finally:
        home.store.close()
    if as_json:
        return json_safe(json.dumps(
            {**stats.to_dict(), "answer_times": times.to_dict(), "mock_history": [run.to_dict() for run in runs]},
            ensure_ascii=False, indent=2,
        ))
    return "\n".join(
        [render_text(stats, texts), "", *render_answer_times(times, texts), *mock_history_lines(runs, texts)]
    )


def mock_history_lines(runs, texts: Texts) -> list[str]:
    """The latest `srs mock` runs (store/mocks.RunSummary), one line each; nothing if none."""
    from interview_srs.terminal.render import clean

    if not runs:
        return []
    lines = ["", texts.mock_history]
    for run in runs:
        average = "-" if run.average_rating is None else f"{run.average_rating:.1f}"
        line = texts.mock_history_line.format(
            date=run.started.astimezone().strftime("%Y-%m-%d %H:%M"), scope=clean(run.scope),
            answered=run.answered, planned=run.planned, average=average, overruns=run.overruns,
            weakest=clean(", ".join(run.weakest) or texts.mock_none),
        )
        lines.append(line if run.finished else f"{line} {texts.mock_interrupted}")
    return lines


__all__ = [
    "AnswerTimes",
    "DeckStats",
    "Forecast",
    "Stats",
    "answer_times",
    "collect",
    "day_chart",
    "forecast_at",
    "mock_history_lines",
    "parse_at",
    "render_answer_times",
    "render_forecast",
    "render_text",
    "report",
]
