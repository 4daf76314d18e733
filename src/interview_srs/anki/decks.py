"""`srs decks`, and which Anki package to import: a new user's first question after installing.

The wheel ships the decks built from the bundled bank (see sources.py); `srs decks` copies them
to a folder of the user's choice. Which file holds what is read from the packages themselves
(their deck names), so the advice stays right however the build names its outputs.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from interview_srs.base.sanitize import printable

EVERYTHING = "interview-srs-all.apkg"  # build.COMBINED_STEM's package (tested)
# Said once after the files to import: importing over the first published decks (note type v1,
# no 追问 field) updates nothing with Anki's default options (docs/anki-decks.md), and a card
# that left the bank stays in a collection, tagged, until the user deletes it.
UPGRADE_NOTES = (
    "Over decks without 追问: once, tick Merge note types, set Update notes: Always.",
    "Retired cards left the bank: tag:retired in Anki's browser finds all to delete.",
)


class DecksError(Exception):
    """The decks cannot be written; the message is for the user."""


@dataclass(frozen=True)
class Package:
    path: Path
    decks: tuple[str, ...]  # the Anki decks inside (without Anki's "Default")


def package_decks(path: Path) -> tuple[str, ...]:
    """The deck names inside an .apkg, sorted."""
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        connection = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            (decks,) = connection.execute("SELECT decks FROM col").fetchone()
        finally:
            connection.close()
    names = (deck["name"] for deck in json.loads(decks).values())
    return tuple(sorted(name for name in names if name != "Default"))


def packages(folder: Path, names: list[str] | None = None,
             known: Mapping[str, tuple[str, ...]] | None = None) -> list[Package]:
    """The packages in `folder` (or those named), the all-in-one first. `known` maps a file name
    to its decks when the caller knows them (a build's state), which spares opening the package."""
    known = known or {}
    paths = [folder / name for name in names] if names is not None else sorted(folder.glob("*.apkg"))
    found = [
        Package(path, known[path.name] if path.name in known else package_decks(path))
        for path in paths
        if path.is_file()
    ]
    return sorted(found, key=lambda p: (p.path.name != EVERYTHING, p.path.name))


def import_lines(folder: Path, names: list[str] | None = None,
                 known: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """What to import into Anki: the all-in-one package, then one per company/source, then
    UPGRADE_NOTES."""
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


def write_bundled(out_dir: Path, bundled_decks: Path) -> list[str]:
    """Copy the bundled packages into `out_dir` (each via a temporary file); their names."""
    names = sorted(p.name for p in bundled_decks.glob("*.apkg"))
    if not names:
        raise DecksError(f"no packages in {bundled_decks}: reinstall interview-srs")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            fd, tmp = _new_file(out_dir, f".{name}-")
            try:
                with os.fdopen(fd, "wb") as handle, open(bundled_decks / name, "rb") as source:
                    shutil.copyfileobj(source, handle)
                os.replace(tmp, out_dir / name)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise DecksError(f"cannot write the decks to {out_dir}: {exc.strerror or exc}") from None
    return names


def _new_file(folder: Path, prefix: str) -> tuple[int, str]:
    """A new temporary file with the permissions of any new file (0666 less the umask: 0644
    usually), unlike mkstemp's 0600, since it is renamed into place as the package itself."""
    while True:
        path = os.path.join(folder, f"{prefix}{secrets.token_hex(4)}")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), path
        except FileExistsError:
            continue


def get_decks(out_dir: Path, cards_dir: Path | None = None, cwd: Path | None = None) -> str:
    """`srs decks`: the bundled packages copied to `out_dir` — or, with --cards or in a checkout,
    freshly built from those cards — and which file to import."""
    from interview_srs.bank import sources

    cwd = Path.cwd() if cwd is None else cwd
    checkout = cards_dir is None and sources.is_checkout(cwd)
    if cards_dir is not None or checkout:
        from interview_srs.anki import build

        folder = Path(cards_dir) if cards_dir is not None else cwd / "cards"
        state_from = cwd / "decks" if checkout else None
        names = _build_fresh(build, folder, out_dir, state_from)
        head = f"Built {len(names)} Anki packages from {folder} into {out_dir}."
    else:
        bundled = sources.bundled("decks")
        if bundled is None:
            raise DecksError("this installation has no bundled decks; pass --cards DIR to build them")
        names = write_bundled(out_dir, bundled)
        head = f"Wrote {len(names)} Anki packages to {out_dir}."
    return "\n".join([head, *import_lines(out_dir, names)])


def _build_fresh(build, cards_dir: Path, out_dir: Path, state_from: Path | None) -> list[str]:
    """Build into `out_dir` (a checkout's committed build state keeps the notes' times); the
    names of the packages built."""
    state_file = out_dir / build.STATE_FILE
    if state_from is not None and not state_file.exists() and (state_from / build.STATE_FILE).is_file():
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(state_from / build.STATE_FILE, state_file)
    build.build(cards_dir, out_dir)
    return sorted(build.read_state(out_dir).outputs)


__all__ = [
    "DecksError", "EVERYTHING", "Package", "UPGRADE_NOTES", "get_decks", "import_lines", "package_decks", "packages",
    "write_bundled",
]
