"""`srs export`: the review log and card states as JSON or CSV, to stdout or a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interview_srs.base.sanitize import printable
from interview_srs.commands.output import UserError, echo, with_home


def run_export(cards_dir: Path | None, store_path: Path | None, fmt: str, out_file: Path | None) -> None:
    from interview_srs.store import export as exporter

    text = with_home(cards_dir, store_path, lambda home, at: exporter.render(home.store, fmt, at), store_only=True)
    if out_file is None:
        # A file or pipe gets the data as stored; a terminal never gets its control sequences.
        click.echo(printable(text) if sys.stdout.isatty() else text, nl=False)
        return
    try:
        exporter.write(out_file, text)
    except exporter.ExportError as error:
        raise UserError(error) from None
    except OSError as error:
        raise UserError(f"cannot write {out_file}: {error.strerror or error}") from None
    echo(f"Wrote {out_file}.")
