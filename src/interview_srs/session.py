"""The terminal review session: the key loop, the timer, undo, bury, edit, quit and the summary.

Order of cards: planner.py decides (learning cards due now, review cards due today, an upcoming
interview's final pass, bring-forward and introductions, new cards up to the daily limit, cards
ahead of time with `--ahead`, then learning cards due within the next 20 minutes, so learning
steps play out within the session). The plan is made once, when the session starts; an entry
whose card has changed since (answered in another session, say) is skipped.

Input: on a terminal, single key presses (no Enter needed) and a running timer on the question.
When standard input is not a terminal, one key per line: an empty line is Enter, a line with
only spaces (or the word `space`) is Space, otherwise the first character counts — so a whole
session can be driven from a file or a test.

Each answer is committed to the store before the next card is shown (see store.py).
"""

from __future__ import annotations

import os
import select
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from interview_srs import planner, render
from interview_srs.scheduler import (
    LEARN_AHEAD,
    NEW,
    Schedulers,
    StudyDay,
    format_interval,
)
from interview_srs.store import Answer, CardFilter, Store, StoreError, StoredCard
from interview_srs.store import queries
from interview_srs.texts import Texts

if TYPE_CHECKING:  # imported by review() itself: importing this module (mock, edit_file) needs no personal.py
    from interview_srs.personal import Personal

MAX_WIDTH = 100
QUIT = "q"
UNDONE = "undone"  # the reason shown for a card whose answer was taken back


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    cards: int | None = None  # at most this many different cards in the session
    ahead: bool = False  # --ahead: cards not due yet once the rest is done


@dataclass
class Summary:
    """What happened in a session (mutable while the session runs)."""

    answers: list[Answer] = field(default_factory=list)
    seconds: float = 0.0
    due_tomorrow: int = 0
    new_tomorrow: int = 0

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
        lines.append(texts.summary_tomorrow.format(due=self.due_tomorrow, new=self.new_tomorrow))
        return lines


