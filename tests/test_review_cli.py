"""`srs review` and `srs stats` through click's CliRunner: scripted sessions, one key per line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.cli import cli
from interview_srs.store import lookups
from interview_srs.store.connection import Store

from conftest import ANT_YAML, review_log, write_file

DAY1 = "2025-03-01T10:00:00+00:00"
DAY2 = "2025-03-02T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _utc(utc):
    """Every test here runs with the machine's clock on UTC (see conftest.utc)."""


def run(cards_dir: Path, home: Path, keys: str, *args: str, now: str = DAY1, **env):
    environment = {"SRS_HOME": str(home), "SRS_NOW": now, "LANG": "en_US.UTF-8", "LC_ALL": None,
                   "LC_MESSAGES": None, "EDITOR": None, "VISUAL": None, **env}
    return CliRunner().invoke(
        cli, ["review", "--cards", str(cards_dir), *args], input=keys, env=environment
    )


def test_a_scripted_session_shows_the_card_rates_it_and_prints_a_summary(cards_dir, home):
    result = run(cards_dir, home, "\n3\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "面试::蚂蚁集团::用户运营\nCompany: 蚂蚁集团 · Role: 用户运营 · Tags: 蚂蚁集团, 用户运营, 行为\n" in out
    assert "due 0 · learning 0 · new 3\n\n在实习期间遇到的最大挑战是什么？\n" in out
    assert "S  Situation\n  公司、角色、时间点\n" in out
    assert "A  Action\n  • 用数据定位问题\n  • 推动协作\n" in out
    assert "1 Again <1m   2 Hard <5.5m   3 Good <10m   4 Easy " in out
    assert out.rstrip().endswith(
        "Session summary\n"
        "Reviews: 1 in 0:00 (0:00 per answer).\n"
        "Ratings: Again 0 · Hard 0 · Good 1 · Easy 0\n"
        "Left today: due 0 · learning 1 · new 2.\n"  # the learning card is due again in 10 minutes
        "Tomorrow's plan: 0 to review, 2 new.\n"
        "New cards not seen yet: 2 (study more today with `srs review --new N`)."
    )
    assert review_log(home) == [("ant-biggest-challenge", 3, 0, 1)]


def test_learning_steps_play_out_within_the_session(cards_dir, home):
    # three new cards rated Good once (step 1, due in 10 min), then Good again (graduate)
    result = run(cards_dir, home, "\n3\n" * 6 + "\n3\n")
    assert result.exit_code == 0, result.output
    assert [row[0] for row in review_log(home)] == [
        "ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user",
        "ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user",
    ]
    assert [row[3] for row in review_log(home)] == [1, 1, 1, 2, 2, 2]
    assert "Congratulations! You have finished for now." in result.output


def test_due_cards_come_before_new_ones_the_next_day(cards_dir, home):
    run(cards_dir, home, "\n4\nq\n")  # ant-biggest-challenge: Easy -> review in days
    result = run(cards_dir, home, "q\n", now="2025-04-01T10:00:00+00:00")
    first_question = result.output.split("\n\n")[1]
    assert "due 1 · learning 0 · new 2" in result.output
    assert "在实习期间遇到的最大挑战是什么？" in result.output.split("Space show")[0]
    assert first_question


def test_undo_restores_the_previous_card_and_state(cards_dir, home):
    result = run(cards_dir, home, "\n3\n\n1\nu\n\n4\nq\n")
    assert result.exit_code == 0, result.output
    assert "Undid your answer to “为什么关注 MOB1-3 卡的平均消费？”." in result.output
    assert review_log(home) == [("ant-biggest-challenge", 3, 0, 1), ("ant-mob1-3", 4, 0, 2)]
    assert "Ratings: Again 0 · Hard 0 · Good 1 · Easy 1" in result.output


def test_bury_skips_the_card_until_tomorrow_and_undo_unburies(cards_dir, home):
    result = run(cards_dir, home, "s\nq\n")
    assert "Buried “在实习期间遇到的最大挑战是什么？” until tomorrow." in result.output
    with Store.open(home / "store.sqlite3") as store:
        assert lookups.card(store, "ant-biggest-challenge").buried_until is not None
    result = run(cards_dir, home, "s\nu\nq\n")
    assert "Unburied “为什么关注 MOB1-3 卡的平均消费？”." in result.output
    with Store.open(home / "store.sqlite3") as store:
        assert lookups.card(store, "ant-mob1-3").buried_until is None
    result = run(cards_dir, home, "q\n", now=DAY2)
    assert "在实习期间遇到的最大挑战是什么？" in result.output


def test_new_limit_deck_and_tag_options(cards_dir, home):
    result = run(cards_dir, home, "\n4\n\n4\n", "--new", "1")
    assert [r[0] for r in review_log(home)] == ["ant-biggest-challenge"]
    assert "Nothing to review" not in result.output and "Congratulations" in result.output
    result = run(cards_dir, home, "\n4\nq\n", "--deck", "*小红书*")
    assert review_log(home)[-1][0] == "xhs-abusive-user"
    result = run(cards_dir, home, "q\n", "--tag", "业务", "--new", "5")
    assert "为什么关注 MOB1-3 卡的平均消费？" in result.output
    result = run(cards_dir, home, "\n4\n\n4\n", "--limit", "1", "--new", "9")
    assert len(review_log(home)) == 3
    assert "Congratulations" in result.output


def test_nothing_to_review(cards_dir, home):
    result = run(cards_dir, home, "", "--new", "0")
    assert result.exit_code == 0
    assert result.output.startswith("\nNothing to review right now.\n")


def test_chinese_locale_uses_chinese_labels(cards_dir, home):
    result = run(cards_dir, home, "\n3\nq\n", LANG="zh_CN.UTF-8")
    assert "1 重来 <1m   2 困难 <5.5m   3 良好 <10m   4 简单 " in result.output
    assert "S  情境" in result.output and "本次复习小结" in result.output


def test_edit_opens_the_editor_at_the_card_line_and_shows_the_new_text(cards_dir, home, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "line, path = sys.argv[1], pathlib.Path(sys.argv[2])\n"
        "pathlib.Path(sys.argv[0]).with_suffix('.args').write_text(line + ' ' + str(path))\n"
        "path.write_text(path.read_text('utf-8').replace('最大挑战', '最难的挑战'), 'utf-8')\n",
        "utf-8",
    )
    editor = f"{sys.executable} {script}"
    result = run(cards_dir, home, "e\nq\n", EDITOR=editor)
    assert result.exit_code == 0, result.output
    assert script.with_suffix(".args").read_text() == f"+7 {(cards_dir / 'ant.yaml').resolve()}"
    assert "在实习期间遇到的最难的挑战是什么？" in result.output


def test_edit_without_an_editor_says_where_the_card_is(cards_dir, home):
    result = run(cards_dir, home, "e\nq\n")
    assert f"Set $EDITOR to edit cards; this card is at {(cards_dir / 'ant.yaml').resolve()}:7." in result.output


def test_edit_remove_restore_between_sessions_keeps_history(cards_dir, home):
    run(cards_dir, home, "\n4\nq\n")
    path = cards_dir / "ant.yaml"
    path.write_text(ANT_YAML.replace("最大挑战", "最难的挑战"), "utf-8")
    result = run(cards_dir, home, "q\n", now="2025-05-01T10:00:00+00:00")
    assert "在实习期间遇到的最难的挑战是什么？" in result.output
    assert "due 1 · learning 0 · new 2" in result.output
    path.write_text(ANT_YAML[: ANT_YAML.index("  - id: ant-biggest-challenge")] + ANT_YAML[ANT_YAML.index("  - id: ant-mob1-3"):], "utf-8")
    result = run(cards_dir, home, "q\n", now="2025-05-01T10:00:00+00:00")
    assert "due 0 · learning 0 · new 2" in result.output
    write_file(path, ANT_YAML)
    result = run(cards_dir, home, "q\n", now="2025-05-01T10:00:00+00:00")
    assert "due 1 · learning 0 · new 2" in result.output
    assert review_log(home) == [("ant-biggest-challenge", 4, 0, 2)]


def test_bad_cards_are_listed_and_exit_1(cards_dir, home):
    write_file(cards_dir / "bad.yaml", "deck: 面试::坏\ncards:\n  - id: Bad Id\n    question: q\n    outline: [a]\n")
    result = run(cards_dir, home, "q\n")
    assert result.exit_code == 1
    assert "card Bad Id: id: 'Bad Id' is not a valid id" in result.output
    assert "Traceback" not in result.output


def test_a_bad_config_is_a_clear_error(cards_dir, home):
    (home / "config.toml").write_text("desired_retention = 2\n", "utf-8")
    result = run(cards_dir, home, "q\n")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {home / 'config.toml'}:1: desired_retention: must be a number from 0.7 to 0.99 (got 2)\n"
    )


