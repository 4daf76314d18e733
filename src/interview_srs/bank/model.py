"""The question bank's model: a card file (DeckFile) of cards (Card) with their STAR skeletons
and follow-ups, and the bank (Bank) they make. Plain frozen values; the parser makes them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from interview_srs.base.problems import Location

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 64
STAR_PARTS = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class Star:
    """The STAR skeleton of a behavioural answer; each part is one or more prompts."""

    situation: tuple[str, ...]
    task: tuple[str, ...]
    action: tuple[str, ...]
    result: tuple[str, ...]

    def parts(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((name, getattr(self, name)) for name in STAR_PARTS)


@dataclass(frozen=True)
class Followup:
    """A follow-up question (追问) an interviewer is likely to ask next, with a one-line cue."""

    q: str
    cue: str


@dataclass(frozen=True)
class Card:
    """One interview question and the skeleton of its answer.

    `tags` are the card's own tags; `DeckFile.tags_for` adds the file's defaults.
    """

    id: str
    question: str
    location: Location
    star: Star | None = None
    outline: tuple[str, ...] = ()
    assesses: str = ""
    pitfalls: tuple[str, ...] = ()
    example: str = ""
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    followups: tuple[Followup, ...] = ()
    as_of: str = ""  # YYYY-MM: when facts that can go stale were last checked
    # `sources` name where a document asked this question; `related` what the card draws on or
    # extends without having been asked there, so a reader is never told it was.
    related: tuple[str, ...] = ()
    draft: bool = False  # made by `srs draft` from a 面经, skeleton not yet filled in
    context: str = ""  # what the 面经 said around the question (a draft's provenance)
    # Why the card left the bank. A retired card is never reviewed, but the decks keep shipping
    # its note, tagged `retired` with this line, so a re-import marks it in users' collections.
    retired: str = ""

    @property
    def documents(self) -> tuple[str, ...]:
        """The source documents this card cites, asked or related (`004` for `004#22`), in order,
        without repeats: a company's package carries every card that draws on its documents."""
        return tuple(dict.fromkeys(source.split("#", 1)[0] for source in self.sources + self.related))

    def content(self) -> dict:
        """The card's text as plain data: what a content hash or a JSON dump should see."""
        return {
            "id": self.id,
            "question": self.question,
            "star": {name: list(text) for name, text in self.star.parts()} if self.star else None,
            "outline": list(self.outline),
            "assesses": self.assesses,
            "pitfalls": list(self.pitfalls),
            "example": self.example,
            "tags": list(self.tags),
            "sources": list(self.sources),
            "followups": [{"q": f.q, "cue": f.cue} for f in self.followups],
            "as_of": self.as_of,
            # Only when set, so that cards without them keep their content hash (and Anki mod).
            **({"related": list(self.related)} if self.related else {}),
            **({"draft": True} if self.draft else {}),
            **({"context": self.context} if self.context else {}),
            **({"retired": self.retired} if self.retired else {}),
        }


@dataclass(frozen=True)
class DeckFile:
    """One file of cards/, which becomes one Anki deck."""

    path: Path
    display_path: str
    deck: str
    cards: tuple[Card, ...]
    location: Location
    company: str = ""
    role: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""
    # Source documents this deck covers in full: its package also carries every card of other
    # files that cites one of them, so a company's package has all of that company's questions.
    documents: tuple[str, ...] = ()
    digest: str = ""  # sha256 of the file's bytes: what results computed from it are cached by

    def tags_for(self, card: Card) -> tuple[str, ...]:
        """File tags then card tags (and `retired` for a retired card), without repeats, in a
        stable order."""
        return tuple(dict.fromkeys(self.tags + card.tags + (("retired",) if card.retired else ())))


@dataclass(frozen=True)
class Bank:
    """The whole validated question bank."""

    decks: tuple[DeckFile, ...]

    def cards(self) -> tuple[tuple[DeckFile, Card], ...]:
        return tuple((deck, card) for deck in self.decks for card in deck.cards)


def display_name(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop (RuntimeError)
        return str(path)
