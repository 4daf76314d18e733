"""Terminal rendering of a card: plain lines, wrapped to a width measured in terminal cells.

* `clean` (terminal.printable, the one sanitiser) strips control characters and escape
  sequences from card text before it is printed.
* `cell_width` counts East Asian wide characters as two cells and combining marks as none, so
  Chinese text wraps at the right column. It uses `unicodedata` (already in memory) instead of
  wcwidth, whose import alone would outweigh the rest of a session's start (benchmarks/
  bench_startup.py); tests compare the two on the card texts.
* A general card's `{公司}` names the card's company (bank/placeholders.py) unless the caller
  filled it with an interview's company first.
* Wrapping breaks between words, and between any two CJK characters, but never puts closing
  punctuation (，。）… ) at the start of a line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from interview_srs.bank.placeholders import fill, fill_all
from interview_srs.base.sanitize import printable
from interview_srs.terminal.texts import Texts

REPORT_WIDTH = 80  # what a report printed (not drawn on a screen) fits: a standard terminal

_NO_BREAK_BEFORE = set("，。、；：！？）」』》〉】〕”’…—·%,.;:!?)]}")
_NO_BREAK_AFTER = set("（「『《〈【〔“‘([{")


# The shared sanitiser (terminal.printable), under the name the renderer has always used.
clean = printable


def char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if char in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes (without escape sequences)."""
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


def _tokens(text: str) -> list[str]:
    """Words, single wide characters and single spaces, with punctuation glued on."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char == " ":
            if word:
                tokens.append(word)
                word = ""
            tokens.append(" ")
        elif char_width(char) == 2 and char not in _NO_BREAK_BEFORE and char not in _NO_BREAK_AFTER:
            if word:
                tokens.append(word)
            word = ""
            tokens.append(char)
        else:
            word += char
    if word:
        tokens.append(word)
    glued: list[str] = []
    for token in tokens:
        if glued and glued[-1] != " " and (
            token[0] in _NO_BREAK_BEFORE or glued[-1][-1] in _NO_BREAK_AFTER
        ) and token != " ":
            glued[-1] += token
        else:
            glued.append(token)
    return glued


def wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """Wrap one paragraph to `width` cells; `first`/`rest` prefix the first/other lines."""
    rest = " " * cell_width(first) if rest is None else rest
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        prefix = first if not lines else rest
        line, used = prefix, cell_width(prefix)
        room = max(width, cell_width(prefix) + 2)
        started = False
        for token in _tokens(paragraph):
            size = cell_width(token)
            if token == " " and not started:
                continue
            if used + size > room and started:
                lines.append(line.rstrip())
                line, used = rest, cell_width(rest)
                started = False
                if token == " ":
                    continue
            while size > room - used and not started and len(token) > 1:
                # a single token wider than the line: cut it at the cell boundary
                cut, taken = "", 0
                for char in token:
                    if taken + char_width(char) > room - used:
                        break
                    cut += char
                    taken += char_width(char)
                lines.append(line + cut)
                token = token[len(cut):]
                size = cell_width(token)
                line, used = rest, cell_width(rest)
            line += token
            used += size
            started = True
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class Style:
    """ANSI styling, or none when the output is not a terminal."""

    enabled: bool = False

    def _sgr(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def bold(self, text: str) -> str:
        return self._sgr("1", text)

    def dim(self, text: str) -> str:
        return self._sgr("2", text)

    def heading(self, text: str) -> str:
        return self._sgr("1;36", text)

    def rating(self, number: int, text: str) -> str:
        colours = {1: "31", 2: "33", 3: "32", 4: "34"}
        return self._sgr("1;" + colours[number], text)


def header_lines(card, texts: Texts, width: int, style: Style, counts: str = "") -> list[str]:
    """Deck, company/role and tags of a card (a StoredCard)."""
    lines = wrap(clean(card.deck), width)
    lines = [style.dim(line) for line in lines]
    details = []
    if card.company:
        details.append(f"{texts.company}: {clean(card.company)}")
    if card.role:
        details.append(f"{texts.role}: {clean(card.role)}")
    if card.tags:
        details.append(f"{texts.tags}: " + ", ".join(clean(t) for t in card.tags))
    if details:
        lines += [style.dim(line) for line in wrap(" · ".join(details), width)]
    if card.back.get("draft"):
        lines += [style.bold(line) for line in wrap(texts.draft, width)]
    if counts:
        lines.append(style.dim(counts))
    return lines


def question_lines(card, texts: Texts, width: int, style: Style, counts: str = "") -> list[str]:
    lines = header_lines(card, texts, width, style, counts)
    lines.append("")
    lines += [style.bold(line) for line in wrap(fill(card.question, card.company), width)]
    return lines


def answer_lines(card, texts: Texts, width: int, style: Style) -> list[str]:
    """The back of the card: 考察点, STAR parts or outline, 避坑, 范例. A `{公司}` left in the
    text (a card not filled for an interview: review.company) names the card's own company."""
    back = fill_all(card.back, card.company)
    lines: list[str] = []

    def section(title: str) -> None:
        lines.append("")
        lines.append(style.heading(title))

    def items(values: list[str], bullet: str = "• ", numbered: bool = False) -> None:
        for number, value in enumerate(values, start=1):
            mark = f"{number}. " if numbered else bullet
            lines.extend(wrap(value, width, "  " + mark))

    if back.get("assesses"):
        section(texts.assesses)
        lines.extend(wrap(back["assesses"], width, "  "))
    star = back.get("star")
    if star:
        names = {
            "situation": texts.situation,
            "task": texts.task,
            "action": texts.action,
            "result": texts.result,
        }
        for key, name in names.items():
            parts = star.get(key) or []
            section(f"{key[0].upper()}  {name}")
            if len(parts) == 1:
                lines.extend(wrap(parts[0], width, "  "))
            else:
                items(parts)
    if back.get("outline"):
        section(texts.outline)
        items(back["outline"], numbered=True)
    if back.get("pitfalls"):
        section(texts.pitfalls)
        items(back["pitfalls"])
    lines.extend(followup_lines(back.get("followups") or [], texts, width, style))
    if back.get("example"):
        section(texts.example)
        lines.extend(wrap(back["example"], width, "  "))
    return lines