def test_a_bad_clock_is_a_clear_error(cards_dir, home):
    result = run(cards_dir, home, "q\n", now="yesterday")
    assert result.exit_code == 1
    assert result.output == (
        "Error: SRS_NOW='yesterday' is not an ISO 8601 time (e.g. 2025-03-01T09:00:00+08:00)\n"
    )


def test_an_unknown_deck_is_a_clear_error(cards_dir, home):
    result = run(cards_dir, home, "q\n", "--deck", "面试::字节")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no deck matches '面试::字节' (decks: 面试::小红书::客服, 面试::蚂蚁集团::用户运营)\n"
    )


def test_the_store_option_overrides_srs_home(cards_dir, home, tmp_path):
    store = tmp_path / "elsewhere" / "mine.sqlite3"
    result = run(cards_dir, home, "\n3\nq\n", "--store", str(store))
    assert result.exit_code == 0
    assert store.exists() and not (home / "store.sqlite3").exists()


# -- stats --------------------------------------------------------------------------------------


def stats(cards_dir: Path, home: Path, *args: str, now: str = DAY1):
    environment = {"SRS_HOME": str(home), "SRS_NOW": now, "LANG": "en_US.UTF-8", "LC_ALL": None}
    return CliRunner().invoke(cli, ["stats", "--cards", str(cards_dir), *args], env=environment)


