"""Answers in the store: recording, undo, bury, filters; replay equals fsrs; the planner's queries."""

from __future__ import annotations

import tempfile
from datetime import timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.schedule.scheduler import NEW, CardState, Schedulers, from_fsrs, to_fsrs
from interview_srs.store import answers, lookups
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError
from interview_srs.store.rows import CardFilter

from store_helpers import NO_FUZZ, T0, answer, new_ids, sync


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "home" / "store.sqlite3") as opened:
        yield opened


def test_an_answer_updates_the_card_and_logs_before_and_after(store, cards_dir):
    sync(store, cards_dir)
    result = answer(store, "ant-mob1-3", 3, T0)
    assert result.before == CardState()
    assert result.after.state == 1 and result.after.step == 1
    assert result.after.due == T0 + timedelta(minutes=10)
    assert lookups.state(store, "ant-mob1-3") == result.after
    [logged] = answers.log(store)
    assert (logged.card_id, logged.rating, logged.reviewed, logged.duration_ms) == ("ant-mob1-3", 3, T0, 1234)
    assert (logged.before, logged.after) == (result.before, result.after)
    source, session = store.conn.execute("SELECT source, session FROM review_log").fetchone()
    assert (source, session) == ("terminal", "s1")


def test_undo_restores_the_state_and_removes_the_log_row(store, cards_dir):
    sync(store, cards_dir)
    first = answer(store, "ant-mob1-3", 3, T0)
    second = answer(store, "ant-mob1-3", 1, T0 + timedelta(minutes=10))
    assert answers.undo(store, second, "s1") == first.after
    assert lookups.state(store, "ant-mob1-3") == first.after
    assert [a.log_id for a in answers.log(store)] == [first.log_id]
    with pytest.raises(StoreError) as error:
        answers.undo(store, second, "s1")
    assert str(error.value) == "that answer is no longer in the store"


def test_undo_is_refused_when_another_session_answered_the_card_since(store, cards_dir):
    sync(store, cards_dir)
    mine = answer(store, "ant-mob1-3", 3, T0, session="mine")
    answer(store, "ant-mob1-3", 3, T0 + timedelta(minutes=10), session="other")
    with pytest.raises(StoreError) as error:
        answers.undo(store, mine, "mine")
    assert str(error.value) == (
        "card 'ant-mob1-3' was answered in another session since; undo that answer there first"
    )
    assert len(answers.log(store)) == 2


def test_answering_from_a_stale_screen_builds_on_the_current_state(store, cards_dir):
    """Compare-and-swap: both answers are logged, the second computed from the first."""
    sync(store, cards_dir)
    shown = lookups.state(store, "ant-mob1-3")
    first = answer(store, "ant-mob1-3", 3, T0, session="a")
    schedulers = Schedulers(NO_FUZZ)
    deck = lookups.card(store, "ant-mob1-3").deck
    second = answers.record_answer(
        store, "ant-mob1-3", 4, T0, None,
        lambda before: schedulers.answer("ant-mob1-3", deck, before, 4, T0),
        session="b", expected=shown,
    )
    assert second.conflict and second.before == first.after
    assert [a.before for a in answers.log(store)] == [shown, first.after]


def test_bury_hides_a_card_until_the_given_time(store, cards_dir):
    sync(store, cards_dir)
    until = T0 + timedelta(days=1)
    assert answers.bury(store, "ant-mob1-3", until) is None
    assert "ant-mob1-3" not in new_ids(store, CardFilter(), T0, 10)
    assert "ant-mob1-3" in new_ids(store, CardFilter(), until, 10)
    assert answers.bury(store, "ant-mob1-3", None) == until


def test_filters_select_decks_and_tags(store, cards_dir):
    sync(store, cards_dir)
    assert new_ids(store, CardFilter(decks=("面试::小红书::客服",)), T0, 10) == ["xhs-abusive-user"]
    assert new_ids(store, CardFilter(tag="业务"), T0, 10) == ["ant-mob1-3"]
    assert new_ids(store, CardFilter(tag="蚂蚁集团"), T0, 1) == ["ant-biggest-challenge"]