def followup_lines(followups: list[dict], texts: Texts, width: int, style: Style) -> list[str]:
    """追问: each follow-up question with its one-line cue under it."""
    if not followups:
        return []
    lines = ["", style.heading(texts.followups)]
    for followup in followups:
        lines.extend(wrap(followup["q"], width, "  • "))
        lines.extend(style.dim(line) for line in wrap(followup["cue"], width, "    → ", "      "))
    return lines


def own_answer_lines(mine, card_id: str, question: str, texts: Texts, width: int, style: Style) -> list[str]:
    """Your own answer (a personal.Expanded, stories expanded), marked as yours; or how to add one.

    Markdown is shown lightly: headings bold without their `#`, list items with bullets."""
    from interview_srs.personal.answers import body_lines

    lines = ["", style.heading(texts.mine)]
    for problem in mine.problems if mine is not None else ():
        lines.extend(style.dim(line) for line in wrap(str(problem), width, "  ⚠ "))
    if mine is None or not mine.written:
        lines.extend(style.dim(line) for line in wrap(texts.mine_missing.format(card=card_id), width, "  "))
        return lines
    for line in body_lines(mine.text, question):
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        bullet = re.match(r"^(\s*)[-*+]\s+(.*)$", line)
        if heading:
            lines.extend(style.bold(part) for part in wrap(heading.group(1), width, "  "))
        elif bullet:
            lines.extend(wrap(bullet.group(2), width, "  " + bullet.group(1) + "• "))
        else:
            lines.extend(wrap(line, width, "  ") if line.strip() else [""])
    return lines


