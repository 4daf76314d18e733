"""Warnings about card content that is valid but falls short of the bank's standard.

`srs check` prints these; they never stop a build. The limits come from how the cards are
used: a back should be readable in under a minute, and the same question asked at two
companies should be one card with two sources, so that it is learnt once.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from interview_srs.bank import near_duplicates, parse_cache
from interview_srs.bank.model import Bank, Card, DeckFile
from interview_srs.base.problems import Problem
from interview_srs.base.problems import Location

MAX_BACK_CHARS = 450
MAX_EXAMPLE_CHARS = 300
OUTLINE_POINTS = (3, 7)
NEAR_DUPLICATE_SIMILARITY = 0.65
# Interviewers push on behavioural and scenario answers; 2-4 likely follow-ups is what a card
# can carry and a candidate can rehearse.
FOLLOWUPS = (2, 4)
NEEDS_FOLLOWUPS = frozenset({"行为", "情景", "项目"})
PITFALL_ECHO = 0.7  # share of a pitfall's bigrams found in one outline point: a restatement
# "只讲困难不讲行动": the outline in reverse. One that goes on to say why it costs you
# ("…：面试官会追问口径") is a real failure mode and passes.
ONLY_X_NOT_Y = re.compile(r"^只[^：:—，,；;]{1,16}[，,]?(不|没有?|而不|却不)[^：:—；;]{0,16}[。；;]?$")
REPEATED_LINE_CARDS = 3  # the same line on this many cards is boilerplate
STALE_AFTER_MONTHS = 18


@dataclass(frozen=True)
class QualityWarning:
    """Same shape as a Problem, printed with `warning:` in front."""

    problem: Problem

    def __str__(self) -> str:
        loc = self.problem.location
        rest = str(self.problem).removeprefix(f"{loc}: ")
        return f"{loc}: warning: {rest}"


def back_length(card: Card) -> int:
    parts = list(card.outline) + list(card.pitfalls) + [card.assesses]
    if card.star:
        parts += [text for _, texts in card.star.parts() for text in texts]
    return sum(len(part) for part in parts)


class CardView(NamedTuple):
    """What the warnings name of a card, and its `as_of` (dated anew on every check)."""

    id: str
    question: str
    as_of: str
    shown: str  # the file, as messages name it
    line: int
    column: int

    @property
    def location(self) -> Location:
        return Location(self.shown, self.line, self.column)


@dataclass(frozen=True)
class FileView:
    """What the warnings need of one card file, cached by its bytes; read like a DeckFile by the
    checks across files (bank/rules.cross_file_problems), so `srs check` reads this small entry for an
    unchanged file instead of every card's text."""

    path: Path
    display_path: str
    deck: str
    location: Location
    cards: tuple[CardView, ...]
    findings: tuple[tuple[int, str, str], ...]  # (card index, field, message): each card on its own
    lines_hash: str  # of the lines boilerplate shows up in: keys the repeated-line findings
    retired: int  # how many of `cards` left the bank (`retired:`): never reviewed, still shipped


def content_warnings(bank: Bank, today: date | None = None, cache_folder: Path | None = None) -> list[QualityWarning]:
    """Every warning for the bank; `today` (default: the real date) dates the `as_of` check.

    With `cache_folder` (the parse cache's), what does not depend on the date is cached: each
    file's own warnings by its bytes, the warnings across files by the texts they compare. A
    check after editing one card then computes that file's warnings and little else.
    """
    views = [file_view(deck, cache_folder) for deck in bank.decks]
    return view_warnings(views, lambda: bank.decks, today, cache_folder)


