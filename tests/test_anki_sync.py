"""`srs sync-anki`: answers given in the real Anki backend reach the store.

Anki's backend reads the system clock and offers no way to set it, so the tests simulate days
the way time passing looks to Anki: after a day's answers, the collection is closed and every
stored time is moved back by whole days (revlog ids, intraday-learning due times, each card's
last-review time `lrt`, and the collection's creation time `crt`, which day-based due dates
count from). Reopened, the collection is in the same state as if those answers had been given
that many days ago, and Anki's scheduler answers the next day's cards from there.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner
from conftest import review_log

from interview_srs.anki.notes import note_guid
from interview_srs.anki.build import build
from interview_srs.cli import cli

DAY_S = 86_400
RATINGS = [3, 1, 3, 4, 2, 3, 3, 1, 3, 4]
LOG_COLUMNS = "card_id, rating, reviewed_ms, duration_ms, source, anki_revlog_id"


def shift_back(collection: Path, days: int) -> None:
    """Make a closed collection look `days` days older (see the module docstring)."""
    seconds = days * DAY_S
    conn = sqlite3.connect(collection)
    try:
        conn.execute("UPDATE revlog SET id = id - ?", (seconds * 1000,))
        conn.execute("UPDATE col SET crt = crt - ?", (seconds,))
        conn.execute("UPDATE cards SET due = due - ? WHERE queue IN (1, 4)", (seconds,))
        conn.execute(
            "UPDATE cards SET data = json_set(data, '$.lrt', json_extract(data, '$.lrt') - ?) "
            "WHERE json_extract(data, '$.lrt') IS NOT NULL",
            (seconds,),
        )
        conn.commit()
    finally:
        conn.close()


def open_collection(path: Path) -> Collection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return Collection(str(path))


def answer_queue(col: Collection, ratings: list[int], limit: int = 6) -> int:
    """Answer up to `limit` queued cards through Anki's own scheduler; returns how many."""
    from anki.scheduler.v3 import CardAnswer

    names = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    col.decks.select(col.decks.id_for_name("面试"))
    answered = 0
    while answered < limit:
        queued = col.sched.get_queued_cards(fetch_limit=1).cards
        if not queued:
            break
        card = col.get_card(queued[0].card.id)
        card.start_timer()
        rating = ratings[answered % len(ratings)]
        col.sched.answer_card(col.sched.build_answer(card=card, states=queued[0].states, rating=names[rating]))
        answered += 1
    return answered


def make_collection(cards_dir: Path, folder: Path, days: tuple[int, ...] = (0, 1, 3, 8)) -> Path:
    """Build the decks, import them into a fresh FSRS collection and study on each of `days`."""
    build(cards_dir, folder / "decks", now=1_760_000_000)
    path = folder / "profile" / "collection.anki2"
    col = open_collection(path)
    col.set_config("fsrs", True)
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(folder / "decks" / "interview-srs-all.apkg"), options=ImportAnkiPackageOptions()
        )
    )
    col.close()
    for index, day in enumerate(days):
        col = open_collection(path)
        answer_queue(col, RATINGS[index:] + RATINGS[:index])
        col.close()
        if index + 1 < len(days):
            shift_back(path, days[index + 1] - day)
    return path


def revlog(path: Path) -> list[tuple]:
    """(card id, rating, time ms, duration ms, revlog id) of every answer, read with sqlite3."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT notes.flds, revlog.ease, revlog.id, revlog.time, revlog.type, revlog.factor FROM revlog "
            "JOIN cards ON cards.id = revlog.cid JOIN notes ON notes.id = cards.nid ORDER BY revlog.id"
        ).fetchall()
    finally:
        conn.close()
    # the Id field is the 14th
    return [(flds.split("\x1f")[13], ease, rid, taken, "anki", rid) for flds, ease, rid, taken, _t, _f in rows]


def sync(*args: str, home: Path, cards_dir: Path):
    return CliRunner().invoke(cli, ["sync-anki", *args, "--cards", str(cards_dir)], env={"SRS_HOME": str(home)})


def direct_replay(ratings_and_times: list[tuple[int, int]]) -> fsrs.Card:
    """The card fsrs itself computes from the answers (fuzzing off, default settings)."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card()
    for rating, at_ms in ratings_and_times:
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), datetime.fromtimestamp(at_ms / 1000, timezone.utc))
    return card


