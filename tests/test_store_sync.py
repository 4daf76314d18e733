"""Syncing the card files into the store: what is read and parsed, edits, removals, several sources."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.base.problems import CardsError
from interview_srs.schedule.scheduler import NEW, CardState
from interview_srs.store import answers, lookups
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError
from interview_srs.store.home import sync_cards
from interview_srs.store.rows import CardFilter

from conftest import XHS_YAML, write_file
from store_helpers import T0, answer, new_ids, sync


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "home" / "store.sqlite3") as opened:
        yield opened


def test_first_sync_adds_every_card_as_new(store, cards_dir):
    report = sync(store, cards_dir)
    assert sorted(report.added) == ["ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user"]
    assert report.files_parsed == 2
    card = lookups.card(store, "ant-biggest-challenge")
    assert card.deck == "面试::蚂蚁集团::用户运营"
    assert card.company == "蚂蚁集团"
    assert card.tags == ("蚂蚁集团", "用户运营", "行为")
    assert card.question == "在实习期间遇到的最大挑战是什么？"
    assert card.back["star"]["action"] == ["用数据定位问题", "推动协作"]
    assert card.back["pitfalls"] == ["把团队成果说成个人成果：面试官会追问你个人做了什么"]
    assert card.file == str((cards_dir / "ant.yaml").resolve())
    assert card.line == 7
    assert card.schedule == CardState()


def test_unchanged_files_are_not_read_again(store, cards_dir):
    sync(store, cards_dir)
    report = sync(store, cards_dir)
    assert (report.files_read, report.files_parsed) == (0, 0)


def test_a_touched_but_identical_file_is_read_but_not_parsed(store, cards_dir):
    sync(store, cards_dir)
    path = cards_dir / "ant.yaml"
    path.write_bytes(path.read_bytes())
    import os

    os.utime(path, ns=(1, 1))
    report = sync(store, cards_dir)
    assert (report.files_read, report.files_parsed) == (1, 0)
    assert sync(store, cards_dir).files_read == 0


def test_edited_removed_and_restored_cards_keep_their_history(store, cards_dir):
    sync(store, cards_dir)
    first = answer(store, "ant-mob1-3", 3, T0)
    path = cards_dir / "ant.yaml"
    original = path.read_text("utf-8")
    path.write_text(original.replace("为什么关注 MOB1-3 卡的平均消费？", "MOB1-3 指标有什么用？"), "utf-8")
    report = sync(store, cards_dir)
    assert report.updated == ("ant-mob1-3",) and report.files_parsed == 1
    card = lookups.card(store, "ant-mob1-3")
    assert card.question == "MOB1-3 指标有什么用？"
    assert card.schedule == first.after
    # remove the card: hidden, history kept
    start = original.index("  - id: ant-mob1-3")
    path.write_text(original[:start], "utf-8")
    report = sync(store, cards_dir)
    assert report.hidden == ("ant-mob1-3",)
    assert not lookups.card(store, "ant-mob1-3").present
    assert new_ids(store, CardFilter(), T0, 10) == ["ant-biggest-challenge", "xhs-abusive-user"]
    assert [a.log_id for a in answers.log(store, "ant-mob1-3")] == [first.log_id]
    # restore it: back with its history and state
    path.write_text(original, "utf-8")
    report = sync(store, cards_dir)
    assert report.restored == ("ant-mob1-3",)
    card = lookups.card(store, "ant-mob1-3")
    assert card.present and card.schedule == first.after
    assert card.question == "为什么关注 MOB1-3 卡的平均消费？"


def test_a_retired_card_is_hidden_with_its_history_and_a_new_one_never_enters(store, cards_dir):
    sync(store, cards_dir)
    first = answer(store, "ant-mob1-3", 3, T0)
    path = cards_dir / "ant.yaml"
    original = path.read_text("utf-8")
    start = original.index("  - id: ant-mob1-3")
    path.write_text(
        original[:start] + "  - id: ant-mob1-3\n    question: 为什么关注 MOB1-3 卡的平均消费？\n    retired: 移到准备清单\n"
        "  - id: ant-gone\n    question: 从没复习过的旧卡？\n    retired: 移到准备清单\n",
        "utf-8",
    )
    report = sync(store, cards_dir)
    assert report.hidden == ("ant-mob1-3",) and report.added == ()
    assert not lookups.card(store, "ant-mob1-3").present
    assert new_ids(store, CardFilter(), T0, 10) == ["ant-biggest-challenge", "xhs-abusive-user"]
    assert [a.log_id for a in answers.log(store, "ant-mob1-3")] == [first.log_id]
    with pytest.raises(StoreError, match="ant-gone"):
        lookups.card(store, "ant-gone")


def test_a_card_moved_to_another_file_keeps_its_state(store, cards_dir):
    sync(store, cards_dir)
    first = answer(store, "xhs-abusive-user", 4, T0)
    (cards_dir / "xhs.yaml").rename(cards_dir / "xiaohongshu.yaml")
    report = sync(store, cards_dir)
    assert report.hidden == () and report.added == ()
    card = lookups.card(store, "xhs-abusive-user")
    assert card.file.endswith("xiaohongshu.yaml") and card.schedule == first.after


def test_a_deleted_file_hides_its_cards(store, cards_dir):
    sync(store, cards_dir)
    (cards_dir / "xhs.yaml").unlink()
    assert sync(store, cards_dir).hidden == ("xhs-abusive-user",)
    assert store.conn.execute("SELECT count(*) FROM source_files").fetchone()[0] == 1


def test_a_duplicate_id_against_an_unchanged_file_is_reported(store, cards_dir):
    sync(store, cards_dir)
    write_file(cards_dir / "zz.yaml", XHS_YAML.replace("面试::小红书::客服", "面试::其他"))
    with pytest.raises(CardsError) as error:
        sync(store, cards_dir)
    assert [str(p) for p in error.value.problems] == [
        f"{_shown(cards_dir / 'zz.yaml')}:6:5: card xhs-abusive-user: id: duplicate id "
        f"'xhs-abusive-user' (first used at {_shown(cards_dir / 'xhs.yaml')}:6:5)"
    ]
    # nothing was applied: the next sync sees the same problem
    with pytest.raises(CardsError):
        sync(store, cards_dir)


def test_invalid_yaml_is_reported_with_its_place(store, cards_dir):
    write_file(cards_dir / "bad.yaml", "deck: [unclosed\n")
    with pytest.raises(CardsError) as error:
        sync(store, cards_dir)
    assert len(error.value.problems) == 1
    assert str(error.value.problems[0]).startswith(f"{_shown(cards_dir / 'bad.yaml')}:2:1: invalid YAML")


def test_a_missing_cards_folder_is_reported(store, tmp_path):
    with pytest.raises(CardsError) as error:
        sync(store, tmp_path / "nowhere")
    assert [p.message for p in error.value.problems] == ["cards folder not found"]


def test_a_card_file_that_cannot_be_read_stops_the_sync_with_a_located_problem(store, cards_dir, monkeypatch):
    real = Path.read_bytes

    def refuse(path):
        if path.name == "xhs.yaml":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(CardsError) as error:
        sync(store, cards_dir)
    assert [str(p) for p in error.value.problems] == [f"{cards_dir / 'xhs.yaml'}:1:1: cannot read the file: Permission denied"]


def _shown(path: Path) -> str:
    from interview_srs.bank.model import display_name

    return display_name(path)


# -- several card sources -------------------------------------------------------------------------


def _source(folder: Path, name: str, ids, stamp: int = 0) -> Path:
    """One card file in `folder` holding `ids`; the questions say which source they came from."""
    path = folder / f"{name}.yaml"
    if not ids:
        if path.exists():
            path.unlink()
        return folder
    items = "".join(f"  - id: {i}\n    question: {name} 版本的 {i}？\n    outline: [要点]\n" for i in sorted(ids))
    write_file(path, f"deck: 面试::{name}\ncards:\n{items}")
    os.utime(path, ns=(10**18 + stamp, 10**18 + stamp))  # a fresh mtime even for the same size
    return folder


def _present(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT id, question FROM cards WHERE present = 1"))


def test_switching_sources_neither_hides_nor_resets_cards(store, tmp_path):
    checkout = _source(tmp_path / "checkout", "a", {"c1", "c2"})
    bank = _source(tmp_path / "bank", "b", {"c1"})
    sync(store, checkout)
    answer(store, "c1", 3, T0)
    sync(store, bank)  # c1 now comes from the bank; c2 (only in the checkout) stays
    assert _present(store) == {"c1": "b 版本的 c1？", "c2": "a 版本的 c2？"}
    assert lookups.state(store, "c1").state != NEW and len(answers.log(store, "c1")) == 1
    sync(store, checkout)  # back again: the checkout's version, not the bank's
    assert _present(store) == {"c1": "a 版本的 c1？", "c2": "a 版本的 c2？"}
    assert len(answers.log(store, "c1")) == 1


def test_a_card_vanishes_only_when_its_own_source_drops_it_and_reappears_with_history(store, tmp_path):
    checkout = _source(tmp_path / "checkout", "a", {"c1", "c2"})
    bank = _source(tmp_path / "bank", "b", {"c1", "c2"})
    sync(store, checkout)
    answer(store, "c2", 3, T0)
    _source(checkout, "a", {"c1"}, stamp=1)
    assert sync(store, checkout).hidden == ("c2",)
    report = sync(store, bank)  # the bank still has c2: it comes back, history and all
    assert report.restored == ("c2",) and _present(store)["c2"] == "b 版本的 c2？"
    assert lookups.state(store, "c2").state != NEW and len(answers.log(store, "c2")) == 1


def test_unchanged_sources_are_not_read_again(store, tmp_path):
    mine = _source(tmp_path / "mine", "m", {"own-1"})
    bank = _source(tmp_path / "bank", "b", {"c1"})
    assert sync(store, [bank, mine]).files_read == 2
    assert sync(store, [bank, mine]).files_read == 0
    assert sync(store, bank).files_read == 0  # the other source was read with it, not after it
    assert sync(store, mine).files_read == 0


def test_a_missing_folder_of_another_source_hides_nothing(store, tmp_path):
    mine = _source(tmp_path / "mine", "m", {"own-1"})
    bank = _source(tmp_path / "bank", "b", {"c1"})
    sync(store, [bank, mine])
    (mine / "m.yaml").unlink()
    assert sync(store, bank).hidden == ()
    assert set(_present(store)) == {"c1", "own-1"}
    assert sync(store, [bank, mine]).hidden == ("own-1",)


def test_an_upgraded_bank_in_a_new_place_replaces_the_old_one(store, tmp_path):
    from interview_srs.bank.sources import CardSources

    old = _source(tmp_path / "py3.11" / "interview_srs" / "bank" / "cards", "b", {"c1", "gone"})
    new = _source(tmp_path / "py3.13" / "interview_srs" / "bank" / "cards", "b", {"c1"})
    sync(store, old)
    shutil.rmtree(tmp_path / "py3.11")
    sources = CardSources((new,), "installed", new)
    assert sync_cards(store, sources, T0).hidden == ("gone",)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["sync", "add", "drop"]), st.sampled_from("ab"), st.sampled_from(["c1", "c2", "c3"])),
        max_size=12,
    )
)
def test_removal_is_judged_per_source(tmp_path, operations):
    """Model: syncing a source shows its cards with its text; a card is hidden only when the
    source it was last read from no longer has it; answers are never lost."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp, Store.open(Path(tmp) / "s.sqlite3") as store:
        contents = {"a": {"c1", "c2"}, "b": {"c2", "c3"}}
        folders = {name: _source(Path(tmp) / name, name, ids) for name, ids in contents.items()}
        last: dict[str, str] = {}
        present: dict[str, bool] = {}
        answered = 0
        for stamp, (op, name, card) in enumerate(operations, start=1):
            if op == "add":
                contents[name].add(card)
            elif op == "drop":
                contents[name].discard(card)
            if op != "sync":
                _source(folders[name], name, contents[name], stamp)
                continue
            if not contents[name]:
                continue
            sync(store, folders[name])
            for card_id in contents[name]:
                last[card_id], present[card_id] = name, True
            for card_id, source in last.items():
                if source == name and card_id not in contents[name]:
                    present[card_id] = False
            shown = _present(store)
            assert set(shown) == {c for c, p in present.items() if p}
            assert all(shown[c] == f"{last[c]} 版本的 {c}？" for c in shown)
            if shown:
                answer(store, sorted(shown)[0], 3, T0 + timedelta(days=stamp))
                answered += 1
            assert len(answers.log(store)) == answered


def test_an_unchanged_bank_costs_a_stat_of_each_file_and_no_yaml(tmp_path, cards_dir):
    """What `srs review` pays at start-up when nothing changed: no file is read, and neither the
    bank loader nor YAML is imported."""
    import subprocess
    import sys

    from conftest import REPO

    path = tmp_path / "home" / "store.sqlite3"
    with Store.open(path) as store:
        sync(store, cards_dir)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from interview_srs.bank.sources import CardSources\n"
        "from interview_srs.store.connection import Store\n"
        "from interview_srs.store.home import sync_cards\n"
        "from datetime import datetime, timezone\n"
        "def refuse(path): raise AssertionError(f'read {path}')\n"
        "Path.read_bytes = Path.read_text = refuse\n"
        "with Store.open(Path(sys.argv[1])) as store:\n"
        "    report = sync_cards(store, CardSources((Path(sys.argv[2]),), 'given'), datetime.now(timezone.utc))\n"
        "print(report.files_read, 'yaml' in sys.modules, 'interview_srs.bank.load' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path), str(cards_dir)], env={"PYTHONPATH": str(REPO / "src")},
                            capture_output=True, text=True, check=True)
    assert result.stdout == "0 False False\n"
