"""`srs sync-anki --write` as a protocol: each terminal answer reaches the collection exactly once
and the store exactly once, whatever is killed when, however often it is rerun; and nothing in
the collection changes but those answers' revlog rows and their cards (crt, deck options, notes,
other cards stay). Real Anki backend; days are simulated as in test_anki_sync.py."""

from __future__ import annotations

import pytest

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from anki.collection import Collection

from interview_srs.store import answers as store_answers
from conftest import review_log
from test_anki_sync import (
    answer_card, assert_states_replay_fsrs, cids_by_card, fresh_collection, make_collection, revlog, shift_back, sync,
)

KILL_TRIALS = 40
UNTOUCHED_TABLES = ("notes", "decks", "deck_config", "config", "notetypes", "graves", "tags")


def collection_state(path: Path) -> dict:
    """What the protocol must leave alone, and the rows it may add to."""
    conn = sqlite3.connect(path)
    conn.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    try:
        state = {
            "crt": conn.execute("SELECT crt FROM col").fetchone()[0],
            "col": conn.execute("SELECT id, crt, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags FROM col").fetchall(),
            "revlog": {row[0]: row for row in conn.execute("SELECT * FROM revlog")},
            "cards": {row[0]: row for row in conn.execute("SELECT * FROM cards")},
        }
        for table in UNTOUCHED_TABLES:
            state[table] = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        return state
    finally:
        conn.close()


def record_terminal(home: Path, cards_dir: Path, answers: list[tuple[str, int, datetime]]) -> None:
    from interview_srs.schedule.config import Config
    from interview_srs.schedule.scheduler import Schedulers
    from interview_srs.store.home import open_home

    schedulers = Schedulers(Config(fuzz=False))
    store_home = open_home(None, cards_dir, datetime.now(timezone.utc), {"SRS_HOME": str(home)})
    try:
        for card_id, rating, when in answers:
            store_answers.record_answer(
                store_home.store, card_id, rating, when, 3_000,
                lambda before, c=card_id, r=rating, w=when: schedulers.answer(c, "面试", before, r, w),
            )
    finally:
        store_home.store.close()


def assert_each_answer_once(path: Path, home: Path, before: dict) -> None:
    """Every terminal answer once in the revlog (at the id it claims, on its card, with its
    rating) and once in the store; nothing else in the collection changed."""
    after = collection_state(path)
    cids = cids_by_card(path)
    terminal = review_log(home, "card_id, rating, reviewed_ms, anki_revlog_id, source")
    own = [row for row in terminal if row[4] == "terminal"]
    claims = [row[3] for row in own]
    assert None not in claims and len(set(claims)) == len(own)
    for card_id, rating, reviewed_ms, claim, _source in own:
        assert 0 <= claim - reviewed_ms < 1000
        assert after["revlog"][claim][1:4:2] == (cids[card_id], rating)
    added = set(after["revlog"]) - set(before["revlog"])
    assert added == set(claims)
    assert {rid: after["revlog"][rid] for rid in before["revlog"]} == before["revlog"]
    answered = {cids[row[0]] for row in own}
    assert {cid: row for cid, row in after["cards"].items() if cid not in answered} == {
        cid: row for cid, row in before["cards"].items() if cid not in answered
    }
    for key in ("crt", "col", *UNTOUCHED_TABLES):
        assert after[key] == before[key], key
    # The store: the Anki answers once each, the terminal ones once each and never imported back.
    anki_ids = [row[3] for row in terminal if row[4] == "anki"]
    assert sorted(anki_ids) == sorted(before["revlog"])
    assert len(terminal) == len(before["revlog"]) + len(own)


def studied_with_terminal_answers(cards_dir: Path, folder: Path, home: Path) -> list[tuple[str, int, datetime]]:
    """Anki answers 3 days ago and today; terminal answers for two of the three cards: one before
    every Anki answer, one a day ago (older than the card's latest Anki answer), one at exactly
    the time of another card's Anki answer (its revlog id is taken), and one after them all."""
    path = make_collection(cards_dir, folder, days=(0, 3))
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
    conn = sqlite3.connect(path)
    other = cids_by_card(path)["xhs-abusive-user"]
    (taken,) = conn.execute("SELECT min(id) FROM revlog WHERE cid = ?", (other,)).fetchone()
    conn.close()
    answers = [
        ("ant-mob1-3", 3, now - timedelta(days=5)),
        ("ant-mob1-3", 2, now - timedelta(days=1)),
        ("ant-biggest-challenge", 3, datetime.fromtimestamp(taken / 1000, timezone.utc)),
        ("ant-biggest-challenge", 4, now),
    ]
    record_terminal(home, cards_dir, answers)
    return answers