def view_warnings(
    views: list[FileView], decks: Callable[[], Iterable[DeckFile]], today: date | None, cache_folder: Path | None
) -> list[QualityWarning]:
    """`content_warnings` from the files' views; `decks()` gives the full files, in the same
    order, when the repeated-line findings are not cached."""
    today = date.today() if today is None else today
    warnings = []
    for view in views:
        by_card = defaultdict(list)
        for i, field_name, message in view.findings:
            by_card[i].append((field_name, message))
        for i, card in enumerate(view.cards):
            for field_name, message in by_card[i] + staleness(card, today):
                warnings.append(QualityWarning(Problem(card.location, message, card.id, field_name)))
    cards = [card for view in views for card in view.cards]
    lines_key = "repeated:" + hashlib.sha256(" ".join(view.lines_hash for view in views).encode("utf-8")).hexdigest()
    repeated = _repeated_line_warnings(
        cards, lambda: _card_lines(card for deck in decks() for card in deck.cards), cache_folder, lines_key
    )
    return warnings + repeated + _near_duplicate_warnings(cards, NEAR_DUPLICATE_SIMILARITY, cache_folder)


def file_view(deck: DeckFile, folder: Path | None) -> FileView:
    """The file's view, its findings computed or (same bytes) read from the cache; kept in the
    cache in full, for `stored_file_view`."""
    shown = deck.display_path
    cards = tuple(CardView(c.id, c.question, c.as_of, shown, c.location.line, c.location.column) for c in deck.cards)

    def compute() -> dict:
        return {
            "deck": deck.deck,
            "at": [deck.location.line, deck.location.column],
            "ids": [card.id for card in cards],
            "questions": [card.question for card in cards],
            "as_of": [card.as_of for card in cards],
            "lines": [card.line for card in cards],
            "columns": [card.column for card in cards],
            "findings": [[i, field, message] for i, card in enumerate(deck.cards) for field, message in card_findings(card)],
            "lines_hash": _texts_key("lines", _card_lines(deck.cards)),
            "retired": sum(1 for card in deck.cards if card.retired),
            "for": deck.digest,
        }

    entry = _cached(folder, _view_key(deck.digest) if deck.digest else "", compute, lambda e: _valid_view(e, deck.digest))
    findings = tuple(tuple(row) for row in entry["findings"])
    return FileView(deck.path, shown, deck.deck, deck.location, cards, findings, entry["lines_hash"], entry["retired"])


def stored_file_view(digest: str, path: Path, shown: str, folder: Path) -> FileView | None:
    """The view of a file whose bytes have this sha256, from the cache; None when not there."""
    entry = _stored(folder, _view_key(digest), lambda e: _valid_view(e, digest))
    if entry is None:
        return None
    line, column = entry["at"]
    cards = tuple(map(CardView, entry["ids"], entry["questions"], entry["as_of"], repeat(shown), entry["lines"], entry["columns"]))
    findings = tuple(tuple(row) for row in entry["findings"])
    return FileView(path, shown, entry["deck"], Location(shown, line, column), cards, findings, entry["lines_hash"],
                    entry["retired"])


def _view_key(digest: str) -> str:
    return f"file-view:{parse_cache.parser_version()}:{digest}"


_AS_OF = re.compile(r"(\d{4}-\d{2})?\Z")
_HASH_KEY = re.compile(r"lines:[0-9a-f]{64}\Z")


def _valid_view(entry, digest: str) -> bool:
    """Whether a cached view is one `file_view` stored for the bytes whose sha256 is `digest`:
    columns of one length, of the right types, text that can be printed, findings that point at
    its cards, `as_of` that `staleness` can read."""
    try:
        columns = [entry[name] for name in ("ids", "questions", "as_of", "lines", "columns")]
        line, column = entry["at"]
        count = len(columns[0])
        parse_cache.require_text(
            [*chain(*columns[:3]), entry["deck"], *(text for row in entry["findings"] for text in row[1:])]
        )
        return (
            entry["for"] == digest
            and all(type(c) is list and len(c) == count for c in columns)
            and type(line) is int and type(column) is int
            and set(map(type, chain(*columns[3:]))) <= {int}
            and all(_AS_OF.match(as_of) for as_of in columns[2])
            and _HASH_KEY.match(entry["lines_hash"]) is not None
            and all(_is_row(row, (int, str, str)) and 0 <= row[0] < count for row in entry["findings"])
            and type(entry["retired"]) is int and 0 <= entry["retired"] <= count
        )
    except (TypeError, KeyError, ValueError):
        return False


def _is_row(row, types: tuple) -> bool:
    """Whether `row`, read from the cache, is a list of values of exactly these types."""
    return type(row) is list and len(row) == len(types) and all(type(v) is t for v, t in zip(row, types))


