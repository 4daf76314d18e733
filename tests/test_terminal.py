"""The one sanitiser, and every command's output with hostile strings from files, config and store."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from interview_srs.cli import cli
from interview_srs.base import sanitize
from interview_srs.base.sanitize import json_safe, one_line, printable

from conftest import write_file

HOSTILE = [
    "\x1b]0;pwned\x07",  # OSC: window title
    "\x1b]52;c;cm0gLXJmIH4=\x1b\\",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x1b[31m",  # SGR colour
    "\x1bP+q\x1b\\",  # DCS
    "\x9b31m",  # 8-bit CSI
    "\x9d0;pwned\x9c",  # 8-bit OSC
    "\x07\x08\x7f\x85",  # BEL, BS, DEL, NEL
    "\u202e",  # right-to-left override
]
EVERY = "".join(HOSTILE)
UNSAFE = ["\x1b", "\x9b", "\x9d", "\x9c", "\x07", "\x08", "\x7f", "\x85", "\u202e"]


def assert_clean(text: str) -> None:
    for char in UNSAFE:
        assert char not in text, f"U+{ord(char):04X} reached the terminal: {text!r}"


@pytest.mark.parametrize("sequence", HOSTILE)
def test_printable_strips_every_kind_of_sequence(sequence):
    shown = printable(f"前{sequence}后")
    assert shown == "前后"


def test_printable_keeps_newlines_and_text_and_one_line_marks_them():
    assert printable("第一行\n第二行\ttab") == "第一行\n第二行    tab"
    assert one_line("a\nb\x1b[31m") == "a⏎b"


@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from(["\n", "\r", "\t", *UNSAFE, "\u2028", "\u061c"])))
       | st.lists(st.sampled_from(["题", "\n", "a ", *HOSTILE])).map("".join))
def test_the_shortcut_for_printable_text_gives_what_the_expressions_give(text):
    """printable() skips its regular expressions when every character but newlines is
    printable to Python; that must never let through what they would remove."""
    assert printable(text) == sanitize._stripped(text)


def test_a_lone_surrogate_is_shown_as_a_replacement_character_and_escaped_in_json():
    # JSON can hold one (a damaged cache or state file); printing it would raise UnicodeEncodeError
    shown = printable("题\ud800目\udfff")
    assert shown == "题\ufffd目\ufffd"
    shown.encode("utf-8")
    safe = json_safe(json.dumps({"deck": "面试\ud800"}, ensure_ascii=False))
    safe.encode("utf-8")
    assert json.loads(safe) == {"deck": "面试\ud800"}


def test_json_safe_escapes_instead_of_dropping():
    text = json.dumps({"deck": "面试\x9b31m\u202e"}, ensure_ascii=False)
    safe = json_safe(text)
    assert_clean(safe)
    assert json.loads(safe) == {"deck": "面试\x9b31m\u202e"}


# --------------------------------------------------------------------------- every command


@pytest.fixture(autouse=True)
def _utc(utc):
    """Every test here runs with the machine's clock on UTC (see conftest.utc)."""


def invoke(*args: str, home: Path | None = None, keys: str = "", **env) -> str:
    environment = {"SRS_NOW": "2025-03-01T10:00:00+00:00", "LANG": "en_US.UTF-8", "LC_ALL": None, **env}
    if home is not None:
        environment["SRS_HOME"] = str(home)
    result = CliRunner().invoke(cli, list(args), input=keys, env=environment)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def hostile_name(folder: Path) -> Path:
    return folder / f"{EVERY}x.yaml"


def test_check_messages_are_sanitised(tmp_path):
    cards = tmp_path / "cards"
    # An escape-laden file name, and an unknown key written with YAML escapes.
    write_file(hostile_name(cards), 'deck: 面试::甲\ncards:\n  - id: a\n    question: 问？\n    outline: [一, 二, 三]\n'
               '    "\\e]0;pwned\\a\\x9b31m": 1\n')
    output = invoke("check", "--cards", str(cards))
    assert "unknown key" in output
    assert_clean(output)


def test_build_report_and_errors_are_sanitised(tmp_path):
    cards = tmp_path / "cards"
    write_file(hostile_name(cards), 'deck: "面试::\\u202e甲"\ncards:\n  - id: a\n    question: 问？\n    outline: [一, 二, 三]\n')
    output = invoke("build", "--cards", str(cards), "--out", str(tmp_path / "out"))
    assert "written" in output
    assert_clean(output)
    output = invoke("build", "--cards", str(cards), "--out", str(tmp_path / f"out{EVERY}" / "x"), "--verify")
    assert_clean(output)