def store_cards(home: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        return {
            row[0]: row[1:]
            for row in conn.execute("SELECT id, state, step, stability, difficulty, due_ms, last_review_ms FROM cards")
        }
    finally:
        conn.close()


def assert_states_replay_fsrs(home: Path) -> None:
    """Every card's stored state, and every log row's after-state, equal fsrs's own replay."""
    log = review_log(home, "card_id, rating, reviewed_ms, state_after, stability_after, difficulty_after, due_after_ms")
    by_card: dict[str, list] = {}
    for row in sorted(log, key=lambda r: r[2]):
        by_card.setdefault(row[0], []).append(row)
    cards = store_cards(home)
    for card_id, rows in by_card.items():
        for index, row in enumerate(rows):
            expected = direct_replay([(r[1], r[2]) for r in rows[: index + 1]])
            assert row[3:] == (
                int(expected.state), expected.stability, expected.difficulty,
                int(expected.due.timestamp() * 1000),
            )
        expected = direct_replay([(r[1], r[2]) for r in rows])
        assert cards[card_id][0] == int(expected.state)
        assert cards[card_id][2:] == (
            expected.stability, expected.difficulty, int(expected.due.timestamp() * 1000), rows[-1][2]
        )


@pytest.fixture
def studied(cards_dir, tmp_path) -> Path:
    return make_collection(cards_dir, tmp_path / "anki")


def test_answers_given_in_anki_reach_the_store_once(studied, cards_dir, home):
    expected = revlog(studied)
    assert len(expected) >= 8 and {row[1] for row in expected} >= {1, 3, 4}
    days = {row[2] // (DAY_S * 1000) for row in expected}
    assert len(days) == 4  # four study days

    result = sync(str(studied.parent), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{studied.parent}: Anki collection (schema 18), 3 interview-srs notes, {len(expected)} answers.\n"
        f"Added {len(expected)} answers from Anki (0 already in the store); replayed 3 cards.\n"
    )
    assert sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2]) == expected
    assert_states_replay_fsrs(home)

    again = sync(str(studied), home=home, cards_dir=cards_dir)
    assert again.exit_code == 0, again.output
    assert f"Added 0 answers from Anki ({len(expected)} already in the store); replayed 0 cards." in again.output
    assert len(review_log(home)) == len(expected)


def test_a_backup_exported_by_anki_gives_the_same_history(studied, cards_dir, home, tmp_path):
    col = Collection(str(studied))
    backup = tmp_path / "backup.colpkg"
    col.export_collection_package(str(backup), include_media=False, legacy=False)
    col.close()
    assert "collection.anki21b" in zipfile.ZipFile(backup).namelist()  # zstd-compressed

    result = sync(str(backup), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2]) == revlog(studied)
    assert_states_replay_fsrs(home)


def test_terminal_and_anki_answers_merge_by_time(cards_dir, tmp_path, home):
    path = make_collection(cards_dir, tmp_path / "anki", days=(0, 2))
    anki_times = [row[2] for row in revlog(path)]
    # A terminal answer between the two Anki days, recorded before the sync.
    between = datetime.fromtimestamp((anki_times[0] + DAY_S * 1000) / 1000, timezone.utc)
    terminal = CliRunner().invoke(
        cli,
        ["review", "--cards", str(cards_dir)],
        input=" \n3\nq\n",
        env={"SRS_HOME": str(home), "SRS_NOW": between.isoformat()},
    )
    assert terminal.exit_code == 0, terminal.output
    (before,) = review_log(home, LOG_COLUMNS)
    assert before[4] == "terminal"

    result = sync(str(path), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    log = sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2])
    assert log == sorted(revlog(path) + [before], key=lambda r: r[2])
    assert_states_replay_fsrs(home)
    # Each row's before-state is the previous row's after-state.
    rows = review_log(home, "card_id, reviewed_ms, state_before, stability_before, due_before_ms, "
                            "state_after, stability_after, due_after_ms")
    for card_id in {r[0] for r in rows}:
        mine = sorted((r for r in rows if r[0] == card_id), key=lambda r: r[1])
        assert mine[0][2:5] == (0, None, None)
        for previous, current in zip(mine, mine[1:]):
            assert current[2:5] == previous[5:8]


