"""`srs mock`: seeded question selection, scripted and pseudo-terminal runs, the report, kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pexpect
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.cli import cli
from interview_srs.review.mock_questions import Candidate, choose, kind_of
from interview_srs.review.mock_report import QuestionResult, build_report
from interview_srs.store import lookups
from interview_srs.store.connection import Store

from conftest import REPO, review_log, write_file

NOW = "2025-03-01T10:00:00+00:00"

MOCK_YAML = """\
deck: 面试::测试::模拟
company: 测试公司
tags: [测试公司]
cards:
  - id: intro
    question: 请做个自我介绍。
    outline: [我是谁, 做过什么, 为什么来]
    tags: [自我认知]
  - id: why-us
    question: 为什么选择我们公司？
    outline: [业务, 岗位, 成长]
    tags: [动机]
  - id: prep
    question: 面试流程是怎样的？
    outline: [一面, 二面, HR 面]
    tags: [求职准备]
  - id: challenge
    question: 讲一个你遇到的最大挑战。
    star: {situation: 背景, task: 目标, action: 做法, result: 结果}
    followups:
      - q: 如果重来你会怎么做？
        cue: 讲一条复盘出的改进
    tags: [行为]
  - id: teamwork
    question: 讲一次跨部门协作。
    star: {situation: 背景, task: 目标, action: 做法, result: 结果}
    tags: [行为]
  - id: angry-user
    question: 用户辱骂客服怎么办？
    outline: [保持冷静对事不对人, 拉回问题给出方案, 设定底线留存记录]
    tags: [情景]
  - id: refund
    question: 用户要求退款但不符合规则怎么办？
    outline: [先共情, 讲清规则, 给替代方案]
    tags: [情景]
  - id: retention
    question: 如何提升次日留存？
    outline: [拆解漏斗, 找到流失点, 做实验]
    tags: [业务]
  - id: metric
    question: DAU 下降怎么分析？
    outline: [确认口径, 拆维度, 定位原因]
    tags: [业务]
  - id: ask-back
    question: 反问：你想问面试官什么？
    outline: [团队方向, 岗位期待]
    tags: [反问]