@pytest.fixture
def tampered_home(tmp_path, cards_dir) -> Path:
    """A store whose deck, company, tags and ids hold escape sequences (written by hand)."""
    home = tmp_path / "home"
    home.mkdir()
    assert "Session summary" in invoke("review", "--cards", str(cards_dir), home=home, keys=" \n3\nq\n")
    connection = sqlite3.connect(home / "store.sqlite3")
    with connection:
        connection.execute("UPDATE cards SET deck = deck || ?, company = ?, tags = ?", (EVERY, EVERY, json.dumps([EVERY])))
    connection.close()
    return home


def test_stats_text_and_json_are_sanitised(tampered_home, cards_dir):
    text = invoke("stats", "--cards", str(cards_dir), home=tampered_home)
    assert "面试::蚂蚁集团::用户运营" in text
    assert_clean(text)
    data = invoke("stats", "--cards", str(cards_dir), "--json", home=tampered_home)
    assert_clean(data)
    assert EVERY in json.loads(data)["decks"][0]["deck"]  # escaped, not lost


def test_review_screen_and_no_deck_error_are_sanitised(tampered_home, cards_dir):
    screen = invoke("review", "--cards", str(cards_dir), home=tampered_home, keys=" \n3\nq\n")
    assert "Session summary" in screen
    assert_clean(screen)
    error = invoke("review", "--cards", str(cards_dir), "--deck", f"nothing{EVERY}", home=tampered_home)
    assert error.startswith("Error: no deck matches")
    assert_clean(error)


def test_problems_after_editing_a_card_are_sanitised(tmp_path, cards_dir):
    home = tmp_path / "home"
    home.mkdir()
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nopen(sys.argv[-1], 'a').write('    \"\\\\e]0;pwned\\\\a\\\\x9b31m\": 1\\n')\n", "utf-8"
    )
    screen = invoke("review", "--cards", str(cards_dir), home=home, keys="e\nq\n",
                    EDITOR=f"{sys.executable} {editor}")
    assert "unknown key" in screen
    assert_clean(screen)


def test_config_errors_are_sanitised(tmp_path, cards_dir):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f'[deck."{EVERY.encode("unicode_escape").decode().replace(chr(92) + "x", chr(92) + "u00")}"]\nfuzz = 1\n', "utf-8")
    error = invoke("review", "--cards", str(cards_dir), home=home, keys="q\n")
    assert error.startswith("Error: ")
    assert_clean(error)


def test_answers_stories_and_mock_output_are_sanitised(tampered_home, cards_dir, tmp_path):
    stories = invoke("stories", "--cards", str(cards_dir), home=tampered_home)
    assert_clean(stories)
    data = invoke("stories", "--cards", str(cards_dir), "--json", home=tampered_home)
    assert_clean(data)
    json.loads(data)
    mock = invoke("mock", "--cards", str(cards_dir), "--deck", f"none{EVERY}", home=tampered_home, keys="q\n")
    assert mock.startswith("Error: ")
    assert_clean(mock)
    personal = invoke("build", "--cards", str(cards_dir), "--answers", str(tmp_path / f"answers{EVERY}"),
                      "--out", str(tmp_path / "personal"), home=tampered_home)
    assert_clean(personal)


def test_search_and_show_are_sanitised(tampered_home, cards_dir):
    connection = sqlite3.connect(tampered_home / "store.sqlite3")
    with connection:
        connection.execute("UPDATE cards SET question = question || ?", (EVERY,))
    connection.close()
    found = invoke("search", "--cards", str(cards_dir), "实习", home=tampered_home)
    assert "ant-biggest-challenge" in found
    assert_clean(found)
    shown = invoke("show", "--cards", str(cards_dir), "ant-biggest-challenge", home=tampered_home)
    assert "在实习期间" in shown
    assert_clean(shown)


def test_export_sync_anki_and_optimize_messages_are_sanitised(tampered_home, cards_dir, tmp_path):
    target = tmp_path / f"out{EVERY}.csv"
    output = invoke("export", "--cards", str(cards_dir), "--format", "csv", "--out", str(target), home=tampered_home)
    assert output.startswith("Wrote ") and target.exists()
    assert_clean(output)
    assert EVERY in target.read_text("utf-8")  # the file keeps the data as stored
    not_a_collection = tmp_path / f"notes{EVERY}.txt"
    not_a_collection.write_text("hello", "utf-8")
    output = invoke("sync-anki", str(not_a_collection), "--cards", str(cards_dir), home=tampered_home)
    assert output.startswith("Error: ")
    assert_clean(output)
    output = invoke("optimize", "--cards", str(cards_dir), home=tampered_home)
    assert "review" in output
    assert_clean(output)


