"""`srs interview add/list/remove`: the interviews of review/interviews.py worded for a person,
or (`list --json`) as JSON."""

from __future__ import annotations

from datetime import timedelta, tzinfo
from pathlib import Path

from interview_srs.base.sanitize import json_safe
from interview_srs.review.forecast import FORECAST_DAYS
from interview_srs.review.interviews import InterviewReport
from interview_srs.terminal.render import REPORT_WIDTH, cell_width, clean, fit_lines, fit_parts, shorten
from interview_srs.terminal.texts import Texts
from interview_srs.schedule.scheduler import local_time


def add_command(cards_dir: Path, store_path: Path | None, name: str, day: str, clock: str,
                patterns: tuple[str, ...], environ: dict | None = None, openers: bool = True) -> str:
    from interview_srs.review.interviews import add_interview, skipped_by_the_clock
    from interview_srs.schedule.scheduler import now
    from interview_srs.store import lookups
    from interview_srs.store.health import reading
    from interview_srs.store.home import decks_matching, open_home
    from interview_srs.terminal.texts import texts_for

    at = now(environ)
    home = open_home(store_path, cards_dir, at, environ)
    try:
        with reading(home.store.path):
            row = add_interview(home.store, name, day, clock, patterns, home.zone, at, openers)
            decks = sorted({d for p in row.decks for d in decks_matching(lookups.decks(home.store), p)})
    finally:
        home.store.close()
    texts = texts_for(environ)
    stored = f"{local_time(row.at, home.zone):%Y-%m-%d %H:%M}"
    added = texts.interview_added.format(name=clean(row.name), at=stored, decks=", ".join(clean(d) for d in decks))
    if skipped_by_the_clock(day, clock, row.at, home.zone):
        added += "\n" + texts.interview_skipped_hour.format(moment=f"{clean(day)} {clean(clock)}", at=stored)
    return added


def list_command(cards_dir: Path, store_path: Path | None, as_json: bool,
                 environ: dict | None = None) -> str:
    import json

    from interview_srs.commands.output import report_width
    from interview_srs.review.interviews import reports
    from interview_srs.schedule.scheduler import now
    from interview_srs.store.health import reading
    from interview_srs.store.home import open_home
    from interview_srs.terminal.texts import texts_for

    at = now(environ)
    home = open_home(store_path, cards_dir, at, environ)
    try:
        # rendering too: a stored time can be readable yet out of range in the user's zone
        with reading(home.store.path):
            found = reports(home.store, home.config, at, home.study_day)
            if as_json:
                return json.dumps([report_json(r, home.zone) for r in found], ensure_ascii=False, indent=2)
            return render_list(found, home.zone, texts_for(environ), home.config.daily_minutes, report_width(environ))
    finally:
        home.store.close()


def remove_command(cards_dir: Path, store_path: Path | None, name: str,
                   environ: dict | None = None) -> str:
    from interview_srs.schedule.scheduler import now
    from interview_srs.store import interviews as rows
    from interview_srs.store.health import reading
    from interview_srs.store.home import open_home
    from interview_srs.terminal.texts import texts_for

    home = open_home(store_path, cards_dir, now(environ), environ)
    try:
        with reading(home.store.path):
            rows.remove(home.store, name)
    finally:
        home.store.close()
    return texts_for(environ).interview_removed.format(name=clean(name))


def report_json(report: InterviewReport, zone: tzinfo | None) -> dict:
    left = max(report.interview.at - report.now, timedelta(0))
    outlook = report.outlook
    return {
        "name": json_safe(report.interview.name),
        "at": local_time(report.interview.at, zone).isoformat(),
        "past": report.past,
        "days_left": left.days,
        "hours_left": left.seconds // 3600,
        "decks": [json_safe(d) for d in sorted(report.interview.decks)],
        "deck_patterns": [json_safe(p) for p in report.patterns],
        **report.readiness.to_dict(),
        "plan": [day.to_dict() for day in report.plan],
        "answers_needed": report.answers_needed,
        "days_for_the_work": report.sessions_left,
        "answers_per_day": round(report.answers_needed / max(1, len(report.plan)), 1),
        "expected_readiness": None if outlook is None else outlook.readiness,
        "expected_below_target": None if outlook is None else round(outlook.below_target, 1),
        "feasible": not report.heavy,
        "cards_recall": [{"id": json_safe(i), "deck": json_safe(d), "recall": r} for i, d, r in report.recalls],
    }


