"""Statistics: counts by state, due forecast, review history, true retention, retrievability."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import Schedulers, StudyDay
from interview_srs.commands.stats import day_chart, indented_json, render_text, stats_json
from interview_srs.review.stats import collect
from interview_srs.bank.sources import CardSources
from interview_srs.store import answers, lookups
from interview_srs.store.home import sync_cards
from interview_srs.store.rows import CardFilter
from interview_srs.store.connection import Store
from interview_srs.terminal.texts import EN

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)
DAY = StudyDay(4, timezone.utc)
CONFIG = Config(fuzz=False)


def retrievability(scheduler: fsrs.Scheduler, state, at: datetime) -> float:
    """fsrs's forgetting curve with the elapsed time in fractional days (as readiness.py counts
    it; fsrs's own get_card_retrievability counts whole days)."""
    days = (at - state.last_review).total_seconds() / 86400
    return (1 + scheduler._FACTOR * days / state.stability) ** scheduler._DECAY


@pytest.fixture
def store(tmp_path, cards_dir):
    with Store.open(tmp_path / "s.sqlite3") as opened:
        sync_cards(opened, CardSources((cards_dir,), "given"), T0)
        yield opened


def rate(store: Store, card_id: str, rating: int, at: datetime):
    schedulers = Schedulers(CONFIG)
    deck = lookups.card(store, card_id).deck
    return answers.record_answer(
        store, card_id, rating, at, 1000, lambda before: schedulers.answer(card_id, deck, before, rating, at)
    )


def test_counts_forecast_history_retention_and_retrievability(store):
    rate(store, "ant-mob1-3", 4, T0)  # review, due in some days
    rate(store, "xhs-abusive-user", 3, T0)  # learning, due in 10 minutes
    later = T0 + timedelta(days=40)
    rate(store, "ant-mob1-3", 1, later)  # a lapse: answer to a review card, not passed
    rate(store, "ant-mob1-3", 3, later + timedelta(minutes=10))  # relearning -> review
    at = later + timedelta(hours=1)
    stats = collect(store, CONFIG, CardFilter(), at, DAY)
    xhs, ant = stats.decks  # sorted by deck name
    assert (ant.deck, ant.new, ant.learning, ant.review, ant.relearning) == ("面试::蚂蚁集团::用户运营", 1, 0, 1, 0)
    assert (xhs.new, xhs.learning, xhs.due_today) == (0, 1, 1)
    assert ant.due_today == 0
    assert (ant.retention_reviews, ant.retention_passed, ant.true_retention) == (1, 0, 0.0)
    assert stats.total.new == 1 and stats.total.due_today == 1
    # forecast: the overdue learning card counts today, the review card on its due day
    due = lookups.state(store, "ant-mob1-3").due
    expected = [0] * 30
    expected[0] = 1
    expected[(DAY.date_of(due) - DAY.date_of(at)).days] += 1
    assert [n for _d, n in stats.forecast] == expected
    assert stats.forecast[0][0] == date(2025, 4, 10)
    # history: the last 30 days hold the two answers of day 40 only
    assert [n for _d, n in stats.history][-1] == 2 and sum(n for _d, n in stats.history) == 2
    # average retrievability is fsrs's, averaged over the reviewed cards
    scheduler = fsrs.Scheduler()
    expected_r = [
        retrievability(scheduler, lookups.state(store, c), at)
        for c in ("ant-mob1-3", "xhs-abusive-user")
    ]
    assert stats.average_retrievability == pytest.approx(sum(expected_r) / 2)
    data = stats_json(stats)
    assert data["true_retention"] == {"value": 0.0, "reviews": 1, "desired": 0.9, "days": 30}
    assert {c["id"]: c["state"] for c in data["cards"]} == {
        "ant-biggest-challenge": "new", "ant-mob1-3": "review", "xhs-abusive-user": "learning",
    }


def test_suspended_and_buried_cards_are_counted_apart(store):
    rate(store, "ant-mob1-3", 3, T0)
    answers.suspend(store, "ant-mob1-3")
    answers.bury(store, "xhs-abusive-user", T0 + timedelta(days=1))
    stats = collect(store, CONFIG, CardFilter(), T0 + timedelta(hours=1), DAY)
    assert stats.total.suspended == 1 and stats.total.buried == 1
    assert stats.total.due_today == 0
    assert sum(n for _d, n in stats.forecast) == 0


