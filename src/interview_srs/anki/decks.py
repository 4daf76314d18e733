"""`srs decks`' packages, and which decks each one holds: a new user's first question after
installing is which file to import (commands/decks.py words the advice).

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

EVERYTHING = "interview-srs-all.apkg"  # build.COMBINED_STEM's package (tested)
class DecksError(Exception):
    """The decks cannot be written; the message is for the user."""


@dataclass(frozen=True)
class Package:
    """An .apkg file and the Anki decks inside it (without Anki's "Default")."""

    path: Path
    decks: tuple[str, ...]


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


@dataclass(frozen=True)
class WrittenDecks:
    """What `srs decks` wrote: the packages' names in `out_dir`, and the card folder they were
    built from (None: the bundled packages were copied)."""

    out_dir: Path
    names: tuple[str, ...]
    built_from: Path | None = None


def get_decks(out_dir: Path, cards_dir: Path | None = None, cwd: Path | None = None) -> WrittenDecks:
    """`srs decks`: the bundled packages copied to `out_dir` — or, with --cards or in a checkout,
    freshly built from those cards."""
    from interview_srs.bank import sources

    cwd = Path.cwd() if cwd is None else cwd
    checkout = cards_dir is None and sources.is_checkout(cwd)
    if cards_dir is not None or checkout:
        from interview_srs.anki import build

        folder = Path(cards_dir) if cards_dir is not None else cwd / "cards"
        state_from = cwd / "decks" if checkout else None
        return WrittenDecks(out_dir, tuple(_build_fresh(build, folder, out_dir, state_from)), folder)
    bundled = sources.bundled("decks")
    if bundled is None:
        raise DecksError("this installation has no bundled decks; pass --cards DIR to build them")
    return WrittenDecks(out_dir, tuple(write_bundled(out_dir, bundled)))


def _build_fresh(build, cards_dir: Path, out_dir: Path, state_from: Path | None) -> list[str]:
    """Build into `out_dir` (a checkout's committed build state keeps the notes' times); the
    names of the packages built."""
    state_file = out_dir / build.STATE_FILE
    if state_from is not None and not state_file.exists() and (state_from / build.STATE_FILE).is_file():
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(state_from / build.STATE_FILE, state_file)
    build.build(cards_dir, out_dir)
    return sorted(build.read_state(out_dir).outputs)


__all__ = ["DecksError", "EVERYTHING", "Package", "WrittenDecks", "get_decks", "package_decks", "packages", "write_bundled"]