def test_stats_text_and_json(cards_dir, home):
    run(cards_dir, home, "\n4\n\n1\nq\n")
    result = stats(cards_dir, home)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Statistics for 2025-03-01 (study days start at 4:00)"
    assert lines[2].split() == ["Deck", "New", "Learn", "Review", "Relearn", "Susp", "Buried", "Due", "Retention"]
    assert lines[3].split() == ["小红书::客服", "1", "0", "0", "0", "0", "0", "0", "-/90%"]
    assert lines[4].split() == ["蚂蚁集团::用户运营", "0", "1", "1", "0", "0", "0", "1", "-/90%"]
    assert lines[5].split() == ["Total", "1", "1", "1", "0", "0", "0", "1", "-/90%"]
    data = json.loads(stats(cards_dir, home, "--json").output)
    assert data["total"]["learning"] == 1 and data["total"]["due_today"] == 1
    assert [c["id"] for c in data["cards"]] == ["xhs-abusive-user", "ant-biggest-challenge", "ant-mob1-3"]
    assert data["cards"][2]["state"] == "learning" and data["cards"][2]["step"] == 0
    assert sum(d["due"] for d in data["forecast"]) == 2
    assert data["reviews_per_day"][-1] == {"date": "2025-03-01", "reviews": 2}
    [timed] = data["answer_times"]["decks"]  # answered at once by the test: well under a second each
    assert timed["deck"] == "面试::蚂蚁集团::用户运营" and timed["answers"] == 2 and 0 <= timed["mean_seconds"] < 1
    # both answered cards; their order follows the milliseconds each answer really took (ordering
    # against the targets with fixed durations: tests/test_stats.py)
    assert sorted(c["id"] for c in data["answer_times"]["slowest"]) == ["ant-biggest-challenge", "ant-mob1-3"]
    assert lines[-5:-3] == ["Average answer time (last 30 days)", "  面试::蚂蚁集团::用户运营  0:00  (2)"]
    deck_only = json.loads(stats(cards_dir, home, "--json", "--deck", "面试::小红书").output)
    assert [d["deck"] for d in deck_only["decks"]] == ["面试::小红书::客服"]