def test_due_reviews_come_lowest_retrievability_first(store, cards_dir):
    sync(store, cards_dir)
    for card_id, rating in (("ant-mob1-3", 4), ("xhs-abusive-user", 4), ("ant-biggest-challenge", 2)):
        answer(store, card_id, rating, T0)
        if rating == 2:
            answer(store, card_id, 3, T0 + timedelta(minutes=6))
            answer(store, card_id, 3, T0 + timedelta(minutes=16))
    later = T0 + timedelta(days=60)
    from interview_srs.review.planner import Rules, plan
    from interview_srs.schedule.scheduler import StudyDay
    from interview_srs.store.queries import plan_cards

    day = StudyDay(4, timezone.utc)
    cards = plan_cards(store, CardFilter(), later, day.bounds(later)[1])
    ids = [e.card_id for e in plan(cards, (), Rules(new_per_day=0), later, day) if e.reason == "due"]
    decay = -fsrs.Scheduler().parameters[20]
    scheduler = fsrs.Scheduler()

    def r(card_id):
        return scheduler.get_card_retrievability(to_fsrs(lookups.state(store, card_id), later), later)

    assert sorted(ids) == sorted(["ant-mob1-3", "xhs-abusive-user", "ant-biggest-challenge"])
    assert [r(i) for i in ids] == sorted(r(i) for i in ids)
    assert decay < 0


steps = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 40 * 24 * 60), st.booleans()), min_size=1, max_size=12
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_stored_state_equals_a_direct_fsrs_replay_and_undo_is_exact(cards_dir, steps):
    reference = fsrs.Scheduler(enable_fuzzing=False)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "s.sqlite3") as store:
        sync(store, cards_dir)
        card = fsrs.Card(card_id=1, due=T0)
        at = T0
        for rating, gap_minutes, undo_first in steps:
            at = at + timedelta(minutes=gap_minutes)
            before = lookups.state(store, "ant-mob1-3")
            if undo_first:  # answer, undo, and check we are exactly back
                wrong = answer(store, "ant-mob1-3", 5 - rating, at)
                answers.undo(store, wrong, "s1")
                assert lookups.state(store, "ant-mob1-3") == before
            result = answer(store, "ant-mob1-3", rating, at)
            card, _ = reference.review_card(card, fsrs.Rating(rating), at)
            expected = from_fsrs(card)
            assert result.after == expected
            assert lookups.state(store, "ant-mob1-3") == expected
        logged = answers.log(store, "ant-mob1-3")
        assert len(logged) == len(steps)
        assert logged[0].before.state == NEW
        assert all(a.after == b.before for a, b in zip(logged, logged[1:]))


def test_the_planner_queries_know_todays_introductions_and_early_answers(store, cards_dir):
    from interview_srs.store.queries import answered_early_since, introduced_since

    sync(store, cards_dir)
    answer(store, "ant-mob1-3", 4, T0)  # introduced: review, due in days
    answer(store, "xhs-abusive-user", 4, T0)
    later = T0 + timedelta(days=1)
    answer(store, "ant-mob1-3", 3, later)  # before its due date: early
    due = lookups.state(store, "xhs-abusive-user").due
    answer(store, "xhs-abusive-user", 3, due + timedelta(hours=1))  # on time
    assert introduced_since(store, T0) == {"ant-mob1-3", "xhs-abusive-user"}
    assert introduced_since(store, later) == frozenset()
    assert answered_early_since(store, T0) == {"ant-mob1-3"}


def test_plan_cards_leave_out_suspended_and_buried_cards_readiness_keeps_buried(store, cards_dir):
    from interview_srs.schedule.scheduler import to_ms
    from interview_srs.store.queries import InterviewCards, plan_cards, studied_cards

    sync(store, cards_dir)
    answers.suspend(store, "ant-mob1-3")
    answers.bury(store, "xhs-abusive-user", T0 + timedelta(days=1))
    end = T0 + timedelta(days=1)
    assert [c.id for c in plan_cards(store, CardFilter(), T0, end, new_limit=10)] == ["ant-biggest-challenge"]
    assert [c.id for c in studied_cards(store)] == ["ant-biggest-challenge", "xhs-abusive-user"]
    # only the first new cards of each deck outside the interviews; every card of an interview deck
    assert [c.id for c in plan_cards(store, CardFilter(), end, end, new_limit=1)] == [
        "ant-biggest-challenge", "xhs-abusive-user",
    ]
    scoped = plan_cards(store, CardFilter(), end, end, new_limit=0,
                        interviews=[InterviewCards(("面试::小红书::客服",), to_ms(end + timedelta(days=3)))])
    assert [c.id for c in scoped] == ["xhs-abusive-user"]
