"""The parse cache: same bytes, same result, without parsing; anything odd is just a miss."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from interview_srs.bank import load as bank_load, parse_cache
from interview_srs.bank.card_paths import card_files
from interview_srs.bank.model import display_name
from interview_srs.bank.parse import parse_deck_file
from interview_srs.base.problems import CardsError
from interview_srs.bank.load import load_bank

REPO = Path(__file__).resolve().parent.parent


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.json"))


def test_a_cached_file_loads_equal_to_a_fresh_parse_for_every_bank_file(tmp_path):
    folder = tmp_path / "cache"
    for path in card_files(REPO / "cards"):
        data = path.read_bytes()
        fresh, problems = parse_deck_file(data, path, "cards/x.yaml")
        assert problems == []
        parse_cache.store(fresh, folder)
        assert parse_cache.load(hashlib.sha256(data).hexdigest(), path, "cards/x.yaml", folder) == fresh


def test_provenance_and_draft_fields_survive_the_cache(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(
        "deck: 面试::来源\ncards:\n  - id: a\n    question: 题？\n    outline: [一, 二, 三]\n"
        "    related: [\"002#2\"]\n    draft: true\n    context: 面试官很在意数据\n",
        "utf-8",
    )
    data = path.read_bytes()
    fresh, problems = parse_deck_file(data, path, "cards/a.yaml")
    assert problems == [] and fresh.cards[0].draft
    parse_cache.store(fresh, tmp_path / "cache")
    assert parse_cache.load(hashlib.sha256(data).hexdigest(), path, "cards/a.yaml", tmp_path / "cache") == fresh


def test_the_second_load_is_served_from_the_cache(cards_dir, monkeypatch):
    first = load_bank(cards_dir)
    folder = Path(os.environ["SRS_CACHE_DIR"])
    assert len(entries(folder)) >= 2

    def no_parsing(*args):
        raise AssertionError("parsed although the bytes were cached")

    monkeypatch.setattr(bank_load, "parse_deck_file", no_parsing)
    assert load_bank(cards_dir) == first


def test_an_edited_file_is_parsed_again(cards_dir):
    load_bank(cards_dir)
    path = cards_dir / "xhs.yaml"
    path.write_text(path.read_text("utf-8").replace("保持冷静", "先稳住情绪"), "utf-8")
    (deck,) = [d for d in load_bank(cards_dir).decks if d.path == path]
    assert deck.cards[0].outline[0] == "先稳住情绪，对事不对人"


def test_files_with_problems_are_never_cached(cards_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "fresh-cache"))
    (cards_dir / "bad.yaml").write_text("deck: 面试::坏\ncards: []\n", "utf-8")
    for _ in range(2):
        with pytest.raises(CardsError) as error:
            load_bank(cards_dir)
        assert [str(p) for p in error.value.problems] == [f"{display_name(cards_dir / 'bad.yaml')}:2:8: cards: is an empty list"]
    folder = tmp_path / "fresh-cache"
    stored = {path.name for path in cards_dir.glob("*.yaml")
              if parse_cache.entry_path(parse_cache.parse_key(path.read_bytes()), folder).exists()}
    assert stored == {"ant.yaml", "xhs.yaml"}  # the two good files only
    assert len(entries(folder)) == 4  # and which of their versions was parsed last


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"deck": 1}', b"[]", b'{"cards": [{"id": null}]}', b'{"deck": "d", "company": "", "role": "", "tags": [], "source": "", "documents": [], "at": [1, 1], "cards": [{"id": "a", "question": 5, "at": [3, 5]}]}', b'{"deck": "d", "company": "", "role": "", "tags": [], "source": "", "documents": [], "at": [1, 1], "cards": [{"id": "a", "question": "\\ud800?", "at": [3, 5]}]}', b'{"deck": 5, "company": "", "role": "", "tags": [], "source": "", "documents": [], "at": [1, 1], "cards": [{"id": "a", "question": "q", "at": [3, 5]}]}', b'{"deck": "d", "company": "", "role": "", "tags": "xy", "source": "", "documents": [], "at": [1, 1], "cards": [{"id": "a", "question": "q", "at": [3, 5]}]}', b'{"deck": "d", "company": "", "role": "", "tags": [], "source": "", "documents": [], "at": [1, 1], "cards": [{"id": "a", "question": "q", "outline": "abc", "at": [3, 5]}]}'])
def test_a_damaged_entry_is_a_miss(cards_dir, damage):
    first = load_bank(cards_dir)
    folder = Path(os.environ["SRS_CACHE_DIR"])
    for data, path in [((cards_dir / name).read_bytes(), cards_dir / name) for name in ("ant.yaml", "xhs.yaml")]:
        parse_cache.entry_path(parse_cache.parse_key(data), folder).write_bytes(damage)
    assert load_bank(cards_dir) == first


def test_an_unusable_cache_folder_changes_nothing(cards_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv("SRS_CACHE_DIR", str(blocker))
    assert load_bank(cards_dir) == load_bank(cards_dir, use_cache=False)


def test_prune_keeps_the_newest_entries(tmp_path):
    folder = tmp_path / "cache"
    for number in range(5):
        entry = folder / "ab" / f"{number}.json"
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text("{}", "utf-8")
        os.utime(entry, (1_000 + number, 1_000 + number))
    parse_cache.prune(folder, keep=2)
    assert [p.name for p in entries(folder)] == ["3.json", "4.json"]


def test_pruning_now_and_then_prunes_every_so_many_calls(tmp_path, monkeypatch):
    pruned = []
    monkeypatch.setattr(parse_cache, "prune", lambda folder, keep=0: pruned.append(folder))
    for _ in range(2 * parse_cache.PRUNE_EVERY + 1):
        parse_cache.prune_now_and_then(tmp_path)
    assert len(pruned) == 3  # the first call (no counter yet), then every PRUNE_EVERY-th
    (tmp_path / "prune-counter").write_text("garbage", "ascii")
    parse_cache.prune_now_and_then(tmp_path)
    assert len(pruned) == 4
