"""`srs draft`: pasted 面经 files → one new card file of draft cards, worded for a person: how
each file was read, the questions the bank already asks, the file written and what to do next.

The bank the drafts are checked against is what `srs review` reads (store.home.card_sources, the
bundled bank plus your own cards), so a drafted question is one review does not already ask.
Every string from a file passes the sanitiser, and the output is made encodable in the
terminal's encoding: a GBK console must not end the command on an emoji in a 面经.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from interview_srs.base.sanitize import one_line, printable
from interview_srs.commands.output import UserError, library_errors


def run_draft(paths: tuple[Path, ...], company: str | None, role: str | None, deck: str | None,
              out_dir: Path | None, environ: dict | None = None, cwd: Path | None = None) -> None:
    """Draft the 面经 `paths` into a new file in `out_dir` (default: your own cards folder)."""
    from interview_srs.bank.draft import DraftError, draft_sources, read_source
    from interview_srs.bank.load import load_folders
    from interview_srs.bank.sources import own_cards
    from interview_srs.store.home import card_sources, store_path_for

    try:
        sources = [read_source(path) for path in paths]  # bad input fails before the bank loads
    except DraftError as error:
        raise UserError(one_line(error)) from None
    _config, reviewed = library_errors(lambda: card_sources(None, None, environ, cwd))
    own = own_cards(store_path_for(None, environ).parent)
    out = Path(out_dir) if out_dir is not None else own
    # --out may hold cards review does not read (yet): their ids and decks must not be reused either
    folders = _distinct(reviewed.folders + ((out,) if out.is_dir() else ()))
    bank = library_errors(lambda: load_folders(folders))
    try:
        report = draft_sources(
            sources, out_dir=out, company=company, role=role, deck=deck,
            bank_questions={card.id: card.question for _deck, card in bank.cards()},
            bank_decks=[file.deck for file in bank.decks],
        )
    except DraftError as error:
        raise UserError(one_line(error)) from None
    review_reads_out = any(_same(out, folder) for folder in reviewed.folders) or (
        reviewed.mode == "installed" and _same(out, own)
    )
    say(report_text(report, review_reads_out))


def report_text(report, review_reads_out: bool) -> str:
    """What was read, skipped and written, and the next steps (a bank.draft.DraftReport)."""
    lines = []
    for file in report.files:
        kind = f"an HTML page in {file.encoding}" if file.was_html else file.encoding
        count = f"{file.questions} question{'s' if file.questions != 1 else ''}"
        lines.append(f"Read {one_line(file.path)}: {kind}, {count}.")
    in_bank = [s for s in report.skipped if s.card_id]
    repeats = [s for s in report.skipped if not s.card_id]
    if in_bank:
        lines.append("Not drafted, already in the bank:")
        lines += [f"  {one_line(s.source)}  {one_line(s.question)}: already in the bank as {one_line(s.card_id)}"
                  for s in in_bank]
    if repeats:
        lines.append("Asked again later in the 面经, drafted once:")
        lines += [f"  {one_line(s.source)}  {one_line(s.question)}: repeats {one_line(s.repeats)}" for s in repeats]
    if report.written is None:
        names = "、".join(one_line(file.path.name) for file in report.files)
        lines.append(f"Every question of {names} is already in the bank: nothing was written.")
        return "\n".join(lines)
    count = len(report.cards)
    deck = one_line(report.deck)
    lines.append(f"Wrote {count} draft card{'s' if count != 1 else ''} to {one_line(report.written)} (deck {deck}).")
    folder = shlex.quote(str(report.written.parent))
    review = f"srs review --deck {shlex.quote(report.deck)}"
    if not review_reads_out:
        review = f"srs review --cards {folder} --deck {shlex.quote(report.deck)}"
    lines += [
        "Next:",
        f"  1. srs check --cards {folder}   (one warning per draft card until you fill it)",
        f"  2. Edit {shlex.quote(str(report.written))}: check each question against the 面经, write your own "
        "points over each （待填） line and your own story in the STAR parts, then delete `draft: true`.",
        f"  3. {one_line(review)}",
    ]
    return "\n".join(lines)


def say(text: str) -> None:
    """Print sanitised text that the output's encoding can hold (unencodable characters become
    `?`): under PYTHONIOENCODING=gbk an emoji or a rare character from a 面经 must not crash."""
    text = printable(text)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.encode(encoding, "replace").decode(encoding)
    except LookupError:  # an encoding name Python does not know: leave it to the stream
        pass
    click.echo(text)


def _same(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return False


def _distinct(folders: tuple[Path, ...]) -> tuple[Path, ...]:
    kept: list[Path] = []
    for folder in folders:
        if not any(_same(folder, other) for other in kept):
            kept.append(folder)
    return tuple(kept)