def test_the_text_report(store):
    rate(store, "ant-mob1-3", 3, T0)
    text = render_text(collect(store, CONFIG, CardFilter(), T0, DAY), EN)
    lines = text.splitlines()
    assert lines[0] == "Statistics for 2025-03-01 (study days start at 4:00)"
    assert lines[2].split() == ["Deck", "New", "Learn", "Review", "Relearn", "Susp", "Buried", "Due", "Retention"]
    # the levels every deck shares (面试) are left out; retention against its target
    assert lines[3] == "小红书::客服          1      0       0        0     0       0    0      -/90%"
    assert lines[7:13] == [
        "Due in the next 30 days: 1 in all, most on 03-01 (1)",
        "  █",
        "  03-01" + " " * 20 + "03-30",
        "Reviews in the last 30 days: 1 in all, most on 03-01 (1)",
        "  " + " " * 29 + "█",  # one column per day, today last
        "  01-31" + " " * 20 + "03-01",
    ]
    assert lines[-2] == "True retention (last 30 days): no reviews yet (desired 90%)"
    assert lines[-1] == "Average retrievability now: 100% over 1 cards"


def test_a_fresh_store_gets_one_line_not_a_table_of_zeros(store):
    text = render_text(collect(store, CONFIG, CardFilter(), T0, DAY), EN)
    assert text == (
        "Statistics for 2025-03-01 (study days start at 4:00)\n"
        "3 cards in 2 decks, none reviewed yet. Start with `srs review`."
    )


def test_day_chart_scales_to_the_busiest_day():
    series = ((date(2025, 3, 1), 8), (date(2025, 3, 2), 0), (date(2025, 3, 3), 1), (date(2025, 3, 4), 4))
    assert day_chart(series, "Due", EN) == ["Due: 13 in all, most on 03-01 (8)", "  █ ▁▄", "  03-01 03-04"]
    assert day_chart(series[1:2], "Due", EN) == ["Due: none"]


def test_leeches_are_listed_with_their_lapses(store):
    config = Config(fuzz=False, leech_threshold=2)
    at = T0
    rate(store, "ant-mob1-3", 4, at)
    for _ in range(2):  # forgotten twice: Again on a review card, then relearned
        at = lookups.state(store, "ant-mob1-3").due + timedelta(hours=1)
        rate(store, "ant-mob1-3", 1, at)
        at = lookups.state(store, "ant-mob1-3").due + timedelta(minutes=1)
        rate(store, "ant-mob1-3", 3, at)
    stats = collect(store, config, CardFilter(), at, DAY)
    assert stats.leeches == (("ant-mob1-3", "为什么关注 MOB1-3 卡的平均消费？", 2),)
    assert render_text(stats, EN).splitlines()[-2:] == [
        "Leeches (forgotten 2+ times; rework your answer with `srs answer ID`):",
        "  ant-mob1-3    2×  为什么关注 MOB1-3 卡的平均消费？",
    ]
    assert collect(store, Config(fuzz=False), CardFilter(), at, DAY).leeches == ()  # threshold 8
    assert collect(store, config, CardFilter(decks=("面试::小红书::客服",)), at, DAY).leeches == ()


def test_predicted_recall_at_a_time_per_deck_and_the_weakest_cards(store):
    from interview_srs.schedule.readiness import recall_at
    from interview_srs.commands.stats import render_forecast
    from interview_srs.review.stats import forecast_at

    rate(store, "ant-mob1-3", 4, T0)
    rate(store, "xhs-abusive-user", 3, T0)
    rate(store, "xhs-abusive-user", 3, T0 + timedelta(minutes=10))
    at = T0 + timedelta(days=10)
    forecast = forecast_at(store, CONFIG, CardFilter(), at)
    decks = dict(forecast.decks)
    ant, xhs = decks["面试::蚂蚁集团::用户运营"], decks["面试::小红书::客服"]
    mob = recall_at(lookups.state(store, "ant-mob1-3"), at)
    abusive = recall_at(lookups.state(store, "xhs-abusive-user"), at)
    assert (ant.cards, ant.never_seen, ant.lowest) == (2, 1, 0.0)
    assert ant.mean == pytest.approx(mob / 2)
    assert xhs.mean == pytest.approx(abusive) and xhs.below_target == (abusive < 0.95)
    # never-seen cards are counted per deck, not listed among the weakest
    assert [c for c, _d, _r, _q in forecast.weakest] == sorted(
        ["ant-mob1-3", "xhs-abusive-user"], key=lambda c: recall_at(lookups.state(store, c), at)
    )
    text = render_forecast(forecast, EN, timezone.utc)
    lines = text.splitlines()
    assert lines[0] == "Predicted recall at 2025-03-11 10:00"
    assert lines[2].split() == ["Deck", "Cards", "Never", "seen", "Mean", "Lowest", "Below", "target"]
    assert lines[-3] == "Weakest cards"
    # the weakest cards are named by their questions, not their ids
    assert [line.split()[1] for line in lines[-2:]] == [
        {"ant-mob1-3": "为什么关注", "xhs-abusive-user": "用户私信辱骂客服，你怎么办？"}[c] for c, *_ in forecast.weakest
    ]


