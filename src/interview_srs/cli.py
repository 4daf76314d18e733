"""The `srs` command line: parses options and calls the library; nothing else lives here.

Library modules are imported inside the commands: `srs review` starts faster when it does not
load YAML or genanki it will not use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from interview_srs import __version__
from interview_srs.base.sanitize import printable


def echo(text: str, err: bool = False) -> None:
    """Print library output: every string from a card file, config, the store or a file name
    goes through the one sanitiser (terminal.printable) first."""
    click.echo(printable(text), err=err)


class UserError(click.ClickException):
    """A library error as `Error: <message>` and exit 1, its message sanitised for the terminal."""

    def __init__(self, error: Exception | str):
        super().__init__(printable(str(error)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="srs")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """interview-srs: interview questions as Anki decks and FSRS reviews in the terminal.

    Start with `srs review` (review in the terminal) or `srs decks` (get the Anki decks).
    """
    if ctx.invoked_subcommand is None:  # bare `srs`: the help, as a successful answer
        click.echo(ctx.get_help())


CARDS_OPTION = click.option(
    "--cards",
    "cards_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of card YAML files [default: ./cards in a checkout of interview-srs, "
    "else the bundled bank plus your own cards].",
)


def _fail_with_problems(error, wrote_nothing: bool = True) -> None:
    """Print every problem of a CardsError and exit 1 (cards.py is imported lazily: see below)."""
    for problem in error.problems:
        echo(str(problem), err=True)
    count = len(error.problems)
    tail = "; nothing was written." if wrote_nothing else "."
    echo(f"{count} problem{'s' if count != 1 else ''} found{tail}", err=True)
    sys.exit(1)


def _holding_the_whole_bank() -> None:
    """`check` and `build` make tens of thousands of objects that live until the process ends.

    They make no garbage cycles worth finding, so the cycle collector is off while they run:
    its passes cost a large bank's rebuild ~30 ms for nothing (reference counting still frees
    everything else); it is back on when the command ends, as the tests run many commands in
    one process. Freeing those objects one by one when the interpreter shuts down costs another
    ~20 ms, so `main` ends such a command without that teardown (see `_end_now`)."""
    import gc

    global _skip_teardown
    _skip_teardown = True
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)


_skip_teardown = False


def _curator_cards(cards_dir: Path | None) -> Path:
    """The one folder `check` and `build` work on: --cards, a checkout's cards/, or your own
    cards folder ($SRS_HOME/cards)."""
    if cards_dir is not None:
        return cards_dir
    from interview_srs.bank.sources import is_checkout
    from interview_srs.store.connection import default_store_path

    if is_checkout(Path.cwd()):
        return Path("cards")
    own = default_store_path().parent / "cards"
    if own.is_dir():
        return own
    raise UserError(
        f"no cards folder: run this in a checkout of interview-srs, pass --cards DIR, or put your "
        f"own cards in {own}"
    )


@cli.command()
@CARDS_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings too.")
def check(cards_dir: Path, strict: bool) -> None:
    """Validate the card files; warn about near-duplicates and over-long backs."""
    _holding_the_whole_bank()
    from interview_srs.base.problems import CardsError
    from interview_srs.bank.check import check_cards

    cards_dir = _curator_cards(cards_dir)
    try:
        report = check_cards(cards_dir)
    except CardsError as error:
        _fail_with_problems(error, wrote_nothing=False)
    for warning in report.warnings:
        echo(str(warning), err=True)
    click.echo(f"{report.cards} cards in {report.decks} decks: ok, {len(report.warnings)} warnings.")
    if strict and report.warnings:
        sys.exit(1)


@cli.command()
@CARDS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("decks"),
    show_default=True,
    help="Folder for the .apkg files and build-state.json.",
)
@click.option("--verify", is_flag=True, help="Write nothing; exit 1 if the decks in --out are stale.")
@click.option(
    "--answers",
    "answers_dir",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DIR]",
    help="Build your personal package instead: every note with your answer from DIR "
    "[default DIR: the store's folder]. Needs an --out other than the shared decks folder.",
)
def build(cards_dir: Path | None, out_dir: Path, verify: bool, answers_dir: str | None) -> None:
    """Compile the cards into Anki decks (one per file, plus one with everything)."""
    _holding_the_whole_bank()
    from interview_srs.anki import build as builder
    from interview_srs.base.problems import CardsError

    cards_dir = _curator_cards(cards_dir)
    try:
        if answers_dir is not None:
            from interview_srs.personal.answers import default_root

            if verify:
                raise click.UsageError("--verify checks the shared decks; it does not go with --answers")

            root = Path(answers_dir) if answers_dir else default_root()
            echo(format_personal_report(builder.build_personal(cards_dir, root, out_dir)))
            return
        if verify:
            stale = builder.stale_outputs(cards_dir, out_dir)
            if stale:
                echo(f"Stale in {out_dir}: {', '.join(stale)}. Run `srs build` and commit.", err=True)
                sys.exit(1)
            echo(f"{out_dir} is up to date with {cards_dir}.")
            return
        report = builder.build(cards_dir, out_dir)
    except CardsError as error:
        _fail_with_problems(error)
    except builder.BuildError as error:
        raise UserError(error) from None
    from interview_srs.anki.decks import import_lines

    echo(format_build_report(report, out_dir))
    known = {name: (deck,) for name, deck in report.packages.items() if deck}
    echo("\n".join(import_lines(out_dir, sorted(report.packages), known)))


def format_personal_report(report) -> str:
    for warning in report.warnings:
        echo(warning, err=True)
    status = "written" if report.written else "unchanged"
    lines = [f"{report.output}  {report.cards} cards, {report.answers} with your answer  {status}"]
    if report.changed and report.written:
        shown = ", ".join(report.changed[:10]) + (f" and {len(report.changed) - 10} more" if len(report.changed) > 10 else "")
        lines.append(f"Updated on the next import: {shown}")
    return "\n".join(lines)


def format_build_report(report, out_dir: Path) -> str:
    if report.up_to_date:
        return f"Nothing changed; the decks in {out_dir} are up to date."
    lines = []
    width = max(len(deck.output) for deck in report.decks)
    for deck in report.decks:
        status = "written" if deck.written else "unchanged"
        news = f", {len(deck.new)} new" if deck.new else ""
        news += f", {deck.borrowed} from other decks" if deck.borrowed else ""
        changes = f", {len(deck.changed)} changed" if deck.changed else ""
        lines.append(f"{deck.output:<{width}}  {deck.cards:>5} cards{news}{changes}  {status}  {deck.deck}")
    changed = [card for deck in report.decks[:-1] for card in deck.changed]  # the last is the combined deck
    if changed:
        lines.append("Changed since the last build: " + ", ".join(changed))
    if report.removed:
        lines.append("Removed since the last build: " + ", ".join(report.removed))
    if report.note_type_changed:
        lines.append("Note type (templates/CSS) changed: Anki will update it on import.")
    return "\n".join(lines)


@cli.command()
@CARDS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    help="Folder to write the .apkg files to [default: the current folder].",
)
def decks(cards_dir: Path | None, out_dir: Path) -> None:
    """Write the Anki decks (the bundled ones, or built from --cards) and say which to import."""
    from interview_srs.anki.build import BuildError
    from interview_srs.base.problems import CardsError
    from interview_srs.anki.decks import DecksError, get_decks

    try:
        echo(get_decks(out_dir, cards_dir))
    except CardsError as error:
        _fail_with_problems(error)
    except (BuildError, DecksError) as error:
        raise UserError(error) from None


# -- review and stats (the store half) ------------------------------------------------------------

STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Review store file [default: $SRS_HOME/store.sqlite3, else the user data folder].",
)
ANSWERS_OPTION = click.option(
    "--answers",
    "answers_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of your answers/ and stories/ [default: the store's folder].",
)


DECK_OPTION = click.option(
    "--deck", metavar="PATTERN", help="Only decks matching this glob (and their subdecks)."
)


def _review_errors(action):
    """Run `action`, turning the library's errors into a message and exit status 1."""
    from interview_srs.schedule.config import ConfigError
    from interview_srs.base.problems import CardsError, InputError
    from interview_srs.schedule.scheduler import ClockError
    from interview_srs.store.health import StoreError

    try:
        return action()
    except CardsError as error:
        _fail_with_problems(error)
    except (ConfigError, StoreError, ClockError, InputError) as error:
        raise UserError(error) from None


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@DECK_OPTION
@click.option("--tag", help="Only cards with this tag.")
@click.option(
    "--new",
    type=click.IntRange(min=0, max=9999),
    metavar="N",
    help="New-card limit for today, 0–9999 (overrides new_per_day in config.toml).",
)
@click.option(
    "--limit", type=click.IntRange(min=1, max=1_000_000), metavar="N", help="At most N different cards this session."
)
@click.option(
    "--ahead", is_flag=True,
    help="When nothing is due, go on with cards not due yet, weakest predicted recall first.",
)
@ANSWERS_OPTION
def review(cards_dir: Path | None, store_path: Path | None, deck: str | None, tag: str | None,
           new: int | None, limit: int | None, ahead: bool, answers_dir: Path | None) -> None:
    """Review due cards in the terminal (FSRS); every answer is saved at once."""
    from interview_srs.review.session import review as run_review

    _review_errors(
        lambda: run_review(cards_dir, store_path, deck=deck, tag=tag, new=new, limit=limit,
                           ahead=ahead, answers_dir=answers_dir)
    )


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@DECK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures (and every card's state) as JSON.")
@click.option(
    "--at", "at", metavar="DATE[THH:MM]",
    help="Instead: predicted recall per deck at that time (default 09:00) and the weakest cards.",
)
def stats(cards_dir: Path, store_path: Path | None, deck: str | None, as_json: bool,
          at: str | None) -> None:
    """Cards by state, due forecast, reviews per day, retention, retrievability, answer times."""
    from interview_srs.review import stats as statistics

    echo(_review_errors(
        lambda: statistics.report(cards_dir, store_path, deck=deck, as_json=as_json, at=at)
    ))


@cli.group()
def interview() -> None:
    """Interviews to prepare for: `srs review` plans their decks toward the date."""


@interview.command("add")
@CARDS_OPTION
@STORE_OPTION
@click.argument("name")
@click.argument("day", metavar="DATE")
@click.option("--time", "clock", default="09:00", show_default=True, metavar="HH:MM",
              help="When the interview starts, in your time zone.")
@click.option("--deck", "decks", multiple=True, metavar="PATTERN",
              help="Decks to prepare (glob, repeatable) [default: decks whose path or company contains NAME].")
def interview_add(cards_dir: Path, store_path: Path | None, name: str, day: str, clock: str,
                  decks: tuple[str, ...]) -> None:
    """Add the interview NAME on DATE (YYYY-MM-DD).

    Example: srs interview add 快手 2026-12-03 --time 14:00
    """
    from interview_srs.review.interviews import add_command

    echo(_review_errors(lambda: add_command(cards_dir, store_path, name, day, clock, decks)))


@interview.command("list")
@CARDS_OPTION
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="The same as JSON, with every card's predicted recall.")
def interview_list(cards_dir: Path, store_path: Path | None, as_json: bool) -> None:
    """Upcoming interviews, their readiness and the work left."""
    from interview_srs.review.interviews import list_command

    echo(_review_errors(lambda: list_command(cards_dir, store_path, as_json)))


