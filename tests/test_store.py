"""The store's connection: opening, migrations, damaged files, two processes creating one store."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.store import answers
from interview_srs.store.connection import SCHEMA_VERSION, Store, default_store_path
from interview_srs.store.health import StoreDamaged, StoreError
from interview_srs.store.schema import MIGRATIONS

from conftest import older_store
from store_helpers import T0, answer, sync


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "home" / "store.sqlite3") as opened:
        yield opened


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


def test_a_version_1_store_upgrades_in_place_keeping_every_answer(tmp_path):
    """Migration 2 rebuilds review_log (new source 'mock', anki_revlog_id); nothing is lost."""
    path = older_store(tmp_path / "store.sqlite3", (1,))

    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        (answer,) = answers.log(store, "c1")
        assert (answer.rating, answer.duration_ms, answer.after.stability) == (3, 5000, 2.5)
        store.conn.execute("UPDATE review_log SET source = 'mock', anki_revlog_id = 7")
        assert store.integrity_check() == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_version_2_store_gains_the_mock_tables_keeping_every_answer(tmp_path):
    """Migration 4 adds mock_runs and mock_questions; cards and the review log are untouched."""
    from interview_srs.store import mocks

    path = older_store(tmp_path / "store.sqlite3", (1, 2), rating=4, source="mock")

    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [(a.card_id, a.rating) for a in answers.log(store)] == [("c1", 4)]
        run_id = mocks.start_run(store, "s", datetime.fromisoformat("2025-03-01T10:00:00+00:00"), "all", None, False,
                                 [mocks.PlannedQuestion("c1", "business", 90_000)])
        (summary,) = mocks.history(store)
        assert (summary.planned, summary.answered, summary.average_rating, summary.finished) == (1, 1, 4.0, False)
        assert run_id == 1 and store.integrity_check() == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def _plans_of(store: Store, run) -> list[str]:
    """The query plan (EXPLAIN QUERY PLAN's details, joined) of each statement `run()` executes."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        run()
    finally:
        store.conn.set_trace_callback(None)
    return [" | ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in statements]


def test_migrations_5_to_7_index_an_older_store_and_the_reads_use_the_indexes(tmp_path):
    from interview_srs.schedule.scheduler import StudyDay
    from interview_srs.store import interviews, lookups, queries
    from interview_srs.store.rows import CardFilter

    path = older_store(tmp_path / "store.sqlite3", (1, 2, 3, 4))
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 7
        assert [(a.card_id, a.rating) for a in answers.log(store)] == [("c1", 3)]
        with store.write() as conn:  # a lapse: Again on a card in the review state
            conn.execute("INSERT INTO review_log (card_id, rating, reviewed_ms, state_before, state_after, "
                         "stability_after, difficulty_after, due_after_ms) VALUES ('c1', 1, 3000, 2, 3, 1.0, 5.0, 4000)")
        indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"cards_deck", "review_log_lapses", "review_log_card_time"} <= indexes
        assert "cards_present_deck" not in indexes  # widened into cards_deck by migration 6
        assert store.integrity_check() == "ok"
        filt, day = CardFilter(), StudyDay()
        starts = [day.start(T0.date() + timedelta(days=i)) for i in range(3)]
        (decks,) = _plans_of(store, lambda: lookups.decks(store))
        assert "SEARCH cards USING COVERING INDEX cards_deck (present=? AND deck>?)" in decks  # a seek per deck
        assert "SCAN cards" not in decks
        (lapses,) = _plans_of(store, lambda: lookups.lapses(store, "c1"))
        assert "COVERING INDEX review_log_lapses" in lapses
        counted, cards = _plans_of(store, lambda: lookups.leeches(store, filt, 1))
        assert counted == "SCAN review_log USING COVERING INDEX review_log_lapses"
        assert "cards USING INDEX sqlite_autoindex_cards_1 (id=?)" in cards  # by id, not every card
        (per_day,) = _plans_of(store, lambda: queries.review_counts(store, filt, starts))
        assert "SEARCH cards USING COVERING INDEX" in per_day and "COVERING INDEX review_log_card_time" in per_day
        (plan,) = _plans_of(store, lambda: queries.plan_cards(
            store, filt, T0, starts[1], new_limit=5,
            interviews=[queries.InterviewCards(("面试::快手",), 0, 1.5), queries.InterviewCards(("面试::蚂蚁",), 0)]))
        assert "COVERING INDEX cards_queue (present=? AND state=? AND due_ms<?)" in plan  # due today, no row read
        assert "COVERING INDEX cards_deck (present=? AND deck=? AND suspended=?)" in plan  # the interview's decks
        assert "cards_queue (present=? AND state=?)" in plan  # the first new cards of each deck
        assert "SCAN cards" not in plan
        (recalls,) = _plans_of(store, lambda: queries.recall_rows(store, "面试::快手"))
        assert "COVERING INDEX cards_deck (present=? AND deck=? AND suspended=?)" in recalls
        (companies,) = _plans_of(store, lambda: interviews.companies_of(store, ("面试::快手",)))
        assert "COVERING INDEX cards_deck (present=? AND deck=?)" in companies
    with Store.open(path) as again:  # applied once
        assert again.conn.execute("SELECT count(*) FROM schema_migrations WHERE version >= 5").fetchone()[0] == 3


# --------------------------------------------------------------------------- damaged stores


def _filled_store(tmp_path: Path) -> tuple[Path, Path]:
    """The repository's cards in a store with a few hundred answers, closed (WAL checkpointed)."""
    from conftest import REPO

    path = tmp_path / "home" / "store.sqlite3"
    with Store.open(path) as store:
        sync(store, REPO / "cards")
        ids = [row[0] for row in store.conn.execute("SELECT id FROM cards ORDER BY id")]
        for number in range(300):
            answer(store, ids[number % len(ids)], 1 + number % 4, T0 + timedelta(minutes=number))
    return path, REPO / "cards"


def _run_cli(*args: str, home: Path, keys: str = "") -> object:
    from click.testing import CliRunner

    from interview_srs.cli import cli

    env = {"SRS_HOME": str(home), "SRS_NOW": "2025-03-05T10:00:00+00:00", "LANG": "C", "LC_ALL": None,
           "SRS_MOCK_SEED": "7"}
    return CliRunner().invoke(cli, list(args), input=keys, env=env)


def _assert_refused_or_fine(result, path: Path, kind: str | None = None) -> str:
    """Either the command worked, or it stopped with one line naming the store: damage (restore a
    backup, or move it aside), or a value it cannot read, which never advises moving the store
    aside (the rest of the history is sound). `kind`, "damaged" or "unreadable", says which."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        return "fine"
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    if last.startswith(f"Error: the store {path} is damaged ("):
        assert last.endswith(f"move it aside to start fresh (e.g. mv '{path}' '{path}.damaged')")
        found = "damaged"
    else:
        assert last.startswith(f"Error: cannot read a value in the store {path} ("), last
        assert last.endswith("otherwise please report this message") and "move it aside" not in last
        found = "unreadable"
    assert kind in (None, found), last
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
        "UPDATE cards SET stability = 0 WHERE stability IS NOT NULL",  # every recall divides by it
        "UPDATE cards SET stability = -3 WHERE stability IS NOT NULL",
    ],
    ids=["invalid-utf8", "cut-character", "json", "tags", "state", "time", "zero-stability", "negative-stability"],
)
def test_unreadable_values_are_refused_in_one_line_that_keeps_the_store(tmp_path, damage):
    path, cards = _filled_store(tmp_path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    with connection:
        connection.execute(damage)
    connection.close()
    review = _run_cli("review", "--cards", str(cards), home=path.parent, keys=" \n3\nq\n")
    outcome = _assert_refused_or_fine(review, path, "unreadable")
    # A state or due time out of range just keeps the card out of today's queue.
    assert outcome == "refused" or "state" in damage, review.output[-300:]
    for args in (("stats",), ("stats", "--json")):  # stats reads fewer columns: refused, or right
        _assert_refused_or_fine(_run_cli(*args, "--cards", str(cards), home=path.parent), path, "unreadable")


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


def _zero_page_of(path: Path, name: str) -> bytes:
    """Zero the root page of table or index `name` (damage quick_check finds, and that reading
    anything else does not meet); the damaged file's bytes."""
    connection = sqlite3.connect(path)
    page = connection.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)).fetchone()[0]
    size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    damaged = bytearray(path.read_bytes())
    damaged[(page - 1) * size : page * size] = bytes(size)
    path.write_bytes(damaged)
    return bytes(damaged)