def test_answer_times_per_deck_and_the_slowest_cards(store):
    from interview_srs.commands.stats import render_answer_times
    from interview_srs.review.stats import answer_times

    schedulers = Schedulers(CONFIG)
    for card_id, seconds in (("ant-biggest-challenge", 150), ("ant-mob1-3", 30), ("ant-mob1-3", 50),
                             ("xhs-abusive-user", 70)):
        deck = lookups.card(store, card_id).deck
        answers.record_answer(store, card_id, 3, T0, seconds * 1000,
                            lambda before, c=card_id, d=deck: schedulers.answer(c, d, before, 3, T0))
    answers.record_answer(store, "xhs-abusive-user", 3, T0, 900_000,
                        lambda before: schedulers.answer("x", "d", before, 3, T0), source="anki")
    times = answer_times(store, CONFIG, CardFilter(), T0 - timedelta(days=1))
    assert times.decks == (("面试::小红书::客服", 70.0, 1), ("面试::蚂蚁集团::用户运营", 230 / 3, 3))
    assert times.slowest == (
        ("ant-biggest-challenge", "面试::蚂蚁集团::用户运营", 150.0, 120),  # a STAR card: 2:00
        ("xhs-abusive-user", "面试::小红书::客服", 70.0, 60),
        ("ant-mob1-3", "面试::蚂蚁集团::用户运营", 40.0, 60),
    )
    assert render_answer_times(times, EN) == [
        "Average answer time (last 30 days)",
        "  面试::小红书::客服        1:10  (1)",
        "  面试::蚂蚁集团::用户运营  1:17  (3)",
        "Slowest cards (mean / target)",
        "  ant-biggest-challenge  2:30 / 2:00 !",
        "  xhs-abusive-user  1:10 / 1:00 !",
        "  ant-mob1-3  0:40 / 1:00",
    ]
def test_retrievability_follows_the_decay_of_the_configured_parameters(store):
    from dataclasses import replace

    from fsrs.scheduler import DEFAULT_PARAMETERS

    rate(store, "ant-mob1-3", 3, T0)
    rate(store, "ant-mob1-3", 3, T0 + timedelta(minutes=10))
    at = T0 + timedelta(days=20)
    steep = tuple(DEFAULT_PARAMETERS[:20]) + (0.6,)
    config = replace(CONFIG, defaults=replace(CONFIG.defaults, parameters=steep))
    state = lookups.state(store, "ant-mob1-3")
    expected = retrievability(fsrs.Scheduler(parameters=steep), state, at)
    assert collect(store, config, CardFilter(), at, DAY).average_retrievability == pytest.approx(expected)
    default = retrievability(fsrs.Scheduler(), state, at)
    assert collect(store, CONFIG, CardFilter(), at, DAY).average_retrievability == pytest.approx(default)
    assert abs(expected - default) > 0.01


def test_mock_runs_show_in_the_users_time_zone_not_utc(tmp_path, home, utc):
    from click.testing import CliRunner

    from interview_srs.cli import cli
    from conftest import write_file

    cards = write_file(tmp_path / "cards" / "m.yaml", "deck: 面试::测试\ncards:\n  - id: q1\n    question: 讲一个挑战。\n"
                       "    outline: [背景, 做法]\n    tags: [行为]\n").parent
    env = {"SRS_HOME": str(home), "SRS_NOW": "2025-03-01T10:00:00+08:00", "LANG": "en_US.UTF-8", "LC_ALL": None}
    assert CliRunner().invoke(cli, ["mock", "--cards", str(cards)], env=env, input=" \n3\n").exit_code == 0
    text = CliRunner().invoke(cli, ["stats", "--cards", str(cards)], env=env).output
    assert "\nMock interviews\n2025-03-01 10:00  all\n  1/1 answered" in text  # 02:00 UTC
    (home / "config.toml").write_text('fuzz = false\ntimezone = "America/New_York"\n', "utf-8")
    text = CliRunner().invoke(cli, ["stats", "--cards", str(cards)], env=env).output
    assert "\nMock interviews\n2025-02-28 21:00  all\n" in text


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5) | st.integers() | st.booleans() | st.none(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES)
@settings(max_examples=400, deadline=None)
def test_indented_json_is_json_dumps_with_indent_2_to_the_byte(value):
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)
