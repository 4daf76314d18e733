"""The files a build compares: the card files' hashes, and the packages' against the state.

Both are read only when they may have changed (size, modification time or inode differ from
when they were last hashed): most of a large bank, and every package, is unchanged between builds.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from interview_srs.anki.build import cache
from interview_srs.anki.build.state import BuildError
from interview_srs.bank import parse_cache
from interview_srs.bank.card_paths import card_files


def safe_output_path(out_dir: Path, name: str) -> Path:
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise BuildError(f"refusing to write {name}: outside {out_dir}")
    return target


def file_sha(path: Path) -> str:
    with open(path, "rb") as file:  # in blocks: a large package is not held whole
        return hashlib.file_digest(file, "sha256").hexdigest()


def source_hashes(cards_dir: Path) -> dict[str, str]:
    """Each card file's hash; "" for a file that cannot be read (load_bank then says why).

    A file with the size, modification time and inode it had when last hashed here is not read
    again (the record is in the parse cache): most of a large bank is unchanged between builds.
    """
    folder = parse_cache.cache_dir()
    key = f"sources:{os.path.abspath(cards_dir)}"
    known = parse_cache.load_value(key, folder)
    known = known if isinstance(known, dict) else {}
    hashes, identities = {}, {}
    for path in card_files(cards_dir):
        name = path.relative_to(cards_dir).as_posix()
        try:
            identity = parse_cache.file_identity(path)
            before = known.get(name)
            if isinstance(before, dict) and before.get("stat") == identity and isinstance(before.get("sha"), str):
                hashes[name] = before["sha"]
            else:
                hashes[name] = file_sha(path)
            identities[name] = {"stat": identity, "sha": hashes[name]}
        except OSError:
            hashes[name] = ""
    if identities != known:
        parse_cache.store_value(key, identities, folder)
    return hashes


def recorded_package_sha(path: Path, recorded: dict[str, str]) -> str | None:
    """The package's hash when it is still the file this tool wrote last time, else None."""
    if not path.exists():
        return None
    if recorded.get("sha256") and cache.unchanged(path, recorded["sha256"]):
        return recorded["sha256"]
    sha = file_sha(path)
    if sha != recorded.get("sha256"):
        return None
    cache.remember(path, sha)
    return sha
