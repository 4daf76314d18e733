"""The terminal review session: the key loop, the timer, undo, bury, edit, quit and the summary.

Order of cards: learning cards that are due now, then review cards due today (lowest
retrievability first), then new cards up to the daily limit, then learning cards due within
the next 20 minutes (Anki's learn-ahead), so learning steps play out within the session.

Input: on a terminal, single key presses (no Enter needed) and a running timer on the question
(termios and select on Unix, msvcrt on Windows: winkeys.py). A card taller than the terminal is
shown through pager.py, and a resize (SIGWINCH) redraws it.
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

from interview_srs import pager, render
from interview_srs.scheduler import (
    LEARN_AHEAD,
    NEW,
    REVIEW,
    Schedulers,
    StudyDay,
    format_interval,
    to_ms,
)
from interview_srs.sources import CardSources
from interview_srs.store import Answer, CardFilter, Store, StoreError, StoredCard
from interview_srs.texts import Texts

if TYPE_CHECKING:  # imported by review() itself: importing this module (mock, edit_file) needs no personal.py
    from interview_srs.personal import Personal

MAX_WIDTH = 100
QUIT = "q"


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    cards: int | None = None  # at most this many different cards in the session
    deck_new: Callable[[str], int] | None = None  # a deck's own new-card limit (config), if any
    new_usually: int | None = None  # the daily limit without --new (for tomorrow's figure)
    leech_threshold: int = 8  # lapses from which the screen suggests reworking your answer


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
        self._resized: int | None = None  # see resize_signals
        self.windows = os.name == "nt"  # no termios, select() or SIGWINCH: see winkeys.py
        self.drawn_size: tuple[int, int] | None = None

    def width(self) -> int:
        columns = shutil.get_terminal_size((80, 24)).columns if _isatty(self.stdout) else 80
        return max(20, min(columns - 1, MAX_WIDTH))

    def height(self) -> int | None:
        """Lines a screen may use on a terminal (one is left for the timer); None when the
        output is not a terminal, which never scrolls."""
        if not (self.interactive and _isatty(self.stdout)):
            return None
        return max(5, shutil.get_terminal_size((80, 24)).lines - 1)

    def write(self, text: str = "") -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def clear(self) -> None:
        self.drawn_size = tuple(shutil.get_terminal_size((80, 24)))  # Windows notices resizes by it
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
        if self.windows:  # msvcrt reads single keys without echo as it is
            from interview_srs import winkeys

            if self.styled:
                winkeys.enable_ansi()
            yield
            return
        import termios
        import tty

        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        with resize_signals() as self._resized:
            try:
                tty.setcbreak(fd)
                yield
            finally:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    @contextmanager
    def cooked(self):
        """Normal terminal mode (for running an editor) inside a `keys` block."""
        if not self.interactive or self.windows:
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
        """One key: " ", "\\n", a character, a scroll key (pager.UP, ...), QUIT at end of input,
        pager.RESIZE when the terminal was resized; None when `timeout` passes."""
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
        if self.windows:
            from interview_srs import winkeys

            return winkeys.read_key(timeout, self.drawn_size)
        fd = self.stdin.fileno()
        wake = [self._resized] if self._resized is not None else []
        ready, _, _ = select.select([fd, *wake], [], [], timeout)
        if not ready:
            return None
        if fd not in ready:
            _drain(self._resized)
            return pager.RESIZE
        data = os.read(fd, 32)
        if data in (b"", b"\x04"):
            return QUIT
        if data == b"\x03":
            raise KeyboardInterrupt
        if data in (b"\r", b"\n", b"\r\n"):
            return "\n"
        if data.startswith(b"\x1b"):
            return _ESCAPE_KEYS.get(data, "\x1b")
        return data[:1].decode("ascii", "replace")


_ESCAPE_KEYS = {
    b"\x1b[A": pager.UP, b"\x1bOA": pager.UP, b"\x1b[B": pager.DOWN, b"\x1bOB": pager.DOWN,
    b"\x1b[5~": pager.PAGE_UP, b"\x1b[6~": pager.PAGE_DOWN,
}


@contextmanager
def resize_signals():
    """A file descriptor that becomes readable when the terminal is resized (SIGWINCH), so the
    key loop wakes up and redraws at once; None where there is no SIGWINCH."""
    import signal

    if not hasattr(signal, "SIGWINCH"):
        yield None
        return
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)

    def on_resize(_signum, _frame):
        try:
            os.write(write_end, b"w")
        except BlockingIOError:  # already signalled and not yet read
            pass

    previous = signal.signal(signal.SIGWINCH, on_resize)
    try:
        yield read_end
    finally:
        signal.signal(signal.SIGWINCH, previous)
        os.close(read_end)
        os.close(write_end)


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 64):
            pass
    except BlockingIOError:
        pass


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
        sources: CardSources,
        filt: CardFilter = CardFilter(),
        limits: Limits = Limits(),
        environ: dict | None = None,
        personal: Personal | None = None,
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
        self.undo_stack: list[tuple[str, object]] = []
        self.shown: set[str] = set()
        at = clock()
        self.day_start, self.day_end = study_day.bounds(at)
        self.reviews = store.due_review_ids(filt, at, self.day_end)
        self.news = store.new_ids(filt, at, limits.new_per_day)
        self.current: tuple[str, str] | None = None  # (card id, which queue it came from)

    # -- the queue -------------------------------------------------------------------------------

    def _allowed(self, card_id: str) -> bool:
        return (
            self.limits.cards is None
            or card_id in self.shown
            or len(self.shown) < self.limits.cards
        )

    def _usable(self, card: StoredCard, at: datetime) -> bool:
        return (
            card.present
            and not card.suspended
            and (card.buried_until is None or card.buried_until <= at)
        )

    def _deck_allows_new(self, deck: str) -> bool:
        """A deck with its own `new_per_day` introduces at most that many new cards a day."""
        if self.limits.deck_new is None:
            return True
        from interview_srs.store.lookups import new_introduced_in

        return new_introduced_in(self.store, deck, self.day_start) < self.limits.deck_new(deck)

    def new_remaining(self) -> int:
        return max(0, self.limits.new_per_day - self.store.new_introduced(self.day_start))

    def next_card(self) -> tuple[str, str] | None:
        at = self.clock()
        learning = self.store.learning_ids(self.filt, at, at + LEARN_AHEAD)
        now_ms = to_ms(at)
        for card_id, due in learning:
            if due <= now_ms and self._allowed(card_id):
                return card_id, "learning"
        while self.reviews:
            card_id = self.reviews.pop(0)
            card = self.store.card(card_id)
            if (
                card.schedule.state == REVIEW
                and card.schedule.due < self.day_end
                and self._usable(card, at)
                and self._allowed(card_id)
            ):
                return card_id, "review"
        while self.news and self.new_remaining() > 0:
            card_id = self.news.pop(0)
            card = self.store.card(card_id)
            if (
                card.schedule.state == NEW
                and self._usable(card, at)
                and self._allowed(card_id)
                and self._deck_allows_new(card.deck)
            ):
                return card_id, "new"
        for card_id, _due in learning:
            if self._allowed(card_id):
                return card_id, "learning"
        return None

    def _put_back(self) -> None:
        """The card on screen was not answered: it goes back to the front of its queue."""
        if self.current is None:
            return
        card_id, queue = self.current
        if queue == "review":
            self.reviews.insert(0, card_id)
        elif queue == "new":
            self.news.insert(0, card_id)
        self.current = None

    def counts(self) -> str:
        at = self.clock()
        learning = len(self.store.learning_ids(self.filt, at, at + LEARN_AHEAD))
        due = len(self.reviews) + (1 if self.current and self.current[1] == "review" else 0)
        new = min(len(self.news) + (1 if self.current and self.current[1] == "new" else 0),
                  self.new_remaining())
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
                    outcome = self.show(self.current[0], message)
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
        for line in self.summary.lines(self.texts):
            self.term.line(line)
        return self.summary

    def _count_what_is_left(self, at: datetime) -> None:
        """The quit summary's figures. Today's cards include learning cards due later today;
        tomorrow's are those falling due during tomorrow, with the usual new-card limit (not
        today's --new)."""
        from interview_srs.store import lookups

        _start, day_end = self.study_day.bounds(at)
        _start, tomorrow_end = self.study_day.bounds(at, 1)
        summary = self.summary
        summary.due_today = self.store.due_count(self.filt, at, day_end)
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
        card = self.store.card(card_id)
        self.shown.add(card_id)
        counts = self.counts()
        question_started = time.monotonic()
        revealed = False
        preview: dict[int, str] = {}
        offset = 0
        hint = ""

        def screen() -> pager.Screen:
            width = self.term.width()
            style = self.term.style
            top, body = pager.split_header(
                render.question_lines(card, self.texts, width, style, counts)
            )
            top = (message.split("\n") if message else []) + top
            bottom = [""]
            if revealed:
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
            key = self._wait_key(question_started, revealed)
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
                at = self.clock()
                intervals = self.schedulers.preview(card.id, card.deck, card.schedule, at)
                preview = {r: format_interval(i) for r, i in intervals.items()}
                draw()
            elif key in ("1", "2", "3", "4") and revealed:
                return self.answer(card, int(key), question_started)
            elif key in ("1", "2", "3", "4"):
                show_hint(self.texts.reveal_first)
            elif key == "u":
                result = self.undo()
                if result is not None:
                    return result
                show_hint(self.texts.nothing_to_undo)
            elif key == "s":
                until, _ = self.study_day.bounds(self.clock(), 1)
                previous = self.store.bury(card.id, until)
                self.undo_stack.append(("bury", (card.id, previous, self.current)))
                self.current = None
                return self.texts.buried.format(question=render.shorten(card.question))
            elif key == "!":
                self.store.suspend(card.id)
                self.undo_stack.append(("suspend", (card.id, None, self.current)))
                self.current = None
                return self.texts.suspended.format(question=render.shorten(card.question), card=card.id)
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

    def _leech_lines(self, card: StoredCard, width: int) -> list[str]:
        """A leech (forgotten `leech_threshold` times or more) suggests reworking your answer."""
        from interview_srs.store.lookups import lapses

        count = lapses(self.store, card.id)
        if count < self.limits.leech_threshold:
            return []
        text = self.texts.leech.format(lapses=count, card=card.id)
        return [""] + [self.term.style.bold(line) for line in render.wrap(text, width)]

    def _wait_key(self, started: float, revealed: bool) -> str:
        if not self.term.interactive:
            key = self.term.read_key()
            return QUIT if key is None else key
        while True:
            if not revealed:
                elapsed = format_duration(time.monotonic() - started)
                self.term.write(f"\r\x1b[K⏱ {elapsed}")
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
        """Undo the last answer, bury or suspend; the card comes back on screen, and the message
        says which was undone. None: nothing to undo."""
        if not self.undo_stack:
            return None
        kind, value = self.undo_stack.pop()
        done = {"answer": self.texts.undone_answer, "bury": self.texts.undone_bury,
                "suspend": self.texts.undone_suspend}[kind]
        if kind == "answer":
            answer: Answer = value  # type: ignore[assignment]
            try:
                self.store.undo(answer, self.id)
            except StoreError as exc:
                return str(exc)
            self.summary.answers.remove(answer)
            card_id = answer.card_id
            queue = "new" if answer.before.state == NEW else "review"
        else:
            card_id, previous, current = value  # type: ignore[misc]
            if kind == "bury":
                self.store.bury(card_id, previous)
            else:
                self.store.suspend(card_id, False)
            queue = current[1] if current else "review"
        self._put_back()
        self.current = (card_id, queue if queue != "review" else "undo")
        return done.format(question=render.shorten(self.store.card(card_id).question))

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
        from interview_srs.home import sync_cards

        try:
            sync_cards(self.store, self.sources, self.clock())
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
    cards_dir: Path | None,
    store_path: Path | None,
    *,
    deck: str | None = None,
    tag: str | None = None,
    new: int | None = None,
    limit: int | None = None,
    answers_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    environ: dict | None = None,
) -> Summary:
    """`srs review`: open the store, sync the cards, run a session, print the summary.

    Raises ConfigError, StoreError, ClockError or cards.CardsError before the session starts.
    """
    from interview_srs.home import card_filter, open_home
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
            StudyDay(home.config.day_starts_at),
            home.sources,
            filt,
            Limits(
                home.config.new_per_day if new is None else new,
                limit,
                deck_new=home.config.new_limit if new is None and home.config.decks else None,
                new_usually=home.config.new_per_day,
                leech_threshold=home.config.leech_threshold,
            ),
            environ,
            Personal(answers_dir or home.store.path.parent),
        )
        return session.run()
    finally:
        home.store.close()


__all__ = ["Limits", "Session", "Summary", "Terminal", "editor_command", "format_duration", "review"]
