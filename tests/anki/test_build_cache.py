"""The cached collections a rebuild patches: used only for the exact package they came from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from interview_srs.anki import notes as anki_notes
from interview_srs.anki.build import build, cache, read_state

from conftest import write_file

T0 = 1_760_000_000

CARDS = """\
deck: 面试::缓存
cards:
  - id: cache-one
    question: 第一题？
    outline: [要点一]
  - id: cache-two
    question: 第二题？
    outline: [要点二]
"""


@pytest.fixture
def built(tmp_path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    cards = tmp_path / "cards"
    write_file(cards / "cache.yaml", CARDS)
    out = tmp_path / "out"
    build(cards, out, now=T0)
    return cards, out


def recorded(out: Path, name: str) -> str:
    return read_state(out).outputs[name]["sha256"]


def test_a_build_keeps_the_collection_of_every_package_it_wrote(built):
    _cards, out = built
    for name in ("cache.apkg", "interview-srs-all.apkg"):
        base = cache.base_for(out / name, recorded(out, name))
        assert base is not None
        assert base.decks == ("面试::缓存",)
        assert base.note_type_mod == read_state(out).note_type.mod
        assert set(base.notes) == {anki_notes.note_guid("cache-one"), anki_notes.note_guid("cache-two")}


def test_an_edit_replaces_the_old_collection_with_the_new_one(built):
    cards, out = built
    old = recorded(out, "cache.apkg")
    (cards / "cache.yaml").write_text(CARDS.replace("要点二", "要点二改"), "utf-8")
    build(cards, out, now=T0 + 1)
    assert cache.base_for(out / "cache.apkg", recorded(out, "cache.apkg")) is not None
    assert not (cache.folder() / old).with_suffix(".anki2").exists()


def test_a_damaged_collection_is_not_used(built):
    _cards, out = built
    sha = recorded(out, "cache.apkg")
    collection = (cache.folder() / sha).with_suffix(".anki2")
    data = bytearray(collection.read_bytes())
    data[len(data) // 2] ^= 0x01
    collection.write_bytes(bytes(data))
    assert cache.base_for(out / "cache.apkg", sha) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(layout={"data_offset": "x", "chunk_sizes": []}),
        lambda r: r.update(notes={"guids": "a\nb", "numbers": [1, 2, 3, 4]}),
        lambda r: r.update(notes={"guids": "a", "numbers": ["1", 2, 3, 4]}),
        lambda r: r.update(notes={"guids": 5, "numbers": []}),
        lambda r: r.update(notes=[["guid", 1, 2, 3, 4]]),
        lambda r: r.update(decks=[1]),
        lambda r: r.pop("note_type_mod"),
        lambda r: r.pop("writer"),  # kept before the writer's format was recorded
        lambda r: r.update(writer=r["writer"] + 1),  # kept by another package writer
    ],
)
def test_a_record_of_another_shape_is_a_miss(built, change):
    _cards, out = built
    sha = recorded(out, "cache.apkg")
    record_path = (cache.folder() / sha).with_suffix(".json")
    record = json.loads(record_path.read_text("utf-8"))
    change(record)
    record_path.write_text(json.dumps(record), "utf-8")
    assert cache.base_for(out / "cache.apkg", sha) is None


def test_a_rebuild_without_the_cache_writes_the_same_contents(built):
    cards, out = built
    (cards / "cache.yaml").write_text(CARDS.replace("要点一", "要点一改"), "utf-8")
    for entry in cache.folder().iterdir():
        entry.unlink()
    build(cards, out, now=T0 + 1)
    assert cache.base_for(out / "cache.apkg", recorded(out, "cache.apkg")) is not None


def test_prune_keeps_the_newest_collections(tmp_path, monkeypatch):
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path))
    folder = cache.folder()
    folder.mkdir(parents=True)
    for number in range(5):
        for suffix in (".anki2", ".json", ".files"):
            path = folder / f"{number}{suffix}"
            path.write_text("x")
            os.utime(path, (1000 + number, 1000 + number))
    cache.prune(keep_entries=2)
    assert sorted(p.name for p in folder.iterdir()) == ["3.anki2", "3.files", "3.json", "4.anki2", "4.files", "4.json"]


def test_a_package_is_taken_as_written_only_while_it_is_the_same_file(built):
    cards, out = built
    package = out / "cache.apkg"
    sha = recorded(out, "cache.apkg")
    assert cache.unchanged(package, sha)
    data = package.read_bytes()
    replaced = out / "copy.tmp"
    replaced.write_bytes(data)
    os.replace(replaced, package)  # the same bytes, another file
    assert not cache.unchanged(package, sha)
    package.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # tampered in place
    report = build(cards, out, now=T0 + 1)
    assert {d.output for d in report.decks if d.written} == {"cache.apkg"}
    assert package.read_bytes() == data  # written again, from the same inputs


def test_a_collection_touched_since_it_was_kept_is_not_used(built):
    _cards, out = built
    sha = recorded(out, "cache.apkg")
    collection = (cache.folder() / sha).with_suffix(".anki2")
    os.utime(collection, ns=(1, 1))
    assert cache.base_for(out / "cache.apkg", sha) is None


def test_a_package_hashed_once_is_known_the_next_time(built):
    cards, out = built
    sha = recorded(out, "cache.apkg")
    for record in cache.folder().glob("*.files"):
        record.unlink()  # as after an upgrade from a version that kept no record
    assert not cache.unchanged(out / "cache.apkg", sha)
    assert build(cards, out, now=T0 + 1).up_to_date  # hashed every package, and noted them
    assert cache.unchanged(out / "cache.apkg", sha)