def test_the_integrity_check_starts_once_the_first_card_is_on_screen(tmp_path, monkeypatch):
    import io

    from interview_srs.commands.review import review
    from interview_srs.store import connection

    path, cards = _filled_store(tmp_path)
    screen = io.StringIO()
    started_after: list[str] = []

    class RecordedCheck(connection.IntegrityCheck):
        def __init__(self, checked: Path):
            started_after.append(screen.getvalue())
            super().__init__(checked)

    monkeypatch.setattr(connection, "IntegrityCheck", RecordedCheck)
    summary = review(cards, None, stdin=io.StringIO(" \n3\nq\n"), stdout=screen,
                     environ={"SRS_HOME": str(path.parent), "SRS_NOW": "2025-03-05T10:00:00+00:00", "LANG": "C"})
    assert len(summary.answers) == 1
    assert len(started_after) == 1 and "Space show answer" in started_after[0]


def test_a_review_shows_its_first_card_but_never_writes_a_store_the_check_finds_damaged(tmp_path):
    path, cards = _filled_store(tmp_path)
    damaged = _zero_page_of(path, "mock_runs_started")  # an index no review reads
    result = _run_cli("review", "--cards", str(cards), home=path.parent, keys=" \n3\nq\n")
    assert "Space show answer" in result.output  # the first card was shown...
    assert _assert_refused_or_fine(result, path, "damaged") == "refused"  # ...its rating refused
    assert "integrity check" in result.output
    assert path.read_bytes() == damaged
    with Store.open(path) as store:  # the same at the store's level, with the check started early
        store.check_in_background()
        assert store.conn.execute("SELECT count(*) FROM cards").fetchone()[0] > 0
        with pytest.raises(StoreDamaged):
            with store.write():
                pass
    assert path.read_bytes() == damaged


