"""The `srs` command line: parses options and calls the commands; nothing else lives here.

Each command's work and wording is in interview_srs.commands, imported inside the command:
`srs review` starts faster when it does not load YAML or genanki it will not use.
"""

from __future__ import annotations

from pathlib import Path

import click

from interview_srs import __version__
from interview_srs.commands.output import UserError, echo
from interview_srs.commands.output import library_errors


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


@cli.command()
@CARDS_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings too.")
def check(cards_dir: Path, strict: bool) -> None:
    """Validate the card files; warn about near-duplicates and over-long backs."""
    from interview_srs.commands.check import run_check

    run_check(cards_dir, strict)


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
    if answers_dir is not None and verify:
        raise click.UsageError("--verify checks the shared decks; it does not go with --answers")
    from interview_srs.commands.build import run_build

    run_build(cards_dir, out_dir, verify, answers_dir)


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
    from interview_srs.commands.decks import run_decks

    run_decks(cards_dir, out_dir)


@cli.command()
@click.argument("files", metavar="FILE...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--company", metavar="NAME", help="The company [default: the one the text names].")
@click.option("--role", metavar="ROLE", help="The role, e.g. 用户运营 [default: the one the text names].")
@click.option("--deck", metavar="PATH", help="The deck, e.g. 面试::美团::用户运营 [default: 面试::COMPANY::ROLE].")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder to write the card file to [default: your own cards folder, $SRS_HOME/cards].",
)
def draft(files: tuple[Path, ...], company: str | None, role: str | None, deck: str | None,
          out_dir: Path | None) -> None:
    """Draft cards from 面经 texts (plain text, Markdown or a saved page's HTML).

    Writes one new card file of the questions the bank does not ask yet, each with the
    interviewer's wording, its follow-ups and an empty skeleton to fill (draft: true). Prints the
    questions already in the bank and what to do next; writes nothing, and exits 0, when every
    question is in the bank already.
    """
    from interview_srs.commands.draft import run_draft

    run_draft(files, company, role, deck, out_dir)


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
    "--deck", metavar="PATTERN",
    help="Only decks whose path matches this glob (subdecks too), or whose path or company contains this word.",
)


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
@click.option("--interview", metavar="NAME", help="Only the cards of this upcoming interview (instead of --deck).")
@ANSWERS_OPTION
def review(cards_dir: Path | None, store_path: Path | None, deck: str | None, tag: str | None,
           new: int | None, limit: int | None, ahead: bool, interview: str | None,
           answers_dir: Path | None) -> None:
    """Review due cards in the terminal (FSRS); every answer is saved at once."""
    from interview_srs.commands.review import review as run_review

    if deck is not None and interview is not None:
        raise click.UsageError("give --deck or --interview, not both")
    library_errors(
        lambda: run_review(cards_dir, store_path, deck=deck, tag=tag, new=new, limit=limit,
                           ahead=ahead, interview=interview, answers_dir=answers_dir)
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
    from interview_srs.commands.stats import report

    echo(library_errors(lambda: report(cards_dir, store_path, deck=deck, as_json=as_json, at=at)))


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
@click.option("--openers/--no-openers", default=True, show_default=True,
              help="Add the general opener deck (self-introduction, why us, 反问) to the decks.")
def interview_add(cards_dir: Path, store_path: Path | None, name: str, day: str, clock: str,
                  decks: tuple[str, ...], openers: bool) -> None:
    """Add the interview NAME on DATE (YYYY-MM-DD).

    Example: srs interview add 快手 2026-12-03 --time 14:00
    """
    from interview_srs.commands.interviews import add_command

    echo(library_errors(lambda: add_command(cards_dir, store_path, name, day, clock, decks, openers=openers)))


@interview.command("list")
@CARDS_OPTION
@STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="The same as JSON, with every card's predicted recall.")
def interview_list(cards_dir: Path, store_path: Path | None, as_json: bool) -> None:
    """Upcoming interviews, their readiness and the work left."""
    from interview_srs.commands.interviews import list_command

    echo(library_errors(lambda: list_command(cards_dir, store_path, as_json)))


@interview.command("remove")
@CARDS_OPTION
@STORE_OPTION
@click.argument("name")
def interview_remove(cards_dir: Path, store_path: Path | None, name: str) -> None:
    """Remove the interview NAME (normal scheduling resumes)."""
    from interview_srs.commands.interviews import remove_command

    echo(library_errors(lambda: remove_command(cards_dir, store_path, name)))


# -- your own answers and stories -----------------------------------------------------------------


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@ANSWERS_OPTION
@click.option("--story", metavar="NAME", help="Open the story stories/NAME.md instead of a card's answer.")
@click.argument("card_id", metavar="CARD-ID", required=False)
def answer(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, story: str | None,
           card_id: str | None) -> None:
    """Write your own answer to a card (or a story) in $EDITOR."""
    if (card_id is None) == (story is None):
        raise click.UsageError("give a CARD-ID or --story NAME (one of them)")
    from interview_srs.commands.answers import run_answer

    run_answer(cards_dir, store_path, answers_dir, card_id, story)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@ANSWERS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the stories, answers and gaps as JSON.")