def test_answers_older_than_the_latest_anki_answer_are_written_once(cards_dir, tmp_path, home):
    studied_with_terminal_answers(cards_dir, tmp_path / "anki", home)
    path = tmp_path / "anki" / "profile" / "collection.anki2"
    before = collection_state(path)

    first = sync(str(path), "--write", home=home, cards_dir=cards_dir)
    assert first.exit_code == 0, first.output
    assert "Wrote 4 terminal answers to Anki" in first.output
    assert "3 answers are older than the card's last review in Anki and were applied after it." in first.output
    assert_each_answer_once(path, home, before)
    (bumped,) = [row for row in review_log(home, "reviewed_ms, anki_revlog_id") if row[0] != row[1]]
    # the answer whose time was a revlog id already takes the next free millisecond
    assert bumped[0] in before["revlog"]
    assert bumped[1] == next(i for i in range(bumped[0], bumped[0] + 1000) if i not in before["revlog"])
    for _ in range(2):
        again = sync(str(path), "--write", home=home, cards_dir=cards_dir)
        assert again.exit_code == 0, again.output
        assert again.output.splitlines()[-1] == "Anki already has every terminal answer; nothing written."
        assert "Added 0 answers from Anki" in again.output
        assert_each_answer_once(path, home, before)


@pytest.mark.parametrize("fault", ["a rating no button gives", "an answer past year 9999", "a malformed store page"])
def test_a_fault_in_the_store_is_reported_as_the_stores_and_the_collection_is_left_as_it_was(
    cards_dir, tmp_path, home, monkeypatch, fault
):
    """Only the store is to blame: the message names the store (never 'damaged collection', which
    would send the user to an intact Anki profile), and nothing reaches the collection."""
    from interview_srs.store import anki_history

    studied_with_terminal_answers(cards_dir, tmp_path / "anki", home)
    path = tmp_path / "anki" / "profile" / "collection.anki2"
    imported = sync(str(path), home=home, cards_dir=cards_dir)  # the Anki answers in first: the fault is in --write
    assert imported.exit_code == 0, imported.output
    before = collection_state(path)
    if fault == "a malformed store page":
        def damaged(*args):
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(anki_history, "claimed_ids", damaged)
    else:
        value = ("rating", 7) if fault == "a rating no button gives" else ("reviewed_ms", 300_000_000_000_000)
        conn = sqlite3.connect(home / "store.sqlite3")
        with conn:
            conn.execute("PRAGMA ignore_check_constraints = ON")
            conn.execute(f"UPDATE review_log SET {value[0]} = ? WHERE id = (SELECT max(id) FROM review_log "
                         "WHERE source = 'terminal')", (value[1],))
        conn.close()
    result = sync(str(path), "--write", home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    store = home / "store.sqlite3"
    assert last.startswith(f"Error: the store {store} is damaged (" if fault == "a malformed store page"
                           else f"Error: cannot read a value in the store {store} ("), result.output
    assert "collection" not in last
    assert collection_state(path) == before


def _write_process(path: Path, home: Path, cards_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "interview_srs", "sync-anki", str(path), "--write", "--cards", str(cards_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "SRS_HOME": str(home)},
    )


def _stage(path: Path, home: Path, before: dict) -> str:
    """How far a killed run got: claims recorded in the store, rows committed to the collection."""
    claims = sum(1 for (claim,) in review_log(home, "anki_revlog_id") if claim is not None and claim not in before["revlog"])
    written = len(collection_state(path)["revlog"]) - len(before["revlog"])
    return "committed" if written else "claimed" if claims else "before the claims"


@pytest.mark.slow("40 trials, each a real `srs sync-anki --write` process killed at a random moment and rerun")
def test_kill_9_at_any_moment_of_write_leaves_each_answer_once(cards_dir, tmp_path):
    pristine = tmp_path / "pristine"
    studied_with_terminal_answers(cards_dir, pristine / "anki", pristine / "home")
    (pristine / "home" / "config.toml").write_text("fuzz = false\n", "utf-8")
    before = collection_state(pristine / "anki" / "profile" / "collection.anki2")

    def trial_copy(name: str) -> tuple[Path, Path]:
        folder = tmp_path / name
        shutil.copytree(pristine, folder)
        return folder / "anki" / "profile" / "collection.anki2", folder / "home"

    path, home = trial_copy("clean")
    start = time.monotonic()
    clean = _write_process(path, home, cards_dir)
    assert clean.wait(timeout=120) == 0
    duration = time.monotonic() - start
    assert_each_answer_once(path, home, before)

    rng = random.Random(KILL_TRIALS)
    stages: Counter[str] = Counter()
    for trial in range(KILL_TRIALS):
        path, home = trial_copy(f"trial{trial}")
        process = _write_process(path, home, cards_dir)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        stages["finished" if process.returncode == 0 else _stage(path, home, before)] += 1
        for _attempt in range(3):  # rerun until it succeeds
            rerun = sync(str(path), "--write", home=home, cards_dir=cards_dir)
            if rerun.exit_code == 0:
                break
        assert rerun.exit_code == 0, rerun.output
        assert "Traceback" not in rerun.output
        assert_each_answer_once(path, home, before)
    print(f"\n{KILL_TRIALS} kill trials (one run {duration:.1f} s): {dict(stages)}")


def test_a_busy_store_as_write_finishes_leaves_no_duplicate(cards_dir, tmp_path, home, monkeypatch):
    from interview_srs.anki import write as anki_write

    studied_with_terminal_answers(cards_dir, tmp_path / "anki", home)
    path = tmp_path / "anki" / "profile" / "collection.anki2"
    before = collection_state(path)
    holder = []
    real_commit = anki_write.commit

    def commit_then_lock_the_store(*args):
        real_commit(*args)
        process = subprocess.Popen(
            [sys.executable, "-c",
             "import sqlite3, sys, time\n"
             "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
             "c.execute('BEGIN IMMEDIATE')\n"
             "print('locked', flush=True)\n"
             "time.sleep(120)\n",
             str(home / "store.sqlite3")],
            stdout=subprocess.PIPE, text=True,
        )
        holder.append(process)
        assert process.stdout.readline() == "locked\n"

    monkeypatch.setattr(anki_write, "commit", commit_then_lock_the_store)
    try:
        result = sync(str(path), "--write", home=home, cards_dir=cards_dir)
    finally:
        for process in holder:
            process.kill()
            process.wait()
            process.stdout.close()
    assert holder and result.exit_code == 0, result.output
    monkeypatch.undo()
    assert_each_answer_once(path, home, before)
    again = sync(str(path), "--write", home=home, cards_dir=cards_dir)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1] == "Anki already has every terminal answer; nothing written."
    assert_each_answer_once(path, home, before)