@interview.command("remove")
@CARDS_OPTION
@STORE_OPTION
@click.argument("name")
def interview_remove(cards_dir: Path, store_path: Path | None, name: str) -> None:
    """Remove the interview NAME (normal scheduling resumes)."""
    from interview_srs.review.interviews import remove_command

    echo(_review_errors(lambda: remove_command(cards_dir, store_path, name)))


# -- your own answers and stories -----------------------------------------------------------------

def _print_output(output) -> None:
    for line in output.lines:  # file names and text come from the user's files
        echo(line)
    for problem in output.problems:
        echo(problem, err=True)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@ANSWERS_OPTION
@click.option("--story", metavar="NAME", help="Open the story stories/NAME.md instead of a card's answer.")
@click.argument("card_id", metavar="CARD-ID", required=False)
def answer(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, story: str | None,
           card_id: str | None) -> None:
    """Write your own answer to a card (or a story) in $EDITOR."""
    from interview_srs.commands.answers import answer_command
    from interview_srs.personal.answers import PersonalError

    if (card_id is None) == (story is None):
        raise click.UsageError("give a CARD-ID or --story NAME (one of them)")
    try:
        output = _review_errors(lambda: answer_command(
            cards_dir, store_path, answers_dir, card_id=card_id, story=story))
    except PersonalError as error:
        raise UserError(error) from None
    _print_output(output)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@ANSWERS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the stories, answers and gaps as JSON.")
