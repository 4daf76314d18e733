"""Read one pasted 面经 into clean text, whatever it was saved as.

People save these from 牛客, 小红书, 知乎 or a 文库 download: UTF-8, UTF-8 with a BOM (Notepad),
GBK (older Windows tools), UTF-16 (Word's "Unicode text"), or a page's HTML. Everything after
this module sees one kind of text: `\n` line breaks, ordinary spaces, no markup. Anything that is
not a readable text file is refused with a DraftError naming the file, before any work is done.
"""

from __future__ import annotations

import codecs
import re
import stat
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from interview_srs.bank.draft.errors import DraftError
from interview_srs.base.sanitize import one_line, printable

MAX_BYTES = 10 * 1024 * 1024  # refused from this size on: a 面经 is a few pages, anything near this is not one
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character a
# detector attributed to one of the smaller tables.
_CHINESE_LEGACY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "ms936"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16-LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab and line breaks: a text file has (almost) none.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|br|li|ul|ol|span|h[1-6]|table|tr|td|section|article|a|strong|em|b)\b[^>]*>",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "tbody", "td", "th", "thead", "title", "tr", "ul",
}
_DROPPED_TAGS = {"script", "style", "noscript", "template", "svg"}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile("[\u3000\u00a0\u2002-\u200a\u202f\u205f]")


@dataclass(frozen=True)
class SourceText:
    """One file's text, ready to search for questions, and how it was read."""

    path: Path
    name: str  # the file name, as provenance on the cards ("meituan.txt#L12")
    text: str
    encoding: str  # the codec that decoded it, e.g. "utf-8", "gb18030", "utf-16"
    was_html: bool = False
    # For HTML, the page-source line each text line came from (index 0 is text line 1), so that
    # provenance points at the file the user has; empty when the text lines are the file's lines.
    source_lines: tuple[int, ...] = ()

    def line_in_file(self, line: int) -> int:
        """The file's 1-based line for the text's 1-based `line`."""
        if self.source_lines and 1 <= line <= len(self.source_lines):
            return self.source_lines[line - 1]
        return line


def read_source(path: Path | str) -> SourceText:
    """Read, decode and clean one file; raise DraftError naming it when it is not a text file."""
    path = Path(path)
    shown = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise DraftError(f"{shown}: cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DraftError(f"{shown}: is a folder; give the 面经 text file itself")
    if not stat.S_ISREG(info.st_mode):
        raise DraftError(f"{shown}: is not a regular file")
    if info.st_size >= MAX_BYTES:
        raise DraftError(f"{shown}: is {info.st_size / 1024 / 1024:.1f} MB; a 面经 must be under 10 MB")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES)
    except OSError as exc:
        raise DraftError(f"{shown}: cannot read the file: {exc.strerror or exc}") from None
    if len(data) >= MAX_BYTES:  # it grew since stat
        raise DraftError(f"{shown}: is over 10 MB; a 面经 must be under 10 MB")
    text, encoding = decode(data, shown)
    was_html = looks_like_html(text)
    source_lines: tuple[int, ...] = ()
    if was_html:
        text, source_lines = html_to_text_and_lines(text)
    text = normalise(text)
    if not text.strip():
        raise DraftError(f"{shown}: has no text" + (" outside its HTML tags" if was_html else ""))
    # The name is provenance on every card: without control characters, or the card file is invalid
    return SourceText(path=path, name=one_line(path.name), text=text, encoding=encoding, was_html=was_html,
                      source_lines=source_lines)


def decode(data: bytes, shown: str = "the file") -> tuple[str, str]:
    """The text and the name of the codec that read it; DraftError for empty or binary data."""
    if not data.strip():
        raise DraftError(f"{shown}: is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), shown), codec
            except UnicodeDecodeError:
                raise DraftError(f"{shown}: starts like {codec} text but does not decode as it") from None
    if b"\x00" in data:
        raise DraftError(f"{shown}: looks binary (it holds NUL bytes); save the 面经 as text")
    try:
        return _checked(data.decode("utf-8"), shown), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only texts that are not UTF-8 need the detector

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise DraftError(f"{shown}: is not text in any encoding this reads (UTF-8, GB18030/GBK, UTF-16)")
    codec = codecs.lookup(best.encoding).name
    if codec.replace("-", "_") in _CHINESE_LEGACY or best.encoding in _CHINESE_LEGACY:
        codec = "gb18030"
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = str(best)
        codec = best.encoding
    return _checked(text, shown), codec


def _checked(text: str, shown: str) -> str:
    """Refuse decoded text that is mostly control characters: a binary file read as text."""
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise DraftError(f"{shown}: looks binary (control characters in the text); save the 面经 as text")
    return text


def looks_like_html(text: str) -> bool:
    """Pasted page source: a doctype or several known tags (one `<b>` in a note is not a page)."""
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or len(_HTML_TAG.findall(text[:200_000])) >= 3


class _TextOfHtml(HTMLParser):
    """The visible text of a page: blocks on their own lines, scripts and styles dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, int]] = []  # (text, page-source line it starts on)
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROPPED_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(("\n", self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(("\n", self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(("\n", self.getpos()[0]))

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            # Inside a block, source line breaks are only layout: HTML shows them as spaces.
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.parts.append((re.sub(r"\s*\n\s*", " ", data), line))


def html_to_text(html: str) -> str:
    """The page's visible text, one block a line, entities unescaped."""
    return html_to_text_and_lines(html)[0]


def html_to_text_and_lines(html: str) -> tuple[str, tuple[int, ...]]:
    """`html_to_text`, and for each of its lines the page-source line its text starts on."""
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; anything left is unusual markup
        return unescape(re.sub(r"<[^>]*>", "\n", html)), ()
    lines: list[str] = [""]
    starts: list[int] = [1]
    for piece, line in parser.parts:
        for number, chunk in enumerate(piece.split("\n")):
            if number:
                lines.append("")
                starts.append(line)
            if chunk.strip() and not lines[-1].strip():
                starts[-1] = line  # a line's provenance is where its first visible text is
            lines[-1] += chunk
    return "\n".join(lines), tuple(starts)


def normalise(text: str) -> str:
    """`\n` line breaks, ordinary spaces, no invisible characters, escape sequences, control
    characters (which a card may not hold) or trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    text = printable(text.replace("\x85", "\n"))
    # Lines are neither joined nor dropped: a question's line number is the file's line number.
    return "\n".join(line.rstrip() for line in text.split("\n"))