def test_two_processes_creating_a_new_store_at_once_both_succeed(tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    script = "import sys; from interview_srs.store.connection import Store; Store.open(sys.argv[1]).close(); print('ok')"
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


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=6), st.booleans()), max_size=40))
def test_the_decks_are_those_of_the_present_cards_in_order(cards):
    """lookups.decks seeks from one deck name to the next in the index; the names it gives are
    exactly SQLite's own DISTINCT over the present cards, in the same order."""
    import tempfile

    from interview_srs.store import lookups

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "store.sqlite3") as store:
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO cards (id, deck, company, role, tags, question, back, file, line, column, added_ms, present) "
                "VALUES (?, ?, '', '', '[]', 'q', '{}', 'f.yaml', 1, 1, 0, ?)",
                [(f"c{i}", deck, int(present)) for i, (deck, present) in enumerate(cards)],
            )
        expected = [r[0] for r in store.conn.execute("SELECT DISTINCT deck FROM cards WHERE present = 1 ORDER BY deck")]
        assert lookups.decks(store) == expected
        assert set(expected) == {deck for deck, present in cards if present}


_STATE_VALUES = st.fixed_dictionaries({
    "state": st.integers(-1, 5),  # NOT NULL holds even with check constraints ignored
    "step": st.one_of(st.none(), st.integers(-2, 50)),
    "stability": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -1.0, 1e-300])),
    "difficulty": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    "due_ms": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.integers(1_740_000_000_000, 1_742_000_000_000)),
    "last_review_ms": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.integers(1_740_000_000_000, 1_742_000_000_000)),
})


@pytest.mark.slow("each example runs review, stats, export, optimize, show, mock and suspend on a copy of a filled store")
@settings(max_examples=60, deadline=None)
@given(values=_STATE_VALUES, interview=st.booleans())
def test_any_schedule_values_in_the_store_are_shown_or_refused_in_one_line(tmp_path_factory, values, interview):
    """Whatever a hand edit or damage leaves in a card's schedule columns (states out of range,
    NULLs, NaN, infinities, zero or negative stabilities, times past year 9999), every command
    reading them (review, stats, export in each format, optimize, show, a mock interview asking
    every card of the card's deck, suspend) either works or stops with the store's one-line
    message: never a traceback."""
    import shutil

    folder = tmp_path_factory.mktemp("values")
    source, cards = _filled_once(tmp_path_factory)
    path = folder / "store.sqlite3"
    shutil.copyfile(source, path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    with connection:
        if interview:
            connection.execute("INSERT INTO interviews (name, at_ms, decks, added_ms) VALUES ('面试', ?, '[\"面试::*\"]', 0)",
                               (1_741_500_000_000,))
        card_id, deck = connection.execute("SELECT id, deck FROM cards WHERE state = 2 ORDER BY id LIMIT 1").fetchone()
        connection.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, last_review_ms = ? "
            "WHERE id = ?",
            (values["state"], values["step"], values["stability"], values["difficulty"], values["due_ms"],
             values["last_review_ms"], card_id),
        )
        (in_deck,) = connection.execute("SELECT count(*) FROM cards WHERE deck = ?", (deck,)).fetchone()
    connection.close()
    for args, keys in ((("review",), " \n3\nq\n"), (("stats",), ""), (("stats", "--json"), ""), *_store_readers(folder),
                       (("show", card_id), ""), (("mock", "--deck", deck, "--questions", str(in_deck)), " \n3\n" * in_deck),
                       (("suspend", card_id), ""), (("suspend", "--list"), "")):
        _assert_refused_or_fine(_run_cli(*args, "--cards", str(cards), home=folder, keys=keys), path)