"""


@pytest.fixture
def mock_cards(tmp_path: Path) -> Path:
    folder = tmp_path / "mock-cards"
    write_file(folder / "mock.yaml", MOCK_YAML)
    return folder


def run(cards: Path, home: Path, keys: str, *args: str, seed: int = 7, **env):
    environment = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None,
                   "LC_MESSAGES": None, "EDITOR": None, "VISUAL": None, "SRS_MOCK_SEED": str(seed), **env}
    return CliRunner().invoke(cli, ["mock", "--cards", str(cards), *args], input=keys, env=environment)


# -- selection --------------------------------------------------------------------------------------


def test_kinds_follow_tags_and_questions():
    assert kind_of(("自我认知",), "请做个自我介绍。") == "opener"
    assert kind_of(("动机",), "为什么选择我们公司？") == "opener"
    assert kind_of(("动机",), "为什么没有在之前的实习单位转正？") == "other"
    assert kind_of(("行为",), "讲一个挑战") == "behavioural"
    assert kind_of(("自我认知",), "你的缺点是什么？") == "behavioural"
    assert kind_of(("情景", "业务"), "怎么办？") == "scenario"
    assert kind_of(("业务",), "怎么分析？") == "business"
    assert kind_of(("反问",), "你想问什么？") == "closing"
    assert kind_of((), "反问：岗位期待？") == "closing"
    assert kind_of(("求职准备",), "面试流程？") is None
    assert kind_of(("业务", "求职准备"), "面试前怎么研究产品？") == "business"
    assert kind_of(("通用",), "随便一题") == "other"


KINDS = ("opener", "behavioural", "scenario", "business", "other", "closing")
candidates_strategy = st.lists(
    st.builds(Candidate, card_id=st.text(min_size=1, max_size=6), kind=st.sampled_from(KINDS),
              target_seconds=st.integers(30, 200), recall=st.floats(0, 1), slowness=st.floats(0, 5)),
    max_size=25, unique_by=lambda c: c.card_id,
)


@settings(max_examples=300, deadline=None)
@given(candidates_strategy, st.integers(1, 12), st.integers(0, 2**32))
def test_a_round_has_an_opener_first_a_closing_last_and_no_card_twice(pool, count, seed):
    chosen = choose(pool, count, random.Random(seed))
    ids = [c.card_id for c in chosen]
    closings = sum(c.kind == "closing" for c in pool)
    # every card may be asked, except that a round ends with one 反问 at most
    assert len(ids) == len(set(ids)) == min(count, len(pool) - closings + min(closings, 1))
    if any(c.kind == "opener" for c in pool):
        assert chosen[0].kind == "opener"
    if any(c.kind == "closing" for c in pool) and count >= 2:
        assert chosen[-1].kind == "closing"
    assert all(c.kind != "closing" for c in chosen[:-1])
    if count == 1 and any(c.kind != "closing" for c in pool):
        assert chosen[0].kind != "closing"
    assert choose(pool, count, random.Random(seed)) == chosen  # seeded: repeatable


def test_the_body_mixes_the_kinds_before_repeating_one():
    pool = [Candidate(f"{kind}-{i}", kind, 90, 0.5) for kind in ("behavioural", "scenario", "business") for i in range(4)]
    for seed in range(50):
        body = choose(pool, 3, random.Random(seed))
        assert sorted(c.kind for c in body) == ["behavioural", "business", "scenario"]


def test_low_recall_and_slow_cards_are_drawn_more_often():
    pool = [Candidate("known", "business", 90, 0.98), Candidate("shaky", "business", 90, 0.3),
            Candidate("slow", "business", 90, 0.98, slowness=2.0)]
    counts = Counter(choose(pool, 1, random.Random(seed))[0].card_id for seed in range(3000))
    assert counts["shaky"] > 4 * counts["known"]
    assert counts["slow"] > 4 * counts["known"]


def test_target_times_come_from_the_card_when_it_gives_them():
    from interview_srs.review.mock_questions import target_seconds

    budgeted = {"star": {"situation": ["（约 10 秒）背景"], "task": ["（约 10 秒）目标"],
                         "action": ["（约 60 秒）做法", "取舍"], "result": ["（约 20 秒）结果"]}}
    assert target_seconds("behavioural", budgeted) == 100
    assert target_seconds("opener", {"outline": ["结构"]}, "请用 3–5 分钟做个自我介绍。") == 300
    assert target_seconds("opener", {"outline": ["结构"]}, "请做个自我介绍。") == 90
    assert target_seconds("behavioural", {"star": {"situation": ["背景"]}}) == 150
    assert target_seconds("business", {"outline": ["要点"]}) == 90
    assert target_seconds("closing", {"outline": ["问题"]}, "反问：你想问什么？") == 45


# -- the report -------------------------------------------------------------------------------------


def test_the_report_names_overruns_weak_topics_and_what_to_review():
    results = [
        QuestionResult(1, "intro", "q", "opener", ("自我认知",), 90, 60.0, 4),
        QuestionResult(2, "challenge", "q", "behavioural", ("行为",), 150, 200.0, 3),
        QuestionResult(3, "retention", "q", "business", ("业务",), 90, 50.0, 1, ("2", "3")),
        QuestionResult(4, "metric", "q", "business", ("业务",), 90, 80.0, 2),
    ]
    report = build_report(results, 6)
    assert report["answered"] == 4 and report["planned"] == 6
    assert report["overruns"] == 1 and report["average_rating"] == 2.5
    assert report["weakest_topics"] == [
        {"topic": "业务", "average_rating": 1.5, "questions": 2},
        {"topic": "行为", "average_rating": 3.0, "questions": 1},
    ]
    assert report["review_next"] == ["retention", "metric", "challenge"]


# -- runs -------------------------------------------------------------------------------------------


def mock_rows(home: Path) -> tuple[list[tuple], list[tuple]]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        runs = conn.execute("SELECT scope, seconds, typed, finished_ms IS NOT NULL, report FROM mock_runs").fetchall()
        questions = conn.execute(
            "SELECT position, card_id, kind, target_ms, rating, review_log_id IS NOT NULL, followup, missed "
            "FROM mock_questions ORDER BY position").fetchall()
    finally:
        conn.close()
    return runs, questions


def test_a_scripted_mock_asks_in_order_stores_mock_reviews_and_a_report(mock_cards, home):
    result = run(mock_cards, home, " \n3\n\n2\n \n1\n\n4\n", "--questions", "4", "--deck", "面试::测试")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Mock interview · question 1 of 4 · target 1:30\n" in out
    asked = review_log(home, "card_id, rating, source")
    assert [row[2] for row in asked] == ["mock"] * 4
    assert [row[1] for row in asked] == [3, 2, 1, 4]
    assert asked[0][0] in ("intro", "why-us") and asked[-1][0] == "ask-back"
    assert "prep" not in [row[0] for row in asked]
    runs, questions = mock_rows(home)
    assert runs[0][:4] == ("deck:面试::测试", None, 0, 1)
    assert [q[1] for q in questions] == [row[0] for row in asked]
    assert all(q[4] is not None and q[5] for q in questions)
    report = json.loads(runs[0][4])
    assert report["answered"] == 4 and report["average_rating"] == 2.5
    assert "Mock interview report: 4 of 4 questions\n" in out
    assert "Overruns: 0 · average rating 2.5\n" in out
    with Store.open(home / "store.sqlite3") as store:
        for card_id, _rating, _source in asked:
            assert lookups.state(store, card_id).state != 0  # a normal FSRS review moved the card on


def only(tmp_path: Path, *ids: str) -> Path:
    """A cards folder with just these cards of MOCK_YAML."""
    data = yaml.safe_load(MOCK_YAML)
    data["cards"] = [card for card in data["cards"] if card["id"] in ids]
    folder = tmp_path / "only"
    write_file(folder / "mock.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return folder


def test_the_follow_up_your_answer_and_the_skeleton_are_revealed(tmp_path, home):
    write_file(home / "answers" / "challenge.md", "# 讲一个你遇到的最大挑战。\n\n我在 A 公司带过一次大促。\n")
    result = run(only(tmp_path, "challenge"), home, " \n3\n", "--seconds", "60")
    out = result.output
    assert result.exit_code == 0
    assert "Time 0:00 of 1:00\n\nYour answer\n  我在 A 公司带过一次大促。\n\nS  Situation" in out
    assert "Follow-up\n  如果重来你会怎么做？\n  → 讲一条复盘出的改进\n" in out
    assert "Follow-ups" not in out  # one follow-up is asked, not the card's list


def test_the_same_seed_asks_the_same_questions(mock_cards, tmp_path):
    homes = [tmp_path / "a", tmp_path / "b"]
    for home in homes:
        home.mkdir()
        run(mock_cards, home, " \n3\n" * 5, "--questions", "5", seed=11)
    assert review_log(homes[0], "card_id") == review_log(homes[1], "card_id")


def test_q_stops_early_and_the_report_covers_what_was_answered(mock_cards, home):
    result = run(mock_cards, home, " \n3\nq\n", "--questions", "6")
    assert result.exit_code == 0
    assert "Mock interview report: 1 of 6 questions\n" in result.output
    assert len(review_log(home)) == 1


def test_typed_answers_show_what_they_covered_and_suggest_a_rating(tmp_path, home):
    keys = "我会先保持冷静，对事不对人，\n然后拉回问题，给出解决方案。\n\n3\n"
    result = run(only(tmp_path, "angry-user"), home, keys, "--type")
    assert result.exit_code == 0, result.output
    assert "Type your answer; an empty line ends it (q alone stops).\n" in result.output
    assert (
        "Your typed answer covered\n"
        "  ✓ 1 保持冷静对事不对人\n"
        "  ✓ 2 拉回问题给出方案\n"
        "  ✗ 3 设定底线留存记录\n"
    ) in result.output
    assert "1 Again 2 Hard 3 Good 4 Easy · suggested: 3 Good\n" in result.output
    assert "     missed: 3\n" in result.output
    runs, questions = mock_rows(home)
    assert runs[0][2] == 1 and json.loads(questions[0][7]) == ["3"]
    assert review_log(home, "card_id, rating, source") == [("angry-user", 3, "mock")]


def test_mock_history_shows_in_stats(mock_cards, home):
    run(mock_cards, home, " \n1\n \n2\n", "--questions", "2")
    text = CliRunner().invoke(cli, ["stats", "--cards", str(mock_cards)],
                              env={"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None, "TZ": "UTC"})
    assert "\nMock interviews\n" in text.output
    assert "\n2025-03-01 10:00  all\n  2/2 answered · rating 1.5 · overruns 0 · weakest: " in text.output
    data = json.loads(CliRunner().invoke(cli, ["stats", "--cards", str(mock_cards), "--json"],
                                         env={"SRS_HOME": str(home), "SRS_NOW": NOW}).output)
    (entry,) = data["mock_history"]
    assert (entry["answered"], entry["questions"], entry["finished"], entry["average_rating"]) == (2, 2, True, 1.5)


def test_interview_and_deck_errors(mock_cards, home):
    result = run(mock_cards, home, "", "--interview", "蚂蚁一面")
    assert result.exit_code == 1
    assert result.stderr == ("Error: no interview named '蚂蚁一面' (interviews: none); "
                             "add one with `srs interview add` or use --deck PATTERN\n")
    assert run(mock_cards, home, "", "--interview", "x", "--deck", "y").exit_code == 2
    missing = run(mock_cards, home, "", "--deck", "面试::没有")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: no deck matches '面试::没有'")


def test_an_interview_added_with_srs_interview_is_a_mock_scope(mock_cards, home):
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW}
    added = CliRunner().invoke(cli, ["interview", "add", "测试一面", "2025-03-05", "--deck", "面试::测试*",
                                     "--cards", str(mock_cards)], env=env)
    assert added.exit_code == 0, added.output
    result = run(mock_cards, home, "q\n", "--interview", "测试一面", "--questions", "3")
    assert result.exit_code == 0, result.output
    assert "Mock interview · question 1 of 3" in result.output
    with Store.open(home / "store.sqlite3") as store:
        assert store.conn.execute("SELECT scope FROM mock_runs").fetchall() == [("interview:测试一面",)]
    other = run(mock_cards, home, "", "--interview", "测试二面")
    assert other.stderr == ("Error: no interview named '测试二面' (interviews: 测试一面); "
                            "add one with `srs interview add` or use --deck PATTERN\n")


# -- a real terminal --------------------------------------------------------------------------------


def environment(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "EDITOR", "VISUAL")}
    env.update(SRS_HOME=str(home), SRS_NOW=NOW, TZ="UTC", LANG="en_US.UTF-8", TERM="xterm",
               PYTHONPATH=str(REPO / "src"), SRS_MOCK_SEED="5", **extra)
    return env


def spawn(cards: Path, home: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-m", "interview_srs", "mock", "--cards", str(cards), *args],
                         env=environment(home), encoding="utf-8", timeout=20, dimensions=(50, 100))


@pytest.mark.slow("a real terminal running a timed mock: it waits for the countdown")
@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_a_mock_in_a_real_terminal_counts_down_and_rates_with_single_keys(mock_cards, home):
    child = spawn(mock_cards, home, "--questions", "2", "--seconds", "5")
    child.expect("question 1 of 2 · target 0:05")
    child.expect("0:0[45] left")
    child.expect(r"over")  # the countdown runs past the target
    child.send(" ")
    child.expect("over")
    child.expect("1-4 rate")
    child.send("2")
    child.expect("question 2 of 2")
    child.send("\r")
    child.expect("1-4 rate")
    child.send("4")
    child.expect("Mock interview report: 2 of 2 questions")
    child.expect("Overruns: 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [row[1] for row in review_log(home, "card_id, rating")] == [2, 4]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_typing_an_answer_in_a_real_terminal(mock_cards, home):
    child = spawn(mock_cards, home, "--questions", "1", "--type")
    child.expect("Type your answer")
    child.sendline("我是一名运营实习生，做过拉新活动，想来贵公司成长。")
    child.sendline("")
    child.expect("Your typed answer covered")
    child.expect("suggested")
    child.send("3")
    child.expect("Mock interview report: 1 of 1 questions")
    child.expect(pexpect.EOF)
    assert review_log(home, "rating, source") == [(3, "mock")]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal; SIGKILL is POSIX")
def test_kill_9_mid_mock_loses_no_rating_given(mock_cards, home):
    child = spawn(mock_cards, home, "--questions", "4")
    for _ in range(2):
        child.expect("Space/Enter when you have finished")
        child.send(" ")
        child.expect("1-4 rate")
        child.send("3")
    child.expect("question 3 of 4")  # the next question is on screen: both ratings are committed
    child.send(" ")
    child.expect("1-4 rate")  # revealed, not rated, when the process dies
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert review_log(home, "rating, source") == [(3, "mock"), (3, "mock")]
    runs, questions = mock_rows(home)
    assert runs[0][3] == 0  # not finished
    assert [q[4] for q in questions] == [3, 3, None, None]
    stats = CliRunner().invoke(cli, ["stats", "--cards", str(mock_cards)],
                               env={"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None})
    assert "  all (interrupted)\n  2/4 answered · rating 3.0 · overruns 0 · weakest: none\n" in stats.output
    with Store.open(home / "store.sqlite3") as store:
        assert store.integrity_check() == "ok"


def test_a_chinese_locale_gets_chinese_screens(mock_cards, home):
    result = run(mock_cards, home, " \n3\n", "--questions", "1", LANG="zh_CN.UTF-8")
    assert result.exit_code == 0
    assert "模拟面试 · 第 1/1 题 · 目标用时 1:30\n" in result.output
    assert "请出声作答；答完按空格/回车 · q 结束\n" in result.output
    assert "模拟面试报告：共 1 题，答了 1 题\n" in result.output


def test_decks_without_interview_questions_are_refused(tmp_path, home):
    result = run(only(tmp_path, "prep"), home, "")
    assert result.exit_code == 1
    assert result.stderr == "Error: no interview questions in the chosen decks\n"


def busy_for(monkeypatch, times: int) -> list[int]:
    """Fault injection: the store's answer transaction finds the store busy `times` times."""
    from interview_srs.store import answers
    from interview_srs.store.health import StoreBusy

    original = answers.record_answer
    calls = [0]

    def flaky(store, *args, **kwargs):
        calls[0] += 1
        if calls[0] <= times:
            raise StoreBusy(store.path)
        return original(store, *args, **kwargs)

    monkeypatch.setattr(answers, "record_answer", flaky)
    return calls


