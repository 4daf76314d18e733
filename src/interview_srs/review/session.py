"""The terminal review session's key loop: reveal, rate, undo, bury, suspend, edit, quit.

Order of cards: planner.py decides (learning cards due now, review cards due today, an upcoming
interview's final pass, bring-forward and introductions, new cards up to the daily limit, cards
ahead of time with `--ahead`, then learning cards due within the next 20 minutes, so learning
steps play out within the session); session_queue.py keeps the session's place in that plan.

Input: on a terminal, single key presses (no Enter needed) and a running timer on the question
(termios and select on Unix, msvcrt on Windows: winkeys.py). A card taller than the terminal is
shown through pager.py, and a resize (SIGWINCH) redraws it.
When standard input is not a terminal, one key per line: an empty line is Enter, a line with
only spaces (or the word `space`) is Space, otherwise the first character counts — so a whole
session can be driven from a file or a test.

Each answer is committed to the store before the next card is shown (see store/__init__.py).
What a card looks like is session_screen.py's, the editor keys are session_edit.py's, and the
figures for the summary printed at the end (commands/review.py) are summary.py's.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from interview_srs.bank.sources import CardSources
from interview_srs.base.sanitize import printable
from interview_srs.review import planner
from interview_srs.review.openers import InterviewCompanies
from interview_srs.review.session_edit import edit_card, write_own_answer
from interview_srs.review.session_queue import Limits, Queue
from interview_srs.review.session_screen import Revealed, card_screen, countdown_line, leech_lapses, timer_line
from interview_srs.schedule.scheduler import NEW, Schedulers, StudyDay, format_interval, state_values
from interview_srs.store.rows import CardFilter, StoredCard
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreBusy, StoreError
from interview_srs.store import lookups
from interview_srs.terminal import pager, render
from interview_srs.terminal.screen import QUIT, Terminal, retry_while_busy
from interview_srs.terminal.texts import Texts

if TYPE_CHECKING:  # imported by commands/review.py: importing this module needs no personal.py
    from interview_srs.personal.answers import Personal
    from interview_srs.review.summary import Summary
    from interview_srs.store.answers import Answer

UNDONE = "undone"  # the reason shown for a card whose answer was taken back


class Session:
    """One `srs review` run over a store."""

    def __init__(
        self,
        store: Store,
        schedulers: Schedulers,
        texts: Texts,
        terminal: Terminal,
        clock: Callable[[], datetime],
        study_day: StudyDay,
        sources: CardSources,
        filt: CardFilter = CardFilter(),
        limits: Limits = Limits(),
        environ: dict | None = None,
        personal: Personal | None = None,
        interviews: tuple[planner.Interview, ...] = (),
    ):
        self.personal = personal  # your own answers (shown on the answer side, `w` edits them)
        self.store = store
        self.schedulers = schedulers
        self.texts = texts
        self.term = terminal
        self.clock = clock
        self.study_day = study_day
        self.sources = sources
        self.filt = filt
        self.limits = limits
        self.environ = os.environ if environ is None else environ
        self.id = uuid.uuid4().hex
        self.answers: list[Answer] = []
        self.unsaved: list[str] = []  # cards whose rating could not be stored (busy store)
        self.undo_stack: list[tuple[str, object]] = []
        self.interviews = interviews
        self.companies = InterviewCompanies(store, interviews)
        self.queue = Queue(store, schedulers.config, clock, study_day, filt, limits, interviews)
        from interview_srs.review.upcoming import Countdown

        config = schedulers.config
        self.header = Countdown(store, interviews, study_day.zone, lambda deck: config.for_deck(deck).parameters,
                                limits.interview)

    def counts(self) -> str:
        left = self.queue.left_today()
        return self.texts.counts.format(due=left.due, learning=left.learning, new=left.new)

    # -- the loop --------------------------------------------------------------------------------

    def run(self) -> Summary:
        """Show cards until none is left or the user quits; what happened, for the summary."""
        started = time.monotonic()
        message = ""
        try:
            with self.term.keys():
                while True:
                    if self.queue.current is None:
                        self.queue.current = self.queue.next_card()
                    if self.queue.current is None:
                        self.term.clear()
                        if message:
                            self.term.line(printable(message))
                        self.term.line(self.texts.finished if self.answers else self.texts.no_cards)
                        break
                    outcome = self.show(self.queue.current.card_id, message)
                    message = ""
                    if outcome == QUIT:
                        break
                    if isinstance(outcome, str):
                        message = outcome
        except KeyboardInterrupt:
            self.term.line()
        at = self.clock()
        from interview_srs.review.summary import summarize  # after the session: start-up time

        return summarize(
            self.store, self.filt, self.study_day, at, answers=tuple(self.answers),
            unsaved=tuple(self.unsaved), seconds=time.monotonic() - started, left=self.queue.left_today(),
            tomorrow=planner.left(self.queue.plan(at + timedelta(days=1), tomorrow=True)),
        )

    def show(self, card_id: str, message: str) -> str | None:
        """Show one card until it is answered or the user does something else.

        The screen is built as lines and handed to the pager, which scrolls a card taller than
        the terminal and redraws it when the terminal is resized.
        Returns QUIT, a message to show with the next card, or None.
        """
        card = self.companies.fill(lookups.card(self.store, card_id), self.clock())
        self.queue.shown.add(card_id)
        counts = self.counts()
        banner = self.countdown()
        target = self.schedulers.config.target_seconds("star" if card.back.get("star") else "outline")
        question_started = time.monotonic()
        revealed = False
        spoke = 0.0
        preview: dict[int, str] = {}
        offset = 0
        hint = ""

        def screen() -> pager.Screen:
            answer_side = None
            if revealed:  # your answer and the lapses are read again at every draw (`w` edits one)
                mine = self.personal.answer(card.id) if self.personal else None
                answer_side = Revealed(self.timer(spoke, target), mine, leech_lapses(self.store, card.id, self.limits.leech_threshold), preview)
            return card_screen(card, self.texts, self.term.width(), self.term.style, counts=counts,
                               message=message, banner=banner, revealed=answer_side, hint=hint)

        def draw() -> None:
            nonlocal offset
            shown = pager.view(screen(), self.term.height(), offset, self.term.style.dim(self.texts.scroll))
            offset = shown.offset
            self.term.clear()
            for line in shown.lines:
                self.term.line(line)

        def show_hint(text: str) -> None:
            """A one-line hint under the keys: replaced, never stacked, however often it comes."""
            nonlocal hint
            if self.term.interactive:
                hint = text
                draw()
            elif hint != text:
                hint = text
                self.term.line(text)

        draw()
        self.store.check_in_background()  # once a card is on screen; the first write waits for it
        from interview_srs.store import answers  # likewise: the first card is drawn without it
        message = ""  # shown once, not again when the answer is revealed
        while True:
            key = self._wait_key(question_started, revealed, target)
            if key == QUIT:
                self.queue.put_back()
                return QUIT
            if key == pager.RESIZE:
                draw()
            elif key in pager.SCROLL_KEYS:
                height = self.term.height()
                if height is not None:
                    offset = pager.scrolled(screen(), height, offset, key)
                    draw()
            elif key in (" ", "\n") and not revealed:
                revealed = True
                hint = ""
                spoke = time.monotonic() - question_started
                at = self.clock()
                intervals = self.schedulers.preview(card.id, card.deck, card.schedule, at)
                preview = {r: format_interval(i) for r, i in intervals.items()}
                draw()
            elif key in ("1", "2", "3", "4") and revealed:
                return self.answer(card, int(key), question_started)
            elif key in ("1", "2", "3", "4"):
                show_hint(self.texts.reveal_first)
            elif key == "u":
                try:
                    result = self.undo()
                except StoreBusy:
                    show_hint(self.texts.store_busy_later)
                    continue
                if result is not None:
                    return result
                show_hint(self.texts.nothing_to_undo)
            elif key == "s":
                until, _ = self.study_day.bounds(self.clock(), 1)
                try:
                    previous = answers.bury(self.store, card.id, until)
                except StoreBusy:
                    show_hint(self.texts.store_busy_later)
                    continue
                self.undo_stack.append(("bury", (card.id, previous, self.queue.current)))
                self.queue.current = None
                return self.texts.buried.format(question=render.shorten(card.question))
            elif key == "!":
                try:
                    answers.suspend(self.store, card.id)
                except StoreBusy:
                    show_hint(self.texts.store_busy_later)
                    continue
                self.header.refresh(card.id)
                self.undo_stack.append(("suspend", (card.id, None, self.queue.current)))
                self.queue.current = None
                return self.texts.suspended.format(question=render.shorten(card.question), card=card.id)
            elif key == "w":
                message = (write_own_answer(card, self.personal, self.term, self.texts, self.environ)
                           if self.personal is not None else "") or ""
                if not revealed:
                    revealed = True
                    spoke = time.monotonic() - question_started
                    intervals = self.schedulers.preview(card.id, card.deck, card.schedule, self.clock())
                    preview = {r: format_interval(i) for r, i in intervals.items()}
                draw()
            elif key == "e":
                problem = edit_card(card, self.term, self.texts, self.environ, self.store, self.sources, self.clock)
                if not self._still_there(card.id):
                    self.queue.current = None
                    return problem
                self.companies = InterviewCompanies(self.store, self.interviews)  # the file may name another
                card = self.companies.fill(lookups.card(self.store, card.id), self.clock())
                message = problem or ""
                draw()

    def countdown(self) -> str:
        """The header line counting down to the nearest interview (or the session's), or ""."""
        found = self.header.at(self.clock())
        return "" if found is None else countdown_line(*found, self.texts)

    def timer(self, seconds: float, target: int) -> str:
        return timer_line(seconds, target, self.texts, self.term.style)

    def _wait_key(self, started: float, revealed: bool, target: int) -> str:
        if not self.term.interactive:
            key = self.term.read_key()
            return QUIT if key is None else key
        while True:
            if not revealed:
                self.term.write("\r\x1b[K" + self.timer(time.monotonic() - started, target))
            key = self.term.read_key(timeout=1.0)
            if key is not None:
                if not revealed:
                    self.term.write("\r\x1b[K")
                return key

    def answer(self, card: StoredCard, rating: int, started: float) -> str | None:
        """Store the rating; while the store is busy, say so and keep retrying until it is
        stored or the user gives up (QUIT, after saying the answer was not saved)."""
        from interview_srs.store import answers  # imported once a card is on screen (see show)

        at = self.clock()
        duration = int((time.monotonic() - started) * 1000)
        answer = retry_while_busy(
            self.term,
            self.texts.store_busy,
            lambda: answers.record_answer(
                self.store,
                card.id,
                rating,
                at,
                duration,
                lambda before: self.schedulers.answer(card.id, card.deck, before, rating, at),
                session=self.id,
                expected=card.schedule,
            ),
            StoreBusy,
        )
        if answer is None:
            self.unsaved.append(card.id)
            self.queue.put_back()
            return QUIT
        self.answers.append(answer)
        self.header.refresh(card.id)
        self.undo_stack.append(("answer", answer))
        self.queue.current = None
        return self.texts.answered_elsewhere if answer.conflict else None

    def undo(self) -> str | None:
        """Undo the last answer, bury or suspend; the card comes back on screen, and the message
        says which was undone. None: nothing to undo."""
        from interview_srs.store import answers  # imported once a card is on screen (see show)

        if not self.undo_stack:
            return None
        kind, value = self.undo_stack[-1]  # popped once undone: a busy store keeps it for later
        done = {"answer": self.texts.undone_answer, "bury": self.texts.undone_bury,
                "suspend": self.texts.undone_suspend}[kind]
        if kind == "answer":
            answer: Answer = value  # type: ignore[assignment]
            try:
                answers.undo(self.store, answer, self.id)
            except StoreBusy:
                raise
            except StoreError as exc:
                self.undo_stack.pop()
                return str(exc)
            self.answers.remove(answer)
            card_id = answer.card_id
            reason = planner.NEW_REASON if answer.before.state == NEW else UNDONE
        else:
            card_id, previous, current = value  # type: ignore[misc]
            if kind == "bury":
                answers.bury(self.store, card_id, previous)
            else:
                answers.suspend(self.store, card_id, False)
            reason = current.reason if current else UNDONE
        self.undo_stack.pop()
        self.header.refresh(card_id)
        self.queue.put_back()
        self.queue.current = planner.Entry(card_id, reason, state_values(lookups.state(self.store, card_id)))
        return done.format(question=render.shorten(lookups.card(self.store, card_id).question))

    def _still_there(self, card_id: str) -> bool:
        return lookups.card(self.store, card_id).present


__all__ = ["UNDONE", "Session"]
