"""How every command speaks: library text through the one sanitiser, library errors as
`Error: <message>` and exit 1, and card problems listed one a line before the count; and the
store opened for a command with those errors.

Only click and the sanitiser are imported here, so `srs --help` does not load the library."""

from __future__ import annotations

import sys

import click

from interview_srs.base.sanitize import printable


def echo(text: str, err: bool = False) -> None:
    """Print library output: every string from a card file, config, the store or a file name
    goes through the one sanitiser (base.sanitize.printable) first."""
    click.echo(printable(text), err=err)


class UserError(click.ClickException):
    """A library error as `Error: <message>` and exit 1, its message sanitised for the terminal."""

    def __init__(self, error: Exception | str):
        super().__init__(printable(str(error)))


def report_width(environ=None) -> int:
    """The cells a line of a printed report may take: $COLUMNS when set, else the width of the
    terminal stdout is, else (a file, a pipe) terminal.render.REPORT_WIDTH."""
    import os
    import shutil

    from interview_srs.terminal.render import REPORT_WIDTH

    environ = os.environ if environ is None else environ
    columns = environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(20, int(columns))
    stdout = sys.stdout
    if stdout is not None and hasattr(stdout, "isatty") and stdout.isatty():
        return max(20, shutil.get_terminal_size((REPORT_WIDTH, 24)).columns)
    return REPORT_WIDTH


def fail_with_problems(error, wrote_nothing: bool = True) -> None:
    """Print every problem of a CardsError and exit 1."""
    for problem in error.problems:
        echo(str(problem), err=True)
    count = len(error.problems)
    tail = "; nothing was written." if wrote_nothing else "."
    echo(f"{count} problem{'s' if count != 1 else ''} found{tail}", err=True)
    sys.exit(1)


def print_output(output) -> None:
    """A command's Output: its lines on stdout, its located problems on stderr."""
    for line in output.lines:  # file names and text come from the user's files
        echo(line)
    for problem in output.problems:
        echo(problem, err=True)


def library_errors(action):
    """Run `action`, turning the library's errors into a message and exit status 1. The error
    types are imported once one is raised: a review start never creates the card-file problem
    types just to be ready to catch them."""
    try:
        return action()
    except Exception as error:
        from interview_srs.base.input_error import InputError
        from interview_srs.base.problems import CardsError
        from interview_srs.schedule.config import ConfigError
        from interview_srs.schedule.scheduler import ClockError
        from interview_srs.store.health import StoreError

        if isinstance(error, CardsError):
            fail_with_problems(error)
        if isinstance(error, (ConfigError, StoreError, ClockError, InputError)):
            raise UserError(error) from None
        raise


def with_home(cards_dir, store_path, use, store_only: bool = False):
    """Open the store (synced with the cards), call `use(home, now)`, close it; errors as usual.
    `store_only`: `use` reads nothing but the store, so a value it cannot read is the store's
    (store/health.reading); not for `srs sync-anki`, whose errors may be the collection's."""
    from contextlib import nullcontext

    from interview_srs.schedule.scheduler import now
    from interview_srs.store.health import reading
    from interview_srs.store.home import open_home

    def action():
        at = now()
        home = open_home(store_path, cards_dir, at)
        try:
            with reading(home.store.path) if store_only else nullcontext():
                return use(home, at)
        finally:
            home.store.close()

    return library_errors(action)
