"""`srs search`, `srs show`, `srs suspend` / `srs unsuspend` through CliRunner: exact output."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.cli import cli
from interview_srs.store import lookups
from interview_srs.store.connection import Store

NOW = "2025-03-01T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _utc(utc):
    """Every test here runs with the machine's clock on UTC (see conftest.utc)."""


def srs(cards_dir: Path, home: Path, *args: str, keys: str | None = None, now: str = NOW):
    env = {"SRS_HOME": str(home), "SRS_NOW": now, "LANG": "en_US.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
    command, *rest = args
    return CliRunner().invoke(cli, [command, "--cards", str(cards_dir), *rest], env=env, input=keys)


def test_search_matches_question_back_and_tags_by_any_substring(cards_dir, home):
    result = srs(cards_dir, home, "search", "数据")  # in ant-biggest-challenge's STAR action only
    assert result.exit_code == 0
    # the question is cut so the line fits 80 columns
    assert result.output == "1 card match “数据”:\n  ant-biggest-challenge  面试::蚂蚁集团::用户运营  在实习期间遇到的最大挑战是什…\n"
    tags = srs(cards_dir, home, "search", "情景").output  # a tag
    assert tags.splitlines()[1].split()[0] == "xhs-abusive-user"
    assert srs(cards_dir, home, "search", "MOB").output.startswith("1 card match “MOB”:\n  ant-mob1-3 ")
    assert srs(cards_dir, home, "search", "没有这个").output == "No card matches “没有这个”.\n"


PLACEHOLDER_YAML = """\
deck: {deck}
{company}cards:
  - id: {id}
    question: 你为什么选择{{公司}}？
    outline: [先讲业务, 再讲自己]
"""


def test_search_names_the_company_where_a_question_says_it_as_show_does(cards_dir, home):
    (cards_dir / "open.yaml").write_text(
        PLACEHOLDER_YAML.format(deck="面试::通用::开场与反问", company="", id="open-why"), "utf-8")
    (cards_dir / "ks.yaml").write_text(
        PLACEHOLDER_YAML.format(deck="面试::快手::营销服务", company="company: 快手\n", id="ks-why"), "utf-8")
    result = srs(cards_dir, home, "search", "为什么选择")
    assert result.exit_code == 0
    assert result.output == (
        "2 cards match “为什么选择”:\n"
        "  ks-why    面试::快手::营销服务    你为什么选择快手？\n"
        "  open-why  面试::通用::开场与反问  你为什么选择贵公司？\n"
    )
    assert "你为什么选择快手？" in srs(cards_dir, home, "show", "ks-why").output  # what show says


def test_show_prints_the_card_its_state_recall_and_history(cards_dir, home):
    srs(cards_dir, home, "review", keys="\n", now=NOW)  # shown, not answered
    fresh = srs(cards_dir, home, "show", "ant-mob1-3")
    assert fresh.exit_code == 0
    assert fresh.output.endswith("\nState: new (never answered)\nHistory: no answers yet.\n")
    assert "为什么关注 MOB1-3 卡的平均消费？\n\nOutline\n  1. MOB 指开卡后第几个月\n" in fresh.output
    (home / "config.toml").write_text("fuzz = false\n", "utf-8")
    srs(cards_dir, home, "review", keys="\n4\n", now=NOW)  # ant-biggest-challenge: Easy
    with Store.open(home / "store.sqlite3") as store:
        state = lookups.state(store, "ant-biggest-challenge")
    later = "2025-03-04T10:00:00+00:00"
    result = srs(cards_dir, home, "show", "ant-biggest-challenge", now=later)
    tail = result.output.splitlines()[-4:]
    assert result.output.splitlines()[-5:-3] == [
        f"State: review · due {state.due:%Y-%m-%d %H:%M} · lapses 0",
        f"Memory: stability {state.stability:.1f} d · difficulty {state.difficulty:.1f}",
    ]
    from interview_srs.schedule.readiness import recall_at

    moment = datetime.fromisoformat(later)
    assert tail[1] == f"Predicted recall now: {recall_at(state, moment) * 100:.0f}% (target 90%)"
    # the deck's own FSRS parameters (here a much steeper forgetting curve) are the ones used
    from fsrs.scheduler import DEFAULT_PARAMETERS

    steep = list(DEFAULT_PARAMETERS[:20]) + [0.8]
    (home / "config.toml").write_text(f'fuzz = false\n[deck."面试::蚂蚁集团"]\nparameters = {steep}\n', "utf-8")
    steep_line = srs(cards_dir, home, "show", "ant-biggest-challenge", now=later).output.splitlines()[-3]
    assert steep_line == f"Predicted recall now: {recall_at(state, moment, steep) * 100:.0f}% (target 90%)"
    assert recall_at(state, moment, steep) != recall_at(state, moment)
    assert tail[2] == "History (1 answer):"
    days = (state.due - state.last_review).days
    assert tail[3] == f"  2025-03-01 10:00  Easy     0s  new → review, next in {days}d"


def test_show_an_unknown_id_is_an_error(cards_dir, home):
    result = srs(cards_dir, home, "show", "nope")
    assert result.exit_code == 1
    assert result.output == "Error: no card with id 'nope' in the store\n"


@pytest.mark.parametrize("column", ["due_ms", "stability", "difficulty"])
def test_show_refuses_an_answered_card_without_its_due_time_or_memory(cards_dir, home, column):
    """A hand edit or damage that empties one of them: the unreadable-value line, not a traceback."""
    import sqlite3

    (home / "config.toml").write_text("fuzz = false\n", "utf-8")
    srs(cards_dir, home, "review", keys="\n4\n")  # ant-biggest-challenge: Easy
    path = home / "store.sqlite3"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(f"UPDATE cards SET {column} = NULL WHERE id = 'ant-biggest-challenge'")
    connection.close()
    result = srs(cards_dir, home, "show", "ant-biggest-challenge")
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: cannot read a value in the store {path} (ValueError: card ant-biggest-challenge in state 2 "
        "lacks its due time, stability or difficulty); nothing was written to it and the rest of your history "
        "is kept. If you edited the store by hand, undo that edit; otherwise please report this message\n"
    )


def test_suspend_list_and_unsuspend(cards_dir, home):
    assert srs(cards_dir, home, "suspend", "--list").output == "No suspended cards.\n"
    result = srs(cards_dir, home, "suspend", "ant-mob1-3", "xhs-abusive-user")
    assert result.exit_code == 0
    assert result.output == (
        "Suspended “为什么关注 MOB1-3 卡的平均消费？” (ant-mob1-3).\n"
        "Suspended “用户私信辱骂客服，你怎么办？” (xhs-abusive-user).\n"
    )
    assert srs(cards_dir, home, "suspend", "--list").output == (
        "ant-mob1-3        为什么关注 MOB1-3 卡的平均消费？\n"
        "xhs-abusive-user  用户私信辱骂客服，你怎么办？\n"
    )
    review = srs(cards_dir, home, "review", keys="\n3\nq\n")
    assert "due 0 · learning 0 · new 1" in review.output  # the suspended two stay out
    bad = srs(cards_dir, home, "unsuspend", "ant-mob1-3", "nope")
    assert bad.exit_code == 1
    assert bad.output == "Error: no card with id 'nope' (find ids with `srs search TEXT`); nothing was changed\n"
    assert srs(cards_dir, home, "unsuspend", "ant-mob1-3").output == "Unsuspended “为什么关注 MOB1-3 卡的平均消费？” (ant-mob1-3).\n"
    assert srs(cards_dir, home, "suspend", "--list").output == "xhs-abusive-user  用户私信辱骂客服，你怎么办？\n"
    usage = srs(cards_dir, home, "suspend")
    assert usage.exit_code == 2 and "Error: give the ids of the cards to suspend, --deck PATTERN, or --list" in usage.output


def test_every_deck_option_takes_a_glob_or_a_word_in_the_deck_path_or_company(cards_dir, home):
    from interview_srs.store.home import decks_matching

    decks = ["面试::快手::营销服务", "面试::小红书::客服", "面试::通用::开场与反问"]
    companies = {"面试::快手::营销服务": "快手", "面试::小红书::客服": "Xiaohongshu Inc"}
    assert decks_matching(decks, "快手") == ("面试::快手::营销服务",)  # a word in the path
    assert decks_matching(decks, "xiaohongshu", companies) == ("面试::小红书::客服",)  # in the company
    assert decks_matching(decks, "面试::快手") == ("面试::快手::营销服务",)  # a path: its subdecks
    assert decks_matching(decks, "面试::快") == ()  # a path is not a word: whole levels only
    assert decks_matching(decks, "*客服") == ("面试::小红书::客服",)
    assert decks_matching(decks, "营销") == ("面试::快手::营销服务",)
    review = srs(cards_dir, home, "review", "--deck", "小红书", keys="q\n")
    assert review.exit_code == 0 and "用户私信辱骂客服" in review.output
    by_company = srs(cards_dir, home, "stats", "--deck", "蚂蚁集团")
    assert by_company.exit_code == 0 and "小红书" not in by_company.output


def test_suspend_and_unsuspend_a_whole_deck(cards_dir, home):
    result = srs(cards_dir, home, "suspend", "--deck", "蚂蚁")
    assert result.exit_code == 0, result.output
    assert result.output == "Suspended 2 cards in 面试::蚂蚁集团::用户运营.\n"
    assert [line.split()[0] for line in srs(cards_dir, home, "suspend", "--list").output.splitlines()] == [
        "ant-biggest-challenge", "ant-mob1-3"]
    review = srs(cards_dir, home, "review", keys="q\n")
    assert "due 0 · learning 0 · new 1" in review.output
    both = srs(cards_dir, home, "unsuspend", "ant-mob1-3", "--deck", "面试::蚂蚁集团")
    assert both.output == ("Unsuspended “为什么关注 MOB1-3 卡的平均消费？” (ant-mob1-3).\n"
                           "Unsuspended 1 card in 面试::蚂蚁集团::用户运营.\n")
    assert srs(cards_dir, home, "suspend", "--list").output == "No suspended cards.\n"
    missing = srs(cards_dir, home, "suspend", "--deck", "没有")
    assert missing.exit_code == 1 and missing.output.startswith("Error: no deck matches '没有'")
    assert srs(cards_dir, home, "unsuspend").exit_code == 2
