"""The mock interview's loop (`srs mock`): question after question, against time.

Per question: a countdown to the target time, Space/Enter when you have finished speaking (or,
with --type, your typed answer and an empty line), then your time, the points covered (--type),
your own answer, the skeleton and one follow-up; then a rating 1–4, stored as a normal FSRS
review with source 'mock' through `Store.record_answer` — committed before the next question,
so a crash loses no rating given. The run and each question's line are saved (store/mocks.py);
the report at the end is commands/mock.py's.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from interview_srs.personal.answers import Personal
from interview_srs.review.mock_questions import Candidate
from interview_srs.review.mock_report import MockResult, QuestionResult, build_report
from interview_srs.review.openers import filled
from interview_srs.review.session_edit import write_own_answer
from interview_srs.schedule.scheduler import Schedulers
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreBusy
from interview_srs.store import answers, lookups, mocks
from interview_srs.terminal import pager, render
from interview_srs.terminal.screen import QUIT, Terminal, format_duration, retry_while_busy
from interview_srs.terminal.texts import Texts

TOPIC_TAGS = ("行为", "情景", "业务", "数据指标", "动机", "自我认知", "反问", "通用")


@dataclass(frozen=True)
class Settings:
    seconds: int | None = None  # None: each card's target time
    typed: bool = False
    scope: str = "all"
    company: str = ""  # the interview's company, for the general cards' {公司} (review/openers.py)
    note: str = ""  # said on the first question's screen (openers taken from the general deck)


@dataclass(frozen=True)
class Spoken:
    """How a question went, for its answer screen: seconds spoken against the target, the points
    a typed answer covered (None: spoken aloud), the follow-up asked (None: the card has none)."""

    seconds: float
    target: int
    coverage: object
    followup: dict | None


class MockInterview:
    """One `srs mock` run over a store and a terminal."""

    def __init__(self, store: Store, schedulers: Schedulers, texts: Texts, terminal: Terminal,
                 clock: Callable[[], datetime], personal: Personal, questions: Sequence[Candidate],
                 settings: Settings, rng: random.Random, idf=None, environ: dict | None = None):
        self.store = store
        self.schedulers = schedulers
        self.texts = texts
        self.term = terminal
        self.clock = clock
        self.personal = personal
        self.questions = list(questions)
        self.settings = settings
        self.rng = rng
        self.idf = idf
        self.environ = os.environ if environ is None else environ  # $EDITOR for `w`
        self.session = uuid.uuid4().hex
        self.results: list[QuestionResult] = []

    def run(self) -> MockResult:
        """Ask the questions until the last or until stopped; the run is saved as it goes."""
        run_id = mocks.start_run(
            self.store, self.session, self.clock(), self.settings.scope, self.settings.seconds, self.settings.typed,
            [mocks.PlannedQuestion(c.card_id, c.kind, self.target(c) * 1000) for c in self.questions],
        )
        try:
            with self.term.keys():
                for position, candidate in enumerate(self.questions, start=1):
                    if self.ask(run_id, position, candidate) == QUIT:
                        break
        except KeyboardInterrupt:
            self.term.line()
        report = build_report(self.results, len(self.questions))
        mocks.finish_run(self.store, run_id, self.clock(), report)
        return MockResult(report, tuple(self.results))

    def target(self, candidate: Candidate) -> int:
        return self.settings.seconds or candidate.target_seconds

    def ask(self, run_id: int, position: int, candidate: Candidate) -> str | None:
        card = filled(lookups.card(self.store, candidate.card_id), self.settings.company)
        target = self.target(candidate)
        started = time.monotonic()
        typed = None
        if self.settings.typed:
            screen = self.question_screen(position, card, target, typed=True)
            self.term.clear()  # typed lines follow the question: printed whole, not paged
            for line in screen.top + screen.body + screen.bottom:
                self.term.line(line)
            typed = self.read_text()
            if typed is None:
                return QUIT
        elif self.wait_done(lambda: self.question_screen(position, card, target), started, target) == QUIT:
            return QUIT
        spoken = time.monotonic() - started
        coverage = None
        if typed is not None:
            from interview_srs.review import coverage as cov

            coverage = cov.measure(typed, cov.points(card.back), self.idf)
        followups = card.back.get("followups") or []
        followup = self.rng.choice(followups) if followups else None
        rating = self.rate(card, lambda hint: self.answer_screen(
            position, card, Spoken(spoken, target, coverage, followup), hint))
        if rating is None:
            return QUIT
        at = self.clock()
        answer = retry_while_busy(
            self.term, self.texts.store_busy,
            lambda: answers.record_answer(
                self.store, card.id, rating, at, int(spoken * 1000),
                lambda before: self.schedulers.answer(card.id, card.deck, before, rating, at),
                session=self.session, expected=card.schedule, source="mock",
            ),
            StoreBusy,
        )
        if answer is None:
            self.term.line(self.texts.not_saved.format(card=card.id))
            return QUIT
        missed = None if coverage is None else [p.label for p in coverage.missed]
        # The rating is stored; its line in the mock report follows (a busy store is waited for).
        retry_while_busy(
            self.term, self.texts.store_busy,
            lambda: mocks.record_question(
                self.store, run_id, position, spoken_ms=int(spoken * 1000), rating=rating,
                review_log_id=answer.log_id, followup=followup["q"] if followup else None, missed=missed,
            ),
            StoreBusy,
        )
        topics = tuple(t for t in TOPIC_TAGS if t in card.tags) or (card.deck.split("::")[-1],)
        self.results.append(QuestionResult(position, card.id, card.question, candidate.kind, topics, target,
                                           spoken, rating, None if missed is None else tuple(missed)))
        return None

    # -- the screens (pager.py scrolls one taller than the terminal) ---------------------------------

    def question_screen(self, position: int, card, target: int, typed: bool = False) -> pager.Screen:
        """The progress line, the round's note (first question), the card's header pinned on top;
        the question; the keys (or the typing prompt) below."""
        width, style = self.term.width(), self.term.style
        top, body = pager.split_header(render.question_lines(card, self.texts, width, style))
        progress = self.texts.mock_progress.format(position=position, count=len(self.questions),
                                                   target=format_duration(target))
        note = render.wrap(self.settings.note, width) if self.settings.note and position == 1 else []
        top = [style.dim(line) for line in render.wrap(progress, width)] + [style.bold(n) for n in note] + top
        keys = self.texts.mock_type_prompt if typed else self.texts.mock_speak_keys
        return pager.Screen(tuple(top), tuple(body), ("", *render.key_lines(keys, width, style)))

    def answer_screen(self, position: int, card, spoken: Spoken, hint: str) -> pager.Screen:
        """The question screen with, under the question, your time, the points a typed answer
        covered, your own answer (read again at every draw: `w` edits it), the skeleton and one
        follow-up; the ratings and keys below."""
        question = self.question_screen(position, card, spoken.target)
        width, style, texts = self.term.width(), self.term.style, self.texts
        body = list(question.body) + [""]
        timing = texts.mock_time.format(time=format_duration(spoken.seconds), target=format_duration(spoken.target))
        if spoken.seconds > spoken.target:
            timing += " · " + texts.mock_over.format(time=format_duration(spoken.seconds - spoken.target))
        body += [style.bold(line) for line in render.wrap(timing, width)]
        coverage = spoken.coverage
        if coverage is not None:
            body += ["", style.heading(texts.mock_coverage)]
            for result in coverage.results:
                mark = "✓" if result.covered else "✗"
                for line in render.wrap(f"{result.point.label} {result.point.text}", width, f"  {mark} ", "    "):
                    body.append(line if result.covered else style.dim(line))
        body += render.own_answer_lines(self.personal.answer(card.id), card.id, card.question, texts, width, style)
        skeleton = dataclasses.replace(card, back={**card.back, "followups": []})
        body += render.answer_lines(skeleton, texts, width, style)
        if spoken.followup:
            body += ["", style.heading(texts.mock_followup)]
            body += [style.bold(line) for line in render.wrap(spoken.followup["q"], width, "  ")]
            body += [style.dim(line) for line in render.wrap(spoken.followup["cue"], width, "  → ", "    ")]
        suggestion = ""
        if coverage is not None:
            rating = coverage.suggested_rating(spoken.seconds > spoken.target)
            suggestion = " · " + texts.mock_suggested.format(rating=f"{rating} {texts.ratings[rating - 1]}")
        ratings = " ".join(style.rating(r, f"{r} {texts.ratings[r - 1]}") for r in (1, 2, 3, 4)) + suggestion
        bottom = ["", ratings, *render.key_lines(texts.mock_rate_keys, width, style)]
        bottom += [style.dim(line) for line in render.wrap(hint, width)] if hint else []
        return pager.Screen(question.top, tuple(body), tuple(bottom))

    def draw(self, screen: pager.Screen, offset: int) -> int:
        """Clear and print the screen at the terminal's height; the offset it was drawn at."""
        shown = pager.view(screen, self.term.height(), offset, self.term.style.dim(self.texts.scroll))
        self.term.clear()
        for line in shown.lines:
            self.term.line(line)
        return shown.offset

    def scroll(self, screen: pager.Screen, offset: int, key: str) -> int:
        height = self.term.height()
        return offset if height is None else self.draw(screen, pager.scrolled(screen, height, offset, key))

    def rate(self, card, screen: Callable[[str], pager.Screen]) -> int | None:
        """The answer side until a rating 1–4 (None: stop). `w` opens your answer in the editor,
        as in a review; a wrong key says which keys rate, on one line that is replaced."""
        hint = ""
        offset = self.draw(screen(hint), 0)
        while True:
            key = self.term.read_key()
            if key in (QUIT, None):
                return None
            if key in ("1", "2", "3", "4"):
                return int(key)
            if key == pager.RESIZE:
                offset = self.draw(screen(hint), offset)
            elif key in pager.SCROLL_KEYS:
                offset = self.scroll(screen(hint), offset, key)
            elif key == "w":
                hint = write_own_answer(card, self.personal, self.term, self.texts, self.environ) or ""
                offset = self.draw(screen(hint), offset)
            elif self.term.interactive:
                hint = self.texts.rate_hint
                offset = self.draw(screen(hint), offset)
            elif hint != self.texts.rate_hint:
                hint = self.texts.rate_hint
                self.term.line(self.term.style.dim(hint))

    def wait_done(self, screen: Callable[[], pager.Screen], started: float, target: int) -> str:
        """Space/Enter: finished speaking. On a terminal, a countdown runs meanwhile on the line
        under the screen (the pager leaves it room), and a tall question scrolls."""
        offset = self.draw(screen(), 0)
        while True:
            if self.term.interactive:
                left = target - (time.monotonic() - started)
                shown = (self.texts.mock_left.format(time=format_duration(left)) if left >= 0
                         else self.texts.mock_over.format(time=format_duration(-left)))
                self.term.write(f"\r\x1b[K⏱ {shown}")
                key = self.term.read_key(timeout=1.0)
                if key is None:
                    continue
                self.term.write("\r\x1b[K")
            else:
                key = self.term.read_key()
            if key in (QUIT, None):
                return QUIT
            if key in (" ", "\n"):
                return key
            if key == pager.RESIZE:
                offset = self.draw(screen(), offset)
            elif key in pager.SCROLL_KEYS:
                offset = self.scroll(screen(), offset, key)

    def read_text(self) -> str | None:
        """Typed lines up to an empty line; None at end of input (or a line `q` alone: stop)."""
        lines: list[str] = []
        while True:
            line = self._read_line()
            if line is None:
                return None if not lines else "\n".join(lines)
            if not line.strip():
                if lines:
                    return "\n".join(lines)
                continue
            if not lines and line.strip() == QUIT:
                return None
            lines.append(line)

    def _read_line(self) -> str | None:
        if not self.term.interactive:
            line = self.term.stdin.readline()
            return None if line == "" else line.rstrip("\r\n")
        import termios

        fd = self.term.stdin.fileno()
        saved = termios.tcgetattr(fd)
        mode = termios.tcgetattr(fd)
        mode[3] |= termios.ICANON | termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, mode)
        try:
            data = b""
            while not data.endswith(b"\n"):
                chunk = os.read(fd, 4096)
                if not chunk:
                    return data.decode("utf-8", "replace") or None
                data += chunk
            return data.decode("utf-8", "replace").rstrip("\r\n")
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


__all__ = ["MockInterview", "Settings"]