def test_manual_reschedules_and_previews_are_skipped_and_counted(studied, cards_dir, home):
    col = Collection(str(studied))
    cids = list(col.find_cards(""))
    col.sched.set_due_date(cids[:2], "5")  # two manual (type 4) entries
    col.close()
    answers = len(revlog(studied)) - 2

    result = sync(str(studied), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert "Skipped 2 revlog entries that are not answers: 2 manual reschedules (set due date, reset, forget)." in result.output
    assert len(review_log(home)) == answers


def test_anki_parameters_are_offered_and_taken_into_the_config(studied, cards_dir, home):
    weights = [0.3, 1.2, 3.0, 15.0, 7.2, 0.5, 1.5, 0.005, 1.5, 0.12, 1.0, 1.9, 0.11, 0.3, 2.3, 0.23, 2.9, 0.5, 0.3, 0.1, 0.2]
    col = Collection(str(studied))
    conf = col.decks.config_dict_for_deck_id(col.decks.id_for_name("面试::小红书::客服"))
    conf["fsrsParams6"] = weights
    conf["desiredRetention"] = 0.85
    col.decks.update_config(conf)
    col.close()
    (home / "config.toml").write_text("# my settings\nfuzz = false  # predictable\n\n[deck.\"面试\"]\nmaximum_interval = 300\n", "utf-8")

    offered = sync(str(studied), home=home, cards_dir=cards_dir)
    assert offered.exit_code == 0, offered.output
    assert offered.output.splitlines()[-1] == (
        'Anki\'s preset "Default" has its own FSRS parameters (desired retention 0.85); '
        "add --use-anki-params to use them here."
    )
    taken = sync(str(studied), "--use-anki-params", home=home, cards_dir=cards_dir)
    assert taken.exit_code == 0, taken.output
    assert taken.output.splitlines()[-1] == (
        'Now using the FSRS parameters and desired retention 0.85 of Anki\'s preset "Default" (written to config.toml).'
    )
    text = (home / "config.toml").read_text("utf-8")
    assert text.startswith("# my settings\nfuzz = false  # predictable\n")
    assert '[deck."面试"]\nmaximum_interval = 300\n' in text
    from interview_srs.schedule.config import load_config

    config = load_config(home / "config.toml")
    assert config.defaults.desired_retention == 0.85
    assert config.defaults.parameters == pytest.approx(weights, abs=1e-6)
    assert config.for_deck("面试::小红书::客服").parameters == config.defaults.parameters
    settled = sync(str(studied), home=home, cards_dir=cards_dir)
    assert settled.exit_code == 0, settled.output
    assert "FSRS parameters" not in settled.output  # already in use: nothing to offer


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("hello", "utf-8"), "not an Anki collection (neither an SQLite file nor a .colpkg/.apkg package)"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "x"), "a zip file without an Anki collection inside (not a .colpkg/.apkg)"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "not an Anki collection (no col/notes/cards/revlog tables)"),
    ],
    ids=["text", "zip", "sqlite"],
)
def test_files_that_are_not_collections_are_refused(make, message, tmp_path, cards_dir, home):
    path = tmp_path / "thing.anki2"
    make(path)
    result = sync(str(path), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: {message}\n"


def test_newer_schema_damaged_and_foreign_collections_are_refused(studied, tmp_path, cards_dir, home):
    newer = tmp_path / "newer.anki2"
    newer.write_bytes(studied.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE col SET ver = 19")
    conn.commit()
    conn.close()
    result = sync(str(newer), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {newer}: collection schema 19 is newer than interview-srs reads (11–18); "
        "upgrade interview-srs, or export a .colpkg for older Anki versions\n"
    )

    damaged = tmp_path / "damaged.anki2"
    data = bytearray(studied.read_bytes())
    data[4096 * 2: 4096 * 6] = b"\xff" * (4096 * 4)
    damaged.write_bytes(bytes(data))
    result = sync(str(damaged), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {damaged}: damaged")
    assert "Traceback" not in result.output

    foreign = open_collection(tmp_path / "foreign" / "collection.anki2")
    foreign.close()
    result = sync(str(tmp_path / "foreign"), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'foreign'}: none of the interview-srs notes are in this collection; "
        "import decks/*.apkg into Anki first\n"
    )
    assert review_log(home) == []


def test_a_collection_open_in_anki_is_refused(studied, cards_dir, home):
    col = Collection(str(studied))  # holds Anki's exclusive lock, as the desktop app does
    try:
        col.db.scalar("SELECT count() FROM revlog")
        result = subprocess.run(
            [sys.executable, "-m", "interview_srs", "sync-anki", str(studied), "--cards", str(cards_dir)],
            capture_output=True, text=True, env={**os.environ, "SRS_HOME": str(home)}, timeout=60,
        )
    finally:
        col.close()
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {studied}: the collection is locked: Anki (or another program) has it open. "
        "Close Anki (or switch profile), or sync from a backup (.colpkg)\n"
    )
    assert review_log(home) == []


def test_the_guids_are_the_ones_the_decks_carry(studied):
    conn = sqlite3.connect(studied)
    guids = dict(conn.execute("SELECT guid, flds FROM notes").fetchall())
    conn.close()
    assert {guid: flds.split("\x1f")[13] for guid, flds in guids.items()} == {
        note_guid(card_id): card_id for card_id in ("ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user")
    }


# -- --write: terminal answers into the collection -------------------------------------------------


def answer_card(col: Collection, cid: int, rating: int) -> None:
    from anki.scheduler.v3 import CardAnswer

    names = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answer_card(col.sched.build_answer(card=card, states=col._backend.get_scheduling_states(cid), rating=names[rating]))


def fresh_collection(cards_dir: Path, folder: Path) -> Path:
    return make_collection(cards_dir, folder, days=())


def cids_by_card(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {flds.split("\x1f")[13]: cid for cid, flds in conn.execute(
            "SELECT cards.id, notes.flds FROM cards JOIN notes ON notes.id = cards.nid")}
    finally:
        conn.close()


def card_rows(path: Path) -> dict[int, tuple]:
    """Each card's Anki schedule, with day-based due dates counted from today."""
    col = Collection(str(path))
    try:
        today = col.sched.today
        return {
            cid: (ctype, queue, _relative_due(queue, due, today, json.loads(data)), ivl, reps, lapses,
                  json.loads(data).get("s"), json.loads(data).get("d"))
            for cid, ctype, queue, due, ivl, reps, lapses, data in col.db.all(
                "SELECT id, type, queue, due, ivl, reps, lapses, data FROM cards")
        }
    finally:
        col.close()


def _relative_due(queue: int, due: int, today: int, data: dict) -> int:
    """Day-based due dates from today; intraday (re)learning due times from the last answer."""
    if queue in (2, 3):
        return due - today
    if queue == 1:
        return due - data["lrt"]
    return due


PLAN = {  # day -> [(card, rating)]: every card ends in the review state
    0: [("ant-biggest-challenge", 4), ("ant-mob1-3", 4), ("xhs-abusive-user", 4)],
    3: [("ant-biggest-challenge", 3), ("ant-mob1-3", 2)],
    9: [("xhs-abusive-user", 3), ("ant-mob1-3", 4)],
}


LAPSE_PLAN = {  # a lapse two days ago (relearning), a card left in learning since day 0
    0: [("ant-biggest-challenge", 4), ("xhs-abusive-user", 3)],
    4: [("ant-biggest-challenge", 1)],
    6: [],
}


LEARNING_QUEUES = {1, 3}  # intraday, or interday when the step ends past Anki's 4:00 rollover (run near 4:00)


@pytest.mark.parametrize(
    "plan, queues",
    [(PLAN, {"ant-biggest-challenge": {2}, "ant-mob1-3": {2}, "xhs-abusive-user": {2}}),
     (LAPSE_PLAN, {"ant-biggest-challenge": LEARNING_QUEUES, "ant-mob1-3": {0}, "xhs-abusive-user": LEARNING_QUEUES})],
    ids=["reviews", "lapse-and-learning"],
)
def test_write_gives_anki_the_terminal_answers_with_the_state_anki_computes(plan, queues, cards_dir, tmp_path, home):
    from interview_srs.schedule.scheduler import Schedulers
    from interview_srs.schedule.config import Config
    from interview_srs.store import answers
    from interview_srs.store.home import open_home

    target = fresh_collection(cards_dir, tmp_path / "target")
    shift_back(target, 30)  # created a month ago, as a real collection would be
    # The same answers given in Anki itself on the same days: the reference.
    reference = fresh_collection(cards_dir, tmp_path / "reference")
    days = sorted(plan)
    for index, day in enumerate(days):
        col = Collection(str(reference))
        ids = cids_by_card(reference)
        for card_id, rating in plan[day]:
            answer_card(col, ids[card_id], rating)
        col.close()
        if index + 1 < len(days):
            shift_back(reference, days[index + 1] - day)
    # The terminal answers: in the store, on the same days, ending today.
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    schedulers = Schedulers(Config())
    store_home = open_home(None, cards_dir, datetime.now(timezone.utc), {"SRS_HOME": str(home)})
    for day in days:
        at = datetime.fromtimestamp((now_ms - (days[-1] - day) * DAY_S * 1000) / 1000, timezone.utc)
        for offset, (card_id, rating) in enumerate(plan[day]):
            when = at.replace(microsecond=0) + timedelta(seconds=offset)
            answers.record_answer(
                store_home.store, card_id, rating, when, 4_000,
                lambda before, c=card_id, r=rating, w=when: schedulers.answer(c, "面试", before, r, w),
            )
    store_home.store.close()
    terminal = review_log(home, "card_id, rating, reviewed_ms, duration_ms")

    result = sync(str(target), "--write", home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    backups = list(target.parent.glob("collection.anki2.srs-backup-*"))
    assert len(backups) == 1
    assert result.output.splitlines()[-1] == f"Wrote {len(terminal)} terminal answers to Anki (backup: {backups[0]})."
    assert [(r[0], r[1], r[2], r[3]) for r in revlog(target)] == sorted(terminal, key=lambda r: r[2])
    # Anki's own state for each card equals the one it computed when answered on those days.
    target_ids, reference_ids = cids_by_card(target), cids_by_card(reference)
    target_cards, reference_cards = card_rows(target), card_rows(reference)
    for card_id in target_ids:
        assert target_cards[target_ids[card_id]] == reference_cards[reference_ids[card_id]], card_id
        assert target_cards[target_ids[card_id]][1] in queues[card_id]

    again = sync(str(target), "--write", home=home, cards_dir=cards_dir)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == "Anki already has every terminal answer; nothing written."
    assert "Added 0 answers from Anki" in again.output  # its own answers do not come back
    assert len(revlog(target)) == len(terminal)
    assert len(review_log(home)) == len(terminal)


def test_write_refuses_an_open_collection_and_changes_nothing(cards_dir, tmp_path, home):
    target = fresh_collection(cards_dir, tmp_path / "target")
    terminal = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input=" \n3\nq\n", env={"SRS_HOME": str(home)})
    assert terminal.exit_code == 0, terminal.output
    col = Collection(str(target))
    try:
        col.db.scalar("SELECT count() FROM revlog")
        result = subprocess.run(
            [sys.executable, "-m", "interview_srs", "sync-anki", str(target), "--write", "--cards", str(cards_dir)],
            capture_output=True, text=True, env={**os.environ, "SRS_HOME": str(home)}, timeout=60,
        )
    finally:
        col.close()
    assert result.returncode == 1
    assert "the collection is locked" in result.stderr
    assert revlog(target) == []
    assert not list(target.parent.glob("*.srs-backup-*"))


def test_write_without_the_anki_package_says_how_to_install_it(studied, cards_dir, home, monkeypatch):
    monkeypatch.setitem(sys.modules, "anki.collection", None)
    result = sync(str(studied), "--write", home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: --write needs the anki extra: pip install 'interview-srs[anki]'"


def test_an_apkg_exported_with_scheduling_gives_the_same_history(studied, cards_dir, home, tmp_path):
    from anki.collection import ExportAnkiPackageOptions

    col = Collection(str(studied))
    package = tmp_path / "shared.apkg"
    col.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False),
        limit=None,
    )
    col.close()
    result = sync(str(package), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2]) == revlog(studied)