DRAFT_WARNING = "fill the skeleton with your own points and story, then delete `draft: true`"


def card_findings(card: Card) -> list[tuple[str, str]]:
    """(field, message) for what is wrong with one card on its own, whatever the date. A draft
    (`srs draft`) has one: its back is a skeleton still to be written, so the checks of a written
    back would only say that again."""
    if card.draft:
        return [("draft", DRAFT_WARNING)]
    found = []
    length = back_length(card)
    if length > MAX_BACK_CHARS:
        found.append(("back", f"{length} characters; keep it under {MAX_BACK_CHARS} so it reads in a minute"))
    if len(card.example) > MAX_EXAMPLE_CHARS:
        found.append(("example", f"{len(card.example)} characters; condense it to under {MAX_EXAMPLE_CHARS}"))
    low, high = OUTLINE_POINTS
    if card.outline and not low <= len(card.outline) <= high:
        found.append(("outline", f"{len(card.outline)} points; aim for {low} to {high}"))
    return found + followup_gaps(card) + pitfall_echoes(card)


@lru_cache(maxsize=1)
def _version() -> str:
    return parse_cache.code_version(sys.modules[__name__])


def _cached(folder: Path | None, key: str, compute, valid=lambda value: True):
    """`compute()`, a JSON value, through the parse cache when there is a folder and a key. A
    stored value that is not `valid` (a damaged or foreign entry) is computed again."""
    if folder is None or not key:
        return compute()
    value = _stored(folder, key, valid)
    if value is None:
        value = compute()
        parse_cache.store_value(f"quality:{_version()}:{key}", value, folder)
    return value


def _stored(folder: Path, key: str, valid):
    """The `valid` value stored under `key` by this version of the code, or None."""
    value = parse_cache.load_value(f"quality:{_version()}:{key}", folder)
    return value if value is not None and valid(value) else None


def _texts_key(kind: str, texts) -> str:
    """A key for findings that depend only on `texts`, in order."""
    return f"{kind}:{hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode('utf-8')).hexdigest()}"


def followup_gaps(card: Card) -> list[tuple[str, str]]:
    """Behavioural, project and scenario cards need follow-ups: that is where interviews are lost."""
    low, high = FOLLOWUPS
    count = len(card.followups)
    needs = card.star is not None or bool(NEEDS_FOLLOWUPS & set(card.tags))
    if needs and count < low:
        kind = "a STAR card" if card.star is not None else f"tagged {'/'.join(sorted(NEEDS_FOLLOWUPS & set(card.tags)))}"
        return [("followups", f"{count} follow-ups on {kind}; add {low}–{high - 1} likely 追问 with cues")]
    if count > high:
        return [("followups", f"{count} follow-ups; keep the {high} an interviewer is most likely to ask")]
    return []


def pitfall_echoes(card: Card) -> list[tuple[str, str]]:
    """A pitfall that restates an answer point ("只X，不Y") teaches nothing the outline does not."""
    points = list(card.outline) + ([text for _, texts in card.star.parts() for text in texts] if card.star else [])
    echoes = []
    for number, pitfall in enumerate(card.pitfalls, start=1):
        if ONLY_X_NOT_Y.match(pitfall):
            echoes.append(
                (f"pitfalls[{number}]", "reads as the outline in reverse (只X，不Y); say what goes wrong in the room and why")
            )
            continue
        grams = near_duplicates.bigrams(pitfall)
        if len(grams) < 4:
            continue
        for index, point in enumerate(points, start=1):
            if len(grams & near_duplicates.bigrams(point)) >= PITFALL_ECHO * len(grams):
                where = f"outline point {index}" if index <= len(card.outline) else "a STAR prompt"
                echoes.append(
                    (f"pitfalls[{number}]", f"repeats {where}; name a real failure mode (what goes wrong in the room) instead")
                )
                break
    return echoes


