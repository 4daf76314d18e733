"""Where the cards come from: `--cards DIR`, a checkout's `cards/`, or the bundled bank + your own.

The wheel ships the curated bank and its built decks as package data (`interview_srs/bank/cards`,
`interview_srs/bank/decks`, copied there by setup.py at build time), so an installed `srs` works
from any folder. In order:

1. `--cards DIR`: exactly that folder.
2. The current folder is a checkout of this project (its pyproject.toml names `interview-srs`
   and it has `cards/`): that `cards/` (curator mode: what you edit is what you review).
3. Otherwise the bundled bank, plus your own cards: `$SRS_HOME/cards/` (or `cards/` next to the
   store) when it exists, and every folder listed in config.toml's `card_folders`.

When the package runs from a source tree without the copied bank (tests, `PYTHONPATH=src`), the
bundled bank is the tree's own `cards/` and `decks/`.

The sources' card files are listed and stat'ed here (`stat_card_files`), without importing YAML:
`srs review` starts with that, and an unchanged bank costs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interview_srs.bank.card_paths import card_files

if TYPE_CHECKING:  # imported where a problem is found: a review start needs none
    from interview_srs.base.problems import CardsError, Problem

PROJECT_NAME = "interview-srs"
BANK = "bank"
# The folder an installed bank lives in, whatever the Python version or virtual environment: a
# store remembers bank files by absolute path, and an upgrade may move them.
BUNDLED_MARKER = ("interview_srs", BANK, "cards")


@dataclass(frozen=True)
class CardSources:
    """The card folders to read, in order, and how they were chosen.

    mode: "given" (--cards), "checkout" (./cards of a checkout) or "installed" (bundled + own).
    """

    folders: tuple[Path, ...]
    mode: str
    bundled: Path | None = None

    def owns(self, path: str) -> bool:
        """Whether a card file the store knows belongs to these sources: it lies in one of the
        folders, or it is a bank file of another installation (an upgrade moved the bank)."""
        file = Path(path)
        if any(file.is_relative_to(folder.resolve()) for folder in self.folders):
            return True
        return self.bundled is not None and in_installed_bank(file)


@dataclass(frozen=True)
class CardFile:
    """A card file as its stat found it: what tells the store whether it changed since it was read."""

    path: Path
    size: int
    mtime_ns: int


def stat_card_files(folders: tuple[Path, ...]) -> dict[str, CardFile]:
    """The card files of `folders`, in order, by absolute path (how the store knows them): a stat
    each, nothing read. CardsError when a folder is missing, none of them holds a card file, or
    a file cannot be stat'ed."""
    paths: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise no_card_files(folder)
        paths.extend(card_files(folder))
    if not paths:
        raise no_card_files(folders[0])
    found = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError as exc:  # removed since listed, or unreadable
            from interview_srs.base.problems import CardsError  # only when something is wrong: start-up time

            raise CardsError([unreadable(path, exc)]) from None
        found[str(path.resolve())] = CardFile(path, stat.st_size, stat.st_mtime_ns)
    return found


def no_card_files(folder: Path) -> CardsError:
    """Why `folder` gives no card files: it is not a folder (or a link that leads nowhere), or it
    holds none."""
    from interview_srs.bank.model import display_name  # only when something is wrong: start-up time
    from interview_srs.base.problems import CardsError, Location, Problem

    if folder.is_dir():
        message = "no card files (*.yaml) in this folder"
    else:
        message = "cards folder not found"
        if folder.is_symlink():
            message += " (a symbolic link that leads nowhere, or to itself)"
    return CardsError([Problem(Location(display_name(folder), 1, 1), message)])


def unreadable(path: Path, error: OSError) -> Problem:
    """A card file that cannot be stat'ed or read."""
    from interview_srs.bank.model import display_name  # only when something is wrong: start-up time
    from interview_srs.base.problems import Location, Problem

    return Problem(Location(display_name(path), 1, 1), f"cannot read the file: {error.strerror or error}")


def in_installed_bank(path: Path) -> bool:
    """Whether `path` lies in the bank a wheel installed (site-packages/interview_srs/bank/cards)."""
    parts = path.parts
    n = len(BUNDLED_MARKER)
    return any(tuple(parts[i:i + n]) == BUNDLED_MARKER for i in range(len(parts) - n))


def _source_tree() -> Path | None:
    """The source checkout this package is imported from (src/interview_srs/bank/..), if any."""
    root = Path(__file__).resolve().parents[3]
    return root if is_checkout(root) else None


def bundled(kind: str) -> Path | None:
    """The bundled `cards` or `decks` folder: package data, else the source tree's own.

    The package data lies beside this module, in this package's folder (`interview_srs/bank/`), and
    is found there rather than through importlib.resources: the
    store remembers card files by real path (a zipped package could not be synced anyway), and
    importing importlib.resources would add to `srs review`'s start-up for the same answer.
    """
    shipped = Path(__file__).resolve().parent / kind
    if shipped.is_dir():
        return shipped
    tree = _source_tree()
    if tree is not None and (tree / kind).is_dir():
        return tree / kind
    return None


def is_checkout(folder: Path) -> bool:
    """`folder` holds a checkout of this project: pyproject.toml names it, and cards/ is there."""
    pyproject = Path(folder) / "pyproject.toml"
    if not (Path(folder) / "cards").is_dir() or not pyproject.is_file():
        return False
    import tomllib  # only in a folder that may be a checkout: start-up time

    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project")
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME


def own_cards(home_dir: Path) -> Path:
    """Your own cards folder, `cards/` next to the store (it may not exist yet): `srs draft`
    writes there, and `srs review` reads it beside the bundled bank."""
    return home_dir / "cards"


def personal_folders(home_dir: Path, card_folders: tuple[str, ...] = ()) -> tuple[Path, ...]:
    """Your own card folders: `own_cards` when it exists, then `card_folders` (relative ones are
    taken from the store's folder)."""
    own = own_cards(home_dir)
    folders = [own] if own.is_dir() else []
    for name in card_folders:
        folder = Path(name).expanduser()
        folders.append(folder if folder.is_absolute() else home_dir / folder)
    return tuple(folders)


def resolve(given: Path | None, home_dir: Path, card_folders: tuple[str, ...] = (),
            cwd: Path | None = None) -> CardSources:
    """The card sources for a command run in `cwd` (see the module docstring for the order)."""
    if given is not None:
        return CardSources((Path(given),), "given")
    cwd = Path.cwd() if cwd is None else Path(cwd)
    if is_checkout(cwd):
        return CardSources((cwd / "cards",), "checkout")
    bank = bundled("cards")
    folders = ((bank,) if bank is not None else ()) + personal_folders(home_dir, card_folders)
    return CardSources(folders, "installed", bank)


__all__ = [
    "CardFile", "CardSources", "bundled", "is_checkout", "no_card_files", "own_cards", "personal_folders", "resolve",
    "stat_card_files", "unreadable",
]