def test_a_zstd_package_without_zstandard_says_what_to_install(studied, cards_dir, home, tmp_path, monkeypatch):
    col = Collection(str(studied))
    backup = tmp_path / "backup.colpkg"
    col.export_collection_package(str(backup), include_media=False, legacy=False)
    col.close()
    monkeypatch.setitem(sys.modules, "zstandard", None)
    result = sync(str(backup), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {backup}: this package is zstd-compressed; install the zstandard package "
        "(pip install zstandard) to read it\n"
    )


def test_a_folder_of_profiles_names_them(studied, cards_dir, home):
    anki_base = studied.parent.parent  # holds the "profile" folder
    result = sync(str(anki_base), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == f"Error: {anki_base}: no collection.anki2 in this folder; profiles here: profile\n"


def test_fsrs5_parameters_become_fsrs6_as_anki_converts_them():
    from interview_srs.anki.presets import fsrs6
    from interview_srs.anki.sync import skip_reason

    five = [0.4, 0.9, 2.3, 10.9, 4.9, 0.9, 1.0, 0.02, 1.6, 0.15, 1.0, 1.9, 0.1, 0.3, 2.3, 0.2, 3.0, 0.5, 0.6]
    assert fsrs6([], five) == tuple(five) + (0.0, 0.5)
    assert fsrs6([0.1] * 21, five) == (0.1,) * 21
    assert fsrs6([], [1.0] * 17) == ()  # FSRS-4.5: not taken
    assert [skip_reason(*row) for row in [(3, 1, 2500), (1, 0, 0), (0, 4, 2500), (0, 4, 0), (0, 5, 5000), (3, 3, 0), (3, 3, 2500)]] == [
        None, None, "manual", "manual", "rescheduled", "cramming", None,
    ]


def test_write_needs_the_collection_itself_not_a_package(studied, cards_dir, home, tmp_path):
    col = Collection(str(studied))
    backup = tmp_path / "backup.colpkg"
    col.export_collection_package(str(backup), include_media=False, legacy=False)
    col.close()
    result = sync(str(backup), "--write", home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {backup}: --write needs the collection itself (collection.anki2 or its profile folder), not a package"
    )


def test_a_collection_without_fsrs_is_said_to_schedule_with_sm2(cards_dir, tmp_path, home):
    path = make_collection(cards_dir, tmp_path / "anki", days=(0,))
    col = Collection(str(path))
    col.set_config("fsrs", False)
    col.close()
    result = sync(str(path), "--use-anki-params", home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "FSRS is off in this collection: Anki schedules these cards with SM-2, so its due dates differ from ours.",
        "No FSRS parameters to take: FSRS is off or has no parameters in Anki, or they are already in use.",
    ]
    assert (home / "config.toml").read_text("utf-8") == "fuzz = false\n"


def test_a_legacy_backup_schema_11_with_json_deck_options_is_read(studied, cards_dir, home, tmp_path):
    weights = [0.5, 1.5, 3.0, 15.0, 7.0, 0.5, 1.5, 0.01, 1.5, 0.1, 1.0, 1.9, 0.1, 0.3, 2.3, 0.2, 3.0, 0.5, 0.3, 0.1, 0.25]
    col = Collection(str(studied))
    conf = col.decks.config_dict_for_deck_id(col.decks.id_for_name("面试::蚂蚁集团::用户运营"))
    conf["fsrsParams6"] = weights
    conf["desiredRetention"] = 0.8
    col.decks.update_config(conf)
    backup = tmp_path / "legacy.colpkg"
    col.export_collection_package(str(backup), include_media=False, legacy=True)
    col.close()
    names = zipfile.ZipFile(backup).namelist()
    assert "collection.anki21" in names and "collection.anki21b" not in names

    result = sync(str(backup), "--use-anki-params", home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"{backup}: Anki collection (schema 11), 3 interview-srs notes")
    assert sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2]) == revlog(studied)
    from interview_srs.schedule.config import load_config

    config = load_config(home / "config.toml")
    assert config.defaults.parameters == pytest.approx(weights) and config.defaults.desired_retention == 0.8