def test_stats_never_creates_a_store(cards_dir, tmp_path):
    home = tmp_path / "nothing-here"
    result = stats(cards_dir, home)
    assert result.exit_code == 0
    assert result.output == f"No reviews yet (no store at {home / 'store.sqlite3'}). Start with `srs review`.\n"
    assert json.loads(stats(cards_dir, home, "--json").output) == {"format": 1, "store": None}
    assert not home.exists()


def test_suspend_keeps_the_card_out_and_undo_says_it_unsuspended(cards_dir, home):
    result = run(cards_dir, home, "!\nq\n")
    assert (
        "Suspended “在实习期间遇到的最大挑战是什么？”: it stays out of reviews until "
        "`srs unsuspend ant-biggest-challenge`." in result.output
    )
    with Store.open(home / "store.sqlite3") as store:
        assert lookups.card(store, "ant-biggest-challenge").suspended
    result = run(cards_dir, home, "!\nu\nq\n")  # suspends ant-mob1-3, then undoes it
    assert "Unsuspended “为什么关注 MOB1-3 卡的平均消费？”." in result.output
    with Store.open(home / "store.sqlite3") as store:
        assert not lookups.card(store, "ant-mob1-3").suspended


def test_rating_before_revealing_shows_one_hint_however_often(cards_dir, home):
    result = run(cards_dir, home, "3\n3\n4\nu\nu\n\n3\nq\n")
    assert result.output.count("Show the answer first (Space or Enter), then rate 1–4.") == 1
    assert result.output.count("Nothing to undo.") == 1
    assert review_log(home) == [("ant-biggest-challenge", 3, 0, 1)]


def test_when_nothing_is_left_the_summary_says_when_the_next_card_is_due(cards_dir, home):
    result = run(cards_dir, home, "\n4\n", "--new", "1")  # Easy: due in days; --new 1 is used up
    with Store.open(home / "store.sqlite3") as store:
        due = lookups.state(store, "ant-biggest-challenge").due
    days = (due - datetime.fromisoformat(DAY1)).days
    assert result.output.rstrip().endswith(
        f"Nothing is due now; the next card is due {due:%Y-%m-%d %H:%M} (in {days}d).\n"
        "Tomorrow's plan: 0 to review, 2 new.\n"  # the usual limit, not today's --new 1
        "New cards not seen yet: 2 (study more today with `srs review --new N`)."
    )


def test_a_deck_can_have_its_own_new_card_limit(cards_dir, home):
    (home / "config.toml").write_text('fuzz = false\n[deck."面试::蚂蚁集团"]\nnew_per_day = 1\n', "utf-8")
    run(cards_dir, home, "\n3\n\n3\nq\n")
    assert [row[0] for row in review_log(home)] == ["ant-biggest-challenge", "xhs-abusive-user"]


def test_a_leech_suggests_reworking_your_own_answer(cards_dir, home):
    (home / "config.toml").write_text("fuzz = false\nleech_threshold = 1\n", "utf-8")
    run(cards_dir, home, "\n4\nq\n")  # Easy: a review card
    result = run(cards_dir, home, "\n1\n\nq\n", "--new", "0", now="2025-05-01T10:00:00+00:00")  # forgotten
    leech = "\nLeech: forgotten 1 times. Rework your own answer: srs answer\nant-biggest-challenge\n"  # 80 columns
    assert result.output.count(leech) == 1  # on the second showing, after the lapse
    assert result.output.index(leech) > result.output.index("1 Again")


