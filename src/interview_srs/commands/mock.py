"""`srs mock`: choose the questions (review/mock_questions.py), run the rehearsal
(review/mock.py), then word its report: time against target, ratings, points missed, weakest
topics, cards to review next."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from interview_srs.review.mock_questions import MockError
from interview_srs.review.mock_report import QuestionResult
from interview_srs.store import lookups, queries
from interview_srs.store.rows import CardFilter
from interview_srs.store.connection import Store
from interview_srs.terminal import render
from interview_srs.terminal.screen import format_duration
from interview_srs.terminal.texts import Texts

DEFAULT_QUESTIONS = 6


def mock(
    cards_dir: Path,
    store_path: Path | None,
    *,
    deck: str | None = None,
    interview: str | None = None,
    questions: int = DEFAULT_QUESTIONS,
    seconds: int | None = None,
    typed: bool = False,
    answers_dir: Path | None = None,
    seed: int | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: dict | None = None,
) -> dict:
    """`srs mock`: choose the questions, run them, print and save the report.

    Raises MockError, ConfigError, StoreError, ClockError or cards.CardsError before it starts."""
    from interview_srs.personal.answers import Personal
    from interview_srs.review.mock import MockInterview, Settings
    from interview_srs.review.mock_questions import candidates, choose, general_openers, interview_filter
    from interview_srs.review.openers import OPENER_DECK, interview_company
    from interview_srs.schedule.scheduler import Schedulers, now
    from interview_srs.store.health import reading
    from interview_srs.store.home import card_filter, open_home
    from interview_srs.terminal.screen import Terminal
    from interview_srs.terminal.texts import texts_for

    environ = os.environ if environ is None else environ
    if (stdin or sys.stdin) is None or (stdout or sys.stdout) is None:
        raise MockError("standard input or output is closed; srs mock needs a terminal, or keys from a file")
    clock = lambda: now(environ)  # noqa: E731 - re-read for every answer
    home = open_home(store_path, cards_dir, clock(), environ)
    try:
        with reading(home.store.path):
            if interview is not None:
                filt = interview_filter(home.store, interview)
                scope = f"interview:{interview}"
            else:
                filt = card_filter(home.store, deck, None)
                scope = f"deck:{deck}" if deck else "all"
            seed = seed if seed is not None else _seed(environ)
            rng = random.Random(seed)
            params_of = lambda deck: home.config.for_deck(deck).parameters  # noqa: E731
            found = candidates(home.store, filt, clock(), params_of)
            general = general_openers(home.store, found, clock(), rng, params_of) if found else []
            chosen = choose(found + general, questions, rng)
            if not chosen:
                raise MockError("no interview questions in the chosen decks")
            texts = texts_for(environ)
            from_general = any(c in general for c in chosen)
            note = texts.mock_general_openers.format(deck=OPENER_DECK) if from_general else ""
            company = interview_company(home.store, filt.decks if filt.decks is not None else lookups.decks(home.store))
            idf = None
            if typed:
                from interview_srs.review import coverage

                idf = coverage.Idf(doc for card in _all_cards(home.store) for doc in coverage.documents(card.back, card.question))
            terminal = Terminal(stdin or sys.stdin, stdout or sys.stdout)
            done = MockInterview(
                home.store, Schedulers(home.config), texts, terminal, clock,
                Personal(answers_dir or home.store.path.parent), chosen,
                Settings(seconds, typed, scope, company, note), rng, idf, environ,
            ).run()
            terminal.line()
            for line in report_lines(done.report, done.results, texts, terminal.width()):
                terminal.line(line)
            return done.report
    finally:
        home.store.close()


def report_lines(report: dict, results: Sequence[QuestionResult], texts: Texts, width: int) -> list[str]:
    lines = [texts.mock_report_title.format(answered=report["answered"], planned=report["planned"])]
    for r in results:
        over = " " + texts.mock_over.format(time=format_duration(r.spoken_seconds - r.target_seconds)) if r.overran else ""
        head = (f"{r.position}. {format_duration(r.spoken_seconds)} / {format_duration(r.target_seconds)}{over}"
                f" · {texts.ratings[r.rating - 1]} · {r.card_id}")
        lines.extend(render.wrap(head, width, "  ", "     "))
        lines.extend(render.wrap(r.question, width, "     "))
        if r.missed:
            lines.extend(render.wrap(texts.mock_missed + " " + " · ".join(r.missed), width, "     "))
    if results:
        lines.append(texts.mock_report_totals.format(overruns=report["overruns"], average=f"{report['average_rating']:.1f}"))
    weakest = [f"{t['topic']} ({t['average_rating']:.1f})" for t in report["weakest_topics"]]
    lines.extend(render.wrap(texts.mock_weakest + " " + (", ".join(weakest) if weakest else texts.mock_none), width))
    lines.extend(render.wrap(texts.mock_review_next + " " + (", ".join(report["review_next"]) or texts.mock_none), width))
    return lines


def _seed(environ) -> int | None:
    """`SRS_MOCK_SEED` makes the choice of questions repeatable (tests, demos)."""
    value = environ.get("SRS_MOCK_SEED", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise MockError(f"SRS_MOCK_SEED='{value}' is not a whole number") from None


def _all_cards(store: Store):
    return [lookups.card(store, row[0]) for row in queries.stat_cards(store, CardFilter())]


__all__ = ["DEFAULT_QUESTIONS", "mock", "report_lines"]