def stories(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, as_json: bool) -> None:
    """Your stories, the cards using each, and behavioural cards without your answer."""
    from interview_srs.commands.answers import stories_report

    _print_output(_review_errors(lambda: stories_report(cards_dir, store_path, answers_dir, as_json=as_json)))


# -- mock interviews ------------------------------------------------------------------------------


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@DECK_OPTION
@click.option("--interview", metavar="NAME", help="The cards of a planned interview (instead of --deck).")
@click.option("--questions", type=click.IntRange(min=1), default=6, show_default=True, metavar="N",
              help="How many questions.")
@click.option("--seconds", type=click.IntRange(min=5), metavar="S",
              help="Time per question [default: each card's target time].")
@click.option("--type", "typed", is_flag=True, help="Type your answers; see which points they covered.")
@ANSWERS_OPTION
def mock(cards_dir: Path, store_path: Path | None, deck: str | None, interview: str | None, questions: int,
         seconds: int | None, typed: bool, answers_dir: Path | None) -> None:
    """A timed mock interview: opener, mixed questions, 反问; ratings go into FSRS."""
    from interview_srs.review.mock import MockError, mock as run_mock

    if deck is not None and interview is not None:
        raise click.UsageError("give --deck or --interview, not both")
    try:
        _review_errors(lambda: run_mock(cards_dir, store_path, deck=deck, interview=interview, questions=questions,
                                        seconds=seconds, typed=typed, answers_dir=answers_dir))
    except MockError as error:
        raise UserError(error) from None


