"""Only damage is called damage: a full disk, a read-only or unopenable store, an output that
cannot encode a character and a date out of range each say what they are, and no message
advises moving an intact store aside."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from interview_srs.cli import cli
from interview_srs.bank.sources import CardSources
from interview_srs.store.connection import Store
from interview_srs.store.home import sync_cards
from interview_srs.store.health import IntegrityCheck, StoreDamaged, StoreError, StoreUnreadable, reading

MOVE_ASIDE = "move it aside"


def _raised(path: Path, error: Exception) -> StoreError:
    with pytest.raises(StoreError) as raised:
        with reading(path):
            raise error
    return raised.value


@pytest.mark.parametrize(
    ("sqlite_message", "meaning"),
    [
        ("database or disk is full", "the disk is full"),
        ("attempt to write a readonly database", "read-only"),
        ("unable to open database file", "cannot be opened"),
        ("disk I/O error", "disk I/O error"),
    ],
)
def test_sqlite_errors_other_than_corruption_say_what_they_are(tmp_path, sqlite_message, meaning):
    error = _raised(tmp_path / "store.sqlite3", sqlite3.OperationalError(sqlite_message))
    assert not isinstance(error, StoreDamaged)
    assert meaning in str(error) and MOVE_ASIDE not in str(error)
    assert str(error).startswith(f"cannot use the store {tmp_path / 'store.sqlite3'}: ")


@pytest.mark.parametrize(
    "sqlite_message",
    ["database disk image is malformed", "file is not a database", "malformed database schema (cards)"],
)
def test_corruption_is_damage(tmp_path, sqlite_message):
    error = _raised(tmp_path / "store.sqlite3", sqlite3.DatabaseError(sqlite_message))
    assert isinstance(error, StoreDamaged) and MOVE_ASIDE in str(error)


@pytest.mark.parametrize(
    "error",
    [sqlite3.OperationalError("Could not decode to UTF-8 column 'question' with text 'x'"),
     ValueError("math domain error"), KeyError("review"), TypeError("unsupported operand"),
     ZeroDivisionError("float division by zero"), OverflowError("date value out of range")],
    ids=["not-utf-8", "value", "key", "type", "zero-stability", "past-9999"],
)
def test_a_value_that_cannot_be_read_never_sends_the_user_to_move_the_store_aside(tmp_path, error):
    """A sound file with one unreadable value (a hand edit, or a bug of this program: the same
    error reads the same) keeps the rest of the history: the message says so and never calls the
    store damaged."""
    path = tmp_path / "store.sqlite3"
    raised = _raised(path, error)
    assert isinstance(raised, StoreUnreadable) and not isinstance(raised, StoreDamaged)
    text = str(raised)
    assert text.startswith(f"cannot read a value in the store {path} (") and "nothing was written" in text
    assert MOVE_ASIDE not in text and "damaged" not in text and "start fresh" not in text


def test_a_character_the_output_cannot_encode_is_not_damage(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        with reading(tmp_path / "store.sqlite3"):
            "用户".encode("latin-1")


def _store(home: Path, cards_dir: Path) -> Path:
    path = home / "store.sqlite3"
    with Store.open(path) as store:
        sync_cards(store, CardSources((cards_dir,), "given"), datetime.now(timezone.utc))
    return path


def test_a_folder_in_place_of_the_shm_file_is_named_and_not_called_damage(home, cards_dir):
    path = _store(home, cards_dir)
    (home / "store.sqlite3-shm").unlink(missing_ok=True)
    (home / "store.sqlite3-shm").mkdir()
    result = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input=" \n3\nq\n",
                                env={"SRS_HOME": str(home)})
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"Error: cannot use the store {path}: {home / 'store.sqlite3-shm'} is not a file")
    assert "damaged" not in result.output and MOVE_ASIDE not in result.output
    try:  # the check's read-only connection may get by without the -shm file, or not
        IntegrityCheck(path).wait()
    except StoreError as error:
        assert not isinstance(error, StoreDamaged)


def _mount_tmpfs(folder: Path, options: str) -> None:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("needs root to mount a tmpfs")


@pytest.mark.skipif(sys.platform != "linux", reason="mounts a tmpfs (Linux, as root)")
def test_a_read_only_store_says_so(tmp_path, cards_dir):
    home = tmp_path / "ro-home"
    _mount_tmpfs(home, "size=4m")
    try:
        _store(home, cards_dir)
        subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
        for args in (["review", "--cards", str(cards_dir)], ["stats", "--cards", str(cards_dir)], ["export"]):
            result = CliRunner().invoke(cli, args, input=" \n3\nq\n", env={"SRS_HOME": str(home)})
            assert "damaged" not in result.output and MOVE_ASIDE not in result.output, (args, result.output)
            if result.exit_code:
                assert "read-only" in result.output or "cannot be opened" in result.output, result.output
    finally:
        subprocess.run(["umount", str(home)], check=True)


@pytest.mark.skipif(sys.platform != "linux", reason="mounts a tmpfs (Linux, as root)")
def test_a_full_disk_is_called_full(tmp_path, cards_dir):
    home = tmp_path / "full-home"
    _mount_tmpfs(home, "size=512k")
    try:
        (home / "config.toml").write_text("fuzz = false\n", "utf-8")
        _store(home, cards_dir)
        try:  # fill the rest of the disk
            with open(home / "filler", "wb") as filler:
                while True:
                    filler.write(bytes(4096))
                    filler.flush()
        except OSError:
            pass
        (cards_dir / "ant.yaml").write_text((cards_dir / "ant.yaml").read_text("utf-8") + "\n", "utf-8")
        for args in (["review", "--cards", str(cards_dir)], ["stats", "--cards", str(cards_dir)],
                     ["export", "--out", str(home / "out.json")]):
            result = CliRunner().invoke(cli, args, input=" \n3\nq\n", env={"SRS_HOME": str(home)})
            assert "damaged" not in result.output and MOVE_ASIDE not in result.output, (args, result.output)
            if result.exit_code:
                assert "the disk is full" in result.output or "No space left" in result.output, (args, result.output)
            else:
                assert args[0] == "export", result.output
    finally:
        subprocess.run(["umount", str(home)], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")
def test_a_file_size_limit_is_not_damage(home, cards_dir):
    import resource
    import signal

    path = _store(home, cards_dir)
    (cards_dir / "ant.yaml").write_text((cards_dir / "ant.yaml").read_text("utf-8") + "\n", "utf-8")

    def small_disk():  # writes past 1 kB fail with EFBIG, as on a full disk (SIGXFSZ ignored)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000, 1_000))

    # no bytecode written under the limit: a .pyc cut short in src/ would break every later import
    env = {**os.environ, "SRS_HOME": str(home), "PYTHONPATH": str(REPO / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    for command in ("stats", "review"):
        result = subprocess.run([sys.executable, "-m", "interview_srs", command, "--cards", str(cards_dir)],
                                input=" \n3\nq\n", capture_output=True, text=True, env=env, preexec_fn=small_disk)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines()[-1] == (
            f"Error: cannot use the store {path}: reading or writing it failed (disk I/O error: is the disk full?); "
            "nothing was changed by this command"
        )


@pytest.mark.parametrize("encoding", ["latin-1", "gbk", "ascii"])
def test_every_command_prints_under_any_output_encoding(home, cards_dir, encoding):
    env = {**os.environ, "SRS_HOME": str(home), "PYTHONPATH": str(REPO / "src"), "PYTHONIOENCODING": encoding}
    for args in (["review"], ["show", "ant-mob1-3"], ["search", "用户"], ["stats"], ["mock"]):
        result = subprocess.run([sys.executable, "-m", "interview_srs", *args, "--cards", str(cards_dir)],
                                input=b" \n3\nq\n", capture_output=True, env=env)
        assert result.returncode == 0, (args, result.stderr[-500:])
        assert b"Traceback" not in result.stderr and b"damaged" not in result.stderr + result.stdout, args


def test_a_date_out_of_range_says_so(home, cards_dir):
    (home / "config.toml").write_text('fuzz = false\ntimezone = "America/New_York"\n', "utf-8")
    CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input="q\n", env={"SRS_HOME": str(home)})
    result = CliRunner().invoke(cli, ["stats", "--cards", str(cards_dir), "--at", "9999-12-31T23:59"],
                                env={"SRS_HOME": str(home)})
    assert result.exit_code == 1
    assert result.output == "Error: 9999-12-31 23:59 is out of the range of dates srs can handle\n"
