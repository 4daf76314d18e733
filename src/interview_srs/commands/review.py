"""`srs review`: open the store, run a session (review/session.py), then print its summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from interview_srs.base.sanitize import printable
from interview_srs.review.session import Session
from interview_srs.schedule.scheduler import format_interval
from interview_srs.terminal.screen import format_duration
from interview_srs.terminal.texts import Texts

if TYPE_CHECKING:  # the summary module is imported when a session ends (review/session.py)
    from interview_srs.review.summary import Summary


def review(
    cards_dir: Path | None,
    store_path: Path | None,
    *,
    deck: str | None = None,
    tag: str | None = None,
    new: int | None = None,
    limit: int | None = None,
    ahead: bool = False,
    interview: str | None = None,
    answers_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: dict | None = None,
) -> Summary:
    """`srs review`: open the store, sync the cards, run a session, print the summary.

    `interview`: only the cards of that upcoming interview's decks, with its countdown.
    Raises ConfigError, StoreError, ClockError, InterviewError or cards.CardsError before the
    session starts.
    """
    from interview_srs.review.session_queue import Limits
    from interview_srs.schedule.scheduler import Schedulers, now
    from interview_srs.store.health import StoreError
    from interview_srs.store.health import reading
    from interview_srs.store.home import card_filter, open_home
    from interview_srs.store.interviews import any_stored
    from interview_srs.terminal.screen import Terminal
    from interview_srs.terminal.texts import texts_for

    environ = os.environ if environ is None else environ
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if stdin is None or stdout is None:
        raise StoreError("standard input or output is closed; srs review needs a terminal, or keys from a file")
    clock = lambda: now(environ)  # noqa: E731 - the clock is re-read for every answer
    home = open_home(store_path, cards_dir, clock(), environ)
    try:
        with reading(home.store.path):
            interviews = ()
            if interview is not None or any_stored(home.store):  # start-up time: see interviews.any_stored
                from interview_srs.review.upcoming import interview_filter, load_interviews

                interviews = load_interviews(home.store)
            if interview is None:
                filt = card_filter(home.store, deck, tag)
            else:
                filt = interview_filter(interviews, interview, tag, clock())
            session = Session(
                home.store,
                Schedulers(home.config),
                texts_for(environ),
                Terminal(stdin, stdout),
                clock,
                home.study_day,
                home.sources,
                filt,
                Limits(
                    home.config.new_per_day if new is None else new,
                    limit,
                    deck_new=home.config.new_limit if new is None and home.config.decks else None,
                    new_usually=home.config.new_per_day,
                    leech_threshold=home.config.leech_threshold,
                    ahead=ahead,
                    interview=interview,
                ),
                environ,
                OwnAnswers(answers_dir or home.store.path.parent),
                interviews,
            )
            return run_session(session)
    finally:
        home.store.close()


class OwnAnswers:
    """Your answers (personal/answers.Personal over `folder`), imported and opened when a card's
    answer side first asks for one: the session's first card does not wait for that module."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._personal = None

    def __getattr__(self, name: str):
        if self._personal is None:
            from interview_srs.personal.answers import Personal

            self._personal = Personal(self._folder)
        return getattr(self._personal, name)


def run_session(session: Session) -> Summary:
    """Run the session, then print on its terminal the ratings that were not saved and the
    summary."""
    summary = session.run()
    session.term.line()
    for card_id in summary.unsaved:
        session.term.line(printable(session.texts.not_saved.format(card=card_id)))
    for line in summary_lines(summary, session.texts):
        session.term.line(line)
    return summary


def summary_lines(summary: Summary, texts: Texts) -> list[str]:
    lines = [texts.summary_title]
    if summary.answers:
        average = sum(a.duration_ms or 0 for a in summary.answers) / len(summary.answers) / 1000
        lines.append(
            texts.summary_reviewed.format(
                count=len(summary.answers),
                time=format_duration(summary.seconds),
                average=format_duration(average),
            )
        )
        counts = summary.ratings()
        lines.append(
            texts.summary_ratings
            + " "
            + " · ".join(f"{texts.ratings[r - 1]} {counts[r]}" for r in (1, 2, 3, 4))
        )
    else:
        lines.append(texts.summary_none)
    left = summary.left
    if left.due or left.learning or left.new:
        lines.append(texts.summary_today.format(due=left.due, learning=left.learning, new=left.new))
    elif summary.next_due is not None:
        when = f"{summary.next_due:%Y-%m-%d %H:%M} (in {format_interval(summary.next_due_in)})"
        lines.append(texts.summary_next.format(when=when))
    lines.append(texts.summary_tomorrow.format(due=summary.tomorrow.due, new=summary.tomorrow.new))
    if summary.new_in_bank:
        lines.append(texts.summary_bank.format(left=summary.new_in_bank))
    return lines


__all__ = ["OwnAnswers", "review", "run_session", "summary_lines"]
