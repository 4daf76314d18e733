"""`srs mock`: an interview rehearsal on the review store, question after question, against time.

A round goes the way real ones do: an opener (self-introduction, motivation), then a mix of
behavioural, scenario and business questions (taken in turn), and a 反问 (your questions to the
interviewer) last when the deck has one. Within each kind, cards are drawn at random, weighted
toward low predicted recall and toward cards you answer slowly; never the same card twice.
Cards tagged 求职准备 (about interviews rather than asked in one) are left out.

Per question: a countdown to the target time, Space/Enter when you have finished speaking (or,
with --type, your typed answer and an empty line), then your time, the points covered (--type),
your own answer, the skeleton and one follow-up; then a rating 1–4, stored as a normal FSRS
review with source 'mock' through `answers.record_answer` — committed before the next question,
so a crash loses no rating given. At the end a report (time against target, ratings, points
missed, weakest topics, cards to review next) is shown and saved (store/mocks.py).
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from interview_srs.terminal import render
from interview_srs.personal.answers import Personal
from interview_srs.schedule.scheduler import NEW, Schedulers
from interview_srs.terminal.screen import QUIT, Terminal, format_duration, retry_while_busy
from interview_srs.store import answers, lookups, mocks, queries
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreBusy
from interview_srs.store.rows import CardFilter
from interview_srs.terminal.texts import Texts

DEFAULT_QUESTIONS = 6
# Target times (seconds) when neither --seconds nor the card gives one: a STAR story takes longer.
TARGET_SECONDS = {"opener": 90, "star": 150, "outline": 90, "closing": 45}
BUDGET = re.compile(r"（约\s*(\d+)\s*(秒|分钟)）")
QUESTION_MINUTES = re.compile(r"(\d+)\s*(?:[–~-]\s*(\d+))?\s*分钟")
NEW_CARD_RECALL = 0.5  # a card never reviewed: as likely remembered as not
OPENER_WORDS = ("自我介绍", "介绍一下你自己", "介绍下自己")
# Motivation openers: "why this industry / role / company" (tag 动机 and a question like these).
MOTIVATION = re.compile(r"为什么(选择|想|要|加入|来|应聘|投)|了解多少")
OPENER_TAGS = frozenset({"动机"})
CLOSING_TAGS = frozenset({"反问"})
LEFT_OUT_TAGS = frozenset({"求职准备"})
BODY_KINDS = (("behavioural", ("行为", "自我认知")), ("scenario", ("情景",)), ("business", ("业务", "数据指标")))
TOPIC_TAGS = ("行为", "情景", "业务", "数据指标", "动机", "自我认知", "反问", "通用")


class MockError(Exception):
    """A mock interview cannot start; the message is for the user."""


@dataclass(frozen=True)
class Candidate:
    """A card as mock selection sees it."""

    card_id: str
    kind: str  # opener, behavioural, scenario, business, other, closing
    target_seconds: int
    recall: float  # predicted recall now (0–1)
    slowness: float = 0.0  # median answer time / target time (0: no answers yet)

    @property
    def weight(self) -> float:
        """Low recall and slow answers make a card likelier; every card keeps a chance."""
        return 0.1 + (1 - self.recall) + min(1.0, max(0.0, self.slowness - 1))


def kind_of(tags: Sequence[str], question: str) -> str | None:
    """Where a card goes in a round; None for cards that are not interview questions."""
    tags = set(tags)
    if tags & LEFT_OUT_TAGS and not tags & {kind_tag for _k, group in BODY_KINDS for kind_tag in group}:
        return None
    if tags & CLOSING_TAGS or question.startswith("反问"):
        return "closing"
    if any(word in question for word in OPENER_WORDS) or (tags & OPENER_TAGS and MOTIVATION.search(question)):
        return "opener"
    for kind, group in BODY_KINDS:
        if tags & set(group):
            return kind
    return "other"


def target_seconds(kind: str, back: dict, question: str = "") -> int:
    """The card's own time: the budgets its prompts give (`（约 10 秒）` on each STAR part), else
    the time its question names (`请用 3–5 分钟…`: the upper bound), else TARGET_SECONDS."""
    star = back.get("star") or {}
    prompts = [p for key in ("situation", "task", "action", "result") for p in star.get(key) or []]
    budgets = [int(n) * (60 if unit == "分钟" else 1) for text in prompts + list(back.get("outline") or [])
               for n, unit in BUDGET.findall(text)]
    if budgets:
        return sum(budgets)
    named = QUESTION_MINUTES.search(question)
    if named:
        return int(named.group(2) or named.group(1)) * 60
    if kind in ("opener", "closing"):
        return TARGET_SECONDS[kind]
    return TARGET_SECONDS["star" if star else "outline"]


def predicted_recall(row: mocks.CardRow, at: datetime, params=None) -> float:
    """FSRS predicted recall at `at` (readiness.recall_at, with the deck's parameters); a card
    never reviewed counts as NEW_CARD_RECALL, so unseen cards are neither favoured nor avoided."""
    from interview_srs.schedule.readiness import recall_at
    from interview_srs.schedule.scheduler import CardState, from_ms

    if row.state == NEW or row.stability is None or row.last_review_ms is None:
        return NEW_CARD_RECALL
    return recall_at(CardState(row.state, stability=row.stability, last_review=from_ms(row.last_review_ms)), at, params)


def choose(candidates: Sequence[Candidate], count: int, rng: random.Random) -> list[Candidate]:
    """The questions of one round, in order: opener, mixed body, closing; no card twice."""
    left = list(candidates)

    def pick(pool: list[Candidate]) -> Candidate:
        chosen = rng.choices(pool, weights=[c.weight for c in pool])[0]
        left.remove(chosen)
        return chosen

    def of(kind: str) -> list[Candidate]:
        return [c for c in left if c.kind == kind]

    if count <= 0 or not left:
        return []
    first = [pick(of("opener"))] if of("opener") else []
    slots = count - len(first)
    # 反问 closes a round of two or more; a one-question round asks a real question if it can
    body_left = any(c.kind != "closing" for c in left)
    last = [pick(of("closing"))] if of("closing") and slots >= 1 and (count >= 2 or not body_left) else []
    body: list[Candidate] = []
    kinds = [kind for kind, _tags in BODY_KINDS] + ["other"]
    start = rng.randrange(len(kinds))
    kinds = kinds[start:] + kinds[:start]
    room = slots - len(last)
    while len(body) < room:
        progressed = False
        for kind in kinds:
            if len(body) < room and of(kind):
                body.append(pick(of(kind)))
                progressed = True
        if not progressed:
            spare = of("opener")  # motivation questions are fair mid-round questions too
            if not spare:
                break
            body.append(pick(spare))
    return first + body + last


@dataclass(frozen=True)
class QuestionResult:
    position: int
    card_id: str
    question: str
    kind: str
    topics: tuple[str, ...]
    target_seconds: int
    spoken_seconds: float
    rating: int
    missed: tuple[str, ...] | None = None  # points a typed answer missed (None: not typed)

    @property
    def overran(self) -> bool:
        return self.spoken_seconds > self.target_seconds


def build_report(results: Sequence[QuestionResult], planned: int) -> dict:
    """The end-of-run figures (saved as JSON in mock_runs.report)."""
    topics: dict[str, list[QuestionResult]] = {}
    for result in results:
        for topic in result.topics:
            topics.setdefault(topic, []).append(result)
    scored = []
    for topic, group in topics.items():
        average = sum(r.rating for r in group) / len(group)
        overruns = sum(r.overran for r in group)
        if average <= 2.5 or overruns:
            scored.append((average, -overruns, topic, len(group)))
    scored.sort()
    review_next = [r.card_id for r in sorted(results, key=lambda r: (r.rating, -r.overran)) if
                   r.rating <= 2 or r.overran or r.missed]
    return {
        "planned": planned,
        "answered": len(results),
        "overruns": sum(r.overran for r in results),
        "average_rating": round(sum(r.rating for r in results) / len(results), 2) if results else None,
        "questions": [
            {"card": r.card_id, "kind": r.kind, "target_seconds": r.target_seconds,
             "seconds": round(r.spoken_seconds, 1), "rating": r.rating,
             "missed": None if r.missed is None else list(r.missed)}
            for r in results
        ],
        "weakest_topics": [{"topic": t, "average_rating": round(a, 2), "questions": n} for a, _o, t, n in scored[:3]],
        "review_next": review_next,
    }


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


@dataclass(frozen=True)
class Settings:
    seconds: int | None = None  # None: each card's target time
    typed: bool = False
    scope: str = "all"


class MockInterview:
    """One `srs mock` run over a store and a terminal."""

    def __init__(self, store: Store, schedulers: Schedulers, texts: Texts, terminal: Terminal,
                 clock: Callable[[], datetime], personal: Personal, questions: Sequence[Candidate],
                 settings: Settings, rng: random.Random, idf=None):
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
        self.session = uuid.uuid4().hex
        self.results: list[QuestionResult] = []

    def run(self) -> dict:
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
        self.term.line()
        for line in report_lines(report, self.results, self.texts, self.term.width()):
            self.term.line(line)
        return report

    def target(self, candidate: Candidate) -> int:
        return self.settings.seconds or candidate.target_seconds

    def ask(self, run_id: int, position: int, candidate: Candidate) -> str | None:
        card = lookups.card(self.store, candidate.card_id)
        width = self.term.width()
        target = self.target(candidate)
        style = self.term.style
        self.term.clear()
        self.term.line(style.dim(self.texts.mock_progress.format(
            position=position, count=len(self.questions), target=format_duration(target))))
        for line in render.question_lines(card, self.texts, width, style):
            self.term.line(line)
        self.term.line()
        started = time.monotonic()
        typed = None
        if self.settings.typed:
            self.term.line(style.dim(self.texts.mock_type_prompt))
            typed = self.read_text()
            if typed is None:
                return QUIT
        else:
            self.term.line(style.dim(self.texts.mock_speak_keys))
            if self.wait_done(started, target) == QUIT:
                return QUIT
        spoken = time.monotonic() - started
        coverage = None
        if typed is not None:
            from interview_srs.review import coverage as cov

            coverage = cov.measure(typed, cov.points(card.back), self.idf)
        followups = card.back.get("followups") or []
        followup = self.rng.choice(followups) if followups else None
        self.reveal(card, spoken, target, coverage, followup, width)
        while True:
            key = self.term.read_key()
            if key in (QUIT, None):
                return QUIT
            if key in ("1", "2", "3", "4"):
                rating = int(key)
                break
            self.term.line(style.dim(self.texts.rate_hint))
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

    def reveal(self, card, spoken: float, target: int, coverage, followup, width: int) -> None:
        style = self.term.style
        texts = self.texts
        self.term.line()
        timing = texts.mock_time.format(time=format_duration(spoken), target=format_duration(target))
        if spoken > target:
            timing += " · " + texts.mock_over.format(time=format_duration(spoken - target))
        self.term.line(style.bold(timing))
        if coverage is not None:
            self.term.line()
            self.term.line(style.heading(texts.mock_coverage))
            for result in coverage.results:
                mark = "✓" if result.covered else "✗"
                for line in render.wrap(f"{result.point.label} {result.point.text}", width, f"  {mark} ", "    "):
                    self.term.line(line if result.covered else style.dim(line))
        for line in render.own_answer_lines(self.personal.answer(card.id), card.id, card.question, texts, width, style):
            self.term.line(line)
        skeleton = dataclasses.replace(card, back={**card.back, "followups": []})
        for line in render.answer_lines(skeleton, texts, width, style):
            self.term.line(line)
        if followup:
            self.term.line()
            self.term.line(style.heading(texts.mock_followup))
            for line in render.wrap(followup["q"], width, "  "):
                self.term.line(style.bold(line))
            for line in render.wrap(followup["cue"], width, "  → ", "    "):
                self.term.line(style.dim(line))
        self.term.line()
        suggestion = ""
        if coverage is not None:
            rating = coverage.suggested_rating(spoken > target)
            suggestion = " · " + texts.mock_suggested.format(rating=f"{rating} {texts.ratings[rating - 1]}")
        self.term.line(" ".join(style.rating(r, f"{r} {texts.ratings[r - 1]}") for r in (1, 2, 3, 4)) + suggestion)
        self.term.line(style.dim(texts.mock_rate_keys))

    def wait_done(self, started: float, target: int) -> str:
        """Space/Enter: finished speaking. On a terminal, a countdown runs meanwhile."""
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


def interview_filter(store: Store, name: str) -> CardFilter:
    """The cards of an interview added with `srs interview add` (its deck globs resolved now)."""
    from interview_srs.review.interviews import load_interviews
    from interview_srs.terminal.render import clean

    found = {interview.name: interview for interview in load_interviews(store)}
    if name not in found:
        listed = ", ".join(clean(n) for n in found) or "none"
        raise MockError(f"no interview named '{clean(name)}' (interviews: {listed}); "
                        "add one with `srs interview add` or use --deck PATTERN")
    return CardFilter(decks=tuple(sorted(found[name].decks)))


def candidates(store: Store, filt: CardFilter, at: datetime, params_of=lambda deck: None) -> list[Candidate]:
    """Every present, unsuspended card of the filter that belongs in an interview round;
    `params_of(deck)` gives a deck's FSRS parameters (None: fsrs's defaults)."""
    rows = [(row, kind_of(row.tags, row.question)) for row in mocks.card_rows(store, filt)]
    rows = [(row, kind) for row, kind in rows if kind is not None]
    times = mocks.answer_seconds(store, [row.id for row, _kind in rows])
    found = []
    for row, kind in rows:
        target = target_seconds(kind, row.back, row.question)
        recall = predicted_recall(row, at, params_of(row.deck))
        found.append(Candidate(row.id, kind, target, recall, times.get(row.id, 0.0) / target))
    return found


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
    from interview_srs.store.home import card_filter, open_home
    from interview_srs.schedule.scheduler import now
    from interview_srs.terminal.texts import texts_for

    environ = os.environ if environ is None else environ
    if (stdin or sys.stdin) is None or (stdout or sys.stdout) is None:
        raise MockError("standard input or output is closed; srs mock needs a terminal, or keys from a file")
    clock = lambda: now(environ)  # noqa: E731 - re-read for every answer
    home = open_home(store_path, cards_dir, clock(), environ)
    try:
        if interview is not None:
            filt = interview_filter(home.store, interview)
            scope = f"interview:{interview}"
        else:
            filt = card_filter(home.store, deck, None)
            scope = f"deck:{deck}" if deck else "all"
        seed = seed if seed is not None else _seed(environ)
        rng = random.Random(seed)
        params_of = lambda deck: home.config.for_deck(deck).parameters  # noqa: E731
        chosen = choose(candidates(home.store, filt, clock(), params_of), questions, rng)
        if not chosen:
            raise MockError("no interview questions in the chosen decks")
        idf = None
        if typed:
            from interview_srs.review import coverage

            idf = coverage.Idf(doc for card in _all_cards(home.store) for doc in coverage.documents(card.back, card.question))
        run = MockInterview(
            home.store, Schedulers(home.config), texts_for(environ),
            Terminal(stdin or sys.stdin, stdout or sys.stdout), clock,
            Personal(answers_dir or home.store.path.parent), chosen,
            Settings(seconds, typed, scope), rng, idf,
        )
        return run.run()
    finally:
        home.store.close()


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


__all__ = [
    "Candidate",
    "MockError",
    "MockInterview",
    "QuestionResult",
    "Settings",
    "build_report",
    "candidates",
    "choose",
    "interview_filter",
    "kind_of",
    "mock",
    "predicted_recall",
    "report_lines",
    "target_seconds",
]
