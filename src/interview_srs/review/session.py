"""The terminal review session: the key loop, the timer, undo, bury, edit, quit and the summary.

Order of cards: planner.py decides (learning cards due now, review cards due today, an upcoming
interview's final pass, bring-forward and introductions, new cards up to the daily limit, cards
ahead of time with `--ahead`, then learning cards due within the next 20 minutes, so learning
steps play out within the session). The plan is made once, when the session starts; an entry
whose card has changed since (answered in another session, say) is skipped.

Input: on a terminal, single key presses (no Enter needed) and a running timer on the question
(termios and select on Unix, msvcrt on Windows: winkeys.py). A card taller than the terminal is
shown through pager.py, and a resize (SIGWINCH) redraws it.
When standard input is not a terminal, one key per line: an empty line is Enter, a line with
only spaces (or the word `space`) is Space, otherwise the first character counts — so a whole
session can be driven from a file or a test.

Each answer is committed to the store before the next card is shown (see store/__init__.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from interview_srs.terminal import pager, render

from interview_srs.review import planner
from interview_srs.base.sanitize import printable
from interview_srs.terminal.screen import QUIT, Terminal, editor_command, format_duration, retry_while_busy
from interview_srs.schedule.scheduler import (
    LEARN_AHEAD,
    NEW,
    Schedulers,
    StudyDay,
    format_interval,
)
from interview_srs.bank.sources import CardSources
from interview_srs.store import answers, lookups, queries
from interview_srs.store.answers import Answer
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreBusy, StoreError, reading
from interview_srs.store.rows import CardFilter, StoredCard
from interview_srs.terminal.texts import Texts

if TYPE_CHECKING:  # imported by review() itself: importing this module (mock, edit_file) needs no personal.py
    from interview_srs.personal.answers import Personal

UNDONE = "undone"  # the reason shown for a card whose answer was taken back


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    cards: int | None = None  # at most this many different cards in the session
    deck_new: Callable[[str], int] | None = None  # a deck's own new-card limit (config), if any
    new_usually: int | None = None  # the daily limit without --new (for tomorrow's figure)
    leech_threshold: int = 8  # lapses from which the screen suggests reworking your answer
    ahead: bool = False  # --ahead: cards not due yet once the rest is done


@dataclass
class Summary:
    """What happened in a session (mutable while the session runs)."""

    answers: list[Answer] = field(default_factory=list)
    seconds: float = 0.0
    due_today: int = 0  # not new, due before the study day ends (learning steps included)
    new_today: int = 0  # new cards today's limit still allows
    due_tomorrow: int = 0  # falling due during tomorrow's study day
    new_tomorrow: int = 0
    new_in_bank: int = 0  # new cards never shown
    next_due: str = ""  # when nothing is left today: when the next card is due

    def ratings(self) -> dict[int, int]:
        counts = {1: 0, 2: 0, 3: 0, 4: 0}
        for answer in self.answers:
            counts[answer.rating] += 1
        return counts

    def lines(self, texts: Texts) -> list[str]:
        lines = [texts.summary_title]
        if self.answers:
            average = sum(a.duration_ms or 0 for a in self.answers) / len(self.answers) / 1000
            lines.append(
                texts.summary_reviewed.format(
                    count=len(self.answers),
                    time=format_duration(self.seconds),
                    average=format_duration(average),
                )
            )
            counts = self.ratings()
            lines.append(
                texts.summary_ratings
                + " "
                + " · ".join(f"{texts.ratings[r - 1]} {counts[r]}" for r in (1, 2, 3, 4))
            )
        else:
            lines.append(texts.summary_none)
        if self.due_today or self.new_today:
            lines.append(texts.summary_today.format(due=self.due_today, new=self.new_today))
        elif self.next_due:
            lines.append(texts.summary_next.format(when=self.next_due))
        lines.append(texts.summary_tomorrow.format(due=self.due_tomorrow, new=self.new_tomorrow))
        if self.new_in_bank:
            lines.append(texts.summary_bank.format(left=self.new_in_bank))
        return lines


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
        self.summary = Summary()
        self.unsaved: list[str] = []  # cards whose rating could not be stored (busy store)
        self.undo_stack: list[tuple[str, object]] = []
        self.shown: set[str] = set()
        self.interviews = interviews
        at = clock()
        self.day_start, self.day_end = study_day.bounds(at)
        self.pending = self._plan(at)
        self.current: planner.Entry | None = None

    # -- the queue -------------------------------------------------------------------------------

    def _plan(self, at: datetime) -> list[planner.Entry]:
        config = self.schedulers.config
        rules = planner.Rules(
            new_per_day=self.limits.new_per_day,
            final_pass_days=config.final_pass_days,
            target_of=lambda deck: config.for_deck(deck).interview_target,
            deck_new_of=self.limits.deck_new or (lambda deck: None),
            params_of=lambda deck: config.for_deck(deck).parameters,
        )
        coming = planner.upcoming(self.interviews, at)
        cards = queries.plan_cards(
            self.store, self.filt, at, self.day_end,
            interview_decks=frozenset().union(*(i.decks for i in coming)),
            new_limit=self.limits.new_per_day, ahead=self.limits.ahead,
        )
        return planner.plan(
            cards,
            self.interviews,
            rules,
            at,
            self.study_day,
            queries.introduced_since(self.store, self.day_start),
            lambda card, when: self.schedulers.answer(card.id, card.deck, card.state, 3, when),
            ahead=self.limits.ahead,
            early_today=queries.answered_early_since(self.store, self.day_start) if coming else frozenset(),
            introduced_per_deck=queries.introduced_per_deck(self.store, self.day_start) if self.limits.deck_new else None,
        )

    def _allowed(self, card_id: str) -> bool:
        return (
            self.limits.cards is None
            or card_id in self.shown
            or len(self.shown) < self.limits.cards
        )

    def _servable(self, entry: planner.Entry) -> bool:
        """The card can be shown for this entry: still there, not suspended or buried, and
        unchanged since the entry was made."""
        if not self._allowed(entry.card_id):
            return False
        card = lookups.card(self.store, entry.card_id)
        return (
            card.present
            and not card.suspended
            and (card.buried_until is None or card.buried_until <= self.clock())
            and card.schedule == entry.state
        )

    def new_remaining(self) -> int:
        return max(0, self.limits.new_per_day - len(queries.introduced_since(self.store, self.day_start)))

    def next_card(self) -> planner.Entry | None:
        at = self.clock()
        learning = queries.learning_cards(self.store, self.filt, at, at + LEARN_AHEAD)
        entry, self.pending = planner.choose(learning, self.pending, at, self._servable)
        return entry

    def _put_back(self) -> None:
        """The card on screen was not answered: it goes back to the front of the queue."""
        if self.current is not None and self.current.reason != planner.LEARNING_REASON:
            self.pending.insert(0, self.current)
        self.current = None

    def counts(self) -> str:
        at = self.clock()
        learning = len(queries.learning_cards(self.store, self.filt, at, at + LEARN_AHEAD))
        planned = self.pending + ([self.current] if self.current else [])
        new = sum(1 for e in planned if e.reason in planner.NEW_REASONS)
        due = sum(1 for e in planned if e.reason not in planner.NEW_REASONS + (planner.LEARNING_REASON,))
        return self.texts.counts.format(due=due, learning=learning, new=new)

    # -- the loop --------------------------------------------------------------------------------

    def run(self) -> Summary:
        started = time.monotonic()
        message = ""
        try:
            with self.term.keys():
                while True:
                    if self.current is None:
                        self.current = self.next_card()
                    if self.current is None:
                        self.term.clear()
                        if message:
                            self.term.line(printable(message))
                        self.term.line(self.texts.finished if self.summary.answers else self.texts.no_cards)
                        break
                    outcome = self.show(self.current.card_id, message)
                    message = ""
                    if outcome == QUIT:
                        break
                    if isinstance(outcome, str):
                        message = outcome
        except KeyboardInterrupt:
            self.term.line()
        self.summary.seconds = time.monotonic() - started
        self._count_what_is_left(self.clock())
        self.term.line()
        for card_id in self.unsaved:
            self.term.line(printable(self.texts.not_saved.format(card=card_id)))
        for line in self.summary.lines(self.texts):
            self.term.line(line)
        return self.summary

    def _count_what_is_left(self, at: datetime) -> None:
        """The quit summary's figures. Today's cards include learning cards due later today;
        tomorrow's are those falling due during tomorrow, with the usual new-card limit (not
        today's --new)."""
        _start, day_end = self.study_day.bounds(at)
        _start, tomorrow_end = self.study_day.bounds(at, 1)
        summary = self.summary
        summary.due_today = lookups.due_count(self.store, self.filt, day_end)
        summary.new_in_bank = lookups.new_left(self.store, self.filt, at)
        summary.new_today = min(summary.new_in_bank, self.new_remaining())
        summary.due_tomorrow = lookups.due_between(self.store, self.filt, day_end, tomorrow_end)
        usual = self.limits.new_per_day if self.limits.new_usually is None else self.limits.new_usually
        summary.new_tomorrow = min(usual, summary.new_in_bank)
        if not summary.due_today and not summary.new_today:
            upcoming = lookups.next_due(self.store, self.filt, at)
            if upcoming is not None:
                local = upcoming.astimezone(self.study_day.zone) if self.study_day.zone else upcoming.astimezone()
                summary.next_due = f"{local:%Y-%m-%d %H:%M} (in {format_interval(upcoming - at)})"

    def show(self, card_id: str, message: str) -> str | None:
        """Show one card until it is answered or the user does something else.

        The screen is built as lines and handed to the pager, which scrolls a card taller than
        the terminal and redraws it when the terminal is resized.
        Returns QUIT, a message to show with the next card, or None.
        """
        card = lookups.card(self.store, card_id)
        self.shown.add(card_id)
        counts = self.counts()
        banner = self.countdown(card)
        target = self.schedulers.config.target_seconds("star" if card.back.get("star") else "outline")
        question_started = time.monotonic()
        revealed = False
        spoke = 0.0
        preview: dict[int, str] = {}
        offset = 0
        hint = ""

        def screen() -> pager.Screen:
            width = self.term.width()
            style = self.term.style
            top, body = pager.split_header(
                render.question_lines(card, self.texts, width, style, counts)
            )
            top = (printable(message).split("\n") if message else []) + ([style.bold(banner)] if banner else []) + top
            bottom = [""]
            if revealed:
                body += ["", self.timer(spoke, target)]
                mine = self.personal.answer(card.id) if self.personal else None
                body += render.own_answer_lines(mine, card.id, card.question, self.texts, width, style)
                body += render.answer_lines(card, self.texts, width, style)
                body += self._leech_lines(card, width)
                bottom += [render.ratings_line(preview, self.texts, style), style.dim(self.texts.answer_keys)]
            else:
                bottom.append(style.dim(self.texts.question_keys))
            if hint:
                bottom.append(hint)
            return pager.Screen(tuple(top), tuple(body), tuple(bottom))

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
        message = ""  # shown once, not again when the answer is revealed
        while True:
            key = self._wait_key(question_started, revealed, target)
            if key == QUIT:
                self._put_back()
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
                self.undo_stack.append(("bury", (card.id, previous, self.current)))
                self.current = None
                return self.texts.buried.format(question=render.shorten(card.question))
            elif key == "!":
                try:
                    answers.suspend(self.store, card.id)
                except StoreBusy:
                    show_hint(self.texts.store_busy_later)
                    continue
                self.undo_stack.append(("suspend", (card.id, None, self.current)))
                self.current = None
                return self.texts.suspended.format(question=render.shorten(card.question), card=card.id)
            elif key == "w":
                message = self.write_answer(card) or ""
                if not revealed:
                    revealed = True
                    spoke = time.monotonic() - question_started
                    intervals = self.schedulers.preview(card.id, card.deck, card.schedule, self.clock())
                    preview = {r: format_interval(i) for r, i in intervals.items()}
                draw()
            elif key == "e":
                problem = self.edit(card)
                if not self._still_there(card.id):
                    self.current = None
                    return problem
                card = lookups.card(self.store, card.id)
                message = problem or ""
                draw()

    def _leech_lines(self, card: StoredCard, width: int) -> list[str]:
        """A leech (forgotten `leech_threshold` times or more) suggests reworking your answer."""
        from interview_srs.store.lookups import lapses

        count = lapses(self.store, card.id)
        if count < self.limits.leech_threshold:
            return []
        text = self.texts.leech.format(lapses=count, card=card.id)
        return [""] + [self.term.style.bold(line) for line in render.wrap(text, width)]

    def countdown(self, card: StoredCard) -> str:
        """The header line counting down to the card's interview (else the next one), or ""."""
        if not self.interviews:
            return ""
        from interview_srs.review.interviews import countdown

        config = self.schedulers.config
        found = countdown(self.store, self.interviews, card.deck, self.clock(), self.study_day.zone,
                          lambda deck: config.for_deck(deck).parameters)
        if found is None:
            return ""
        name, days, readiness = found
        text = (
            self.texts.countdown_today if days <= 0
            else self.texts.countdown_tomorrow if days == 1
            else self.texts.countdown
        )
        return text.format(name=render.clean(name), days=days, readiness=f"{readiness:.0%}")

    def timer(self, seconds: float, target: int) -> str:
        """Time spent answering against the card type's target; the overrun marked."""
        spent, goal = format_duration(seconds), format_duration(target)
        if seconds <= target:
            return self.term.style.dim(self.texts.answer_time.format(time=spent, target=goal))
        over = format_duration(seconds - target)
        return self.term.style.rating(1, self.texts.answer_overrun.format(time=spent, target=goal, over=over))

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
            self._put_back()
            return QUIT
        self.summary.answers.append(answer)
        self.undo_stack.append(("answer", answer))
        self.current = None
        return self.texts.answered_elsewhere if answer.conflict else None

    def undo(self) -> str | None:
        """Undo the last answer, bury or suspend; the card comes back on screen, and the message
        says which was undone. None: nothing to undo."""
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
            self.summary.answers.remove(answer)
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
        self._put_back()
        self.current = planner.Entry(card_id, reason, lookups.state(self.store, card_id))
        return done.format(question=render.shorten(lookups.card(self.store, card_id).question))

    def edit(self, card: StoredCard) -> str | None:
        """Open the card in $VISUAL/$EDITOR, then re-read the cards; a message if something is off."""
        editor = self.environ.get("VISUAL") or self.environ.get("EDITOR")
        place = f"{card.file}:{card.line}"
        if not editor:
            return self.texts.no_editor.format(place=place)
        try:
            command = editor_command(editor, card.file, card.line)
        except ValueError as exc:  # shlex: an unclosed quote or a trailing backslash
            return f"cannot run $EDITOR ({editor}): {exc}"
        with self.term.cooked():
            try:
                subprocess.run(command, check=False)
            except OSError as exc:
                return f"{editor}: {exc.strerror or exc}"
        from interview_srs.base.problems import CardsError
        from interview_srs.store.home import sync_cards

        try:
            sync_cards(self.store, self.sources, self.clock())
        except CardsError as exc:
            return "\n".join([self.texts.edit_problems, *(str(p) for p in exc.problems)])
        return None

    def write_answer(self, card: StoredCard) -> str | None:
        """`w`: open your own answer to the card (pre-filled the first time) in the editor."""
        if self.personal is None:
            return None
        from interview_srs.personal.answers import PersonalError
        from interview_srs.terminal.screen import NoEditor, edit_file

        try:
            path, _created = self.personal.create_answer(card.id, card.question, card.back)
            with self.term.cooked():
                return edit_file(path, self.environ)
        except NoEditor:
            return self.texts.no_editor_answer.format(path=path)
        except (OSError, PersonalError) as exc:
            return str(exc)

    def _still_there(self, card_id: str) -> bool:
        return lookups.card(self.store, card_id).present