def stories(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, as_json: bool) -> None:
    """Your stories, the cards using each, and behavioural cards without your answer."""
    from interview_srs.commands.answers import run_stories

    run_stories(cards_dir, store_path, answers_dir, as_json)


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
    from interview_srs.commands.mock import mock as run_mock
    from interview_srs.review.mock_questions import MockError

    if deck is not None and interview is not None:
        raise click.UsageError("give --deck or --interview, not both")
    try:
        library_errors(lambda: run_mock(cards_dir, store_path, deck=deck, interview=interview, questions=questions,
                                        seconds=seconds, typed=typed, answers_dir=answers_dir))
    except MockError as error:
        raise UserError(error) from None


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--interview", metavar="NAME", help="The cards of a planned interview, weakest at its time first.")
@DECK_OPTION
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file (atomically) instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="html: one self-contained page (prints on A4, reads on a phone); md: Markdown.")
@ANSWERS_OPTION
def sheet(cards_dir: Path | None, store_path: Path | None, interview: str | None, deck: str | None,
          out: Path | None, fmt: str, answers_dir: Path | None) -> None:
    """A page to skim before an interview: questions, keywords, figures, your answers, follow-ups."""
    from interview_srs.commands.sheet import run_sheet

    if interview is None and deck is None:
        raise click.UsageError("give --interview NAME, --deck PATTERN, or both")
    run_sheet(cards_dir, store_path, interview=interview, deck=deck, out=out, fmt=fmt, answers_dir=answers_dir)


# -- finding and managing cards -------------------------------------------------------------------


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.argument("text")
def search(cards_dir: Path | None, store_path: Path | None, text: str) -> None:
    """Find cards whose question, answer or tags contain TEXT (any substring, e.g. 两个字)."""
    from interview_srs.commands.lookup import search_command

    echo(library_errors(lambda: search_command(cards_dir, store_path, text)))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.argument("card_id", metavar="ID")
def show(cards_dir: Path | None, store_path: Path | None, card_id: str) -> None:
    """One card as the review screen shows it, its FSRS state, predicted recall and history."""
    from interview_srs.commands.lookup import show_command

    echo(library_errors(lambda: show_command(cards_dir, store_path, card_id)))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--list", "list_them", is_flag=True, help="List the suspended cards.")
@click.option("--deck", metavar="PATTERN", help="Every card of the decks --deck selects (as in srs review).")
@click.argument("card_ids", metavar="ID...", nargs=-1)
def suspend(cards_dir: Path | None, store_path: Path | None, list_them: bool, deck: str | None,
            card_ids: tuple[str, ...]) -> None:
    """Keep cards out of reviews until `srs unsuspend` (the `!` key does it during a review)."""
    from interview_srs.commands.lookup import suspend_command

    if not card_ids and not list_them and deck is None:
        raise click.UsageError("give the ids of the cards to suspend, --deck PATTERN, or --list")
    echo(library_errors(lambda: suspend_command(cards_dir, store_path, card_ids, list_them, deck)))


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--deck", metavar="PATTERN", help="Every card of the decks --deck selects (as in srs review).")
@click.argument("card_ids", metavar="ID...", nargs=-1)
def unsuspend(cards_dir: Path | None, store_path: Path | None, deck: str | None, card_ids: tuple[str, ...]) -> None:
    """Bring suspended cards back into reviews."""
    from interview_srs.commands.lookup import unsuspend_command

    if not card_ids and deck is None:
        raise click.UsageError("give the ids of the cards to unsuspend, or --deck PATTERN")
    echo(library_errors(lambda: unsuspend_command(cards_dir, store_path, card_ids, deck)))


# -- Anki sync, optimisation, export -------------------------------------------------------------


@cli.command("sync-anki")
@click.argument("path", type=click.Path(path_type=Path))
@CARDS_OPTION
@STORE_OPTION
@click.option("--use-anki-params", is_flag=True, help="Store the collection's FSRS parameters and desired retention in config.toml.")
@click.option("--write", is_flag=True, help="Also write the terminal answers Anki lacks into the collection (needs interview-srs[anki]).")
def sync_anki(path: Path, cards_dir: Path | None, store_path: Path | None, use_anki_params: bool, write: bool) -> None:
    """Bring answers given in Anki into the store (and, with --write, the other way)."""
    from interview_srs.commands.sync_anki import run_sync_anki

    run_sync_anki(path, cards_dir, store_path, use_anki_params, write)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: cards and reviews; csv: one row per answer (FSRS optimizer columns first).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file (atomically) instead of standard output.")
def export(cards_dir: Path | None, store_path: Path | None, fmt: str, out_file: Path | None) -> None:
    """Export the review log and card states (JSON or CSV)."""
    from interview_srs.commands.export import run_export

    run_export(cards_dir, store_path, fmt, out_file)


@cli.command()
@CARDS_OPTION
@STORE_OPTION
@click.option("--yes", is_flag=True, help="Store the fitted parameters in config.toml without asking.")
def optimize(cards_dir: Path | None, store_path: Path | None, yes: bool) -> None:
    """Fit FSRS parameters to your review log."""
    from interview_srs.commands.optimize import run_optimize

    run_optimize(cards_dir, store_path, yes)



def main() -> None:
    """The `srs` program (see commands.process.run for what it adds around the command)."""
    from interview_srs.commands.process import run

    run(cli)


if __name__ == "__main__":  # pragma: no cover
    main()