def test_a_rating_given_while_the_store_is_busy_is_retried_until_stored(mock_cards, home, monkeypatch):
    calls = busy_for(monkeypatch, 2)
    result = run(mock_cards, home, " \n3\nq\n", "--questions", "2")
    assert result.exit_code == 0, result.output
    assert result.output.count("The store is busy (another program is writing to it); retrying.") == 2
    assert calls[0] == 3 and [row[1] for row in review_log(home)] == [3]
    assert "NOT saved" not in result.output
    first = mock_rows(home)[1][0]
    assert (first[4], first[5]) == (3, 1)  # the report line followed the rating


def test_giving_up_on_a_busy_store_in_a_mock_says_the_rating_was_not_saved(mock_cards, home, monkeypatch):
    busy_for(monkeypatch, 100)
    result = run(mock_cards, home, " \n3\n", "--questions", "2")
    assert result.exit_code == 0, result.output
    assert "was NOT saved: the store stayed busy." in result.output
    assert review_log(home) == []


# -- a real first round: openers from the general deck, {公司} -----------------------------------------

OPENERS_YAML = """\
deck: 面试::通用::开场与反问
cards:
  - id: open-self-intro-1min
    question: 请用一分钟做个自我介绍。
    outline: [我是谁, "为什么是 {公司}"]
    tags: [开场, 自我认知]
  - id: open-why-company
    question: 你为什么选择{公司}？
    outline: ["{公司} 的业务", 岗位连接]
    tags: [开场, 动机]
  - id: open-biggest-weakness
    question: 你最大的缺点是什么？
    outline: [一个真实的缺点, 正在怎么改]
    tags: [开场, 自我认知]
  - id: open-ask-business-round
    question: 业务面最后，你想问什么？
    outline: ["{公司} 团队今年的重点"]
    tags: [反问]
"""


