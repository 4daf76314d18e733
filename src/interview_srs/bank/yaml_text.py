"""What the YAML reader would refuse or choke on, found before a card file is composed.

Characters YAML cannot hold, anchors and aliases (never expanded: no "billion laughs"), and
nesting deep enough to overflow the C composer's stack are each reported at their line and
column, instead of as a crash or an unlocated error. Also the safe loader every parse uses.
"""

from __future__ import annotations

import bisect
import re

import yaml

try:  # The C loader is several times faster; the pure-Python one is the fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


# Lists and mappings inside each other: a card file needs TYPICAL_DEPTH levels. The C composer
# recurses once per level, LibYAML refuses 1,000 levels in newer releases with its own wording,
# and the pure-Python composer reaches Python's recursion limit below that: refusing far sooner
# gives every reader the same located message.
MAX_DEPTH = 100
TYPICAL_DEPTH = 6
# Below this many levels composing is safe for every reader (the C composer's stack holds
# thousands), so the event scan that finds MAX_DEPTH runs only when the text could nest deeper:
# deeper nesting that is composed is refused by the card shapes, or by LibYAML's own limit,
# worded as ours. A 500-card file's [tags] and [sources] stay well under it.
SCAN_FROM_DEPTH = 5000
TOO_DEEP = f"lists and mappings are nested more than {MAX_DEPTH} levels deep (a card file needs {TYPICAL_DEPTH})"
MAX_SHOWN = 80  # characters of a bad value quoted in a message
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# What the YAML reader accepts (PyYAML's `NON_PRINTABLE`, inverted); tabs are reported apart.
_NOT_YAML_TEXT = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Anchors (&a) and aliases (*a) start after a separator; `R&D` or `**bold**` inside text do not,
# but they may still match, which only costs an event scan.
_NODE_PROPERTY = re.compile(r"(?:^|[\s\[{,:])[&*]")
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")  # as YAML breaks lines

class Positions:
    """Line and column of a character index, counting line breaks as YAML does.

    YAML (and so every other location we report) breaks lines at CR LF, CR, LF, NEL, LS and
    PS; `str.splitlines` would also break at form feeds and other separators.
    """

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def of(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index) - 1
        return line + 1, index - self.starts[line] + 1


def character_name(char: str | int) -> str:
    code = char if isinstance(char, int) else ord(char)
    if code in (0xFFFE, 0xFFFF) or 0xFDD0 <= code <= 0xFDEF:
        return f"U+{code:04X} (not a character)"
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (half of a surrogate pair, not a character)"
    return f"the control character U+{code:04X}"


def character_problems(text: str) -> list[tuple[str, int]]:
    """Tabs (the first on each line) and characters YAML refuses (the first, with a count)."""
    found = []
    tab_lines: set[int] = set()
    if "\t" in text:
        positions = Positions(text)
        for match in re.finditer("\t", text):
            line = positions.of(match.start())[0]
            if line not in tab_lines:
                tab_lines.add(line)
                found.append(("tab character; indent with spaces", match.start()))
    first = _NOT_YAML_TEXT.search(text)
    if first:
        count = len(_NOT_YAML_TEXT.findall(text))
        more = f" (and {count - 1} more in this file)" if count > 1 else ""
        found.append((f"{character_name(first.group())} is not allowed in a card file{more}; remove it", first.start()))
    return found


def node_properties_and_depth(text: str) -> list[tuple[yaml.Mark, str]]:
    """Anchors, aliases and nesting too deep to compose, found before anything is composed.

    Aliases are refused so that none is ever expanded (no "billion laughs"); anchors without
    aliases are refused too, as the README says: they only make sense with an alias. Deep
    nesting is refused because the C composer recurses once per level and a few tens of
    thousands of `[` would overflow the stack (a segmentation fault, not an exception).

    The event scan costs about as much as composing, so it only runs when the text could hold
    an anchor or alias, or when a cheap bound on the nesting depth (every `[` and `{` of the
    file, plus two levels per column of indentation and `- `/`? `/`: ` indicators) is too big.
    """
    room = SCAN_FROM_DEPTH - 3 - text.count("[") - text.count("{")  # levels left for block nesting
    deep = room < 0 or _prefix_longer_than(text, room // 2)
    if not deep and not (("&" in text or "*" in text) and _NODE_PROPERTY.search(text)):
        return []
    found: list[tuple[yaml.Mark, str]] = []
    try:
        _scan_events(text, found)
    except yaml.MarkedYAMLError as error:
        # LibYAML's scanner reads up to 1,024 characters ahead of the events it gives, so a run
        # of `[` can reach its own nesting limit before this scan reaches MAX_DEPTH.
        if "nesting depth" not in (error.problem or "") or error.problem_mark is None:
            raise
        found.append((error.problem_mark, TOO_DEEP))
    return found


def _scan_events(text: str, found: list[tuple[yaml.Mark, str]]) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            found.append((event.start_mark, f"YAML aliases (*{shorten(event.anchor)}) are not allowed; write the text out"))
            continue
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            found.append((event.start_mark, f"YAML anchors (&{shorten(event.anchor)}) are not allowed; write the text out"))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                found.append((event.start_mark, TOO_DEEP))
                return
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _prefix_longer_than(text: str, width: int) -> bool:
    """Whether a line starts with more than `width` spaces and `-`/`?`/`:` indicators.

    One search per kind of line break the text holds; a literal first character lets the
    regular expression engine skip ahead, which matters on a bank of several megabytes.
    """
    run = "[ ?:-]{%d,}" % (width + 1)
    if len(text) - len(text.lstrip(" ?:-")) > width:
        return True
    return any(brk in text and re.search(re.escape(brk) + run, text) for brk in _LINE_BREAKS)


def shorten(value: str, limit: int = MAX_SHOWN) -> str:
    """A value as quoted in a message: long ones cut, so a huge bad value is not echoed in full."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}…({len(value)} characters)"


class SafeLoader(_BaseLoader):
    """The safe loader with a leaner tag resolver.

    PyYAML's resolver also supports path-based resolvers, which we never use; skipping them
    makes composing a large bank noticeably faster. Plain scalars still get the same tags.
    """

    def resolve(self, kind, value, implicit):  # noqa: D102 - PyYAML's hook
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node, current_index):  # noqa: D102 - no path resolvers
        pass

    def ascend_resolver(self):  # noqa: D102 - no path resolvers
        pass


_TAG_NAMES = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:str": "text",
}


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _TAG_NAMES.get(node.tag, f"a value tagged {node.tag}")

