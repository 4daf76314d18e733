"""`srs export`: the review log and card states as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import review_log

from interview_srs.cli import cli
from interview_srs.store.export import REVIEW_COLUMNS


def run(home, *args, input=None, now="2026-12-01T09:00:00+08:00"):
    return CliRunner().invoke(cli, list(args), input=input, env={"SRS_HOME": str(home), "SRS_NOW": now})


def reviewed_home(home, cards_dir):
    first = run(home, "review", "--cards", str(cards_dir), input=" \n3\n \n1\nq\n")
    assert first.exit_code == 0, first.output
    later = run(home, "review", "--cards", str(cards_dir), input=" \n4\nq\n", now="2026-12-03T09:00:00+08:00")
    assert later.exit_code == 0, later.output
    return home


def test_csv_has_one_row_per_answer_with_the_documented_columns(home, cards_dir):
    reviewed_home(home, cards_dir)
    result = run(home, "export", "--format", "csv", "--cards", str(cards_dir))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert tuple(rows[0].keys()) == REVIEW_COLUMNS
    log = sorted(
        review_log(home, "card_id, reviewed_ms, rating, state_before, duration_ms, source, state_after, stability_after, due_after_ms"),
        key=lambda r: r[1],
    )
    assert len(rows) == len(log) == 3
    for row, stored in zip(rows, log):
        assert (row["card_id"], int(row["review_time"]), int(row["review_rating"]), int(row["review_state"])) == stored[:4]
        assert row["source"] == "terminal" and row["anki_revlog_id"] == ""
        assert int(row["state_after"]) == stored[6] and float(row["stability_after"]) == stored[7]
    assert rows[0]["reviewed_at"] == "2026-12-01T01:00:00+00:00"
    assert rows[0]["deck"] == "面试::蚂蚁集团::用户运营"


def test_json_holds_every_card_and_every_review_and_the_file_matches_stdout(home, cards_dir, tmp_path):
    reviewed_home(home, cards_dir)
    printed = run(home, "export", "--cards", str(cards_dir))
    assert printed.exit_code == 0, printed.output
    data = json.loads(printed.output)
    assert [c["id"] for c in data["cards"]] == ["xhs-abusive-user", "ant-biggest-challenge", "ant-mob1-3"]  # by deck, then id
    states = {c["id"]: c["state"] for c in data["cards"]}
    assert list(states.values()).count("new") == 1
    assert len(data["reviews"]) == 3 and data["exported_at"] == "2026-12-01T01:00:00+00:00"

    out = tmp_path / "export.json"
    written = run(home, "export", "--format", "json", "--out", str(out), "--cards", str(cards_dir))
    assert written.exit_code == 0, written.output
    assert written.output == f"Wrote {out}.\n"
    assert out.read_text("utf-8") == printed.output
    assert "面试::小红书::客服" in out.read_text("utf-8")  # not escaped to \\u sequences


def test_an_unwritable_destination_is_an_error_and_leaves_nothing(home, cards_dir, tmp_path):
    out = tmp_path / "missing" / "export.csv"
    result = run(home, "export", "--format", "csv", "--out", str(out), "--cards", str(cards_dir))
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {out}: No such file or directory\n"
    assert not out.parent.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_control_sequences_are_stripped_on_a_terminal_but_kept_in_files(home, cards_dir, tmp_path):
    import pexpect

    import sqlite3

    reviewed = run(home, "review", "--cards", str(cards_dir), input=" \n3\n" * 3 + "q\n")
    assert reviewed.exit_code == 0, reviewed.output
    # `srs check` refuses control characters in card files; a store can still hold them (an
    # older version, an import), so the escape goes in there.
    connection = sqlite3.connect(home / "store.sqlite3")
    with connection:
        connection.execute("UPDATE cards SET deck = ? WHERE deck = ?", ("面试::小红书::\x1b[31m客服", "面试::小红书::客服"))
    connection.close()
    out = tmp_path / "export.csv"
    written = run(home, "export", "--format", "csv", "--out", str(out), "--cards", str(cards_dir))
    assert written.exit_code == 0, written.output
    assert "面试::小红书::\x1b[31m客服" in out.read_text("utf-8")

    child = pexpect.spawn(
        sys.executable, ["-m", "interview_srs", "export", "--format", "csv", "--cards", str(cards_dir)],
        env={**os.environ, "SRS_HOME": str(home), "SRS_NOW": "2026-12-01T09:00:00+08:00"},
        encoding="utf-8", timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "面试::小红书::客服" in child.before and "\x1b" not in child.before  # the whole sequence goes


def _export_to(home, cards_dir, out):
    return run(home, "export", "--format", "csv", "--out", str(out), "--cards", str(cards_dir))


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_a_symbolic_link_is_refused_and_left_as_it_is(home, cards_dir, tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("mine\n", "utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = _export_to(home, cards_dir, link)
    assert result.exit_code == 1
    assert result.output == f"Error: {link} is a symbolic link; give the file it points to, or another name\n"
    assert link.is_symlink() and target.read_text("utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.skipif(sys.platform == "win32", reason="device files and FIFOs are POSIX")
def test_a_device_or_fifo_is_refused(home, cards_dir, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/null")):
        result = _export_to(home, cards_dir, path)
        assert result.exit_code == 1
        assert result.output == f"Error: {path} is not a regular file (a folder, a device or a FIFO); give a file name\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_the_umasks(home, cards_dir, tmp_path):
    private = tmp_path / "private.csv"
    private.write_text("old\n", "utf-8")
    private.chmod(0o600)
    assert _export_to(home, cards_dir, private).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and private.read_text("utf-8").startswith("card_id,")
    new = tmp_path / "new.csv"
    mask = os.umask(0o027)
    try:
        assert _export_to(home, cards_dir, new).exit_code == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


@pytest.mark.parametrize("length", [245, 250, 255])
def test_a_name_of_up_to_255_bytes_works(home, cards_dir, tmp_path, length):
    out = tmp_path / ("e" * (length - 4) + ".csv")
    result = _export_to(home, cards_dir, out)
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("card_id,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