# -- finding and managing cards -------------------------------------------------------------------


def _with_home(cards_dir: Path | None, store_path: Path | None, use):
    """Open the store (synced with the cards), call `use(home, now)`, close it; errors as usual."""
    from interview_srs.store.home import open_home
    from interview_srs.schedule.scheduler import now

    def action():
        at = now()
        home = open_home(store_path, cards_dir, at)
        try:
            return use(home, at)
        finally:
            home.store.close()

    return _review_errors(action)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.argument("text")
def search(cards_dir: Path | None, store_path: Path | None, text: str) -> None:
    """Find cards whose question, answer or tags contain TEXT (any substring, e.g. 两个字)."""
    from interview_srs.commands.lookup import search_text

    echo(_with_home(cards_dir, store_path, lambda home, _at: search_text(home.store, text)))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.argument("card_id", metavar="ID")
def show(cards_dir: Path | None, store_path: Path | None, card_id: str) -> None:
    """One card as the review screen shows it, its FSRS state, predicted recall and history."""
    from interview_srs.commands.lookup import show_text
    from interview_srs.schedule.scheduler import StudyDay
    from interview_srs.terminal.texts import texts_for

    echo(_with_home(cards_dir, store_path, lambda home, at: show_text(
        home.store, card_id, texts_for(), home.config, at, StudyDay(home.config.day_starts_at))))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--list", "list_them", is_flag=True, help="List the suspended cards.")
@click.argument("card_ids", metavar="ID...", nargs=-1)
def suspend(cards_dir: Path | None, store_path: Path | None, list_them: bool, card_ids: tuple[str, ...]) -> None:
    """Keep cards out of reviews until `srs unsuspend` (the `!` key does it during a review)."""
    from interview_srs.commands.lookup import set_suspended, suspended_text

    if not card_ids and not list_them:
        raise click.UsageError("give the ids of the cards to suspend, or --list")
    echo(_with_home(cards_dir, store_path, lambda home, _at: "\n".join(
        part for part in (set_suspended(home.store, card_ids, True) if card_ids else "",
                          suspended_text(home.store) if list_them else "") if part)))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.argument("card_ids", metavar="ID...", nargs=-1, required=True)
def unsuspend(cards_dir: Path | None, store_path: Path | None, card_ids: tuple[str, ...]) -> None:
    """Bring suspended cards back into reviews."""
    from interview_srs.commands.lookup import set_suspended

    echo(_with_home(cards_dir, store_path, lambda home, _at: set_suspended(home.store, card_ids, False)))


# -- Anki sync, optimisation, export -------------------------------------------------------------