def with_openers(tmp_path: Path, *ids: str) -> Path:
    """`only(...)` of MOCK_YAML plus the general opener deck."""
    folder = only(tmp_path, *ids)
    write_file(folder / "openers.yaml", OPENERS_YAML)
    return folder


def test_a_round_opens_and_closes_with_the_general_deck_when_its_decks_lack_openers(tmp_path, home):
    cards = with_openers(tmp_path, "challenge", "angry-user", "retention")
    result = run(cards, home, " \n3\n" * 4, "--questions", "4", "--deck", "面试::测试")
    assert result.exit_code == 0, result.output
    asked = [row[0] for row in review_log(home, "card_id")]
    assert asked[0] in ("open-self-intro-1min", "open-why-company") and asked[-1] == "open-ask-business-round"
    assert set(asked[1:3]) <= {"challenge", "angry-user", "retention"}
    assert "open-biggest-weakness" not in asked  # only self-introductions and why-us open a round
    first = result.output.split("question 2 of 4")[0]
    assert "\nThe opener and 反问 come from the general deck 面试::通用::开场与反问.\n" in first
    assert "general deck" not in result.output.split("question 2 of 4")[1]  # said on the first screen
    assert "{公司}" not in result.output and "测试公司" in result.output  # the chosen decks' company


