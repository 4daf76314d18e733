"""Predicted recall at a time: the same numbers as fsrs, and the per-deck summaries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, STABILITY_MIN, UPPER_BOUNDS_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.schedule import readiness as ours
from interview_srs.schedule.readiness import (
    DEFAULT_DECAY, deck_readiness, readiness, recall_at, recall_ms, stability_after_good,
)
from interview_srs.schedule.scheduler import REVIEW, CardState, to_fsrs, to_ms

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def test_the_default_parameters_are_fsrs_s():
    assert ours.DEFAULT_PARAMETERS == tuple(DEFAULT_PARAMETERS)
    assert DEFAULT_DECAY == DEFAULT_PARAMETERS[20]
    assert ours.STABILITY_MIN == STABILITY_MIN


PARAMETERS = st.one_of(
    st.none(),
    st.tuples(*(st.floats(low, high, allow_nan=False) for low, high in zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS))),
)


@settings(max_examples=400, deadline=None)
@given(
    stability=st.floats(0.001, 36_500),
    difficulty=st.floats(1.0, 10.0),
    last_ms=st.integers(0, 10**12),
    elapsed_ms=st.one_of(st.integers(-86_400_000, 86_400_000 * 3), st.integers(0, 86_400_000 * 3_650)),
    params=PARAMETERS,
)
def test_stability_after_a_good_answer_is_exactly_what_fsrs_gives(stability, difficulty, last_ms, elapsed_ms, params):
    """Same float as fsrs's review_card, for same-day answers (the short-term formula), answers
    before the last one (a clock set back) and answers years later, with any valid parameters."""
    scheduler = fsrs.Scheduler(parameters=params or DEFAULT_PARAMETERS, enable_fuzzing=False)
    last = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=last_ms)
    at = last + timedelta(milliseconds=elapsed_ms)
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, step=None, stability=stability, difficulty=difficulty,
                     due=last, last_review=last)
    after, _log = scheduler.review_card(card, fsrs.Rating.Good, at)
    assert stability_after_good(stability, difficulty, to_ms(last), to_ms(at), params) == after.stability


def forgetting_curve(days: float, stability: float, decay: float) -> float:
    """FSRS-6's forgetting curve written out independently: R(t) = (1 + factor·t/S)^(-decay),
    with factor such that R(S) = 0.9."""
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * days / stability) ** (-decay)


@pytest.mark.parametrize("hours", [0, 5, 23, 23.5, 24, 24.5, 30, 24 * 7 + 3, 24 * 90 + 0.25])
def test_recall_at_follows_the_forgetting_curve_at_fractional_times(hours):
    state = CardState(REVIEW, None, 9.5, 5.0, T0 + timedelta(days=9), T0)
    at = T0 + timedelta(hours=hours)
    assert recall_at(state, at) == pytest.approx(forgetting_curve(hours / 24, 9.5, DEFAULT_DECAY), rel=1e-12)
    params = list(DEFAULT_PARAMETERS)
    params[20] = 0.5
    assert recall_at(state, at, params) == pytest.approx(forgetting_curve(hours / 24, 9.5, 0.5), rel=1e-12)


@pytest.mark.parametrize("days", [0, 1, 2, 7, 30, 365])
def test_at_whole_days_recall_at_is_fsrs_s_own_figure(days):
    state = CardState(REVIEW, None, 9.5, 5.0, T0 + timedelta(days=9), T0)
    at = T0 + timedelta(days=days)
    expected = fsrs.Scheduler().get_card_retrievability(to_fsrs(state, at), at)
    assert recall_at(state, at) == pytest.approx(expected, rel=1e-12)


def test_recall_does_not_jump_when_a_day_passes():
    """fsrs counts whole days: 100 % at 23.5 hours, a step down at 24.5. Here the two are close."""
    state = CardState(REVIEW, None, 0.5, 5.0, T0 + timedelta(days=1), T0)
    before, after = (recall_at(state, T0 + timedelta(hours=h)) for h in (23.5, 24.5))
    assert 0 < before - after < 0.02
    assert before < 1.0
    whole = fsrs.Scheduler()
    assert whole.get_card_retrievability(to_fsrs(state, T0), T0 + timedelta(hours=23.5)) == 1.0


def test_never_seen_cards_have_no_recall():
    assert recall_at(CardState(), T0) == 0.0


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 1000), st.integers(0, 2000), st.integers(0, 2000))
def test_recall_is_a_probability_that_only_falls_with_time(stability, first, later):
    state = CardState(REVIEW, None, stability, 5.0, T0, T0)
    a = recall_at(state, T0 + timedelta(hours=first))
    b = recall_at(state, T0 + timedelta(hours=first + later))
    assert 0.0 < b <= a <= 1.0


def test_readiness_sums_up_a_deck():
    states = [
        ("面试::快手", CardState(REVIEW, None, 10.0, 5.0, T0, T0)),
        ("面试::快手", CardState()),
        ("面试::通用", CardState(REVIEW, None, 1.0, 5.0, T0, T0)),
    ]
    at = T0 + timedelta(days=10)
    found = deck_readiness(states, at, lambda deck: 0.95 if deck == "面试::快手" else 0.8)
    ks, general = found["面试::快手"], found["面试::通用"]
    assert (ks.cards, ks.never_seen, ks.lowest, ks.below_target, ks.target) == (2, 1, 0.0, 2, 0.95)
    assert ks.mean == pytest.approx(recall_at(states[0][1], at) / 2)
    assert general.below_target == 1 and general.target == 0.8
    mixed = readiness([(0.97, False, 0.95), (0.9, False, 0.85)])
    assert (mixed.below_target, mixed.target) == (0, None)
    assert readiness([]).mean is None


def test_recall_on_store_values_follows_the_curve():
    scheduler = fsrs.Scheduler()
    for days, hours in ((0, 0), (1, 0), (7, 5), (30, 13), (365, 0)):
        at = T0 + timedelta(days=days, hours=hours)
        expected = forgetting_curve(days + hours / 24, 12.5, scheduler.parameters[20])
        assert recall_ms(12.5, to_ms(T0), to_ms(at), scheduler.parameters) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(st.none(), st.floats(0.01, 5000)), st.integers(0, 10**11)), max_size=30),
    st.integers(0, 10**11), st.sampled_from([None, 0.1, 0.5]),
)
def test_recalls_of_many_cards_are_each_card_s_recall(cards, at_ms, decay):
    params = None
    if decay is not None:
        params = list(DEFAULT_PARAMETERS)
        params[20] = decay
    rows = [(f"c{i}", stability, last) for i, (stability, last) in enumerate(cards)]
    got = ours.recalls_ms(rows, at_ms, params)
    assert list(got) == [card_id for card_id, _s, _l in rows]
    for card_id, stability, last in rows:
        expected = 0.0 if stability is None else recall_ms(stability, last, at_ms, params)
        assert got[card_id] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@settings(max_examples=300, deadline=None)
@given(st.floats(0.5, 0.99), st.sampled_from([None, 0.1, 0.3, 0.8]), st.floats(0.01, 5000), st.floats(0, 20_000))
def test_below_after_is_where_recall_crosses_the_target(target, decay, stability, days):
    params = None
    if decay is not None:
        params = list(DEFAULT_PARAMETERS)
        params[20] = decay
    ratio = ours.below_after(target, params)
    elapsed_ms = round(days * 86_400_000)
    recall = recall_ms(stability, 0, elapsed_ms, params)
    if elapsed_ms / 86_400_000 > ratio * stability * (1 + 1e-9):
        assert recall < target
    elif elapsed_ms / 86_400_000 < ratio * stability * (1 - 1e-9):
        assert recall >= target


@pytest.mark.parametrize("stability", [0.0, -3.0, float("nan")])
def test_an_impossible_stability_is_an_error_not_a_figure(stability):
    """FSRS never stores such a stability; only a damaged or hand-edited store holds one, and
    the ValueError becomes the store's one-line unreadable-value message (store/health.reading)."""
    state = CardState(REVIEW, None, stability, 5.0, T0, T0)
    with pytest.raises(ValueError, match="stability"):
        recall_at(state, T0 + timedelta(days=1))
    with pytest.raises(ValueError, match="stability"):
        recall_ms(stability, 0, 86_400_000)
    with pytest.raises(ValueError, match="stability"):
        ours.recalls_ms([("c", stability, 0)], 86_400_000)
    with pytest.raises(ValueError, match="stability"):
        stability_after_good(stability, 5.0, 0, 86_400_000 * 3)