def folder_state(folder: Path) -> dict[str, tuple[int, str]]:
    import hashlib

    return {p.name: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in folder.iterdir() if p.is_file()}


def test_reading_changes_nothing_in_the_profile_folder(studied, cards_dir, home):
    before = folder_state(studied.parent)
    result = sync(str(studied.parent), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert folder_state(studied.parent) == before


def test_answers_left_in_the_write_ahead_log_by_a_crashed_anki_are_read(studied, cards_dir, home):
    script = (
        "import os, sys\n"
        "sys.path[:0] = [sys.argv[2]]\n"
        "from anki.collection import Collection\n"
        "from test_anki_sync import answer_card\n"
        "col = Collection(sys.argv[1])\n"
        "answer_card(col, list(col.find_cards(''))[0], 3)\n"
        "print(col.db.scalar('SELECT count() FROM revlog'))\n"
        "sys.stdout.flush()\n"
        "os._exit(0)  # a crash: no close, no checkpoint\n"
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script, str(studied), str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=120,
    )
    answers = int(crashed.stdout.strip() or -1)
    assert studied.with_name("collection.anki2-wal").stat().st_size > 0, crashed.stderr
    before = folder_state(studied.parent)

    result = sync(str(studied), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert folder_state(studied.parent) == before  # the log was recovered in the copy only
    expected = revlog(studied)  # (sqlite3 here recovers the log into the file)
    assert len(expected) == answers
    assert sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2]) == expected