WEAKEST = 3  # the weakest cards an upcoming interview lists by their questions


def render_list(found: list[InterviewReport], zone: tzinfo | None, texts: Texts, daily_minutes: int = 60,
                width: int = REPORT_WIDTH) -> str:
    """Each interview in lines of at most `width` cells (the terminal's: a list of decks or of
    days breaks between two of them, a question is cut)."""
    lines = []
    for report in found:
        name = clean(report.interview.name)
        at = f"{local_time(report.interview.at, zone):%Y-%m-%d %H:%M}"
        r = report.readiness
        target = f"{r.target:.0%}" if r.target is not None else "target"
        figures = dict(readiness=_percent(r.mean), lowest=_percent(r.lowest), target=target, below=r.below_target)
        if report.past:
            lines += [texts.interview_past.format(name=name, at=at), texts.interview_then.format(**figures)]
            continue
        left = report.interview.at - report.now
        lines.append(texts.interview_head.format(name=name, at=at, left=_left(left, texts)))
        lines += _listed(texts.interview_decks, "decks", [clean(d) for d in sorted(report.interview.decks)] or ["-"],
                         ", ", width)
        lines.append(texts.interview_cards.format(cards=r.cards, never=r.never_seen, **figures))
        lines += weakest_lines(report, texts.interview_weakest, width)
        if report.plan:
            days = [
                texts.interview_plan_day.format(date=f"{d.date:%m-%d}", answers=round(d.answers), minutes=round(d.minutes))
                for d in report.plan
            ]
            lines += _listed(texts.interview_plan, "days", days, " · ", width)
        elif report.outlook is None:  # upcoming, yet not forecast: further off than FORECAST_DAYS
            lines.append(texts.interview_far.format(days=FORECAST_DAYS))
        if report.outlook is not None and report.outlook.readiness is not None:
            lines.append(texts.interview_outlook.format(
                readiness=_percent(report.outlook.readiness), below=round(report.outlook.below_target)))
        if report.heavy:
            lines += [warning(report, zone, texts, daily_minutes), texts.interview_helps.format(name=name)]
    if all(r.past for r in found):
        lines.append(texts.interview_none)
    return "\n".join(fit_lines(lines, width))


def weakest_lines(report: InterviewReport, label: str, width: int) -> list[str]:
    """The WEAKEST cards at the interview, each as its predicted recall and its question (`{公司}`
    named for the interview) cut to `width`: `  weakest:  0%  你为什么选择快手？`."""
    indent = " " * cell_width(label)
    room = max(8, width - cell_width(label) - 6)
    return [
        f"{label if number == 0 else indent}{_percent(recall):>4}  {shorten(report.questions.get(card_id, card_id), room)}"
        for number, (card_id, _deck, recall) in enumerate(report.recalls[:WEAKEST])
    ]


def _listed(template: str, key: str, parts: list[str], separator: str, width: int) -> list[str]:
    """`template` with its `{key}` the parts joined by `separator`, broken between parts to fit."""
    head, _key, tail = template.partition("{" + key + "}")
    return fit_parts(head, [*parts[:-1], parts[-1] + tail], separator, width)


def warning(report: InterviewReport, zone: tzinfo | None, texts: Texts, daily_minutes: int) -> str:
    """"快手 tomorrow 14:00: about N answers, ~M min today and tomorrow": the plan's whole load."""
    local = local_time(report.interview.at, zone)
    days = (local.date() - local_time(report.now, zone).date()).days
    when = texts.interview_when[min(days, 2)].format(time=f"{local:%H:%M}", date=f"{local:%Y-%m-%d}")
    count = len(report.plan)
    sessions = texts.interview_sessions[min(count, 3) - 1].format(count=count)
    return texts.interview_heavy.format(
        name=clean(report.interview.name), when=when, answers=round(sum(d.answers for d in report.plan)),
        minutes=round(sum(d.minutes for d in report.plan)), sessions=sessions, limit=daily_minutes,
    )


def _left(left: timedelta, texts: Texts) -> str:
    day, days, hour, hours = texts.interview_units
    return f"{left.days} {day if left.days == 1 else days} {left.seconds // 3600} {hour if left.seconds // 3600 == 1 else hours}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"



__all__ = ["WEAKEST", "add_command", "list_command", "remove_command", "render_list", "report_json", "warning",
           "weakest_lines"]
