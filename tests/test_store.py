"""The SQLite store: opening and migrations, syncing with cards/, answers, undo, bury, replay."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.base.problems import CardsError

from interview_srs.bank.card_paths import card_files
from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import NEW, CardState, Schedulers, from_fsrs, to_fsrs
from interview_srs.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    CardFilter,
    Store,
    StoreError,
    default_store_path,
    list_card_files,
)

from conftest import XHS_YAML, older_store, write_file

T0 = datetime(2025, 3, 1, 1, 0, tzinfo=timezone.utc)
NO_FUZZ = Config(fuzz=False)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "home" / "store.sqlite3") as opened:
        yield opened


def answer(store: Store, card_id: str, rating: int, at: datetime, session: str = "s1", config=NO_FUZZ):
    schedulers = Schedulers(config)
    deck = store.card(card_id).deck
    return store.record_answer(
        card_id, rating, at, 1234, lambda before: schedulers.answer(card_id, deck, before, rating, at),
        session=session,
    )


# -- opening ------------------------------------------------------------------------------------


def test_open_creates_the_schema_with_wal_foreign_keys_and_strict_tables(store):
    conn = store.conn
    assert store.schema_version() == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    applied = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert applied == [(number, name) for number, name, _ in MIGRATIONS]
    for table in ("cards", "review_log", "source_files", "schema_migrations"):
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        assert sql.rstrip().endswith("STRICT"), table
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO review_log (card_id, rating, reviewed_ms, state_before, state_after, "
            "stability_after, difficulty_after, due_after_ms) VALUES ('nope', 3, 0, 0, 2, 1.0, 5.0, 0)"
        )


def test_reopening_runs_no_migration_twice(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    with Store.open(path) as again:
        assert again.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as error:
        Store.open(path)
    assert str(error.value) == (
        f"the store {path} has schema version {SCHEMA_VERSION + 1}, newer than this "
        f"interview-srs understands ({SCHEMA_VERSION}); upgrade interview-srs"
    )


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not a database, just some text that is long enough " * 20)
    with pytest.raises(StoreError) as error:
        Store.open(path)
    assert str(error.value) == (
        f"the store {path} is damaged (file is not a database); nothing was written to it. Restore it "
        f"from a backup, or move it aside to start fresh (e.g. mv '{path}' '{path}.damaged')"
    )


def test_default_store_path_follows_srs_home(tmp_path):
    assert default_store_path({"SRS_HOME": str(tmp_path)}) == tmp_path / "store.sqlite3"
    assert default_store_path({}).name == "store.sqlite3"


def test_card_file_listing_matches_the_card_loader(tmp_path):
    write_file(tmp_path / "a.yaml", "x: 1")
    write_file(tmp_path / "sub" / "b.yml", "x: 1")
    write_file(tmp_path / "c.txt", "x: 1")
    write_file(tmp_path / "d.YAML.bak", "x: 1")
    assert list_card_files(tmp_path) == card_files(tmp_path)


# -- syncing ------------------------------------------------------------------------------------


def test_first_sync_adds_every_card_as_new(store, cards_dir):
    report = store.sync(cards_dir, T0)
    assert sorted(report.added) == ["ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user"]
    assert report.files_parsed == 2
    card = store.card("ant-biggest-challenge")
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
    store.sync(cards_dir, T0)
    report = store.sync(cards_dir, T0)
    assert (report.files_read, report.files_parsed) == (0, 0)


def test_a_touched_but_identical_file_is_read_but_not_parsed(store, cards_dir):
    store.sync(cards_dir, T0)
    path = cards_dir / "ant.yaml"
    path.write_bytes(path.read_bytes())
    import os

    os.utime(path, ns=(1, 1))
    report = store.sync(cards_dir, T0)
    assert (report.files_read, report.files_parsed) == (1, 0)
    assert store.sync(cards_dir, T0).files_read == 0


def test_edited_removed_and_restored_cards_keep_their_history(store, cards_dir):
    store.sync(cards_dir, T0)
    first = answer(store, "ant-mob1-3", 3, T0)
    path = cards_dir / "ant.yaml"
    original = path.read_text("utf-8")
    path.write_text(original.replace("为什么关注 MOB1-3 卡的平均消费？", "MOB1-3 指标有什么用？"), "utf-8")
    report = store.sync(cards_dir, T0)
    assert report.updated == ("ant-mob1-3",) and report.files_parsed == 1
    card = store.card("ant-mob1-3")
    assert card.question == "MOB1-3 指标有什么用？"
    assert card.schedule == first.after
    # remove the card: hidden, history kept
    start = original.index("  - id: ant-mob1-3")
    path.write_text(original[:start], "utf-8")
    report = store.sync(cards_dir, T0)
    assert report.hidden == ("ant-mob1-3",)
    assert not store.card("ant-mob1-3").present
    assert new_ids(store, CardFilter(), T0, 10) == ["ant-biggest-challenge", "xhs-abusive-user"]
    assert [a.log_id for a in store.log("ant-mob1-3")] == [first.log_id]
    # restore it: back with its history and state
    path.write_text(original, "utf-8")
    report = store.sync(cards_dir, T0)
    assert report.restored == ("ant-mob1-3",)
    card = store.card("ant-mob1-3")
    assert card.present and card.schedule == first.after
    assert card.question == "为什么关注 MOB1-3 卡的平均消费？"


def test_a_card_moved_to_another_file_keeps_its_state(store, cards_dir):
    store.sync(cards_dir, T0)
    first = answer(store, "xhs-abusive-user", 4, T0)
    (cards_dir / "xhs.yaml").rename(cards_dir / "xiaohongshu.yaml")
    report = store.sync(cards_dir, T0)
    assert report.hidden == () and report.added == ()
    card = store.card("xhs-abusive-user")
    assert card.file.endswith("xiaohongshu.yaml") and card.schedule == first.after


def test_a_deleted_file_hides_its_cards(store, cards_dir):
    store.sync(cards_dir, T0)
    (cards_dir / "xhs.yaml").unlink()
    assert store.sync(cards_dir, T0).hidden == ("xhs-abusive-user",)
    assert store.conn.execute("SELECT count(*) FROM source_files").fetchone()[0] == 1


def test_a_duplicate_id_against_an_unchanged_file_is_reported(store, cards_dir):
    store.sync(cards_dir, T0)
    write_file(cards_dir / "zz.yaml", XHS_YAML.replace("面试::小红书::客服", "面试::其他"))
    with pytest.raises(CardsError) as error:
        store.sync(cards_dir, T0)
    assert [str(p) for p in error.value.problems] == [
        f"{_shown(cards_dir / 'zz.yaml')}:6:5: card xhs-abusive-user: id: duplicate id "
        f"'xhs-abusive-user' (first used at {_shown(cards_dir / 'xhs.yaml')}:6:5)"
    ]
    # nothing was applied: the next sync sees the same problem
    with pytest.raises(CardsError):
        store.sync(cards_dir, T0)


def test_invalid_yaml_is_reported_with_its_place(store, cards_dir):
    write_file(cards_dir / "bad.yaml", "deck: [unclosed\n")
    with pytest.raises(CardsError) as error:
        store.sync(cards_dir, T0)
    assert len(error.value.problems) == 1
    assert str(error.value.problems[0]).startswith(f"{_shown(cards_dir / 'bad.yaml')}:2:1: invalid YAML")


def test_a_missing_cards_folder_is_reported(store, tmp_path):
    with pytest.raises(CardsError) as error:
        store.sync(tmp_path / "nowhere", T0)
    assert [p.message for p in error.value.problems] == ["cards folder not found"]


def _shown(path: Path) -> str:
    from interview_srs.bank.model import display_name

    return display_name(path)


# -- answering ----------------------------------------------------------------------------------


def test_an_answer_updates_the_card_and_logs_before_and_after(store, cards_dir):
    store.sync(cards_dir, T0)
    result = answer(store, "ant-mob1-3", 3, T0)
    assert result.before == CardState()
    assert result.after.state == 1 and result.after.step == 1
    assert result.after.due == T0 + timedelta(minutes=10)
    assert store.state("ant-mob1-3") == result.after
    [logged] = store.log()
    assert (logged.card_id, logged.rating, logged.reviewed, logged.duration_ms) == ("ant-mob1-3", 3, T0, 1234)
    assert (logged.before, logged.after) == (result.before, result.after)
    source, session = store.conn.execute("SELECT source, session FROM review_log").fetchone()
    assert (source, session) == ("terminal", "s1")


def test_undo_restores_the_state_and_removes_the_log_row(store, cards_dir):
    store.sync(cards_dir, T0)
    first = answer(store, "ant-mob1-3", 3, T0)
    second = answer(store, "ant-mob1-3", 1, T0 + timedelta(minutes=10))
    assert store.undo(second, "s1") == first.after
    assert store.state("ant-mob1-3") == first.after
    assert [a.log_id for a in store.log()] == [first.log_id]
    with pytest.raises(StoreError) as error:
        store.undo(second, "s1")
    assert str(error.value) == "that answer is no longer in the store"


def test_undo_is_refused_when_another_session_answered_the_card_since(store, cards_dir):
    store.sync(cards_dir, T0)
    mine = answer(store, "ant-mob1-3", 3, T0, session="mine")
    answer(store, "ant-mob1-3", 3, T0 + timedelta(minutes=10), session="other")
    with pytest.raises(StoreError) as error:
        store.undo(mine, "mine")
    assert str(error.value) == (
        "card 'ant-mob1-3' was answered in another session since; undo that answer there first"
    )
    assert len(store.log()) == 2


def test_answering_from_a_stale_screen_builds_on_the_current_state(store, cards_dir):
    """Compare-and-swap: both answers are logged, the second computed from the first."""
    store.sync(cards_dir, T0)
    shown = store.state("ant-mob1-3")
    first = answer(store, "ant-mob1-3", 3, T0, session="a")
    schedulers = Schedulers(NO_FUZZ)
    deck = store.card("ant-mob1-3").deck
    second = store.record_answer(
        "ant-mob1-3", 4, T0, None,
        lambda before: schedulers.answer("ant-mob1-3", deck, before, 4, T0),
        session="b", expected=shown,
    )
    assert second.conflict and second.before == first.after
    assert [a.before for a in store.log()] == [shown, first.after]


def new_ids(store: Store, filt: CardFilter, at: datetime, limit: int) -> list[str]:
    """The new cards a session may show at `at`, as the planner reads them (file order)."""
    from interview_srs.store.queries import plan_cards

    return [c.id for c in plan_cards(store, filt, at, at, new_limit=limit) if c.state.state == 0]


def test_bury_hides_a_card_until_the_given_time(store, cards_dir):
    store.sync(cards_dir, T0)
    until = T0 + timedelta(days=1)
    assert store.bury("ant-mob1-3", until) is None
    assert "ant-mob1-3" not in new_ids(store, CardFilter(), T0, 10)
    assert "ant-mob1-3" in new_ids(store, CardFilter(), until, 10)
    assert store.bury("ant-mob1-3", None) == until


def test_filters_select_decks_and_tags(store, cards_dir):
    store.sync(cards_dir, T0)
    assert new_ids(store, CardFilter(decks=("面试::小红书::客服",)), T0, 10) == ["xhs-abusive-user"]
    assert new_ids(store, CardFilter(tag="业务"), T0, 10) == ["ant-mob1-3"]
    assert new_ids(store, CardFilter(tag="蚂蚁集团"), T0, 1) == ["ant-biggest-challenge"]


def test_due_reviews_come_lowest_retrievability_first(store, cards_dir):
    store.sync(cards_dir, T0)
    for card_id, rating in (("ant-mob1-3", 4), ("xhs-abusive-user", 4), ("ant-biggest-challenge", 2)):
        answer(store, card_id, rating, T0)
        if rating == 2:
            answer(store, card_id, 3, T0 + timedelta(minutes=6))
            answer(store, card_id, 3, T0 + timedelta(minutes=16))
    later = T0 + timedelta(days=60)
    from interview_srs.review.planner import Rules, plan
    from interview_srs.schedule.scheduler import StudyDay
    from interview_srs.store.queries import plan_cards

    day = StudyDay(4, timezone.utc)
    cards = plan_cards(store, CardFilter(), later, day.bounds(later)[1])
    ids = [e.card_id for e in plan(cards, (), Rules(new_per_day=0), later, day) if e.reason == "due"]
    decay = -fsrs.Scheduler().parameters[20]
    scheduler = fsrs.Scheduler()

    def r(card_id):
        return scheduler.get_card_retrievability(to_fsrs(store.state(card_id), later), later)

    assert sorted(ids) == sorted(["ant-mob1-3", "xhs-abusive-user", "ant-biggest-challenge"])
    assert [r(i) for i in ids] == sorted(r(i) for i in ids)
    assert decay < 0


# -- property: the store replays exactly like fsrs ------------------------------------------------

steps = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 40 * 24 * 60), st.booleans()), min_size=1, max_size=12
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_stored_state_equals_a_direct_fsrs_replay_and_undo_is_exact(cards_dir, steps):
    reference = fsrs.Scheduler(enable_fuzzing=False)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "s.sqlite3") as store:
        store.sync(cards_dir, T0)
        card = fsrs.Card(card_id=1, due=T0)
        at = T0
        for rating, gap_minutes, undo_first in steps:
            at = at + timedelta(minutes=gap_minutes)
            before = store.state("ant-mob1-3")
            if undo_first:  # answer, undo, and check we are exactly back
                wrong = answer(store, "ant-mob1-3", 5 - rating, at)
                store.undo(wrong, "s1")
                assert store.state("ant-mob1-3") == before
            result = answer(store, "ant-mob1-3", rating, at)
            card, _ = reference.review_card(card, fsrs.Rating(rating), at)
            expected = from_fsrs(card)
            assert result.after == expected
            assert store.state("ant-mob1-3") == expected
        logged = store.log("ant-mob1-3")
        assert len(logged) == len(steps)
        assert logged[0].before.state == NEW
        assert all(a.after == b.before for a, b in zip(logged, logged[1:]))


def test_a_version_1_store_upgrades_in_place_keeping_every_answer(tmp_path):
    """Migration 2 rebuilds review_log (new source 'mock', anki_revlog_id); nothing is lost."""
    path = older_store(tmp_path / "store.sqlite3", (1,))

    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        (answer,) = store.log("c1")
        assert (answer.rating, answer.duration_ms, answer.after.stability) == (3, 5000, 2.5)
        store.conn.execute("UPDATE review_log SET source = 'mock', anki_revlog_id = 7")
        assert store.integrity_check() == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


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
    store.sync(checkout, T0)
    answer(store, "c1", 3, T0)
    store.sync(bank, T0)  # c1 now comes from the bank; c2 (only in the checkout) stays
    assert _present(store) == {"c1": "b 版本的 c1？", "c2": "a 版本的 c2？"}
    assert store.state("c1").state != NEW and len(store.log("c1")) == 1
    store.sync(checkout, T0)  # back again: the checkout's version, not the bank's
    assert _present(store) == {"c1": "a 版本的 c1？", "c2": "a 版本的 c2？"}
    assert len(store.log("c1")) == 1


def test_a_card_vanishes_only_when_its_own_source_drops_it_and_reappears_with_history(store, tmp_path):
    checkout = _source(tmp_path / "checkout", "a", {"c1", "c2"})
    bank = _source(tmp_path / "bank", "b", {"c1", "c2"})
    store.sync(checkout, T0)
    answer(store, "c2", 3, T0)
    _source(checkout, "a", {"c1"}, stamp=1)
    assert store.sync(checkout, T0).hidden == ("c2",)
    report = store.sync(bank, T0)  # the bank still has c2: it comes back, history and all
    assert report.restored == ("c2",) and _present(store)["c2"] == "b 版本的 c2？"
    assert store.state("c2").state != NEW and len(store.log("c2")) == 1


def test_unchanged_sources_are_not_read_again(store, tmp_path):
    mine = _source(tmp_path / "mine", "m", {"own-1"})
    bank = _source(tmp_path / "bank", "b", {"c1"})
    assert store.sync([bank, mine], T0).files_read == 2
    assert store.sync([bank, mine], T0).files_read == 0
    assert store.sync(bank, T0).files_read == 0  # the other source was read with it, not after it
    assert store.sync(mine, T0).files_read == 0


def test_a_missing_folder_of_another_source_hides_nothing(store, tmp_path):
    mine = _source(tmp_path / "mine", "m", {"own-1"})
    bank = _source(tmp_path / "bank", "b", {"c1"})
    store.sync([bank, mine], T0)
    (mine / "m.yaml").unlink()
    assert store.sync(bank, T0).hidden == ()
    assert set(_present(store)) == {"c1", "own-1"}
    assert store.sync([bank, mine], T0).hidden == ("own-1",)


def test_an_upgraded_bank_in_a_new_place_replaces_the_old_one(store, tmp_path):
    from interview_srs.bank.sources import CardSources

    old = _source(tmp_path / "py3.11" / "interview_srs" / "bank" / "cards", "b", {"c1", "gone"})
    new = _source(tmp_path / "py3.13" / "interview_srs" / "bank" / "cards", "b", {"c1"})
    store.sync(old, T0)
    shutil.rmtree(tmp_path / "py3.11")
    sources = CardSources((new,), "installed", new)
    assert store.sync(sources.folders, T0, sources.owns).hidden == ("gone",)


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
            store.sync(folders[name], T0)
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
            assert len(store.log()) == answered


def test_a_version_2_store_gains_the_mock_tables_keeping_every_answer(tmp_path):
    """Migration 4 adds mock_runs and mock_questions; cards and the review log are untouched."""
    from interview_srs.store import mocks

    path = older_store(tmp_path / "store.sqlite3", (1, 2), rating=4, source="mock")

    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [(a.card_id, a.rating) for a in store.log()] == [("c1", 4)]
        run_id = mocks.start_run(store, "s", datetime.fromisoformat("2025-03-01T10:00:00+00:00"), "all", None, False,
                                 [mocks.PlannedQuestion("c1", "business", 90_000)])
        (summary,) = mocks.history(store)
        assert (summary.planned, summary.answered, summary.average_rating, summary.finished) == (1, 1, 4.0, False)
        assert run_id == 1 and store.integrity_check() == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_planner_queries_know_todays_introductions_and_early_answers(store, cards_dir):
    from interview_srs.store.queries import answered_early_since, introduced_since

    store.sync(cards_dir, T0)
    answer(store, "ant-mob1-3", 4, T0)  # introduced: review, due in days
    answer(store, "xhs-abusive-user", 4, T0)
    later = T0 + timedelta(days=1)
    answer(store, "ant-mob1-3", 3, later)  # before its due date: early
    due = store.state("xhs-abusive-user").due
    answer(store, "xhs-abusive-user", 3, due + timedelta(hours=1))  # on time
    assert introduced_since(store, T0) == {"ant-mob1-3", "xhs-abusive-user"}
    assert introduced_since(store, later) == frozenset()
    assert answered_early_since(store, T0) == {"ant-mob1-3"}


def test_plan_cards_leave_out_suspended_and_buried_cards_readiness_keeps_buried(store, cards_dir):
    from interview_srs.store.queries import plan_cards, studied_cards

    store.sync(cards_dir, T0)
    store.suspend("ant-mob1-3")
    store.bury("xhs-abusive-user", T0 + timedelta(days=1))
    end = T0 + timedelta(days=1)
    assert [c.id for c in plan_cards(store, CardFilter(), T0, end, new_limit=10)] == ["ant-biggest-challenge"]
    assert [c.id for c in studied_cards(store)] == ["ant-biggest-challenge", "xhs-abusive-user"]
    # only the first new cards of each deck outside the interviews; every card of an interview deck
    assert [c.id for c in plan_cards(store, CardFilter(), end, end, new_limit=1)] == [
        "ant-biggest-challenge", "xhs-abusive-user",
    ]
    scoped = plan_cards(store, CardFilter(), end, end, new_limit=0,
                        interview_decks=frozenset({"面试::小红书::客服"}))
    assert [c.id for c in scoped] == ["xhs-abusive-user"]


# --------------------------------------------------------------------------- damaged stores


def _filled_store(tmp_path: Path) -> tuple[Path, Path]:
    """The repository's cards in a store with a few hundred answers, closed (WAL checkpointed)."""
    from conftest import REPO

    path = tmp_path / "home" / "store.sqlite3"
    with Store.open(path) as store:
        store.sync(REPO / "cards", T0)
        ids = [row[0] for row in store.conn.execute("SELECT id FROM cards ORDER BY id")]
        for number in range(300):
            answer(store, ids[number % len(ids)], 1 + number % 4, T0 + timedelta(minutes=number))
    return path, REPO / "cards"