def format_duration(seconds: float) -> str:
    """"0:42", "3:05", "1:02:03"."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Terminal:
    """Keys in, text out. Interactive (a tty: raw keys) or scripted (one key per line)."""

    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = _isatty(stdin)
        self.styled = _isatty(stdout) and os.environ.get("NO_COLOR", "") == ""
        self.style = render.Style(self.styled)
        self._saved = None

    def width(self) -> int:
        columns = shutil.get_terminal_size((80, 24)).columns if _isatty(self.stdout) else 80
        return max(20, min(columns - 1, MAX_WIDTH))

    def write(self, text: str = "") -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def clear(self) -> None:
        if self.styled:
            self.write("\x1b[H\x1b[2J")
        else:
            self.line()

    @contextmanager
    def keys(self):
        """Raw key mode for the duration of the block (on a terminal)."""
        if not self.interactive:
            yield
            return
        import termios
        import tty

        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @contextmanager
    def cooked(self):
        """Normal terminal mode (for running an editor) inside a `keys` block."""
        if not self.interactive:
            yield
            return
        import termios

        fd = self.stdin.fileno()
        raw = termios.tcgetattr(fd)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, raw)

    def read_key(self, timeout: float | None = None) -> str | None:
        """One key: " ", "\\n", a character, QUIT at end of input; None when `timeout` passes."""
        if not self.interactive:
            line = self.stdin.readline()
            if line == "":
                return QUIT
            line = line.rstrip("\r\n")
            word = line.strip().lower()
            if line == "" or word in ("enter", "return"):
                return "\n"
            if word in ("", "space"):
                return " "
            return word[0]
        fd = self.stdin.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(fd, 32)
        if data in (b"", b"\x04"):
            return QUIT
        if data == b"\x03":
            raise KeyboardInterrupt
        if data in (b"\r", b"\n", b"\r\n"):
            return "\n"
        if data.startswith(b"\x1b"):
            return "\x1b"
        return data[:1].decode("ascii", "replace")


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def editor_command(editor: str, path: str, line: int) -> list[str]:
    """The command that opens `path` at `line` in `editor` ($VISUAL / $EDITOR)."""
    words = shlex.split(editor)
    name = Path(words[0]).name if words else ""
    if name in ("code", "code-insiders", "codium", "cursor"):
        return words + ["--goto", f"{path}:{line}"]
    if name in ("subl", "zed", "hx", "helix"):
        return words + [f"{path}:{line}"]
    return words + [f"+{line}", path]  # vi, vim, nvim, nano, emacs, micro, kak, ...


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
        cards_dir: Path,
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
        self.cards_dir = cards_dir
        self.filt = filt
        self.limits = limits
        self.environ = os.environ if environ is None else environ
        self.id = uuid.uuid4().hex
        self.summary = Summary()
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
        card = self.store.card(entry.card_id)
        return (
            card.present
            and not card.suspended
            and (card.buried_until is None or card.buried_until <= self.clock())
            and card.schedule == entry.state
        )

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
                            self.term.line(message)
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
        at = self.clock()
        _start, tomorrow_end = self.study_day.bounds(at, 1)
        self.summary.due_tomorrow = self.store.due_count(self.filt, at, tomorrow_end)
        self.summary.new_tomorrow = len(self.store.new_ids(self.filt, tomorrow_end, self.limits.new_per_day))
        self.term.line()
        for line in self.summary.lines(self.texts):
            self.term.line(line)
        return self.summary

    def show(self, card_id: str, message: str) -> str | None:
        """Show one card until it is answered or the user does something else.

        Returns QUIT, a message to show with the next card, or None.
        """
        card = self.store.card(card_id)
        self.shown.add(card_id)
        counts = self.counts()
        banner = self.countdown(card)
        target = self.schedulers.config.target_seconds("star" if card.back.get("star") else "outline")
        width = self.term.width()
        question_started = time.monotonic()
        revealed = False
        spoke = 0.0
        preview: dict[int, str] = {}

        def draw() -> None:
            self.term.clear()
            if message:
                self.term.line(message)
            if banner:
                self.term.line(self.term.style.bold(banner))
            for line in render.question_lines(card, self.texts, width, self.term.style, counts):
                self.term.line(line)
            if revealed:
                self.term.line()
                self.term.line(self.timer(spoke, target))
                mine = self.personal.answer(card.id) if self.personal else None
                for line in render.own_answer_lines(mine, card.id, card.question, self.texts, width, self.term.style):
                    self.term.line(line)
                for line in render.answer_lines(card, self.texts, width, self.term.style):
                    self.term.line(line)
                self.term.line()
                self.term.line(render.ratings_line(preview, self.texts, self.term.style))
                self.term.line(self.term.style.dim(self.texts.answer_keys))
            else:
                self.term.line()
                self.term.line(self.term.style.dim(self.texts.question_keys))

        draw()
        message = ""  # shown once, not again when the answer is revealed
        while True:
            key = self._wait_key(question_started, revealed, target)
            if key == QUIT:
                self._put_back()
                return QUIT
            if key in (" ", "\n") and not revealed:
                revealed = True
                spoke = time.monotonic() - question_started
                at = self.clock()
                intervals = self.schedulers.preview(card.id, card.deck, card.schedule, at)
                preview = {r: format_interval(i) for r, i in intervals.items()}
                draw()
            elif key in ("1", "2", "3", "4") and revealed:
                return self.answer(card, int(key), question_started)
            elif key in ("1", "2", "3", "4"):
                self.term.line(self.term.style.dim(self.texts.question_keys))
            elif key == "u":
                result = self.undo()
                if result is not None:
                    return result
                self.term.line(self.texts.nothing_to_undo)
            elif key == "s":
                until, _ = self.study_day.bounds(self.clock(), 1)
                previous = self.store.bury(card.id, until)
                self.undo_stack.append(("bury", (card.id, previous, self.current)))
                self.current = None
                return self.texts.buried.format(card=card.id)
            elif key == "w":
                message = self.write_answer(card) or ""
                if not revealed:
                    revealed = True
                    intervals = self.schedulers.preview(card.id, card.deck, card.schedule, self.clock())
                    preview = {r: format_interval(i) for r, i in intervals.items()}
                draw()
            elif key == "e":
                problem = self.edit(card)
                if not self._still_there(card.id):
                    self.current = None
                    return problem
                card = self.store.card(card.id)
                message = problem or ""
                draw()

    def countdown(self, card: StoredCard) -> str:
        """The header line counting down to the card's interview (else the next one), or ""."""
        if not self.interviews:
            return ""
        from interview_srs.interviews import countdown

        found = countdown(self.store, self.interviews, card.deck, self.clock(), self.study_day.zone)
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
        at = self.clock()
        duration = int((time.monotonic() - started) * 1000)
        answer = self.store.record_answer(
            card.id,
            rating,
            at,
            duration,
            lambda before: self.schedulers.answer(card.id, card.deck, before, rating, at),
            session=self.id,
            expected=card.schedule,
        )
        self.summary.answers.append(answer)
        self.undo_stack.append(("answer", answer))
        self.current = None
        return self.texts.answered_elsewhere if answer.conflict else None

    def undo(self) -> str | None:
        """Undo the last answer or bury; the card comes back on screen. None: nothing to undo."""
        if not self.undo_stack:
            return None
        kind, value = self.undo_stack.pop()
        if kind == "answer":
            answer: Answer = value  # type: ignore[assignment]
            try:
                self.store.undo(answer, self.id)
            except StoreError as exc:
                return str(exc)
            self.summary.answers.remove(answer)
            card_id = answer.card_id
            reason = planner.NEW_REASON if answer.before.state == NEW else UNDONE
        else:
            card_id, previous, current = value  # type: ignore[misc]
            self.store.bury(card_id, previous)
            reason = current.reason if current else UNDONE
        self._put_back()
        self.current = planner.Entry(card_id, reason, self.store.state(card_id))
        return self.texts.undone.format(card=card_id)

    def edit(self, card: StoredCard) -> str | None:
        """Open the card in $VISUAL/$EDITOR, then re-read the cards; a message if something is off."""
        editor = self.environ.get("VISUAL") or self.environ.get("EDITOR")
        place = f"{card.file}:{card.line}"
        if not editor:
            return self.texts.no_editor.format(place=place)
        with self.term.cooked():
            try:
                subprocess.run(editor_command(editor, card.file, card.line), check=False)
            except OSError as exc:
                return f"{editor}: {exc.strerror or exc}"
        from interview_srs.cards import CardsError

        try:
            self.store.sync(self.cards_dir, self.clock())
        except CardsError as exc:
            return "\n".join([self.texts.edit_problems, *(str(p) for p in exc.problems)])
        return None

    def write_answer(self, card: StoredCard) -> str | None:
        """`w`: open your own answer to the card (pre-filled the first time) in the editor."""
        if self.personal is None:
            return None
        from interview_srs.personal import NoEditor, PersonalError, edit_file

        try:
            path, _created = self.personal.create_answer(card.id, card.question, card.back)
            with self.term.cooked():
                return edit_file(path, self.environ)
        except NoEditor:
            return self.texts.no_editor_answer.format(path=path)
        except (OSError, PersonalError) as exc:
            return str(exc)

    def _still_there(self, card_id: str) -> bool:
        return self.store.card(card_id).present


def review(
    cards_dir: Path,
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
    from interview_srs.home import card_filter, open_home
    from interview_srs.interviews import load_interviews
    from interview_srs.personal import Personal
    from interview_srs.scheduler import now
    from interview_srs.texts import texts_for

    environ = os.environ if environ is None else environ
    clock = lambda: now(environ)  # noqa: E731 - the clock is re-read for every answer
    home = open_home(store_path, cards_dir, clock(), environ)
    try:
        filt = card_filter(home.store, deck, tag)
        session = Session(
            home.store,
            Schedulers(home.config),
            texts_for(environ),
            Terminal(stdin or sys.stdin, stdout or sys.stdout),
            clock,
            home.study_day,
            cards_dir,
            filt,
            Limits(home.config.new_per_day if new is None else new, limit, ahead),
            environ,
            Personal(answers_dir or home.store.path.parent),
            load_interviews(home.store),
        )
        return session.run()
    finally:
        home.store.close()


__all__ = ["Limits", "Session", "Summary", "Terminal", "editor_command", "format_duration", "review"]
