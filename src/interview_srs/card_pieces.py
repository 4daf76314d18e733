"""Parsing again only the cards of a file that changed.

A curator edits one card of a file with hundreds and rebuilds. Composing the whole file's YAML
again is then most of the rebuild (about 60 ms for 500 cards), although one card changed. In
the usual layout, a header of file keys ending with a bare `cards:` line and then one list item
per card, each card is a run of lines that starts with `- ` at the list's indentation. Such a
run means the same thing parsed alone as in its file: a line at that indentation ends any block
scalar, plain scalar or mapping of the card before it, and a quote or bracket left open would
make the run alone a YAML error. So a card whose lines are unchanged since the last parse
(matched by a hash of its lines) is taken from that parse, shifted to its new line, and only
the other runs are composed.

Anything else (another layout, a document marker, a line break other than LF) and any problem
at all falls back to parsing the whole file, so every message is exactly the one a full parse
gives. Like the parse cache, this is an optimisation only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

import yaml

from interview_srs.problems import Location

_CARDS_LINE = re.compile(r"cards: *\Z")


@dataclass(frozen=True)
class Pieces:
    """A file's lines as a header and one run per card."""

    lines: list[str]
    header_end: int  # the header is lines[:header_end], ending with the `cards:` line
    starts: tuple[int, ...]  # first line (0-based) of each card's run

    def text(self, number: int) -> str:
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.lines)
        return "\n".join(self.lines[self.starts[number] : end]) + "\n"

    def header(self) -> str:
        return "\n".join(self.lines[: self.header_end]) + "\n"

    def hashes(self) -> list[str]:
        return [hashlib.sha256(self.text(n).encode("utf-8")).hexdigest() for n in range(len(self.starts))]

    def runs(self, cards) -> list[tuple[str, int]]:
        """(hash of its run, its line relative to the run's first) for each card, in order."""
        return [
            (digest, card.location.line - (start + 1)) for digest, start, card in zip(self.hashes(), self.starts, cards)
        ]


def split(text: str) -> Pieces | None:
    """The file as a header and card runs, or None when its layout is not the usual one."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return None  # YAML breaks lines at these too; counting lines at LF alone would misplace them
    if text.startswith(("---", "...", "%")) or "\n---" in text or "\n..." in text or "\n%" in text:
        return None  # document markers and directives
    lines = text.split("\n")
    headers = [i for i, line in enumerate(lines) if line.startswith("cards:") and _CARDS_LINE.match(line)]
    if len(headers) != 1:
        return None
    indent = None
    starts = []
    for number in range(headers[0] + 1, len(lines)):
        line = lines[number]
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        width = len(line) - len(body)
        if indent is None:
            indent = width
        if width == indent and body.startswith("- "):
            starts.append(number)
        elif width <= indent:
            return None  # a key after the cards, or an item of another shape
    if not starts:
        return None
    return Pieces(lines, headers[0] + 1, tuple(starts))


def parse(text: str, path, shown: str, previous: dict[str, tuple[dict, int]], card_from_json):
    """(DeckFile, runs) of `text`, composing only runs not in `previous`; None to parse it whole.

    `previous` maps a run's hash to (the card parsed from it, as parse_cache stores cards, and
    the card's line relative to the run's first line); `runs` is the same for this text.
    """
    from interview_srs import cards

    pieces = split(text)
    if pieces is None or cards._character_problems(text):
        return None
    try:
        if cards._node_properties_and_depth(text):
            return None
    except (yaml.YAMLError, RecursionError):  # the whole parse says what is wrong
        return None
    problems: list = []
    parser = cards._FileParser(path, shown, problems, suspect=False)
    hashes = pieces.hashes()
    parsed: list = []
    for number, (digest, start) in enumerate(zip(hashes, pieces.starts)):
        known = previous.get(digest)
        if known is not None:
            item, relative = known
            card = card_from_json(item, shown)
            parsed.append(replace(card, location=Location(shown, start + 1 + relative, card.location.column)))
            continue
        piece = pieces.text(number)
        parser.suspect = "\\" in piece
        try:
            root = yaml.compose(piece, Loader=cards._SafeLoader)
        except (yaml.YAMLError, RecursionError):
            return None
        if not (isinstance(root, yaml.SequenceNode) and len(root.value) == 1):
            return None
        card = parser.card(root.value[0], number + 1)
        if card is None or problems:
            return None
        parsed.append(replace(card, location=Location(shown, card.location.line + start, card.location.column)))
    try:
        header = yaml.compose(pieces.header(), Loader=cards._SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    parser.suspect = "\\" in pieces.header()
    deck = parser.deck_file(header, tuple(parsed)) if header is not None else None
    if deck is None or problems:
        return None
    return deck, pieces.runs(deck.cards)


def runs_of(text: str, deck) -> list[tuple[str, int]] | None:
    """The runs of a file parsed whole, when it has the usual layout and one run per card."""
    pieces = split(text)
    if pieces is None or len(pieces.starts) != len(deck.cards):
        return None
    return pieces.runs(deck.cards)