class FakeTerminal:
    def __init__(self, interactive: bool, keys: list[str]):
        self.interactive, self.keys, self.lines = interactive, keys, []

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def read_key(self, timeout=None):
        return self.keys.pop(0) if self.keys else None


class Busy(Exception):
    pass


def failing(times: int):
    calls = []

    def write():
        calls.append(1)
        if len(calls) <= times:
            raise Busy
        return "stored"

    return write, calls


def test_retry_while_busy_keeps_trying_until_the_write_goes_through():
    from interview_srs.terminal.screen import retry_while_busy

    write, calls = failing(3)
    term = FakeTerminal(True, [None, "x", None])
    assert retry_while_busy(term, "busy", write, Busy) == "stored"
    assert (len(calls), term.lines) == (4, ["busy"] * 3)


def test_retry_while_busy_gives_up_on_q_or_after_the_scripted_tries():
    from interview_srs.terminal.screen import SCRIPTED_RETRIES, retry_while_busy

    write, calls = failing(100)
    assert retry_while_busy(FakeTerminal(True, [None, "q"]), "busy", write, Busy) is None
    assert len(calls) == 2
    write, calls = failing(100)
    assert retry_while_busy(FakeTerminal(False, []), "busy", write, Busy) is None
    assert len(calls) == SCRIPTED_RETRIES


# -- the terminal itself: signals, keys that arrive together, TERM=dumb -----------------------------

NOW = "2026-03-02T09:00:00+08:00"
# Runs `srs review` on the terminal pexpect gives it, then reports how the child left the terminal.
WATCHER = """
import subprocess, sys, termios
child = subprocess.Popen([sys.executable, "-m", "interview_srs", "review", "--cards", sys.argv[1]])
print("PID", child.pid, flush=True)
child.wait()
flags = termios.tcgetattr(0)[3]
print("ECHO", bool(flags & termios.ECHO), "ICANON", bool(flags & termios.ICANON), "STATUS", child.returncode)
"""


def _terminal_env(home: Path, **extra: str) -> dict:
    import os

    from conftest import REPO

    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "EDITOR", "VISUAL", "NO_COLOR")}
    env.update({"SRS_HOME": str(home), "SRS_NOW": NOW, "TZ": "UTC", "LANG": "en_US.UTF-8", "TERM": "xterm",
                "PYTHONPATH": str(REPO / "src"), **extra})
    return env