def staleness(card: Card | CardView, today: date) -> list[tuple[str, str]]:
    if not card.as_of:
        return []
    year, month = (int(part) for part in card.as_of.split("-"))
    age = (today.year - year) * 12 + today.month - month
    if age > STALE_AFTER_MONTHS:
        return [("as_of", f"facts checked {card.as_of}, {age} months ago; check them again and update as_of")]
    if age < 0:
        return [("as_of", f"{card.as_of} is in the future; write the month the facts were checked")]
    return []


def _repeated_line_warnings(
    cards: list[CardView], lines: Callable[[], list[list[str]]], cache_folder: Path | None, key: str
) -> list[QualityWarning]:
    """One warning per line of text that stands on REPEATED_LINE_CARDS or more cards (boilerplate).

    `lines()` gives each card's lines, in the order of `cards`; `key` names them in the cache."""

    def valid(found) -> bool:
        return isinstance(found, list) and all(
            _is_row(row, (int, int, list)) and all(type(k) is int and 0 <= k < len(cards) for k in [row[0], *row[2]])
            for row in found
        )

    found = _cached(cache_folder, key, lambda: repeated_lines(lines()), valid)
    warnings = []
    for first, count, others in found:
        named = ", ".join(cards[k].id for k in others[:5]) + (", …" if count > 6 else "")
        message = (
            f"the same line stands on {count} cards (also {named}); "
            "keep it where it matters and say something specific elsewhere"
        )
        warnings.append(QualityWarning(Problem(cards[first].location, message, cards[first].id, "back")))
    return warnings


def _card_lines(cards: Iterable[Card]) -> list[list[str]]:
    """The lines of each card that boilerplate shows up in: outline, pitfalls and STAR prompts. A
    draft's are the skeleton's placeholders, the same on every draft by design: none are counted."""
    return [
        [] if card.draft else
        list(card.outline) + list(card.pitfalls) + ([t for _, texts in card.star.parts() for t in texts] if card.star else [])
        for card in cards
    ]


def repeated_lines(lines: list[list[str]]) -> list[list]:
    """[first card, how many cards, the next few cards] for each line on enough cards."""
    places: dict[str, list[int]] = defaultdict(list)
    for index, card_lines in enumerate(lines):
        for key in dict.fromkeys(map(near_duplicates.content, card_lines)):
            if len(key) >= 6:
                places[key].append(index)
    return [[found[0], len(found), found[1:6]] for found in places.values() if len(found) >= REPEATED_LINE_CARDS]


def near_duplicate_warnings(
    bank: Bank, threshold: float = NEAR_DUPLICATE_SIMILARITY, cache_folder: Path | None = None
) -> list[QualityWarning]:
    """One warning per question too like an earlier one (see near_duplicates.find)."""
    shown = [(card, deck.display_path) for deck, card in bank.cards()]
    cards = [CardView(c.id, c.question, c.as_of, path, c.location.line, c.location.column) for c, path in shown]
    return _near_duplicate_warnings(cards, threshold, cache_folder)


def _near_duplicate_warnings(cards: list[CardView], threshold: float, cache_folder: Path | None) -> list[QualityWarning]:
    questions = [card.question for card in cards]

    def valid(found) -> bool:
        return isinstance(found, list) and all(
            _is_row(row, (int, float, int, int, list))
            and all(type(k) is int and 0 <= k < len(cards) for k in [row[0], row[2], *row[4]])
            for row in found
        )

    found = _cached(
        cache_folder,
        _texts_key(f"near-duplicates:{threshold!r}", questions),
        lambda: near_duplicates.find(questions, threshold),
        valid,
    )
    return [_near_duplicate_warning(cards, *finding) for finding in found]


def _near_duplicate_warning(
    cards: list[CardView], i: int, similarity: float, best: int, total: int, named: list[int]
) -> QualityWarning:
    more = ""
    if total > 1:
        shown = near_duplicates.MAX_NAMED
        listed = ", ".join(cards[k].id for k in named[:shown]) + (", …" if total - 1 > shown else "")
        more = f", and of {total - 1} more ({listed})"
    first = cards[best]
    return QualityWarning(
        Problem(
            cards[i].location,
            f"near-duplicate of card {first.id} at {first.location} ({similarity:.0%} alike){more}; "
            "merge them into one card with both sources",
            cards[i].id,
            "question",
        )
    )
