"""FSRS glue and the clock: SRS_NOW, study days, conversions, previews, fuzz, interval labels."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.schedule.config import Config, DeckSettings
from interview_srs.schedule.scheduler import (
    LEARNING,
    RELEARNING,
    REVIEW,
    CardState,
    ClockError,
    Schedulers,
    StudyDay,
    format_interval,
    from_fsrs,
    from_ms,
    fuzzed_interval,
    now,
    to_fsrs,
    to_ms,
)

T0 = datetime(2025, 3, 1, 1, 0, tzinfo=timezone.utc)
CST = timezone(timedelta(hours=8))


def test_srs_now_sets_the_clock_in_utc():
    assert now({"SRS_NOW": "2025-03-01T09:00:00+08:00"}) == T0
    assert now({"SRS_NOW": "2025-03-01T01:00:00Z"}) == T0
    assert now({"SRS_NOW": "2025-03-01T01:00:00.123456+00:00"}).microsecond == 123000
    assert now({}).tzinfo == timezone.utc


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", "SRS_NOW='tomorrow' is not an ISO 8601 time (e.g. 2025-03-01T09:00:00+08:00)"),
        ("2025-03-01T09:00:00", "SRS_NOW='2025-03-01T09:00:00' has no time zone; add one, e.g. +08:00 or Z"),
    ],
)
def test_bad_srs_now_is_refused_with_a_clear_message(value, message):
    with pytest.raises(ClockError) as error:
        now({"SRS_NOW": value})
    assert str(error.value) == message


def test_milliseconds_round_trip():
    assert from_ms(to_ms(T0)) == T0
    assert to_ms(datetime(1970, 1, 1, 0, 0, 1, tzinfo=timezone.utc)) == 1000


def test_study_days_roll_over_at_the_configured_local_hour():
    day = StudyDay(rollover=4, zone=CST)
    # 03:59 local on 2 March still belongs to 1 March; 04:00 starts 2 March
    assert day.date_of(datetime(2025, 3, 1, 19, 59, tzinfo=timezone.utc)) == date(2025, 3, 1)
    assert day.date_of(datetime(2025, 3, 1, 20, 0, tzinfo=timezone.utc)) == date(2025, 3, 2)
    start, end = day.bounds(T0)
    assert start == datetime(2025, 2, 28, 20, 0, tzinfo=timezone.utc)
    assert end - start == timedelta(days=1)
    assert day.bounds(T0, 1)[0] == end


def test_card_state_round_trips_through_fsrs_and_dicts():
    state = CardState(REVIEW, None, 3.2, 5.5, T0 + timedelta(days=3), T0)
    assert from_fsrs(to_fsrs(state, T0)) == state
    assert CardState.from_dict(state.to_dict()) == state
    fresh = to_fsrs(CardState(), T0)
    assert (fresh.state, fresh.step, fresh.stability, fresh.due) == (fsrs.State.Learning, 0, None, T0)


def test_answers_match_fsrs_with_the_deck_settings():
    config = Config(
        fuzz=False,
        decks=(("面试::快手", DeckSettings(desired_retention=0.97, maximum_interval=30)),),
    )
    schedulers = Schedulers(config)
    state = CardState()
    reference = fsrs.Scheduler(desired_retention=0.97, maximum_interval=30, enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=T0)
    at = T0
    for rating in (3, 3, 3, 4, 4):
        state = schedulers.answer("k", "面试::快手::运营", state, rating, at)
        card, _ = reference.review_card(card, fsrs.Rating(rating), at)
        assert state == from_fsrs(card)
        at = state.due
    assert state.due - state.last_review <= timedelta(days=30)
    assert schedulers.for_deck("面试::快手::运营").desired_retention == 0.97
    assert schedulers.for_deck("面试::小红书").desired_retention == 0.9


def test_preview_shows_exactly_what_each_answer_gives_with_fuzz_on():
    schedulers = Schedulers(Config(fuzz=True))
    state = CardState(REVIEW, None, 40.0, 5.0, T0, T0 - timedelta(days=40))
    preview = schedulers.preview("card-a", "d", state, T0)
    for rating, interval in preview.items():
        assert schedulers.answer("card-a", "d", state, rating, T0).due - T0 == interval
    assert preview[1] == timedelta(minutes=10)  # relearning step


@settings(max_examples=200, deadline=None)
@given(days=st.integers(1, 3000), seed=st.binary(min_size=1, max_size=8))
def test_fuzz_stays_within_the_fsrs_range(days, seed):
    scheduler = fsrs.Scheduler(maximum_interval=36500)
    interval = timedelta(days=days)
    fuzzed = fuzzed_interval(interval, 36500, seed)
    if days < 3:
        assert fuzzed == interval
        return
    seen = set()
    for _ in range(200):
        seen.add(scheduler._get_fuzzed_interval(interval=interval).days)
    assert min(seen) - 1 <= fuzzed.days <= max(seen) + 1
    assert fuzzed == fuzzed_interval(interval, 36500, seed)  # deterministic


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=1), "<1m"),
        (timedelta(minutes=5, seconds=30), "<5.5m"),
        (timedelta(minutes=10), "<10m"),
        (timedelta(minutes=90), "<1.5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=12), "12d"),
        (timedelta(days=97), "3.2mo"),
        (timedelta(days=548), "1.5y"),
        (timedelta(days=3650), "10y"),
    ],
)
def test_intervals_are_written_like_anki(interval, label):
    assert format_interval(interval) == label


def test_the_time_zone_comes_from_the_config_else_srs_now_else_the_system():
    from zoneinfo import ZoneInfo

    from interview_srs.schedule.scheduler import local_zone

    assert local_zone(Config(timezone="Asia/Shanghai"), {"SRS_NOW": "2025-03-01T09:00:00-05:00"}) == ZoneInfo("Asia/Shanghai")
    assert local_zone(Config(), {"SRS_NOW": "2025-03-01T09:00:00+08:00"}) == CST
    assert local_zone(Config(), {"SRS_NOW": "2025-03-01T01:00:00Z"}) == timezone.utc
    assert local_zone(Config(), {}) is None
    # 10:00 in Beijing is 02:00 UTC: on a UTC machine that used to be the day before
    day = StudyDay(4, local_zone(Config(), {"SRS_NOW": "2025-03-01T10:00:00+08:00"}))
    assert day.date_of(now({"SRS_NOW": "2025-03-01T10:00:00+08:00"})) == date(2025, 3, 1)


@pytest.mark.parametrize(
    "state",
    [
        CardState(LEARNING, None, 2.0, 5.0, T0, T0),  # fsrs asserts a learning card's step
        CardState(RELEARNING, -1, 2.0, 5.0, T0, T0),  # a negative step indexes from the end
        CardState(REVIEW, None, None, 5.0, T0, T0),
        CardState(REVIEW, None, 0.0, 5.0, T0, T0),
        CardState(REVIEW, None, -3.0, 5.0, T0, T0),  # fsrs would compute a complex stability
        CardState(REVIEW, None, float("inf"), 5.0, T0, T0),
        CardState(REVIEW, None, 2.0, float("nan"), T0, T0),
    ],
)
def test_a_state_fsrs_cannot_answer_is_refused_as_a_value_error(state):
    """Only damage or a hand edit stores such a state; the ValueError reads as a damaged store."""
    with pytest.raises(ValueError):
        Schedulers(Config(fuzz=False)).answer("c", "d", state, 3, T0 + timedelta(days=1))