def _store_readers(folder: Path) -> tuple:
    """The commands that read the whole store and write nothing to it: export in each format, to
    standard output and to a file, and optimize."""
    return ((("export",), ""), (("export", "--format", "csv"), ""),
            (("export", "--out", str(folder / "export.json")), ""),
            (("export", "--format", "csv", "--out", str(folder / "export.csv")), ""),
            (("optimize",), ""), (("optimize", "--yes"), ""))


_FILLED: dict[str, tuple[Path, Path]] = {}


def _filled_once(factory) -> tuple[Path, Path]:
    """One filled store for every example of a property test (filling takes a while)."""
    if "store" not in _FILLED:
        _FILLED["store"] = _filled_store(factory.mktemp("filled"))
    return _FILLED["store"]


@pytest.mark.slow("each example runs review, stats, interview list, sheet, export, optimize, mock, show and sync-anki on a copy of a filled store")
@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(
        st.text(max_size=8),
        st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1_741_500_000_000, 253_402_300_799_999])),
        st.one_of(st.sampled_from(['["面试::*"]', "[]", "{}", '"x"', "[1, 2]", '["["]', "[null]", "not json"]),
                  st.lists(st.text(max_size=6), max_size=3).map(json.dumps)),
    ), min_size=1, max_size=3, unique_by=lambda row: row[0]),
)
def test_any_interview_rows_in_the_store_are_shown_or_refused_in_one_line(tmp_path_factory, rows):
    """Interviews with times past year 9999 or before 1970, deck lists that are not lists or not
    JSON, names with control characters: every command reading the store works or stops with the
    store's one-line message."""
    import shutil

    folder = tmp_path_factory.mktemp("interviews")
    source, cards = _filled_once(tmp_path_factory)
    path = folder / "store.sqlite3"
    shutil.copyfile(source, path)
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany("INSERT INTO interviews (name, at_ms, decks, added_ms) VALUES (?, ?, ?, 0)", rows)
    connection.close()
    for args, keys in ((("review",), " \n3\nq\n"), (("stats",), ""), (("interview", "list"), ""),
                       (("interview", "list", "--json"), ""), *_store_readers(folder), (("mock",), " \n3\n" * 6),
                       (("show", "ant-activity-insight-action"), ""), (("suspend", "--list"), "")):
        _assert_refused_or_fine(_run_cli(*args, "--cards", str(cards), home=folder, keys=keys), path)
    # the sheet and a mock interview of the first one: their own one-line errors too (no such
    # upcoming interview)
    _one_line_or_fine(_run_cli("sheet", "--interview", rows[0][0], "--cards", str(cards), home=folder))
    _one_line_or_fine(_run_cli("mock", "--interview", rows[0][0], "--cards", str(cards), home=folder,
                               keys=" \n3\n" * 6))
    # sync-anki reads no interview: it works on them (a copy of a collection of the same cards)
    collection = folder / "profile" / "collection.anki2"
    collection.parent.mkdir()
    shutil.copyfile(_studied_in_anki_once(tmp_path_factory)[1], collection)
    assert _run_cli("sync-anki", str(collection), "--cards", str(cards), home=folder).exit_code == 0


