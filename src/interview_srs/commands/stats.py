"""`srs stats`: the figures of review/stats.py worded for a person (text with day charts) or as
JSON (documented by its keys, versioned by "format").

On a store where nothing has been answered yet the text is one line, not a table of zeros; the
forecast and the history are one-line charts (a column per day), not 30 lines each. `srs stats`
never creates a store: with none yet it says so.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from interview_srs.review.stats import DAYS, AnswerTimes, DeckStats, Forecast, Stats
from interview_srs.terminal.render import REPORT_WIDTH, cell_width, clean, fit_lines, short_decks, shorten, shorten_left
from interview_srs.terminal.texts import Texts
from interview_srs.schedule.scheduler import local_time

JSON_FORMAT = 1
MOCK_RUNS = 5  # latest mock interviews shown
SPARKS = " ▁▂▃▄▅▆▇█"


def report(cards_dir: Path, store_path: Path | None, *, deck: str | None = None,
           as_json: bool = False, at: str | None = None, environ: dict | None = None) -> str:
    """`srs stats`: sync, collect, and render as text or JSON; with `at`, the forecast instead."""
    from interview_srs.base.sanitize import json_safe
    from interview_srs.review.stats import answer_times, collect, forecast_at
    from interview_srs.schedule.scheduler import now
    from interview_srs.store import mocks
    from interview_srs.store.health import reading
    from interview_srs.store.home import card_filter, open_home, store_path_for
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
                    return json_safe(json.dumps(forecast_json(forecast, home.zone), ensure_ascii=False, indent=2))
                return render_forecast(forecast, texts, home.zone)
            stats = collect(home.store, home.config, filt, moment, home.study_day, as_json)
            since = home.study_day.start(stats.today - timedelta(days=DAYS - 1))
            times = answer_times(home.store, home.config, filt, since)
            runs = mocks.history(home.store, MOCK_RUNS)
    finally:
        home.store.close()
    if as_json:
        return json_safe(indented_json(
            {**stats_json(stats), "answer_times": answer_times_json(times),
             "mock_history": [run.to_dict() for run in runs]}
        ))
    return "\n".join(
        [render_text(stats, texts), "", *render_answer_times(times, texts),
         *mock_history_lines(runs, texts, home.zone)]
    )


def parse_at(text: str, zone) -> datetime:
    """`YYYY-MM-DD` (09:00) or `YYYY-MM-DDTHH:MM`, in the user's zone, as UTC."""
    from interview_srs.base.input_error import InputError
    from interview_srs.review.interviews import DateOutOfRange, parse_moment

    day, _sep, clock = text.partition("T")
    try:
        return parse_moment(day, clock or "09:00", zone)
    except DateOutOfRange:  # a date out of range says so; any other problem is the format
        raise
    except InputError:
        raise InputError(f"--at must be DATE or DATETHH:MM, e.g. 2026-12-03T14:00 (got '{text}')") from None


# -- JSON ----------------------------------------------------------------------------------------