def test_two_devices_answering_in_turn_end_with_every_answer_once_on_both(cards_dir, tmp_path, home):
    path = fresh_collection(cards_dir, tmp_path / "anki")
    shift_back(path, 30)
    cid = cids_by_card(path)["ant-mob1-3"]
    for gap in (2, 2):  # the phone: answers 4 and 2 days ago... (each shift moves earlier ones back)
        col = Collection(str(path))
        answer_card(col, cid, 3)
        col.close()
        shift_back(path, gap)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    record_terminal(home, cards_dir, [
        ("ant-mob1-3", 4, now - timedelta(days=5)),
        ("ant-mob1-3", 3, now - timedelta(days=3)),
        ("ant-mob1-3", 1, now - timedelta(days=1)),
    ])
    for round_ in range(2):
        result = sync(str(path), "--write", home=home, cards_dir=cards_dir)
        assert result.exit_code == 0, result.output
        phone = [row for row in revlog(path) if row[0] == "ant-mob1-3"]
        log = review_log(home, "card_id, rating, reviewed_ms, anki_revlog_id")
        assert sorted(row[2] for row in phone) == sorted(row[3] for row in log)  # once on both sides
        assert len(log) == len({row[3] for row in log}) == (5 if round_ == 0 else 7)
        assert_states_replay_fsrs(home)
        if round_ == 0:
            times = sorted((row[2], "terminal" if row[2] % 1000 == 0 else "phone") for row in phone)
            assert [kind for _at, kind in times] == ["terminal", "phone", "terminal", "phone", "terminal"]
            # another turn: the phone now, the terminal a minute later
            col = Collection(str(path))
            answer_card(col, cid, 2)
            col.close()
            record_terminal(home, cards_dir, [("ant-mob1-3", 3, datetime.now(timezone.utc) + timedelta(seconds=1))])
