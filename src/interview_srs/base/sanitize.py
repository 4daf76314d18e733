"""The one sanitiser for text printed to a terminal.

Every string that comes from a card file, a config file, the store or a file name passes
through `printable` before it is printed, whichever command prints it: a file must not be able
to move the cursor, retitle the window, hide text or write to the clipboard (OSC 52).
`one_line` is for messages that must stay on one line (problem reports, errors).
`json_safe` escapes the same characters inside JSON text instead of removing them, so
`--json` output stays lossless.
"""

from __future__ import annotations

import re

# The patterns are kept as text, compiled by `re` (and cached there) on first use: most text
# needs none of them, and compiling them all at import would delay every command's start.
_ESCAPES = (
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL / ST
    r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS / PM / APC / SOS ... ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences (and a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?"  # 8-bit DCS/SOS/OSC/PM/APC
)
# C0 and C1 controls (tab and newline are handled apart), DEL, and the bidirectional
# overrides/isolates that can make text display differently from what it is.
_CONTROLS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]"
_JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff]"
# Characters a text going into an Anki package may not hold (card files and personal answers
# alike): Anki's importer refuses the field separator U+001F (the whole package fails) and
# silently drops the other C0 controls and DEL; C1 controls are terminal escapes; a lone
# surrogate cannot be written as UTF-8.
NOT_ANKI_TEXT = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]"
# A lone surrogate: no UTF-8 file holds one, but JSON can (a damaged cache or state file), and
# writing it to the terminal would fail. Shown as U+FFFD, so that something visibly was there.
_SURROGATES = "[\ud800-\udfff]"


def printable(text: object) -> str:
    """`text` with escape sequences and control characters removed; newlines kept, tabs as spaces."""
    text = str(text)
    if text.isprintable() or text.replace("\n", "").isprintable():
        return text  # the common case: every character removed below is unprintable to Python
    return _stripped(text)


def _stripped(text: str) -> str:
    text = re.sub(_ESCAPES, "", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return re.sub(_SURROGATES, "\ufffd", re.sub(_CONTROLS, "", text))


def one_line(text: object) -> str:
    """`printable`, with line breaks shown as ⏎ so a message stays on one line."""
    return printable(text).replace("\n", "⏎")


def json_safe(text: str) -> str:
    """JSON text (from json.dumps, which already escapes C0) with C1 and bidi controls, and lone
    surrogates, escaped too."""
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


def replace_unencodable(*streams) -> None:
    """Under an output encoding that lacks some characters (PYTHONIOENCODING=gbk, a latin-1
    locale) those characters print as '?' instead of stopping the command."""
    for stream in streams:
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):  # not one of io's text streams, or closed
            pass