def indented_json(value, level: int = 1) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, sooner: Python 3.11
    indents in pure Python, several times slower than json's C encoder, which it only uses
    without indentation. So a list or object of plain values (a card's fields: most of the text)
    goes through the C encoder with the line break and indentation as its item separator."""
    if isinstance(value, (dict, list, tuple)) and value:
        pad = "\n" + "  " * level
        items = value.values() if isinstance(value, dict) else value
        if not any(isinstance(item, (dict, list, tuple)) for item in items):
            flat = json.dumps(value, ensure_ascii=False, separators=("," + pad, ": "))
            return flat[0] + pad + flat[1:-1] + pad[:-2] + flat[-1]
        if not isinstance(value, dict):
            return "[" + pad + ("," + pad).join(indented_json(item, level + 1) for item in value) + pad[:-2] + "]"
        if all(isinstance(key, str) for key in value):
            return "{" + pad + ("," + pad).join(
                json.dumps(key, ensure_ascii=False) + ": " + indented_json(item, level + 1) for key, item in value.items()
            ) + pad[:-2] + "}"
    # JSON text holds no raw line break, so indenting each line indents the value.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * (level - 1))


def deck_json(deck: DeckStats) -> dict:
    return {
        "deck": deck.deck,
        "new": deck.new,
        "learning": deck.learning,
        "review": deck.review,
        "relearning": deck.relearning,
        "suspended": deck.suspended,
        "buried": deck.buried,
        "due_today": deck.due_today,
        "desired_retention": deck.desired_retention,
        "true_retention": deck.true_retention,
        "retention_reviews": deck.retention_reviews,
    }


def stats_json(stats: Stats) -> dict:
    return {
        "format": JSON_FORMAT,
        "now": stats.at.isoformat(),
        "today": stats.today.isoformat(),
        "day_starts_at": stats.rollover,
        "decks": [deck_json(d) for d in stats.decks],
        "total": deck_json(stats.total),
        "forecast": [{"date": d.isoformat(), "due": n} for d, n in stats.forecast],
        "reviews_per_day": [{"date": d.isoformat(), "reviews": n} for d, n in stats.history],
        "true_retention": {
            "value": stats.total.true_retention,
            "reviews": stats.total.retention_reviews,
            "desired": stats.total.desired_retention,
            "days": DAYS,
        },
        "average_retrievability": {
            "value": stats.average_retrievability,
            "cards": stats.retrievability_cards,
        },
        "cards": list(stats.cards),
        "leeches": [{"id": i, "question": q, "lapses": n} for i, q, n in stats.leeches],
    }


def answer_times_json(times: AnswerTimes) -> dict:
    return {
        "days": DAYS,
        "decks": [{"deck": d, "mean_seconds": round(m, 1), "answers": n} for d, m, n in times.decks],
        "slowest": [
            {"id": c, "deck": d, "mean_seconds": round(m, 1), "target_seconds": t}
            for c, d, m, t in times.slowest
        ],
    }


def forecast_json(forecast: Forecast, zone) -> dict:
    return {
        "format": JSON_FORMAT,
        "at": local_time(forecast.at, zone).isoformat(),
        "decks": [{"deck": d, **r.to_dict()} for d, r in forecast.decks],
        "weakest": [{"id": c, "deck": d, "recall": r, "question": q} for c, d, r, q in forecast.weakest],
    }


# -- text ----------------------------------------------------------------------------------------


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
    names = short_decks([d.deck for d in stats.decks])
    rows = [
        (
            names.get(d.deck, d.deck) or texts.stats_total,
            *(str(v) for v in (d.new, d.learning, d.review, d.relearning, d.suspended, d.buried, d.due_today)),
            _against_target(d.true_retention, d.desired_retention, texts),
        )
        for d in (*stats.decks, stats.total)
    ]
    lines += table(texts.stats_columns, rows)
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
        room = max(20, REPORT_WIDTH - width - 10)
        lines += [f"  {card_id:<{width}}  {n:>3}×  {shorten(q, room)}" for card_id, q, n in stats.leeches]
    return "\n".join(fit_lines(lines))


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int = REPORT_WIDTH) -> list[str]:
    """A table whose first column (a deck) is cut from the left when the whole is wider than
    `width`; the other columns are right-aligned numbers."""
    widths = [max(cell_width(r[i]) for r in (headers, *rows)) for i in range(len(headers))]
    others = sum(widths[1:]) + 2 * (len(headers) - 1)
    widths[0] = max(8, min(widths[0], width - others))
    lines = []
    for row in (headers, *rows):
        first = shorten_left(row[0], widths[0])
        cells = [_pad(first, widths[0])] + [_pad(c, w, right=True) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return lines


def _against_target(value: float | None, desired: float, texts: Texts) -> str:
    """`92% (target 90%)`, or `none yet (target 90%)`."""
    if value is None:
        return texts.stats_no_value.format(desired=percent(desired))
    return texts.stats_target.format(value=percent(value), desired=percent(desired))


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


def render_answer_times(times: AnswerTimes, texts: Texts) -> list[str]:
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
    return fit_lines(lines)


def render_forecast(forecast: Forecast, texts: Texts, zone) -> str:
    lines = [texts.stats_at_title.format(at=f"{local_time(forecast.at, zone):%Y-%m-%d %H:%M}"), ""]
    names = short_decks([deck for deck, _r in forecast.decks])
    rows = [
        (names[deck], str(r.cards), str(r.never_seen), percent(r.mean or 0.0), percent(r.lowest or 0.0),
         str(r.below_target))
        for deck, r in forecast.decks
    ]
    lines += table(texts.stats_at_columns, rows)
    lines += ["", texts.stats_weakest]
    for _card_id, deck, recall, question in forecast.weakest:
        lines.append(f"  {percent(recall):>4}  {shorten(question, REPORT_WIDTH - 8)}")
    return "\n".join(fit_lines(lines))


def mock_history_lines(runs, texts: Texts, zone=None) -> list[str]:
    """The latest `srs mock` runs (store/mocks.RunSummary): when (in the user's time zone:
    scheduler.local_zone; None: the system's) and what, then the figures; nothing if none."""
    if not runs:
        return []
    lines = ["", texts.mock_history]
    for run in runs:
        average = "-" if run.average_rating is None else f"{run.average_rating:.1f}"
        started = f"{local_time(run.started, zone):%Y-%m-%d %H:%M}  {clean(run.scope)}"
        lines.append(started if run.finished else f"{started} {texts.mock_interrupted}")
        lines.append("  " + texts.mock_history_line.format(
            answered=run.answered, planned=run.planned, average=average, overruns=run.overruns,
            weakest=clean(", ".join(run.weakest) or texts.mock_none),
        ))
    return fit_lines(lines)



__all__ = [
    "answer_times_json",
    "day_chart",
    "deck_json",
    "forecast_json",
    "indented_json",
    "mock_history_lines",
    "parse_at",
    "percent",
    "render_answer_times",
    "render_forecast",
    "render_text",
    "report",
    "stats_json",
    "table",
]
