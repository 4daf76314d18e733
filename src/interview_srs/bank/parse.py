"""The card file parser: YAML bytes → DeckFile, with every problem located.

Every problem in every file is collected before anything is reported, so that one run of
`srs check` shows the whole list. Each problem carries the file, line and column it was found
at, because the people fixing cards are editing YAML by hand.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import replace
from pathlib import Path

import yaml

from interview_srs.bank.model import ID_PATTERN, MAX_ID_LENGTH, STAR_PARTS, Card, DeckFile, Followup, Star
from interview_srs.base.problems import Location, Problem
from interview_srs.base.sanitize import NOT_ANKI_TEXT, one_line
from interview_srs.bank.yaml_text import (
    TOO_DEEP,
    TYPICAL_DEPTH,
    Positions,
    SafeLoader,
    character_name,
    character_problems,
    describe,
    node_properties_and_depth,
    shorten,
)

FILE_KEYS = ("deck", "company", "role", "tags", "source", "documents", "cards")
CARD_KEYS = (
    "id", "question", "star", "outline", "assesses", "pitfalls", "example", "tags", "sources",
    "followups", "as_of", "related", "draft", "context", "retired",
)
FOLLOWUP_KEYS = ("q", "cue")
AS_OF_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DOCUMENT_PATTERN = re.compile(r"^[0-9A-Za-z_-]+$")
# In one-line values (deck names, tags, ids, company, role) Anki also drops tabs and newlines.
_NOT_ONE_LINE = re.compile("[\t\n\r\x85\u2028\u2029]")

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_BOOL_TAG = "tag:yaml.org,2002:bool"


def parse_deck_file(
    data: bytes, path: Path, shown: str, digest: str = ""
) -> tuple[DeckFile | None, list[Problem]]:
    """Parse one card file's bytes; return the deck (if usable) and the problems found.

    `digest` is the sha256 of `data` when the caller has it already."""
    problems: list[Problem] = []

    def at(line: int, column: int, message: str, field_name: str | None = None) -> None:
        problems.append(Problem(Location(shown, line, column), message, None, field_name))

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")  # valid up to the first bad byte
        at(*Positions(before).of(len(before)), "file is not valid UTF-8 (save it as UTF-8)")
        return None, problems
    text = text.removeprefix("\ufeff")
    if not text.strip():
        at(1, 1, "file is empty")
        return None, problems
    found = character_problems(text)
    if found:
        positions = Positions(text)
        for message, index in found:
            at(*positions.of(index), message)
    if problems:
        return None, problems
    try:
        for mark, message in node_properties_and_depth(text):
            at(mark.line + 1, mark.column + 1, message)
        if problems:
            return None, problems
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = exc.problem or exc.context or "syntax error"
        # LibYAML's own nesting limit (newer releases), met by composing: the same words as ours
        at(line, column, TOO_DEEP if "nesting depth" in detail else f"invalid YAML: {detail}")
        return None, problems
    except yaml.reader.ReaderError as exc:
        at(*Positions(text).of(exc.position), f"invalid YAML: {character_name(exc.character)} is not allowed")
        return None, problems
    except yaml.YAMLError as exc:
        at(1, 1, f"invalid YAML: {one_line(exc)}")
        return None, problems
    except RecursionError:  # only PyYAML's pure-Python composer recurses in Python
        at(1, 1, f"lists and mappings are nested too deeply (a card file needs {TYPICAL_DEPTH} levels)")
        return None, problems
    if root is None:
        at(1, 1, "file is empty")
        return None, problems
    # Characters Anki refuses can only come from escapes (YAML refuses them raw), and a value can
    # only hold a line separator the text has: most files need no check of each value.
    suspect = "\\" in text or "\x85" in text or "\u2028" in text or "\u2029" in text
    deck = FileParser(path, shown, problems, suspect).deck_file(root)
    if deck is not None:
        deck = replace(deck, digest=digest or hashlib.sha256(data).hexdigest())
    return deck, problems


class FileParser:
    """Turns the YAML node tree of one file into a DeckFile, noting problems as it goes.

    Working on nodes rather than on `yaml.safe_load` output is what gives every value its
    line and column, and lets us refuse aliases before they are expanded.
    """

    def __init__(self, path: Path, shown: str, problems: list[Problem], suspect: bool = True):
        self.path = path
        self.shown = shown
        self.problems = problems
        self.suspect = suspect  # the text may hold characters Anki refuses (see parse_deck_file)

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.shown, node.start_mark.line + 1, node.start_mark.column + 1)

    def report(self, node: yaml.Node, message: str, card: str | None, field_name: str | None):
        self.problems.append(Problem(self.loc(node), message, card, field_name))

    def mapping(
        self, node: yaml.Node, allowed: tuple[str, ...], card: str | None, what: str | None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"expected a mapping of keys, got {describe(node)}", card, what)
            return None
        if node.tag != _MAP_TAG:
            self.report(node, f"unsupported YAML tag {node.tag}", card, what)
            return None
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR_TAG):
                self.report(key_node, "keys must be plain words", card, what)
                continue
            key = key_node.value
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                known = ", ".join(allowed)
                self.report(
                    key_node,
                    f"unknown key '{shorten(key)}'{suggestion} (allowed: {known})",
                    card,
                    _join(what, shorten(key)),
                )
                continue
            if key in entries:
                first = self.loc(entries[key][0])
                self.report(
                    key_node, f"key '{key}' appears twice (first at line {first.line})", card, _join(what, key)
                )
                continue
            entries[key] = (key_node, value_node)
        return entries

    def text(self, node: yaml.Node, card: str | None, field_name: str, item: int = 0) -> str | None:
        """A non-empty string value; `item` numbers list entries in messages (`outline[2]`)."""
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"expected text, got {describe(node)}", card, _item(field_name, item))
            return None
        if node.tag != _STR_TAG:
            message = f"expected text, got {describe(node)}; put the value in quotes"
            self.report(node, message, card, _item(field_name, item))
            return None
        value = node.value.strip()
        if not value:
            self.report(node, "is empty", card, _item(field_name, item))
            return None
        bad = re.search(NOT_ANKI_TEXT, value) if self.suspect else None
        if bad:
            self.report(
                node, f"contains {character_name(bad.group())}, which Anki cannot import; remove it",
                card, _item(field_name, item),
            )
            return None
        return value

    def one_line_text(self, node: yaml.Node, card: str | None, field_name: str, item: int = 0) -> str | None:
        """`text` for values Anki keeps on one line (deck names, tags, company, role)."""
        value = self.text(node, card, field_name, item)
        if value is not None and ("\n" in value or (self.suspect and _NOT_ONE_LINE.search(value))):
            self.report(node, "must be on one line (Anki drops line breaks and tabs here)", card, _item(field_name, item))
            return None
        return value

    def text_list(
        self, node: yaml.Node, card: str | None, field_name: str, one_line_items: bool = False
    ) -> tuple[str, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"expected a list, got {describe(node)}", card, field_name)
            return None
        if node.tag != _SEQ_TAG:
            self.report(node, f"unsupported YAML tag {node.tag}", card, field_name)
            return None
        if not node.value:
            self.report(node, "is an empty list", card, field_name)
            return None
        read = self.one_line_text if one_line_items else self.text
        items = [read(item, card, field_name, number) for number, item in enumerate(node.value, start=1)]
        if None in items:
            return None
        return tuple(items)  # type: ignore[arg-type]

    def text_or_list(self, node: yaml.Node, card: str | None, field_name: str) -> tuple[str, ...] | None:
        if isinstance(node, yaml.SequenceNode):
            return self.text_list(node, card, field_name)
        value = self.text(node, card, field_name)
        return None if value is None else (value,)

    def tags(self, node: yaml.Node, card: str | None, field_name: str) -> tuple[str, ...] | None:
        tags = self.text_list(node, card, field_name, one_line_items=True)
        if tags is None:
            return None
        bad = [t for t in tags if re.search(r"\s", t)]
        if bad:
            self.report(node, f"tag '{shorten(bad[0])}' contains a space (Anki tags cannot)", card, field_name)
            return None
        return tags

    def deck_file(self, root: yaml.Node, parsed_cards: tuple[Card, ...] | None = None) -> DeckFile | None:
        """The file's DeckFile; `parsed_cards` are its cards when they were parsed apart
        (card_pieces.py), and the `cards` key then only has to be there."""
        entries = self.mapping(root, FILE_KEYS, None, None)
        if entries is None:
            return None
        deck_name = None
        for key in ("deck", "cards"):
            if key not in entries:
                self.report(root, "is required", None, key)
        if "deck" in entries:
            deck_name = self.deck_path(entries["deck"][1])
        optional = {
            key: (self.text if key == "source" else self.one_line_text)(entries[key][1], None, key)
            for key in ("company", "role", "source")
            if key in entries
        }
        tags = self.tags(entries["tags"][1], None, "tags") if "tags" in entries else ()
        documents = self.documents(entries["documents"][1]) if "documents" in entries else ()
        if "cards" not in entries:
            cards = None
        else:
            cards = self.cards(entries["cards"][1]) if parsed_cards is None else parsed_cards
        if deck_name is None or cards is None or tags is None or documents is None or None in optional.values():
            return None
        return DeckFile(
            path=self.path,
            display_path=self.shown,
            deck=deck_name,
            cards=cards,
            location=self.loc(entries["deck"][1]),
            company=optional.get("company") or "",
            role=optional.get("role") or "",
            tags=tags,
            source=optional.get("source") or "",
            documents=documents,
        )

    def documents(self, node: yaml.Node) -> tuple[str, ...] | None:
        names = self.text_list(node, None, "documents")
        if names is None:
            return None
        bad = [name for name in names if not DOCUMENT_PATTERN.match(name)]
        if bad:
            self.report(
                node, f"'{shorten(bad[0])}' is not a document id; write the part before # in a source, e.g. \"004\"",
                None, "documents",
            )
            return None
        return names

    def deck_path(self, node: yaml.Node) -> str | None:
        name = self.one_line_text(node, None, "deck")
        if name is None:
            return None
        parts = name.split("::")
        if any(not part.strip() for part in parts):
            self.report(node, f"'{shorten(name)}' has an empty part; write it like 面试::公司::岗位", None, "deck")
            return None
        if any(part != part.strip() for part in parts):
            self.report(node, f"'{shorten(name)}' has spaces around '::'", None, "deck")
            return None
        return name

    def cards(self, node: yaml.Node) -> tuple[Card, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"expected a list of cards, got {describe(node)}", None, "cards")
            return None
        if node.tag != _SEQ_TAG:
            self.report(node, f"unsupported YAML tag {node.tag}", None, "cards")
            return None
        if not node.value:
            self.report(node, "is an empty list", None, "cards")
            return None
        cards = [self.card(item, index) for index, item in enumerate(node.value, start=1)]
        if any(card is None for card in cards):
            return None
        return tuple(cards)  # type: ignore[arg-type]

    def card(self, node: yaml.Node, index: int) -> Card | None:
        label = f"#{index}"
        if isinstance(node, yaml.MappingNode):
            # Name the card by its id in every message, as soon as we can read it.
            for key_node, value_node in node.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.value == "id"
                    and isinstance(value_node, yaml.ScalarNode)
                    and value_node.value.strip()
                ):
                    label = shorten(value_node.value.strip())
        before = len(self.problems)
        entries = self.mapping(node, CARD_KEYS, label, None)
        if entries is None:
            return None
        for key in ("id", "question"):
            if key not in entries:
                self.report(node, "is required", label, key)
        if "star" in entries and "outline" in entries:
            self.report(
                entries["outline"][0],
                "a card has either 'star' (behavioural) or 'outline' (knowledge), not both",
                label,
                "outline",
            )
        elif "star" not in entries and "outline" not in entries and "retired" not in entries:
            self.report(
                node,
                "add 'star' (situation/task/action/result) for a behavioural question "
                "or 'outline' (answer points) for a knowledge question",
                label,
                "star/outline",
            )
        card_id = self.card_id(entries["id"][1], label) if "id" in entries else None
        question = self.text(entries["question"][1], label, "question") if "question" in entries else None
        star = self.star(entries["star"][1], label) if "star" in entries else None
        values = {
            "outline": self.text_list(entries["outline"][1], label, "outline") if "outline" in entries else (),
            "assesses": self.text(entries["assesses"][1], label, "assesses") if "assesses" in entries else "",
            "pitfalls": self.text_list(entries["pitfalls"][1], label, "pitfalls") if "pitfalls" in entries else (),
            "example": self.text(entries["example"][1], label, "example") if "example" in entries else "",
            "tags": self.tags(entries["tags"][1], label, "tags") if "tags" in entries else (),
            "sources": self.text_list(entries["sources"][1], label, "sources") if "sources" in entries else (),
            "followups": self.followups(entries["followups"][1], label) if "followups" in entries else (),
            "as_of": self.as_of(entries["as_of"][1], label) if "as_of" in entries else "",
            "related": self.text_list(entries["related"][1], label, "related") if "related" in entries else (),
            "draft": self.flag(entries["draft"][1], label, "draft") if "draft" in entries else False,
            "context": self.text(entries["context"][1], label, "context") if "context" in entries else "",
            "retired": self.text(entries["retired"][1], label, "retired") if "retired" in entries else "",
        }
        if len(self.problems) > before or card_id is None or question is None:
            return None
        return Card(id=card_id, question=question, location=self.loc(node), star=star, **values)

    def followups(self, node: yaml.Node, label: str) -> tuple[Followup, ...] | None:
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ_TAG:
            self.report(node, f"expected a list of {{q, cue}} mappings, got {describe(node)}", label, "followups")
            return None
        if not node.value:
            self.report(node, "is an empty list", label, "followups")
            return None
        followups = []
        for number, item in enumerate(node.value, start=1):
            where = f"followups[{number}]"
            entries = self.mapping(item, FOLLOWUP_KEYS, label, where)
            if entries is None:
                followups.append(None)
                continue
            for key in FOLLOWUP_KEYS:
                if key not in entries:
                    self.report(item, "is required", label, f"{where}.{key}")
            values = {key: self.text(entries[key][1], label, f"{where}.{key}") for key in FOLLOWUP_KEYS if key in entries}
            followups.append(Followup(**values) if len(values) == 2 and None not in values.values() else None)
        if None in followups:
            return None
        return tuple(followups)  # type: ignore[arg-type]

    def as_of(self, node: yaml.Node, label: str) -> str | None:
        value = self.text(node, label, "as_of")
        if value is None:
            return None
        if not AS_OF_PATTERN.match(value):
            self.report(node, f"'{shorten(value)}' is not a month; write YYYY-MM, e.g. 2025-06", label, "as_of")
            return None
        return value

    def flag(self, node: yaml.Node, label: str, field_name: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL_TAG:
            return node.value.lower() in ("true", "yes", "on")
        self.report(node, f"expected true or false, got {describe(node)}", label, field_name)
        return None

    def card_id(self, node: yaml.Node, label: str) -> str | None:
        value = self.text(node, label, "id")
        if value is None:
            return None
        if len(value) > MAX_ID_LENGTH or not ID_PATTERN.match(value):
            self.report(
                node,
                f"'{shorten(value)}' is not a valid id: use lowercase letters, digits and single hyphens "
                f"(at most {MAX_ID_LENGTH} characters), e.g. ant-why-alipay",
                label,
                "id",
            )
            return None
        return value

    def star(self, node: yaml.Node, label: str) -> Star | None:
        entries = self.mapping(node, STAR_PARTS, label, "star")
        if entries is None:
            return None
        parts = {}
        for name in STAR_PARTS:
            if name not in entries:
                self.report(node, "is required", label, f"star.{name}")
                parts[name] = None
            else:
                parts[name] = self.text_or_list(entries[name][1], label, f"star.{name}")
        if any(value is None for value in parts.values()):
            return None
        return Star(**parts)  # type: ignore[arg-type]


def _item(field_name: str, item: int) -> str:
    return f"{field_name}[{item}]" if item else field_name


def _join(prefix: str | None, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