def ratings_line(intervals: dict[int, str], texts: Texts, style: Style) -> str:
    """`1 Again <1m   2 Hard <6m   3 Good 1d   4 Easy 3d`."""
    return "   ".join(
        style.rating(r, f"{r} {texts.ratings[r - 1]}") + f" {intervals[r]}" for r in (1, 2, 3, 4)
    )


def shorten(text: str, width: int = 40) -> str:
    """`text` on one line, cut to `width` cells with an ellipsis: messages name a card by its
    question this way, not by its id."""
    text = " ".join(clean(text).split())
    if cell_width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        size = char_width(char)
        if used + size > width - 1:
            break
        out += char
        used += size
    return out + "…"


def key_lines(text: str, width: int, style: Style) -> list[str]:
    """A key-hint line (`1-4 rate · s bury · …`), broken between its ` · ` parts to fit `width`,
    so no line of a screen wraps on its own and the pager's count of lines stays true."""
    lines: list[str] = []
    for part in clean(text).split(" · "):
        if lines and cell_width(lines[-1] + " · " + part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return [style.dim(line) for line in lines]


def fit_lines(lines: list[str], width: int = REPORT_WIDTH) -> list[str]:
    """Report lines (unstyled) each within `width` cells: a longer line is wrapped, its
    continuation indented two cells past its own indent."""
    fitted: list[str] = []
    for line in lines:
        if cell_width(line) <= width:
            fitted.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        fitted.extend(wrap(body, width, indent, indent + "  "))
    return fitted


def fit_parts(head: str, parts: list[str], separator: str, width: int = REPORT_WIDTH) -> list[str]:
    """`head` then `parts` joined by `separator` (a list of decks, of days), broken between two
    parts rather than inside one, to fit `width` cells: a line ends with the separator's mark
    (`,` `·`) and the next is indented two cells past `head`'s own indent (the first part too,
    when it fits there but not after `head`). A part wider than a line of its own is wrapped as
    fit_lines wraps."""
    indent = " " * (len(head) - len(head.lstrip(" "))) + "  "
    mark = separator.rstrip()
    lines, line = [], head
    for index, part in enumerate(parts):
        tail = mark if index < len(parts) - 1 else ""
        joined = part if index == 0 else separator + part
        if cell_width(line + joined + tail) <= width or cell_width(indent + part + tail) > width or not line.strip():
            line += joined
        else:
            lines.append(line.rstrip() if index == 0 else line + mark)
            line = indent + part
    lines.append(line)
    return fit_lines(lines, width)


def shorten_left(text: str, width: int) -> str:
    """`text` cut from the left to `width` cells (`…集团::HR面与综合`): the end of a deck path is
    the part that tells decks apart."""
    text = " ".join(clean(text).split())
    if cell_width(text) <= width:
        return text
    out, used = "", 0
    for char in reversed(text):
        size = char_width(char)
        if used + size > width - 1:
            break
        out = char + out
        used += size
    return "…" + out


def short_decks(decks: list[str]) -> dict[str, str]:
    """Each deck without the `::` levels every deck shares (面试::快手::营销服务 → 快手::营销服务
    when every deck is under 面试), so a table of decks fits the width; one deck stays whole."""
    paths = [deck.split("::") for deck in decks]
    shared = 0
    if len(paths) > 1:
        while all(len(p) > shared + 1 and p[shared] == paths[0][shared] for p in paths):
            shared += 1
    return {deck: "::".join(path[shared:]) for deck, path in zip(decks, paths)}


__all__ = [
    "Style",
    "answer_lines",
    "cell_width",
    "char_width",
    "clean",
    "REPORT_WIDTH",
    "fit_lines",
    "fit_parts",
    "followup_lines",
    "header_lines",
    "key_lines",
    "own_answer_lines",
    "question_lines",
    "ratings_line",
    "short_decks",
    "shorten",
    "shorten_left",
    "wrap",
]
