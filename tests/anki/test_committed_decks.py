"""The committed decks/ are what a clean build of cards/ writes, byte for byte.

A build from a clean state (the committed build state, for the notes' times; empty caches) must
give back every committed file. It fails when a card changed and the decks were not rebuilt, and
when a package writer's bytes changed without a new apkg.WRITER_FORMAT or the decks were not
rebuilt after one (a new format makes `srs build` rewrite them all).
"""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from interview_srs.anki.build import STATE_FILE, build, read_state, shared

REPO = Path(__file__).resolve().parents[2]
DECKS = REPO / "decks"
PATCH_FROM_NOTES = shared.PATCH_FROM_NOTES  # read at import, before conftest's fixture sets it to 0


def sqlite_that_wrote(package: Path) -> int:
    """SQLITE_VERSION_NUMBER of the library that last wrote the package's collection (its header
    keeps it at offset 96): another SQLite writes other bytes for the same rows."""
    with zipfile.ZipFile(package) as archive, archive.open("collection.anki2") as collection:
        return int.from_bytes(collection.read(100)[96:100], "big")


def test_a_clean_build_of_the_bank_writes_the_committed_decks_byte_for_byte(tmp_path, monkeypatch):
    major, minor, patch = sqlite3.sqlite_version_info
    here = major * 1_000_000 + minor * 1_000 + patch
    if sqlite_that_wrote(DECKS / "interview-srs-all.apkg") != here:
        pytest.skip(f"decks/ were written with another SQLite than this one ({sqlite3.sqlite_version})")
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "decks"
    out.mkdir()
    shutil.copyfile(DECKS / STATE_FILE, out / STATE_FILE)
    # a clock just past every recorded stamp: a card changed since the decks were built shows up
    now = max(stamp.mod for stamp in read_state(out).notes.values()) + 1
    report = build(REPO / "cards", out, now=now)
    assert all(deck.written for deck in report.decks)
    committed = {path.name: path.read_bytes() for path in DECKS.iterdir()}
    built = {path.name: path.read_bytes() for path in out.iterdir()}
    assert sorted(built) == sorted(committed)
    differ = [name for name in sorted(committed) if built[name] != committed[name]]
    assert differ == [], "rebuild decks/ with `srs build` and commit them"


def test_a_rebuild_after_an_edit_writes_what_a_clean_build_writes(tmp_path, monkeypatch):
    """Below PATCH_FROM_NOTES packages are written afresh, so a curator's ordinary rebuild (with
    every cache warm) commits the bytes a clean build gives."""
    monkeypatch.setattr(shared, "PATCH_FROM_NOTES", PATCH_FROM_NOTES)  # undo conftest's 0
    cards = tmp_path / "cards"
    shutil.copytree(REPO / "cards", cards)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    warm, clean = tmp_path / "warm", tmp_path / "clean"
    build(cards, warm, now=1_800_000_000)
    first = sorted(cards.glob("*.yaml"))[0]
    first.write_text(first.read_text("utf-8").replace("question: ", "question: 改过的", 1), "utf-8")
    build(cards, warm, now=1_800_000_100)
    clean.mkdir()
    shutil.copyfile(warm / STATE_FILE, clean / STATE_FILE)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "empty-cache"))
    build(cards, clean, now=1_800_000_100)
    assert {p.name: p.read_bytes() for p in warm.iterdir()} == {p.name: p.read_bytes() for p in clean.iterdir()}