def test_stats_at_a_time_and_its_errors(cards_dir, home):
    run(cards_dir, home, " \n4\nq\n")
    result = stats(cards_dir, home, "--at", "2025-03-11T10:00")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Predicted recall at 2025-03-11 10:00"
    assert lines[3].split() == ["小红书::客服", "1", "1", "0%", "0%", "1"]
    name, cards, never, mean, lowest, below = lines[4].split()
    assert (name, cards, never, lowest, below) == ("蚂蚁集团::用户运营", "2", "1", "0%", "2")
    assert lines[5:7] == ["", "Weakest cards"]
    recall, question = lines[7].split()
    assert question == "在实习期间遇到的最大挑战是什么？"  # ant-biggest-challenge, by its question
    assert float(mean[:-1]) == pytest.approx(float(recall[:-1]) / 2, abs=0.51)  # the new card counts 0 (whole %)
    data = json.loads(stats(cards_dir, home, "--at", "2025-03-11", "--json").output)
    assert data["at"] == "2025-03-11T09:00:00+00:00"
    assert [d["deck"] for d in data["decks"]] == ["面试::小红书::客服", "面试::蚂蚁集团::用户运营"]
    assert [c["id"] for c in data["weakest"]] == ["ant-biggest-challenge"]
    result = stats(cards_dir, home, "--at", "next week")
    assert (result.exit_code, result.output) == (
        1, "Error: --at must be DATE or DATETHH:MM, e.g. 2026-12-03T14:00 (got 'next week')\n"
    )


def test_the_study_day_follows_the_offset_in_srs_now(cards_dir, home):
    # 10:00 in Beijing is 02:00 UTC: the machine is on UTC, the study day is Beijing's
    run(cards_dir, home, "q\n")  # a store to report on (stats never creates one)
    result = stats(cards_dir, home, now="2025-03-01T10:00:00+08:00")
    assert result.output.splitlines()[0] == "Statistics for 2025-03-01 (study days start at 4:00)"
    (home / "config.toml").write_text('timezone = "America/New_York"\n', "utf-8")
    result = stats(cards_dir, home, now="2025-03-01T10:00:00+08:00")
    assert result.output.splitlines()[0] == "Statistics for 2025-02-28 (study days start at 4:00)"


def test_your_answer_and_the_follow_ups_are_on_the_answer_side(cards_dir, home):
    text = (cards_dir / "ant.yaml").read_text("utf-8").replace(
        "    tags: [业务]\n",
        "    tags: [业务]\n    followups:\n      - q: 口径怎么定？\n        cue: 按开卡月份对齐\n",
    )
    (cards_dir / "ant.yaml").write_text(text, "utf-8")
    write_file(home / "answers" / "ant-mob1-3.md", "# 为什么关注 MOB1-3 卡的平均消费？\n\n## 口径\n- 开卡后前三个月\n[[增长]]\n")
    write_file(home / "stories" / "增长.md", "在 **A 公司** 做过首刷激励。\n")
    result = run(cards_dir, home, "s\n\n1\nq\n", LC_ALL="zh_CN.UTF-8")
    assert result.exit_code == 0, result.output
    assert (
        "\n我的答案\n  口径\n  • 开卡后前三个月\n  在 **A 公司** 做过首刷激励。\n\n答题要点\n" in result.output
    )
    assert "\n追问\n  • 口径怎么定？\n    → 按开卡月份对齐\n" in result.output


def test_a_card_without_your_answer_says_how_to_add_one(cards_dir, home):
    result = run(cards_dir, home, "\nq\n")
    assert "\nYour answer\n  No answer of yours yet: press w (or run `srs answer ant-biggest-challenge`)\n  to write one.\n\nAssesses\n" in result.output


def test_w_without_an_editor_says_where_the_answer_file_is(cards_dir, home):
    result = run(cards_dir, home, "w\nq\n")
    path = home / "answers" / "ant-biggest-challenge.md"
    assert f"Set $EDITOR to write your answer; the file is {path}.\n" in result.output
    assert path.read_text("utf-8").startswith("# 在实习期间遇到的最大挑战是什么？\n")
    assert "\nYour answer\n  No answer of yours yet" in result.output  # the pre-fill alone is not an answer
