"""The build's index of the bank: the same whether files are parsed here, in workers, or cached."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interview_srs.anki.build import index as build_index
from interview_srs.anki.build.files import source_hashes
from interview_srs.bank import load
from interview_srs.base.problems import CardsError

from conftest import write_file


def bank(folder: Path, files: int = 4) -> Path:
    for number in range(files):
        cards = "".join(
            f"  - id: f{number}-c{i}\n    question: 第{number}组第{i}题？\n    outline: [要点{i}]\n" for i in range(3)
        )
        write_file(folder / f"f{number}.yaml", f"deck: 面试::索引{number}\ncards:\n{cards}")
    return folder


def index_of_folder(folder: Path) -> build_index.Index:
    return build_index.load_index(folder, source_hashes(folder))


def test_files_parsed_in_workers_index_as_files_parsed_here(tmp_path, monkeypatch):
    folder = bank(tmp_path / "cards")
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "here"))
    here = index_of_folder(folder)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "workers"))
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    workers = index_of_folder(folder)
    assert workers.files == here.files
    assert workers.rendered == {}  # cached by the workers, read as packages are written
    assert [workers.notes_of(f) for f in workers.files] == [here.rendered[f.path] for f in here.files]
    assert [f.deck for f in workers.files] == [f"面试::索引{n}" for n in range(4)]
    cached = index_of_folder(folder)  # everything from the cache now: nothing rendered
    assert cached.files == here.files and cached.rendered == {}
    assert [cached.notes_of(f) for f in cached.files] == [here.rendered[f.path] for f in here.files]


def test_notes_that_cannot_be_cached_come_back_from_the_workers(tmp_path, monkeypatch):
    folder = bank(tmp_path / "cards")
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", "utf-8")
    monkeypatch.setenv("SRS_CACHE_DIR", str(blocked))
    index = index_of_folder(folder)
    assert len(index.rendered) == 4
    assert [len(index.notes_of(f)) for f in index.files] == [3, 3, 3, 3]


def test_without_worker_processes_the_files_are_parsed_here(tmp_path, monkeypatch):
    folder = bank(tmp_path / "cards")
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)

    def no_processes(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    import concurrent.futures.process

    monkeypatch.setattr(concurrent.futures.process, "ProcessPoolExecutor", no_processes)
    assert len(index_of_folder(folder).files) == 4


def test_problems_found_in_workers_are_reported_in_file_order(tmp_path, monkeypatch):
    folder = bank(tmp_path / "cards")
    write_file(folder / "f1.yaml", "deck: 面试::索引1\ncards: []\n")
    write_file(folder / "f3.yaml", "deck: 面试::索引0\ncards:\n  - id: f0-c0\n    question: 重复？\n    outline: [点]\n")
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    with pytest.raises(CardsError) as error:
        index_of_folder(folder)
    messages = [str(p) for p in error.value.problems]
    assert [m.split(":")[0].rsplit("/", 1)[-1] for m in messages] == ["f1.yaml", "f3.yaml", "f3.yaml"]
    assert "cards: is an empty list" in messages[0]
    assert any("duplicate id 'f0-c0'" in m for m in messages) and any("deck '面试::索引0'" in m for m in messages)


def test_a_cached_rendering_that_disagrees_with_the_index_is_not_used(tmp_path, monkeypatch):
    folder = bank(tmp_path / "cards", files=1)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    first = index_of_folder(folder)
    (file,) = first.files
    from interview_srs.bank import parse_cache

    parse_cache.store_value(build_index._notes_key(file.sha), [["x", "y", "", "z"]], parse_cache.cache_dir())
    again = index_of_folder(folder)
    assert again.notes_of(again.files[0]) == first.rendered[file.path]  # rendered afresh


def test_a_cached_rendering_holding_a_lone_surrogate_is_not_used(tmp_path, monkeypatch):
    folder = bank(tmp_path / "cards", files=1)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    first = index_of_folder(folder)
    (file,) = first.files
    from interview_srs.bank import parse_cache

    notes = [[n.guid, n.flds + "\ud800", n.tags, n.digest] for n in first.rendered[file.path]]
    entry = parse_cache.entry_path(build_index._notes_key(file.sha), parse_cache.cache_dir())
    entry.write_text(json.dumps(notes), "utf-8")  # the surrogate as a JSON escape
    again = index_of_folder(folder)
    assert again.notes_of(again.files[0]) == first.rendered[file.path]  # rendered afresh


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: e.update(ids=e["ids"][:-1]),
        lambda e: e.update(lines=["3"] * len(e["lines"])),
        lambda e: e.update(cited=[5] * len(e["cited"])),
        lambda e: e.update(cited=[[5]] * len(e["cited"])),
        lambda e: e.update(deck=7),
        lambda e: e.pop("guids"),
        lambda e: e.update(at="x"),
        lambda e: e.update(ids=["\ud800"] * len(e["ids"])),  # a lone surrogate: JSON holds it, output cannot
        lambda e: e.update(ids="x" * len(e["ids"])),  # text, not a list of ids
    ],
)
def test_a_damaged_index_entry_is_a_miss(tmp_path, monkeypatch, damage):
    from interview_srs.bank import parse_cache

    folder = bank(tmp_path / "cards", files=1)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    first = index_of_folder(folder)
    key = build_index._index_key(first.files[0].sha)
    entry = parse_cache.load_value(key, parse_cache.cache_dir())
    damage(entry)
    # written as JSON escapes, so that a lone surrogate is stored as a damaged cache could hold it
    parse_cache.entry_path(key, parse_cache.cache_dir()).write_text(json.dumps(entry), "utf-8")
    again = index_of_folder(folder)
    assert again.files == first.files and again.rendered  # parsed afresh


def test_the_bank_loader_parses_in_workers_as_it_does_here(tmp_path, monkeypatch):
    """One loader for `srs check` and the build: the bank is the same wherever its files were parsed."""
    folder = bank(tmp_path / "cards")
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "here"))
    here = load.load_bank(folder)
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "workers"))
    monkeypatch.setattr(load, "PARALLEL_BYTES", 0)
    assert load.load_bank(folder) == here
    assert load.load_bank(folder, use_cache=False) == here