def _run_cli(*args: str, home: Path, keys: str = "") -> object:
    from click.testing import CliRunner

    from interview_srs.cli import cli

    env = {"SRS_HOME": str(home), "SRS_NOW": "2025-03-05T10:00:00+00:00", "LANG": "C", "LC_ALL": None}
    return CliRunner().invoke(cli, list(args), input=keys, env=env)


def _assert_refused_or_fine(result, path: Path) -> str:
    """Either the command worked, or it stopped with one line naming the store and what to do."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        return "fine"
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith(f"Error: the store {path} is damaged (")
    assert lines[-1].endswith(f"move it aside to start fresh (e.g. mv '{path}' '{path}.damaged')")
    return "refused"


def test_a_zeroed_page_anywhere_is_refused_in_one_line_and_the_store_is_never_written(tmp_path):
    path, cards = _filled_store(tmp_path)
    pristine = path.read_bytes()
    page = 4096
    outcomes = {}
    for number in range(1, len(pristine) // page):  # page 0 holds the header: see the next test
        damaged = bytearray(pristine)
        damaged[number * page : (number + 1) * page] = bytes(page)
        path.write_bytes(damaged)
        for wal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            wal.unlink(missing_ok=True)
        # Rate a card: the first write waits for the integrity check.
        review = _run_cli("review", "--cards", str(cards), home=path.parent, keys=" \n3\nq\n")
        stats = _run_cli("stats", "--cards", str(cards), home=path.parent)
        outcomes[number] = (_assert_refused_or_fine(review, path), _assert_refused_or_fine(stats, path))
        assert path.read_bytes() == bytes(damaged), f"page {number}: the damaged store was written"
    assert all(review == "refused" for review, _stats in outcomes.values()), outcomes


def test_a_zeroed_header_is_refused(tmp_path):
    path, cards = _filled_store(tmp_path)
    damaged = bytes(4096) + path.read_bytes()[4096:]
    path.write_bytes(damaged)
    assert _assert_refused_or_fine(_run_cli("stats", "--cards", str(cards), home=path.parent), path) == "refused"
    assert path.read_bytes() == damaged


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE cards SET back = CAST(x'7b22ff22fe7d' AS TEXT)",  # not UTF-8
        "UPDATE cards SET question = CAST(x'e4b8' AS TEXT)",  # cut in the middle of a character
        "UPDATE cards SET back = '{\"star\": nul'",  # flipped bytes in JSON
        "UPDATE cards SET tags = '[1, 2'",
        "UPDATE cards SET state = 7",
        "UPDATE cards SET due_ms = 9223372036854775807, state = 2, stability = 1, difficulty = 5, last_review_ms = 0",
    ],
    ids=["invalid-utf8", "cut-character", "json", "tags", "state", "time"],
)
def test_damaged_values_are_refused_in_one_line(tmp_path, damage):
    path, cards = _filled_store(tmp_path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    with connection:
        connection.execute(damage)
    connection.close()
    review = _run_cli("review", "--cards", str(cards), home=path.parent, keys=" \n3\nq\n")
    outcome = _assert_refused_or_fine(review, path)
    # A state or due time out of range just keeps the card out of today's queue.
    assert outcome == "refused" or "state" in damage, review.output[-300:]
    for args in (("stats",), ("stats", "--json")):  # stats reads fewer columns: refused, or right
        _assert_refused_or_fine(_run_cli(*args, "--cards", str(cards), home=path.parent), path)


def test_two_processes_creating_a_new_store_at_once_both_succeed(tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    script = "import sys; from interview_srs.store import Store; Store.open(sys.argv[1]).close(); print('ok')"
    env = {"PYTHONPATH": str(REPO / "src")}
    for attempt in range(8):
        path = tmp_path / f"new-{attempt}" / "store.sqlite3"
        children = [
            subprocess.Popen([sys.executable, "-c", script, str(path)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        results = [child.communicate(timeout=60) for child in children]
        assert [child.returncode for child in children] == [0] * 4, results
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_a_card_file_that_cannot_be_read_stops_the_sync_with_a_located_problem(store, cards_dir, monkeypatch):
    real = Path.read_bytes

    def refuse(path):
        if path.name == "xhs.yaml":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(CardsError) as error:
        store.sync(cards_dir, T0)
    assert [str(p) for p in error.value.problems] == [f"{cards_dir / 'xhs.yaml'}:1:1: cannot read the file: Permission denied"]


def _one_line_or_fine(result) -> str:
    """A flipped byte in an index can also read as a missing card: any one-line error will do."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        return "fine"
    assert result.exit_code == 1 and result.output.strip().splitlines()[-1].startswith("Error: ")
    return "refused"


def test_random_byte_flips_anywhere_are_refused_or_harmless_and_never_written(tmp_path):
    import random

    path, cards = _filled_store(tmp_path)
    pristine = path.read_bytes()
    rng = random.Random(11)
    outcomes = []
    for _ in range(25):
        damaged = bytearray(pristine)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(100, len(damaged))] ^= 1 << rng.randrange(8)  # the header stays
        path.write_bytes(damaged)
        for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            side.unlink(missing_ok=True)
        review = _run_cli("review", "--cards", str(cards), home=path.parent, keys=" \n3\nq\n")
        stats = _run_cli("stats", "--cards", str(cards), home=path.parent)
        outcomes.append((_one_line_or_fine(review), _one_line_or_fine(stats)))
        if "integrity check" in review.output:  # damage found before writing: nothing written
            assert path.read_bytes() == bytes(damaged)
        # Damage inside a value passes the integrity check and shows when the value is read,
        # which may be after an answer was stored: that answer is kept.
    print("byte flips (review, stats):", outcomes)
    assert any(review == "refused" for review, _stats in outcomes)