def _studied_in_anki_once(factory) -> tuple[Path, Path, Path]:
    """A collection of the repository's cards answered in Anki on two days before SRS_NOW, and a
    store holding terminal answers to the same cards before, between and after those days
    (neither synced yet): store, collection, cards."""
    from conftest import REPO
    from test_anki_sync import DAY_S, make_collection, revlog, shift_back

    if "anki" not in _FILLED:
        folder = factory.mktemp("anki")
        collection = make_collection(REPO / "cards", folder, days=(0, 3))
        last = max(row[2] for row in revlog(collection))
        # the later day of answers becomes 2025-03-04: SRS_NOW's eve
        shift_back(collection, int((last / 1000 - datetime(2025, 3, 4, 12, tzinfo=T0.tzinfo).timestamp()) // DAY_S))
        ids = sorted({row[0] for row in revlog(collection)})
        path = folder / "home" / "store.sqlite3"
        with Store.open(path) as store:
            sync(store, REPO / "cards")
            for number, card_id in enumerate(ids * 2):
                answer(store, card_id, 1 + number % 4, T0 + timedelta(days=2 * (number // len(ids)), minutes=number))
        _FILLED["anki"] = (path, collection, REPO / "cards")
    return _FILLED["anki"]


@pytest.mark.slow("each example syncs a copy of a real Anki collection and writes terminal answers into it through Anki's backend")
@settings(max_examples=25, deadline=None)
@given(values=_STATE_VALUES, in_log=st.booleans())
def test_any_schedule_values_in_the_store_leave_sync_anki_refused_or_each_answer_written_once(
        tmp_path_factory, values, in_log):
    """The schedule values of a card answered in the terminal and in Anki, in the store's cards
    table (or also in its log rows' after-states, which the replay of Anki's answers starts from): sync-anki
    and sync-anki --write either work, with every terminal answer in the collection exactly once
    (and a second --write writes nothing), or stop with one line that blames the store's value,
    never the intact collection, and leave the collection as it was."""
    import shutil

    from test_anki_write import collection_state

    source, source_collection, cards = _studied_in_anki_once(tmp_path_factory)
    folder = tmp_path_factory.mktemp("synced")
    path, collection = folder / "store.sqlite3", folder / "profile" / "collection.anki2"
    collection.parent.mkdir()
    shutil.copyfile(source, path)
    shutil.copyfile(source_collection, collection)
    state = (values["state"], values["step"], values["stability"], values["difficulty"], values["due_ms"])
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    with connection:
        (card_id,) = connection.execute(
            "SELECT id FROM cards WHERE state = 2 AND last_review_ms IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        connection.execute("UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, "
                           "last_review_ms = ? WHERE id = ?", (*state, values["last_review_ms"], card_id))
        if in_log:
            connection.execute(  # its NOT NULL columns keep their value where the new one is NULL
                "UPDATE review_log SET state_after = ?, step_after = ?, stability_after = coalesce(?, stability_after), "
                "difficulty_after = coalesce(?, difficulty_after), due_after_ms = coalesce(?, due_after_ms) "
                "WHERE card_id = ?", (*state, card_id))
    connection.close()
    before = collection_state(collection)
    for args in ((), ("--write",)):
        result = _run_cli("sync-anki", str(collection), *args, "--cards", str(cards), home=folder)
        if _assert_refused_or_fine(result, path) == "refused":
            assert collection_state(collection) == before
    if result.exit_code == 0:
        _assert_each_terminal_answer_once(path, collection, before)
        again = _run_cli("sync-anki", str(collection), "--write", "--cards", str(cards), home=folder)
        assert again.output.splitlines()[-1] == "Anki already has every terminal answer; nothing written."
        _assert_each_terminal_answer_once(path, collection, before)


def _assert_each_terminal_answer_once(path: Path, collection: Path, before: dict) -> None:
    """Each terminal answer claims a revlog row of its card with its rating, no two the same; the
    rows added to the collection are exactly those claims, and no earlier row changed."""
    from test_anki_sync import cids_by_card
    from test_anki_write import collection_state

    after = collection_state(collection)
    cids = cids_by_card(collection)
    connection = sqlite3.connect(path)
    own = connection.execute("SELECT card_id, rating, reviewed_ms, anki_revlog_id FROM review_log "
                             "WHERE source = 'terminal'").fetchall()
    connection.close()
    claims = [row[3] for row in own]
    assert None not in claims and len(set(claims)) == len(own)
    for card_id, rating, reviewed_ms, claim in own:
        assert 0 <= claim - reviewed_ms < 1000 and after["revlog"][claim][1:4:2] == (cids[card_id], rating)
    assert set(after["revlog"]) - set(before["revlog"]) == set(claims)
    assert {rid: after["revlog"][rid] for rid in before["revlog"]} == before["revlog"]
