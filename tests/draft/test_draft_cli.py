"""`srs draft` through click's CliRunner (and once as a process under a GBK console): what it reads,
writes and prints, every bad input refused by name with nothing written, and the drafts as
`srs check` and the review screen see them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.bank.draft import MAX_BYTES
from interview_srs.bank.parse import parse_deck_file
from interview_srs.cli import cli

EVAL = Path(__file__).resolve().parent / "eval"
MEITUAN = EVAL / "meituan-numbered.txt"
SMALL = "美团 用户运营 一面\n1. 讲一个你做过的拉新活动\n追问：ROI怎么算？\n2. 如果DAU下跌20%你怎么办？\n"


@pytest.fixture
def user(tmp_path, monkeypatch):
    """An installed user's setting: a folder that is no checkout, SRS_HOME in it, English texts."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, ["draft", *args])


def text_file(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_draft_goes_to_your_own_cards_folder_and_says_what_to_do_next(user):
    result = run(str(MEITUAN))
    assert result.exit_code == 0, result.output
    written = user / "home" / "cards" / "meituan-numbered.yaml"
    lines = result.stdout.splitlines()
    assert lines[0] == f"Read {MEITUAN}: utf-8, 12 questions."
    assert f"Wrote 12 draft cards to {written} (deck 面试::美团::用户运营)." in lines
    assert lines[-4:] == [
        "Next:",
        f"  1. srs check --cards {written.parent}   (one warning per draft card until you fill it)",
        f"  2. Edit {written}: check each question against the 面经, write your own points over each （待填） "
        "line and your own story in the STAR parts, then delete `draft: true`.",
        "  3. srs review --deck '面试::美团::用户运营'",
    ]
    deck, problems = parse_deck_file(written.read_bytes(), written, written.name)
    assert problems == [] and len(deck.cards) == 12 and all(card.draft for card in deck.cards)


def test_out_and_the_text_s_company_and_role_can_be_given(user):
    text = text_file(user, "notes.txt", "1. 你怎么看OTA行业的会员体系？\n2. 讲一次你说服别人的经历\n")
    result = run(str(text), "--out", "mine")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == (
        f"Error: {text}: the text names no company or role I know; give them with --company and --role\n"
    )
    result = run(str(text), "--out", "mine", "--company", "ctrip", "--role", "活动运营")
    assert result.exit_code == 0, result.output
    written = user / "mine" / "ctrip-notes.yaml"
    assert f"Wrote 2 draft cards to {Path('mine') / 'ctrip-notes.yaml'} (deck 面试::携程::活动运营)." in result.stdout
    # a folder srs review does not read is named in the review step
    assert result.stdout.splitlines()[-1] == "  3. srs review --cards mine --deck '面试::携程::活动运营'"
    assert written.is_file()


def test_the_encoding_of_each_file_is_named(user):
    gbk = text_file(user, "ctrip.txt", "携程 用户运营 一面\n1. 为什么选择携程？\n2. 讲一个你策划过的活动\n", "gbk")
    page = text_file(user, "page.html", "<html><body><h1>美团 用户运营 一面</h1><ol><li>如果GMV下跌你怎么办？</li>"
                                        "<li>说说你最有成就感的项目</li></ol></body></html>")
    result = run(str(gbk), str(page), "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"Read {gbk}: gb18030, 2 questions.",
        f"Read {page}: an HTML page in utf-8, 2 questions.",
    ]


def test_questions_in_the_bank_are_listed_and_when_all_are_nothing_is_written(user):
    first = run(str(MEITUAN))
    assert first.exit_code == 0
    again = run(str(MEITUAN))  # the first run's cards are your own cards now: review reads them
    assert again.exit_code == 0, again.output
    lines = again.stdout.splitlines()
    assert lines[1] == "Not drafted, already in the bank:"
    assert "  meituan-numbered.txt#L6  自我介绍: already in the bank as meituan-numbered-1" in lines
    assert lines[-1] == "Every question of meituan-numbered.txt is already in the bank: nothing was written."
    assert [p.name for p in (user / "home" / "cards").iterdir()] == ["meituan-numbered.yaml"]


def test_a_question_the_bundled_bank_asks_is_not_drafted(user):
    from interview_srs.bank.load import load_bank
    from interview_srs.bank.sources import bundled

    card = next(card for _deck, card in load_bank(bundled("cards")).cards() if card.id.startswith("ant-"))
    text = text_file(user, "ant.txt", f"蚂蚁 用户运营 一面\n1. {card.question}\n2. 讲一个你做过的拉新活动\n")
    result = run(str(text))
    assert result.exit_code == 0, result.output
    assert f"already in the bank as {card.id}" in result.stdout
    assert "Wrote 1 draft card to" in result.stdout
    # the bank has 面试::蚂蚁集团::用户运营: the draft's deck is beside it, never the same name
    assert "(deck 面试::蚂蚁集团::用户运营::草稿)" in result.stdout


def test_an_existing_file_is_never_overwritten(user):
    out = user / "out"
    out.mkdir()
    mine = "deck: 我的::卡\ncards:\n  - id: my-card\n    question: 你的职业规划是什么？\n    outline: [一, 二, 三]\n"
    (out / "meituan-numbered.yaml").write_text(mine, "utf-8")
    result = run(str(MEITUAN), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "meituan-numbered.yaml").read_text("utf-8") == mine
    assert (out / "meituan-numbered-2.yaml").is_file()


def _empty(folder: Path) -> Path:
    return text_file(folder, "empty.txt", "  \n\n")


def _binary(folder: Path) -> Path:
    path = folder / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def _no_questions(folder: Path) -> Path:
    return text_file(folder, "diary.txt", "美团 用户运营 一面\n感觉面试官人很好，等通知。\n")


def _huge(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as handle:
        handle.write(("1. 为什么选择美团？\n" * (MAX_BYTES // 30)).encode("utf-8")[:MAX_BYTES].ljust(MAX_BYTES, b" "))
    return path


def _missing(folder: Path) -> Path:
    return folder / "nowhere.txt"


def _folder(folder: Path) -> Path:
    (folder / "mianjing").mkdir()
    return folder / "mianjing"


@pytest.mark.parametrize(("make", "message"), [
    (_empty, "is empty"),
    (_binary, "looks binary"),
    (_no_questions, "no interview questions found"),
    (_huge, "is 10.0 MB; a 面经 must be under 10 MB"),
    (_missing, "cannot read the file: No such file or directory"),
    (_folder, "is a folder; give the 面经 text file itself"),
])
def test_bad_input_is_refused_by_name_and_nothing_is_written(user, make, message):
    bad = make(user)
    result = run(str(MEITUAN), str(bad))  # a good file beside it changes nothing
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {bad}: {message}") and len(result.stderr.splitlines()) == 1
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not (user / "home" / "cards").exists()


def test_an_unreadable_file_is_refused(user):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    locked = text_file(user, "locked.txt", SMALL)
    locked.chmod(0)
    result = run(str(locked))
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {locked}: cannot read the file")


def test_text_from_the_file_is_sanitised_before_it_is_printed(user):
    name = "m\x1b]0;owned\x07\u202e.txt"
    text_file(user, name, "美团 用户运营 一面\n1. 为什么选择美团\x1b[2J？\n")
    result = run(name, "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Read m.txt: utf-8, 1 question."
    assert "\x1b" not in result.output and "\u202e" not in result.output
    again = run(name, "--out", "out")  # the question itself is printed now
    assert "  m.txt#L2  为什么选择美团？: already in the bank as meituan-m-1" in again.stdout
    assert "\x1b" not in again.output and "\u202e" not in again.output


def test_a_gbk_console_gets_its_output_without_a_crash(user):
    text = text_file(user, "mt.txt", "美团 用户运营 一面\n1. 讲一个你做过的拉新活动 😀\n2. 如果DAU下跌20%你怎么办？\n")
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    for _ in range(2):  # the second run prints the questions (with the emoji), as already in the bank
        done = subprocess.run([sys.executable, "-m", "interview_srs", "draft", str(text)], env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode("gbk", "replace")
        printed = done.stdout.decode("gbk")
    assert "讲一个你做过的拉新活动 ?: already in the bank as meituan-mt-1" in printed


def test_check_gives_a_draft_one_warning_and_no_boilerplate_warnings(user):
    from interview_srs.bank.quality import DRAFT_WARNING

    assert run(str(MEITUAN), str(EVAL / "dewu-markdown.md"), "--out", "out").exit_code == 0
    result = CliRunner().invoke(cli, ["check", "--cards", "out"])
    assert result.exit_code == 0, result.output
    warnings = result.stderr.splitlines()
    assert len(warnings) == 21 and result.stdout == "21 cards in 1 deck: ok, 21 warnings.\n"
    assert all(line.endswith(f": draft: {DRAFT_WARNING}") for line in warnings)
    assert DRAFT_WARNING.startswith("fill the skeleton")


def test_review_marks_a_draft_and_not_a_filled_card(user):
    assert run(str(MEITUAN), "--out", "out").exit_code == 0
    shown = CliRunner().invoke(cli, ["show", "meituan-numbered-2", "--cards", "out"])
    assert shown.exit_code == 0, shown.output
    assert "DRAFT: the interviewer's question with an empty skeleton" in shown.stdout
    path = user / "out" / "meituan-numbered.yaml"
    path.write_text(path.read_text("utf-8").replace("  draft: true\n", ""), "utf-8")  # the user filled them
    shown = CliRunner().invoke(cli, ["show", "meituan-numbered-2", "--cards", "out"])
    assert shown.exit_code == 0 and "DRAFT" not in shown.stdout


def test_the_chinese_review_screen_says_草稿(user, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert run(str(MEITUAN), "--out", "out").exit_code == 0
    shown = CliRunner().invoke(cli, ["show", "meituan-numbered-2", "--cards", "out"])
    assert "草稿：面经原题 + 空骨架" in shown.stdout


def test_build_answers_and_interview_add_take_the_drafted_deck(user):
    assert run(str(MEITUAN)).exit_code == 0
    built = CliRunner().invoke(cli, ["build", "--answers", "--out", "personal"])
    assert built.exit_code == 0, built.output
    assert "interview-srs-personal.apkg" in built.stdout
    from interview_srs.bank.load import load_bank
    from interview_srs.bank.sources import bundled

    bank_cards = len(load_bank(bundled("cards")).cards())
    assert f"{bank_cards + 12} cards" in built.stdout
    added = CliRunner().invoke(cli, ["interview", "add", "美团", "2099-01-01"])
    assert added.exit_code == 0, added.output
    assert "covering 面试::美团::用户运营, 面试::通用::开场与反问." in added.stdout
