"""`srs interview add/list/remove`: the interviews of review/interviews.py worded for a person,
or (`list --json`) as JSON."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from interview_srs.review.interviews import InterviewReport
from interview_srs.terminal.render import clean


def add_command(cards_dir: Path, store_path: Path | None, name: str, day: str, clock: str,
                patterns: tuple[str, ...], environ: dict | None = None, openers: bool = True) -> str:
    from interview_srs.review.interviews import add_interview, skipped_by_the_clock
    from interview_srs.schedule.scheduler import now
    from interview_srs.store import lookups
    from interview_srs.store.home import decks_matching, open_home

    at = now(environ)
    home = open_home(store_path, cards_dir, at, environ)
    try:
        row = add_interview(home.store, name, day, clock, patterns, home.zone, at, openers)
        decks = sorted({d for p in row.decks for d in decks_matching(lookups.decks(home.store), p)})
    finally:
        home.store.close()
    stored = f"{_local(row.at, home.zone):%Y-%m-%d %H:%M}"
    added = f"Added interview {row.name} on {stored} covering {', '.join(clean(d) for d in decks)}."
    if skipped_by_the_clock(day, clock, row.at, home.zone):
        added += f"\n{clean(day)} {clean(clock)} does not exist in your time zone (the clocks skip that hour); it is stored as {stored}."
    return added


def list_command(cards_dir: Path, store_path: Path | None, as_json: bool,
                 environ: dict | None = None) -> str:
    import json

    from interview_srs.review.interviews import reports
    from interview_srs.schedule.scheduler import now
    from interview_srs.store.home import open_home

    at = now(environ)
    home = open_home(store_path, cards_dir, at, environ)
    try:
        found = reports(home.store, home.config, at)
    finally:
        home.store.close()
    if as_json:
        return json.dumps([report_json(r, home.zone) for r in found], ensure_ascii=False, indent=2)
    return render_list(found, home.zone)


def remove_command(cards_dir: Path, store_path: Path | None, name: str,
                   environ: dict | None = None) -> str:
    from interview_srs.schedule.scheduler import now
    from interview_srs.store import interviews as rows
    from interview_srs.store.home import open_home

    home = open_home(store_path, cards_dir, now(environ), environ)
    try:
        rows.remove(home.store, name)
    finally:
        home.store.close()
    return f"Removed interview {clean(name)}."


def report_json(report: InterviewReport, zone: tzinfo | None) -> dict:
    left = report.interview.at - report.now
    return {
        "name": report.interview.name,
        "at": _local(report.interview.at, zone).isoformat(),
        "days_left": left.days,
        "hours_left": left.seconds // 3600,
        "decks": sorted(report.interview.decks),
        "deck_patterns": list(report.patterns),
        **report.readiness.to_dict(),
        "answers_needed": report.answers_needed,
        "days_for_the_work": report.sessions_left,
        "answers_per_day": round(report.per_day, 1),
        "cards_recall": [{"id": i, "deck": d, "recall": r} for i, d, r in report.recalls],
    }


def render_list(found: list[InterviewReport], zone: tzinfo | None) -> str:
    if not found:
        return "No upcoming interviews. Add one with `srs interview add NAME DATE`."
    lines = []
    for report in found:
        left = report.interview.at - report.now
        r = report.readiness
        target = f"{r.target:.0%}" if r.target is not None else "target"
        lines += [
            f"{clean(report.interview.name)}: {_local(report.interview.at, zone):%Y-%m-%d %H:%M}, "
            f"in {_count(left.days, 'day')} {_count(left.seconds // 3600, 'hour')}",
            "  decks: " + (", ".join(clean(d) for d in sorted(report.interview.decks)) or "none"),
            f"  cards {r.cards} · never seen {r.never_seen} · readiness {_percent(r.mean)} · "
            f"lowest {_percent(r.lowest)} · below {target}: {r.below_target}",
            f"  answers needed {report.answers_needed} in {_count(report.sessions_left, 'day')} "
            f"({report.per_day:.1f} per day)",
        ]
    return "\n".join(lines)


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


__all__ = ["add_command", "list_command", "remove_command", "render_list", "report_json"]