def review(
    cards_dir: Path | None,
    store_path: Path | None,
    *,
    deck: str | None = None,
    tag: str | None = None,
    new: int | None = None,
    limit: int | None = None,
    ahead: bool = False,
    answers_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: dict | None = None,
) -> Summary:
    """`srs review`: open the store, sync the cards, run a session, print the summary.

    Raises ConfigError, StoreError, ClockError or cards.CardsError before the session starts.
    """
    from interview_srs.store.home import card_filter, open_home
    from interview_srs.review.interviews import load_interviews
    from interview_srs.personal.answers import Personal
    from interview_srs.schedule.scheduler import now
    from interview_srs.terminal.texts import texts_for

    environ = os.environ if environ is None else environ
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if stdin is None or stdout is None:
        raise StoreError("standard input or output is closed; srs review needs a terminal, or keys from a file")
    clock = lambda: now(environ)  # noqa: E731 - the clock is re-read for every answer
    home = open_home(store_path, cards_dir, clock(), environ, will_write=True)
    try:
        with reading(home.store.path):
            filt = card_filter(home.store, deck, tag)
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
                ),
                environ,
                Personal(answers_dir or home.store.path.parent),
                load_interviews(home.store),
            )
            return session.run()
    finally:
        home.store.close()


__all__ = ["Limits", "Session", "Summary", "Terminal", "editor_command", "format_duration", "review"]