def test_a_round_with_its_own_openers_takes_none_from_the_general_deck(tmp_path, home):
    cards = with_openers(tmp_path, "intro", "challenge", "ask-back")
    result = run(cards, home, " \n3\n" * 3, "--questions", "3", "--deck", "面试::测试")
    assert [row[0] for row in review_log(home, "card_id")] == ["intro", "challenge", "ask-back"]
    assert "general deck" not in result.output


def test_an_interviews_mock_names_its_company_and_the_opener_deck_joins_interviews(tmp_path, home):
    cards = with_openers(tmp_path, "challenge", "retention")
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW}
    added = CliRunner().invoke(cli, ["interview", "add", "测试", "2025-03-05", "--cards", str(cards)], env=env)
    assert added.output == ("Added interview 测试 on 2025-03-05 09:00 covering 面试::测试::模拟, "
                            "面试::通用::开场与反问.\n")
    without = CliRunner().invoke(cli, ["interview", "add", "测试二", "2025-03-06", "--deck", "面试::测试::模拟",
                                       "--no-openers", "--cards", str(cards)], env=env)
    assert without.output.endswith("covering 面试::测试::模拟.\n")
    result = run(cards, home, " \n3\n" * 3, "--interview", "测试", "--questions", "3", seed=3)
    assert result.exit_code == 0, result.output
    assert "general deck" not in result.output  # the interview's decks include the opener deck
    assert "{公司}" not in result.output and ("选择测试公司" in result.output or "为什么是 测试公司" in result.output)


