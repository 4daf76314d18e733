"""`srs decks`: write the Anki decks (the bundled ones, or built from --cards) and say which to import."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from interview_srs.base.sanitize import printable
from interview_srs.commands.output import UserError, echo, fail_with_problems

# Said once after the files to import: importing over the first published decks (note type v1,
# no 追问 field) updates nothing with Anki's default options (docs/anki-decks.md), and a card
# that left the bank stays in a collection, tagged, until the user deletes it.
UPGRADE_NOTES = (
    "Over decks without 追问: once, tick Merge note types, set Update notes: Always.",
    "Retired cards left the bank: tag:retired in Anki's browser finds all to delete.",
)


def run_decks(cards_dir: Path | None, out_dir: Path) -> None:
    from interview_srs.anki.build import BuildError
    from interview_srs.anki.decks import DecksError, get_decks
    from interview_srs.base.problems import CardsError

    try:
        written = get_decks(out_dir, cards_dir)
    except CardsError as error:
        fail_with_problems(error)
    except (BuildError, DecksError) as error:
        raise UserError(error) from None
    if written.built_from is not None:
        head = f"Built {len(written.names)} Anki packages from {written.built_from} into {written.out_dir}."
    else:
        head = f"Wrote {len(written.names)} Anki packages to {written.out_dir}."
    echo("\n".join([head, *import_lines(written.out_dir, list(written.names))]))


def import_lines(folder: Path, names: list[str] | None = None,
                 known: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """What to import into Anki (anki/decks.packages: the all-in-one package, then one per
    company or source), then UPGRADE_NOTES."""
    from interview_srs.anki.decks import EVERYTHING, packages

    found = packages(folder, names, known)
    if not found:
        return []
    lines = ["Import into Anki (File > Import, or open the file):"]
    everything = [p for p in found if p.path.name == EVERYTHING]
    if everything:
        lines.append(f"  every question:  {everything[0].path}")
    rest = [p for p in found if p.path.name != EVERYTHING]
    if rest:
        lines.append("  or one deck at a time:" if everything else "  one deck at a time:")
        width = max(len(str(p.path)) for p in rest)
        lines += [f"    {str(p.path):<{width}}  {printable(', '.join(p.decks))}" for p in rest]
    return [*lines, *UPGRADE_NOTES]
