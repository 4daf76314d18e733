"""Parsing again only the cards of a file that changed.

A curator edits one card of a file with hundreds and rebuilds. Composing the whole file's YAML
again is then most of the rebuild (benchmarks/bench_build.py), although one card changed. In
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

from interview_srs.bank import yaml_text
from interview_srs.bank.parse import FileParser
from interview_srs.base.problems import Location

@dataclass(frozen=True)
class Pieces:
    """A file's text as a header and one run per card."""

    text: str
    header_end: int  # the header is text[:header_end], ending with the `cards:` line
    offsets: tuple[int, ...]  # where each card's run starts in the text
    starts: tuple[int, ...]  # the line (0-based) each run starts on

    def run(self, number: int) -> str:
        end = self.offsets[number + 1] if number + 1 < len(self.offsets) else len(self.text)
        run = self.text[self.offsets[number] : end]
        return run if run.endswith("\n") else run + "\n"

    def header(self) -> str:
        return self.text[: self.header_end]

    def hashes(self) -> list[str]:
        return [hashlib.sha256(self.run(n).encode("utf-8")).hexdigest() for n in range(len(self.offsets))]

    def runs(self, cards, hashes: list[str] | None = None) -> list[tuple[str, int]]:
        """(hash of its run, its line relative to the run's first) for each card, in order;
        `hashes` are the runs' hashes when the caller has them already."""
        hashes = self.hashes() if hashes is None else hashes
        return [(digest, card.location.line - (start + 1)) for digest, start, card in zip(hashes, self.starts, cards)]


def split(text: str) -> Pieces | None:
    """The file as a header and card runs, or None when its layout is not the usual one.

    Regular expressions over the whole text rather than a loop over its lines: a large file
    has hundreds of thousands of lines. Each pattern starts with the line break before a line,
    which the regular expression engine finds by a fast scan for that character; a pattern
    starting with `^` would be tried at every character.
    """
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return None  # YAML breaks lines at these too; counting lines at LF alone would misplace them
    if text.startswith(("---", "...", "%")) or "\n---" in text or "\n..." in text or "\n%" in text:
        return None  # document markers and directives
    # Every line, the first too, follows a line break; at index i of `lined` is text[i - 1], so
    # the line after the break found at index i starts at index i of `text`.
    lined = "\n" + text
    headers = list(_CARDS_LINE.finditer(lined))
    if len(headers) != 1:
        return None
    header_end = headers[0].end()  # `lined[header_end]` is the break that ends the `cards:` line
    first = _CONTENT_LINE.search(lined, header_end)
    if first is None:
        return None
    indent = len(first.group(1))
    if _outside_the_list(indent).search(lined, header_end):
        return None  # a key after the cards, or an item of another shape
    offsets = [match.start() for match in re.compile(rf"\n {{{indent}}}- ").finditer(lined, header_end)]
    if not offsets or offsets[0] != first.start():
        return None
    starts, line, previous = [], text.count("\n", 0, header_end), header_end
    for offset in offsets:
        line += text.count("\n", previous, offset)
        starts.append(line)
        previous = offset
    return Pieces(text, header_end, tuple(offsets), tuple(starts))


_CARDS_LINE = re.compile(r"\ncards: *(?=\n|\Z)")
_CONTENT_LINE = re.compile(r"\n( *)[^ #\n]")  # the first line that is neither blank nor a comment


def _outside_the_list(indent: int) -> re.Pattern:
    """A line that is neither blank, a comment, an item at `indent`, nor inside an item."""
    shallower = rf" {{0,{indent - 1}}}[^ #\n]|" if indent else ""
    return re.compile(rf"\n(?:{shallower} {{{indent}}}(?!- )[^ #\n])")


def parse(text: str, path, shown: str, previous: dict[str, tuple[dict, int]], card_from_json):
    """(DeckFile, runs, reused) of `text`, composing only runs not in `previous`; None to parse
    it whole.

    `previous` maps a run's hash to (the card parsed from it, as parse_cache stores cards, and
    the card's line relative to the run's first line); `runs` is the same for this text, and
    `reused` has each card's stored form where it came from `previous` (None where composed).
    """
    pieces = split(text)
    if pieces is None or yaml_text.character_problems(text):
        return None
    try:
        if yaml_text.node_properties_and_depth(text):
            return None
    except (yaml.YAMLError, RecursionError):  # the whole parse says what is wrong
        return None
    problems: list = []
    parser = FileParser(path, shown, problems, suspect=False)
    hashes = pieces.hashes()
    parsed: list = []
    reused: list = []  # for each card, its stored form when it came from the last parse
    for number, (digest, start) in enumerate(zip(hashes, pieces.starts)):
        known = previous.get(digest)
        if known is not None:
            item, relative = known
            try:
                parsed.append(card_from_json(item, shown, start + 1 + relative))
            except (KeyError, TypeError, ValueError, AttributeError):  # a damaged cache entry
                return None
            reused.append(item)
            continue
        piece = pieces.run(number)
        parser.suspect = "\\" in piece
        try:
            root = yaml.compose(piece, Loader=yaml_text.SafeLoader)
        except (yaml.YAMLError, RecursionError):
            return None
        if not (isinstance(root, yaml.SequenceNode) and len(root.value) == 1):
            return None
        card = parser.card(root.value[0], number + 1)
        if card is None or problems:
            return None
        parsed.append(replace(card, location=Location(shown, card.location.line + start, card.location.column)))
        reused.append(None)
    try:
        header = yaml.compose(pieces.header(), Loader=yaml_text.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    parser.suspect = "\\" in pieces.header()
    deck = parser.deck_file(header, tuple(parsed)) if header is not None else None
    if deck is None or problems:
        return None
    return deck, pieces.runs(deck.cards, hashes), reused


def runs_of(text: str, deck) -> list[tuple[str, int]] | None:
    """The runs of a file parsed whole, when it has the usual layout and one run per card."""
    pieces = split(text)
    if pieces is None or len(pieces.starts) != len(deck.cards):
        return None
    return pieces.runs(deck.cards)