# -- the answer screen: paged, `w` --------------------------------------------------------------------


def tall(folder: Path) -> Path:
    items = "".join(f"      - 第 {i} 个要点：先讲结论，再讲数据。\n" for i in range(1, 31))
    write_file(folder / "tall.yaml", "deck: 面试::长卡\ncards:\n  - id: tall-card\n    question: "
               f"一道答案很长的题？\n    outline:\n{items}    tags: [业务]\n")
    return folder


def last_screen(child: pexpect.spawn) -> str:
    import re

    screen = child.logfile_read.getvalue().rsplit("\x1b[H\x1b[2J", 1)[-1]
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", screen)


def test_the_answer_side_is_paged_at_60_by_20_and_w_edits_your_answer(tmp_path, home):
    import io

    from wcwidth import wcswidth

    editor = write_file(tmp_path / "editor.sh", '#!/bin/sh\nfor last; do :; done\nprintf "我准备好的答案。\\n" > "$last"\n')
    editor.chmod(0o755)
    child = pexpect.spawn(sys.executable, ["-m", "interview_srs", "mock", "--cards", str(tall(tmp_path / "cards")),
                                           "--questions", "1"],
                          env=environment(home, EDITOR=str(editor)), encoding="utf-8", timeout=20, dimensions=(20, 60))
    child.logfile_read = io.StringIO()
    child.expect("一道答案很长的题")
    child.send(" ")
    child.expect(r"lines 1–(\d+) of (\d+)")
    room = int(child.match.group(1))
    child.expect("q stop")
    child.send("j")
    child.expect(f"lines 2–{room + 1} of")
    child.expect("q stop")
    lines = last_screen(child).rstrip("\n").split("\n")
    assert len(lines) <= 19  # nothing scrolled off the top: the progress line stays
    assert lines[0].startswith("Mock interview · question 1 of 1")
    assert all(wcswidth(line) <= 59 for line in lines)  # the key lines fit, nothing wraps
    assert "1-4 rate · w my answer · q stop" in "\n".join(lines)
    child.send("w")
    child.expect("q stop")
    child.send("k")  # back to the top of the body: your answer is right under the time
    child.expect("lines 1–")
    child.expect("q stop")
    assert "我准备好的答案。" in last_screen(child)
    child.send("3")
    child.expect("Mock interview report: 1 of 1 questions")
    child.expect(pexpect.EOF)
    assert review_log(home, "card_id, rating") == [("tall-card", 3)]
    assert "我准备好的答案。" in (home / "answers" / "tall-card.md").read_text("utf-8")


def test_w_without_an_editor_says_where_the_answer_file_is(tmp_path, home):
    result = run(only(tmp_path, "retention"), home, " \nw\nx\nx\n3\n", "--questions", "1")
    assert result.exit_code == 0, result.output
    assert "Set $EDITOR to write your answer; the file is\n" in result.output
    assert result.output.count("Press 1, 2, 3 or 4 to rate.") == 1  # a hint, not one per key
    assert review_log(home, "card_id, rating") == [("retention", 3)]