@cli.command("sync-anki")
@click.argument("path", type=click.Path(path_type=Path))
@CARDS_OPTION
@STORE_OPTION
@click.option("--use-anki-params", is_flag=True, help="Store the collection's FSRS parameters and desired retention in config.toml.")
@click.option("--write", is_flag=True, help="Also write the terminal answers Anki lacks into the collection (needs interview-srs[anki]).")
def sync_anki(path: Path, cards_dir: Path | None, store_path: Path | None, use_anki_params: bool, write: bool) -> None:
    """Bring answers given in Anki into the store (and, with --write, the other way)."""
    from interview_srs.anki import sync as anki_sync

    def run(home, _at) -> list[str]:
        result = anki_sync.sync_from_anki(path, home, use_anki_params=use_anki_params)
        lines = anki_sync.format_sync(result, use_anki_params)
        if write:
            from interview_srs.anki import write as anki_write

            lines.extend(anki_write.format_write(anki_write.write_to_anki(path, home)))
        return lines

    try:
        lines = _with_home(cards_dir, store_path, run)
    except anki_sync.AnkiSyncError as error:
        raise UserError(error) from None
    for line in lines:
        echo(line)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: cards and reviews; csv: one row per answer (FSRS optimizer columns first).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file (atomically) instead of standard output.")
def export(cards_dir: Path | None, store_path: Path | None, fmt: str, out_file: Path | None) -> None:
    """Export the review log and card states (JSON or CSV)."""
    from interview_srs.store import export as exporter
    from interview_srs.base import output_set

    text = _with_home(cards_dir, store_path, lambda home, at: exporter.render(home.store, fmt, at))
    if out_file is None:
        # A file or pipe gets the data as stored; a terminal never gets its control sequences.
        click.echo(printable(text) if sys.stdout.isatty() else text, nl=False)
        return
    try:
        output_set.write_text(out_file, text)
    except OSError as error:
        raise UserError(f"cannot write {out_file}: {error.strerror or error}") from None
    echo(f"Wrote {out_file}.")


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--yes", is_flag=True, help="Store the fitted parameters in config.toml without asking.")
def optimize(cards_dir: Path | None, store_path: Path | None, yes: bool) -> None:
    """Fit FSRS parameters to your review log (needs interview-srs[optimizer])."""
    from interview_srs.review import optimize as optimizer
    from interview_srs.schedule.config import update_config

    home, history = _with_home(cards_dir, store_path, lambda home, _at: (home, optimizer.load_history(home.store)))
    counted = optimizer.counted_reviews(history)
    if counted < optimizer.MIN_REVIEWS:
        click.echo(optimizer.too_few_message(counted))
        return
    try:
        result = optimizer.fit(history, home.config.defaults.parameters)
    except optimizer.OptimizerMissing as error:
        raise UserError(error) from None
    for line in optimizer.format_fit(result, home.config.defaults.desired_retention):
        echo(line)
    if not yes and not click.confirm("Store the new parameters in config.toml?", default=False):
        click.echo("Nothing was changed.")
        return
    _review_errors(lambda: update_config(home.config_path, {"parameters": list(result.new)}))
    echo(f"Stored the new parameters in {home.config_path}.")


def main() -> None:
    """Run the CLI; closed or failing standard streams and Ctrl-C end in one line, not a traceback."""
    global _skip_teardown
    _skip_teardown = False  # until the command run now asks for it
    if sys.stdout is None:
        _stop("standard output is closed; give srs somewhere to write (a terminal, a file or a pipe)", 2)
    try:
        cli(prog_name="srs")
    except SystemExit as done:
        status = done.code
    except KeyboardInterrupt:
        _stop("interrupted", 130)
    except OSError as exc:  # writing to a full or closed standard output, a pipe that closed
        where = f" ({exc.filename})" if exc.filename else ""
        _stop(f"cannot write the output: {exc.strerror or exc}" if not where else f"{exc.strerror or exc}{where}", 1)
    else:
        status = 0
    try:
        sys.stdout.flush()
    except OSError as exc:
        _stop(f"cannot write the output: {exc.strerror or exc}", 1)
    if _skip_teardown and (status is None or isinstance(status, int)):
        _end_now(status or 0)
    sys.exit(status)


def _end_now(status: int) -> None:
    """Exit without the interpreter's teardown. Everything a command writes is complete by now:
    files are written through context managers and renamed into place, threads and worker
    processes have been joined, and standard output has been flushed; nothing of ours waits
    on exit handlers, which this skips."""
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(status)


def _stop(message: str, status: int) -> None:
    """Say why on standard error (if it is open) and exit; output that cannot be written is dropped."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # so the interpreter's last flush of stdout has nowhere to fail
    except OSError:
        pass
    if sys.stderr is not None:
        try:
            print(f"Error: {printable(message)}", file=sys.stderr)
        except OSError:
            pass
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
