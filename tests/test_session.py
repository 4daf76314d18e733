"""The review session as a user meets it: a real pseudo-terminal, kill -9, two sessions at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pexpect
import pytest

from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import Schedulers
from interview_srs.commands.review import run_session
from interview_srs.review.summary import Summary
from interview_srs.terminal.screen import editor_command, format_duration
from interview_srs.bank.sources import CardSources
from interview_srs.store import answers, lookups
from interview_srs.store.connection import Store
from interview_srs.store.home import sync_cards

from conftest import REPO, review_log, write_file

NOW = "2025-03-01T10:00:00+00:00"
QUESTION_KEYS = "Space show answer"


def environment(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "EDITOR", "VISUAL")}
    env.update(
        SRS_HOME=str(home), SRS_NOW=NOW, TZ="UTC", LANG="en_US.UTF-8", TERM="xterm",
        PYTHONPATH=str(REPO / "src"), **extra,
    )
    return env


def many_cards(folder: Path, count: int) -> Path:
    items = "".join(
        f"  - id: card-{i:03d}\n    question: 第 {i} 题：请讲讲你的经历？\n    outline: [要点 {i}]\n"
        for i in range(count)
    )
    write_file(folder / "many.yaml", f"deck: 面试::测试\ncards:\n{items}")
    return folder


def spawn(cards_dir: Path, home: Path) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable, ["-m", "interview_srs", "review", "--cards", str(cards_dir)],
        env=environment(home), encoding="utf-8", timeout=20, dimensions=(40, 100),
    )
    return child


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_a_session_in_a_real_terminal_reveals_rates_undoes_and_quits(cards_dir, home):
    child = spawn(cards_dir, home)
    child.expect("在实习期间遇到的最大挑战是什么？")
    child.expect("⏱ 0:0")  # the running timer
    child.send(" ")  # Space reveals, no Enter needed
    child.expect("用数据定位问题")
    child.expect("1 Again")
    child.send("3")
    child.expect("为什么关注 MOB1-3 卡的平均消费？")
    child.send("\r")
    child.expect("3 Good")
    child.send("1")
    child.expect("用户私信辱骂客服")
    child.send("u")
    child.expect("Undid your answer to “为什么关注 MOB1-3 卡的平均消费？”.")
    child.expect("为什么关注 MOB1-3 卡的平均消费？")
    child.send(" ")
    child.expect("4 Easy")
    child.send("4")
    child.expect(QUESTION_KEYS)
    child.send("q")
    child.expect("Session summary")
    child.expect("Ratings: Again 0 · Hard 0 · Good 1 · Easy 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert review_log(home, "card_id, rating") == [("ant-biggest-challenge", 3), ("ant-mob1-3", 4)]
    with Store.open(home / "store.sqlite3") as store:
        assert lookups.state(store, "ant-mob1-3").state == 2
        assert store.integrity_check() == "ok"


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_ctrl_c_ends_the_session_with_a_summary_and_keeps_the_answers(cards_dir, home):
    child = spawn(cards_dir, home)
    child.expect(QUESTION_KEYS)
    child.send(" ")
    child.expect("1 Again")
    child.send("2")
    child.expect(QUESTION_KEYS)
    child.sendintr()
    child.expect("Session summary")
    child.expect(pexpect.EOF)
    assert review_log(home, "card_id, rating") == [("ant-biggest-challenge", 2)]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal; SIGKILL is POSIX")
@pytest.mark.parametrize("answers", [1, 4])
def test_kill_9_after_n_answers_keeps_exactly_n(tmp_path, home, answers):
    cards_dir = many_cards(tmp_path / "cards", 10)
    child = spawn(cards_dir, home)
    for _ in range(answers):
        child.expect(QUESTION_KEYS)
        child.send(" ")
        child.expect("4 Easy")
        child.send("3")
    child.expect(QUESTION_KEYS)  # the next card is on screen: the answers are committed
    child.send(" ")
    child.expect("4 Easy")  # this one is revealed but not rated when the process dies
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert len(review_log(home, "card_id, rating")) == answers
    conn = sqlite3.connect(home / "store.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_two_concurrent_sessions_lose_no_answer(tmp_path, home):
    cards_dir = many_cards(tmp_path / "cards", 40)
    with Store.open(home / "store.sqlite3") as store:  # create the store before the race
        sync_cards(store, CardSources((cards_dir,), "given"), datetime.fromisoformat(NOW))
    keys = " \n3\n" * 60 + "q\n"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "interview_srs", "review", "--cards", str(cards_dir), "--new", "40"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=environment(home), text=True, encoding="utf-8",
        )
        for _ in range(2)
    ]
    with ThreadPoolExecutor(2) as pool:  # feed and read both at once: they really overlap
        outputs = list(pool.map(lambda p: p.communicate(keys, timeout=120), procs))
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    claimed = 0
    for out, _err in outputs:
        line = next(l for l in out.splitlines() if l.startswith("Reviews: "))
        claimed += int(line.split()[1])
    with Store.open(home / "store.sqlite3") as store:
        log = answers.log(store)
        assert len(log) == claimed >= 60
        assert store.integrity_check() == "ok"
        sessions = store.conn.execute(
            "SELECT count(DISTINCT session) FROM review_log GROUP BY card_id"
        ).fetchall()
        assert max(n for (n,) in sessions) == 2  # some cards were answered by both sessions
        by_card: dict[str, list] = {}
        for entry in log:
            by_card.setdefault(entry.card_id, []).append(entry)
        schedulers = Schedulers(Config(fuzz=False))
        for card_id, entries in by_card.items():
            # each answer built on the one before it, and the card holds the last after-state
            assert all(a.after == b.before for a, b in zip(entries, entries[1:]))
            for entry in entries:
                assert entry.after == schedulers.answer(card_id, "面试::测试", entry.before, entry.rating, entry.reviewed)
            assert lookups.state(store, card_id) == entries[-1].after


def test_format_duration():
    assert [format_duration(s) for s in (0, 42.4, 185, 3723)] == ["0:00", "0:42", "3:05", "1:02:03"]


def test_summary_counts_ratings():
    assert Summary().ratings() == {1: 0, 2: 0, 3: 0, 4: 0}


@pytest.mark.parametrize(
    ("editor", "command"),
    [
        ("vim", ["vim", "+12", "/c/a.yaml"]),
        ("emacs -nw", ["emacs", "-nw", "+12", "/c/a.yaml"]),
        ("code --wait", ["code", "--wait", "--goto", "/c/a.yaml:12"]),
        ("/usr/bin/subl", ["/usr/bin/subl", "/c/a.yaml:12"]),
    ],
)
def test_editor_commands_open_the_card_line(editor, command):
    assert editor_command(editor, "/c/a.yaml", 12) == command


# -- a card taller than the terminal --------------------------------------------------------------

CLEAR = "\x1b[H\x1b[2J"


def tall_card(folder: Path, points: int = 30) -> Path:
    items = "".join(f"      - 第 {i} 个要点：先讲结论，再讲数据。\n" for i in range(1, points + 1))
    write_file(folder / "tall.yaml", f"deck: 面试::长卡\ncards:\n  - id: tall-card\n    question: 一道答案很长的题？\n    outline:\n{items}")
    return folder


def last_screen(child: pexpect.spawn) -> str:
    """What is on the screen now: everything read since the last clear, without styling."""
    import re

    screen = child.logfile_read.getvalue().rsplit(CLEAR, 1)[-1]
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", screen)


def spawn_at(cards: Path, home: Path, rows: int, columns: int) -> pexpect.spawn:
    import io

    child = pexpect.spawn(
        sys.executable, ["-m", "interview_srs", "review", "--cards", str(cards)],
        env=environment(home), encoding="utf-8", timeout=20, dimensions=(rows, columns),
    )
    child.logfile_read = io.StringIO()
    return child


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_a_tall_card_scrolls_under_a_pinned_header_and_redraws_on_resize(tmp_path, home):
    child = spawn_at(tall_card(tmp_path / "cards"), home, 24, 80)
    child.expect("一道答案很长的题")
    child.send(" ")
    child.expect(r"lines 1–(\d+) of (\d+)")
    room, total = int(child.match.group(1)), int(child.match.group(2))
    assert room == 24 - 1 - 2 - 3 - 1  # rows - timer line - deck and counts - ratings block - status
    assert total > 30
    child.expect("1-4 rate")
    for _ in range(3):
        child.send("j")
    child.expect(f"lines 4–{room + 3} of {total}")
    child.expect("1-4 rate")
    screen = last_screen(child)
    lines = screen.splitlines()
    assert len(lines) <= 23  # the screen fits: nothing scrolled off the top
    assert lines[0] == "面试::长卡"  # the header stays
    assert "1 Again" in screen and "1-4 rate" in screen  # so do the ratings
    # the question has scrolled away at the top, the last points are still below
    assert "一道答案很长的题" not in screen and "个要点" in screen and "第 30 个要点" not in screen
    child.send("\x1b[A")  # arrow up
    child.expect(f"lines 3–{room + 2} of {total}")
    child.setwinsize(30, 100)  # the kernel sends SIGWINCH: redrawn at the new size at once
    child.expect(f"lines 3–{room + 8} of {total}", timeout=2)  # 6 more rows: 6 more body lines
    child.send("3")
    child.expect("Congratulations|Session summary|Space show")
    child.send("q")
    child.expect(pexpect.EOF)
    assert review_log(home, "card_id, rating") == [("tall-card", 3)]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_a_card_that_fits_has_no_scroll_line_and_hints_do_not_stack(cards_dir, home):
    child = spawn_at(cards_dir, home, 40, 80)  # this card takes 27 lines
    child.expect("最大挑战")
    for key in "334":  # rating before revealing: one hint, redrawn, never stacked
        child.send(key)
        child.expect("Show the answer first")
    assert last_screen(child).count("Show the answer first (Space or Enter), then rate 1–4.") == 1
    child.send(" ")
    child.expect("1-4 rate")
    assert "lines " not in last_screen(child)
    child.send("q")
    child.expect(pexpect.EOF)


@pytest.mark.slow("a real terminal whose timer must tick past its target: it waits real seconds")
@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_the_question_timer_runs_against_the_target_and_marks_the_overrun(cards_dir, home):
    (home / "config.toml").write_text("fuzz = false\nanswer_seconds = { star = 5 }\n", "utf-8")
    child = spawn(cards_dir, home)  # the first card is a STAR card: 0:05 to answer
    child.expect("在实习期间遇到的最大挑战是什么？")
    child.expect("⏱ 0:0[0-4] / 0:05")
    child.expect(r"⏱ 0:0[6-9] / 0:05 \(\+0:0[1-4] over\)", timeout=12)
    child.send(" ")
    child.expect(r"⏱ 0:0[6-9] / 0:05 \(\+0:0[1-4] over\)")  # the answer side keeps the time taken
    child.expect("1 Again")
    child.send("q")
    child.expect(pexpect.EOF)


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_w_opens_your_answer_in_the_editor_and_the_card_comes_back_with_it(cards_dir, home, tmp_path):
    from test_personal import fake_editor

    child = pexpect.spawn(
        sys.executable, ["-m", "interview_srs", "review", "--cards", str(cards_dir)],
        env=environment(home, EDITOR=fake_editor(tmp_path)), encoding="utf-8", timeout=20, dimensions=(60, 100),
    )
    child.expect("在实习期间遇到的最大挑战是什么？")
    child.send(" ")
    child.expect("Your answer")
    child.expect(r"No answer of yours yet: press w \(or run `srs answer ant-biggest-challenge`\)")
    child.send("w")
    child.expect("Your answer")
    child.expect("S 情境：公司、角色、时间点")
    child.expect("我在 A 公司负责拉新。")
    child.expect("Assesses")  # the skeleton follows your answer
    child.send("3")
    child.expect("为什么关注 MOB1-3 卡的平均消费？")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (home / "answers" / "ant-biggest-challenge.md").read_text("utf-8").endswith("我在 A 公司负责拉新。\n")
    assert review_log(home, "card_id, rating") == [("ant-biggest-challenge", 3)]


# --------------------------------------------------------------------------- a busy store


class ScriptedTerminal:
    """Keys from a list; `interactive` as a real terminal would be (so q gives up on a busy store)."""

    def __init__(self, keys: list[str], interactive: bool):
        from interview_srs.terminal.render import Style

        self.pending = list(keys)
        self.interactive = interactive
        self.style = Style(False)
        self.output: list[str] = []

    def width(self) -> int:
        return 80

    def height(self) -> None:  # never scrolls
        return None

    def write(self, text: str = "") -> None:
        self.output.append(text)

    def line(self, text: str = "") -> None:
        self.output.append(text + "\n")

    def clear(self) -> None:
        self.output.append("\n")

    def read_key(self, timeout=None):
        return self.pending.pop(0) if self.pending else "q"

    def keys(self):
        from contextlib import nullcontext

        return nullcontext()

    cooked = keys


def busy_session(tmp_path: Path, keys: list[str], interactive: bool):
    from interview_srs.schedule.scheduler import StudyDay, now
    from interview_srs.review.session import Session
    from interview_srs.review.session_queue import Limits
    from interview_srs.terminal.texts import texts_for

    cards = many_cards(tmp_path / "cards", 3)
    store = Store.open(tmp_path / "home" / "store.sqlite3")
    clock = lambda: now({"SRS_NOW": NOW})  # noqa: E731
    sync_cards(store, CardSources((cards,), "given"), clock())
    store.conn.execute("PRAGMA busy_timeout = 50")  # fail fast while the lock is held
    terminal = ScriptedTerminal(keys, interactive)
    session = Session(store, Schedulers(Config(fuzz=False)), texts_for({"LANG": "C"}), terminal, clock,
                      StudyDay(4), cards, limits=Limits(20, None))
    return store, session, terminal


def hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@pytest.mark.parametrize("interactive", [True, False], ids=["terminal", "scripted"])
def test_a_rating_made_while_another_process_holds_the_lock_is_kept_and_stored(tmp_path, interactive):
    import threading

    store, session, terminal = busy_session(tmp_path, [" ", "3", "x", "x", "x", "x", "q"], interactive)
    holder = hold_write_lock(store.path)
    release = threading.Timer(0.1, holder.rollback)
    release.start()
    summary = run_session(session)
    release.join()
    holder.close()
    out = "".join(terminal.output)
    assert "The store is busy (another program is writing to it); retrying." in out
    assert "NOT saved" not in out
    assert len(summary.answers) == 1
    assert review_log(tmp_path / "home") == [("card-000", 3, 0, 1)]
    store.close()


@pytest.mark.parametrize("interactive", [True, False], ids=["terminal", "scripted"])
def test_giving_up_on_a_busy_store_says_the_rating_was_not_saved(tmp_path, interactive):
    store, session, terminal = busy_session(tmp_path, [" ", "3", "q"], interactive)
    holder = hold_write_lock(store.path)
    summary = run_session(session)
    holder.rollback()
    holder.close()
    out = "".join(terminal.output)
    assert "Your answer to card-000 was NOT saved: the store stayed busy." in out
    assert summary.answers == ()
    assert review_log(tmp_path / "home") == []
    store.close()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_an_editor_command_that_does_not_parse_is_a_message(tmp_path):
    cards = many_cards(tmp_path / "cards", 1)
    home = tmp_path / "home"
    child = spawn_with(cards, home, EDITOR='vim "unclosed')
    child.expect_exact(QUESTION_KEYS)
    child.send("e")
    child.expect_exact("cannot run $EDITOR (vim \"unclosed): No closing quotation")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def spawn_with(cards_dir: Path, home: Path, **extra: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "interview_srs", "review", "--cards", str(cards_dir)],
        env=environment(home, **extra), encoding="utf-8", timeout=20, dimensions=(40, 100),
    )


def test_undo_and_bury_on_a_busy_store_say_so_and_keep_the_undo(tmp_path):
    store, session, terminal = busy_session(tmp_path, [" ", "3", "s", "u", "q"], interactive=False)
    original = session.answer

    def answer_then_lock(*args):
        result = original(*args)
        holder = hold_write_lock(store.path)
        session.holder = holder
        return result

    session.answer = answer_then_lock
    summary = run_session(session)
    session.holder.rollback()
    session.holder.close()
    out = "".join(terminal.output)
    assert "press the key again in a moment" in out  # shown once: a repeated hint is not stacked
    assert len(summary.answers) == 1 and [kind for kind, _ in session.undo_stack] == ["answer"]
    assert lookups.card(store, "card-001").buried_until is None  # the bury did not happen, nor the undo
    assert review_log(tmp_path / "home") == [("card-000", 3, 0, 1)]
    store.close()
