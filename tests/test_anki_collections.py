"""Odd but valid collections and packages: a clear message or a bounded, sane result, never a
traceback (`srs sync-anki` reading direction)."""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
import zstandard
from anki.collection import Collection
from conftest import review_log
from test_anki_sync import LOG_COLUMNS, cids_by_card, make_collection, revlog, sync

YEAR_MS = 365 * 86_400_000


@pytest.fixture
def studied(cards_dir, tmp_path) -> Path:
    return make_collection(cards_dir, tmp_path / "anki", days=(0, 2))


def edit(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    conn.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "statement, message",
    [
        ("DELETE FROM col", "damaged collection (its col table has no row; Anki keeps exactly one)"),
        ("UPDATE col SET ver = 'eighteen'", "damaged collection (its schema version is not a whole number)"),
    ],
    ids=["empty-col", "text-schema"],
)
def test_a_collection_without_a_usable_col_row_is_refused(studied, cards_dir, home, statement, message):
    edit(studied, statement)
    result = sync(str(studied), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == f"Error: {studied}: {message}\n"
    assert review_log(home) == []


def test_answers_dated_in_the_future_are_skipped_and_counted(studied, cards_dir, home):
    expected = revlog(studied)
    cid = cids_by_card(studied)["ant-mob1-3"]
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    edit(
        studied,
        f"INSERT INTO revlog VALUES ({2**62 - 5}, {cid}, -1, 3, 10, 5, 2500, 5000, 1)",
        f"INSERT INTO revlog VALUES ({now_ms + 100 * YEAR_MS}, {cid}, -1, 4, 10, 5, 2500, 5000, 1)",
        f"INSERT INTO revlog VALUES ({now_ms + 2 * 86_400_000}, {cid}, -1, 4, 10, 5, 2500, 5000, 1)",
        f"INSERT INTO revlog VALUES ({now_ms + 3_600_000}, {cid}, -1, 1, 10, 5, 2500, 5000, 1)",  # within a day: kept
    )
    result = sync(str(studied), home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert (
        "Skipped 3 answers dated more than a day in the future (a device with a wrong clock?); "
        "they would keep their cards out of review until then." in result.output
    )
    log = review_log(home, LOG_COLUMNS)
    assert len(log) == len(expected) + 1
    assert max(row[2] for row in log) == now_ms + 3_600_000
    conn = sqlite3.connect(home / "store.sqlite3")
    (latest_due,) = conn.execute("SELECT max(due_ms) FROM cards").fetchone()
    conn.close()
    assert latest_due < now_ms + YEAR_MS


def test_a_fsrs_switch_that_is_not_json_counts_as_off(studied, cards_dir, home):
    edit(studied, "UPDATE config SET val = CAST('{not json' AS BLOB) WHERE key = 'fsrs'")
    result = sync(str(studied), "--use-anki-params", home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "FSRS is off in this collection: Anki schedules these cards with SM-2, so its due dates differ from ours.",
        "Could not decode the FSRS switch of this collection (damaged?): no FSRS settings were taken from them.",
        "No FSRS parameters to take: FSRS is off or has no parameters in Anki, or they are already in use.",
    ]
    assert len(review_log(home)) == len(revlog(studied))


def legacy_package(studied: Path, tmp_path: Path, *statements: str) -> Path:
    """A schema 11 backup (.colpkg with collection.anki21) whose col row was edited."""
    col = Collection(str(studied))
    backup = tmp_path / "legacy.colpkg"
    col.export_collection_package(str(backup), include_media=False, legacy=True)
    col.close()
    with zipfile.ZipFile(backup) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    inner = tmp_path / "collection.anki21"
    inner.write_bytes(members["collection.anki21"])
    edit(inner, *statements)
    members["collection.anki21"] = inner.read_bytes()
    edited = tmp_path / "edited.colpkg"
    with zipfile.ZipFile(edited, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return edited


@pytest.mark.parametrize(
    "statements, unreadable",
    [
        (["UPDATE col SET dconf = '{\"1\": ', conf = 'fsrs'"], "the FSRS switch and the deck options"),
        (["UPDATE col SET decks = '[1, 2]', dconf = '{\"1\": {\"fsrsParams6\": [\"a\"], \"desiredRetention\": \"x\"}}'"],
         "the decks"),
    ],
    ids=["not-json", "wrong-shapes"],
)
def test_a_legacy_backup_with_bad_json_still_gives_its_answers(studied, cards_dir, home, tmp_path, statements, unreadable):
    package = legacy_package(studied, tmp_path, *statements)
    result = sync(str(package), "--use-anki-params", home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"{package}: Anki collection (schema 11), 3 interview-srs notes")
    assert f"Could not decode {unreadable} of this collection (damaged?): no FSRS settings were taken from them." in result.output
    assert result.output.splitlines()[-1] == (
        "No FSRS parameters to take: FSRS is off or has no parameters in Anki, or they are already in use."
    )
    assert sorted(review_log(home, LOG_COLUMNS), key=lambda r: r[2]) == revlog(studied)
    assert (home / "config.toml").read_text("utf-8") == "fuzz = false\n"


def test_a_small_package_that_unpacks_to_gigabytes_is_refused_early(cards_dir, home, tmp_path):
    packed = io.BytesIO()
    writer = zstandard.ZstdCompressor(level=3).stream_writer(packed, closefd=False)
    zeros = bytes(2**20)
    for _ in range(2048):  # 2 GiB
        writer.write(zeros)
    writer.flush(zstandard.FLUSH_FRAME)
    package = tmp_path / "bomb.colpkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("collection.anki21b", packed.getvalue())
    assert package.stat().st_size < 100_000
    start = time.monotonic()
    result = sync(str(package), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {package}: the collection in this package unpacks to more than 64 MiB, 100 times the "
        "package's size; a damaged or forged package, not read\n"
    )
    assert time.monotonic() - start < 30


def test_a_config_comment_with_quotes_and_brackets_keeps_every_later_setting(studied, cards_dir, home):
    weights = [0.3, 1.2, 3.0, 15.0, 7.2, 0.5, 1.5, 0.005, 1.5, 0.12, 1.0, 1.9, 0.11, 0.3, 2.3, 0.23, 2.9, 0.5, 0.3, 0.1, 0.2]
    col = Collection(str(studied))
    conf = col.decks.config_dict_for_deck_id(col.decks.id_for_name("面试::小红书::客服"))
    conf["fsrsParams6"] = weights
    conf["desiredRetention"] = 0.85
    col.decks.update_config(conf)
    col.close()
    original = (
        'desired_retention = 0.9  # Anki says "0.85" [deck "Default"]\n'
        "fuzz = false\n"
        "new_per_day = 7\n"
        "\n"
        '[deck."面试"]\n'
        "maximum_interval = 300\n"
    )
    (home / "config.toml").write_text(original, "utf-8")
    result = sync(str(studied), "--use-anki-params", home=home, cards_dir=cards_dir)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("(written to config.toml).")
    text = (home / "config.toml").read_text("utf-8")
    assert text.startswith('desired_retention = 0.85  # Anki says "0.85" [deck "Default"]\nfuzz = false\nnew_per_day = 7\nparameters = [')
    assert text.endswith('\n\n[deck."面试"]\nmaximum_interval = 300\n')
    from interview_srs.schedule.config import load_config

    config = load_config(home / "config.toml")
    assert config.defaults.parameters == pytest.approx(weights, abs=1e-6)
    assert config.new_per_day == 7 and config.for_deck("面试").maximum_interval == 300


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_the_collection_is_refused_without_blocking(cards_dir, home, tmp_path):
    fifo = tmp_path / "collection.anki2"
    __import__("os").mkfifo(fifo)
    result = sync(str(fifo), home=home, cards_dir=cards_dir)
    assert result.exit_code == 1
    assert result.output == f"Error: {fifo}: not a regular file; give a collection.anki2, a .colpkg/.apkg or a profile folder\n"