def _review_log(home: Path) -> list[tuple]:
    connection = sqlite3.connect(home / "store.sqlite3")
    try:
        return connection.execute("SELECT card_id, rating FROM review_log ORDER BY id").fetchall()
    finally:
        connection.close()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal; SIGHUP is POSIX")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_or_sighup_gives_the_terminal_its_echo_back_and_keeps_the_answer(cards_dir, home, name):
    import os
    import signal

    import pexpect

    child = pexpect.spawn(sys.executable, ["-c", WATCHER, str(cards_dir)], env=_terminal_env(home),
                          encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect(r"PID (\d+)")
    pid = int(child.match.group(1))
    child.expect("Space show answer")
    child.send(" ")
    child.expect("4 Easy")
    child.send("3")
    child.expect("为什么关注 MOB1-3 卡的平均消费？")
    os.kill(pid, getattr(signal, name))
    child.expect(r"ECHO (\w+) ICANON (\w+) STATUS (-?\d+)")
    assert child.match.groups() == ("True", "True", str(-getattr(signal, name)))
    child.expect(pexpect.EOF)
    assert _review_log(home) == [("ant-biggest-challenge", 3)]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_keys_that_arrive_together_are_each_used(cards_dir, home):
    import pexpect

    child = pexpect.spawn(sys.executable, ["-m", "interview_srs", "review", "--cards", str(cards_dir)],
                          env=_terminal_env(home), encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.expect("Space show answer")
    child.send(" 3")  # one write: the reveal and the rating arrive in one read
    child.expect("为什么关注 MOB1-3 卡的平均消费？")
    child.send(" 4q")
    child.expect("Session summary")
    child.expect(pexpect.EOF)
    assert _review_log(home) == [("ant-biggest-challenge", 3), ("ant-mob1-3", 4)]


def test_next_key_splits_what_one_read_returned():
    from interview_srs.terminal import pager
    from interview_srs.terminal.screen import next_key

    def keys(data: bytes) -> list[str]:
        found = []
        while data:
            key, data = next_key(data)
            found.append(key)
        return found

    assert keys(b"j j j") == ["j", " ", "j", " ", "j"]
    assert keys(b"jjj") == ["j", "j", "j"]
    assert keys(b" 3") == [" ", "3"]
    assert keys(b"\r\n\r\n") == ["\n", "\n"]
    assert keys(b"\x1b[B\x1b[Bq") == [pager.DOWN, pager.DOWN, "q"]
    assert keys(b"\x1b[6~\x1bOA\x1b[1;5C\x1b") == [pager.PAGE_DOWN, pager.UP, "\x1b", "\x1b"]
    assert keys("用j".encode()) == ["\ufffd", "j"]
    assert keys(b"\x04") == ["q"]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_several_scroll_keys_in_one_read_each_scroll_a_real_terminal():
    import os

    from interview_srs.terminal import pager
    from interview_srs.terminal.screen import Terminal

    leader, follower = os.openpty()
    with os.fdopen(follower, "r", closefd=False) as stdin, os.fdopen(os.dup(follower), "w") as stdout:
        term = Terminal(stdin, stdout)
        with term.keys():
            os.write(leader, b"j j j\x1b[B\x1b[B")
            got = [term.read_key(timeout=2) for _ in range(7)]
            assert term.read_key(timeout=0.05) is None
    os.close(leader)
    os.close(follower)
    assert got == ["j", " ", "j", " ", "j", pager.DOWN, pager.DOWN]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_term_dumb_gets_no_colour_and_no_screen_codes(cards_dir, home):
    import pexpect

    child = pexpect.spawn(sys.executable, ["-m", "interview_srs", "review", "--cards", str(cards_dir)],
                          env=_terminal_env(home, TERM="dumb"), encoding="utf-8", timeout=20, dimensions=(40, 100))
    child.logfile_read = seen = io.StringIO()
    child.expect("Space show answer")
    child.expect("⏱ 0:0")  # the timer still runs, erased with spaces
    child.send(" ")
    child.expect("4 Easy")
    child.send("3")
    child.expect("为什么关注 MOB1-3 卡的平均消费？")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Session summary" in seen.getvalue() and "\x1b" not in seen.getvalue()
    assert _review_log(home) == [("ant-biggest-challenge", 3)]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_input_that_is_not_text_ends_the_session_instead_of_filling_memory(cards_dir, tmp_path):
    import subprocess

    env = {"SRS_HOME": str(tmp_path / "home"), "SRS_NOW": "2026-03-02T09:00:00+08:00", "LANG": "en_US.UTF-8",
           "PATH": "/usr/bin:/bin"}
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run(
            [sys.executable, "-m", "interview_srs", "review", "--cards", str(cards_dir)],
            stdin=zeros, capture_output=True, text=True, timeout=60, env=env,
        )
    assert done.returncode == 0, done.stderr[-500:]
    assert "Session summary" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize("columns", [None, "", "132", "0", "-5", "wide"])
@pytest.mark.parametrize("lines", [None, "40", "0", "x"])
@pytest.mark.parametrize("on_terminal", [False, True])
def test_terminal_size_is_what_shutil_gives(monkeypatch, columns, lines, on_terminal):
    """screen.terminal_size stands in for shutil.get_terminal_size((80, 24)); on a real
    pseudo-terminal of 100 x 30, and on no terminal at all, with every kind of COLUMNS/LINES."""
    import fcntl
    import os
    import pty
    import shutil
    import struct
    import termios

    from interview_srs.terminal.screen import terminal_size

    for name, value in (("COLUMNS", columns), ("LINES", lines)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    leader, follower = pty.openpty()
    try:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        stdout = os.fdopen(os.dup(follower), "w") if on_terminal else io.StringIO()
        monkeypatch.setattr(sys, "__stdout__", stdout)
        assert terminal_size() == shutil.get_terminal_size((80, 24))
        if on_terminal and columns is None and lines is None:
            assert tuple(terminal_size()) == (100, 30)
        stdout.close()
    finally:
        os.close(leader)
        os.close(follower)
