"""store/anki_history.py: importing answers by revlog id and replaying a card's history."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from fsrs.scheduler import FUZZ_RANGES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import (
    REVIEW,
    CardState,
    Replay,
    Schedulers,
    from_fsrs,
    from_ms,
    fuzzed_interval,
    to_fsrs,
    to_ms,
)
from interview_srs.bank.sources import CardSources
from interview_srs.store.answers import record_answer
from interview_srs.store.connection import Store
from interview_srs.store.home import sync_cards
from interview_srs.store import anki_history
from interview_srs.store.anki_history import import_answers, replay
from interview_srs.schedule.scheduler import card_state, state_values

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
SCHEDULERS = Schedulers(Config())  # fuzz on: the replay must reproduce it too

answers_strategy = st.lists(
    st.tuples(st.sampled_from(["ant-biggest-challenge", "ant-mob1-3"]), st.integers(1, 4), st.integers(0, 60 * 24 * 40)),
    min_size=1,
    max_size=12,
    unique_by=lambda a: a[2],
)


def fresh_store(tmp_path, cards_dir, name: str) -> Store:
    store = Store.open(tmp_path / f"{name}.sqlite3")
    sync_cards(store, CardSources((cards_dir,), "given"), START)
    return store


def states(store: Store) -> tuple[list, list]:
    log = store.conn.execute(
        "SELECT card_id, rating, reviewed_ms, state_before, step_before, stability_before, difficulty_before, "
        "due_before_ms, last_review_before_ms, state_after, step_after, stability_after, difficulty_after, "
        "due_after_ms FROM review_log ORDER BY reviewed_ms"
    ).fetchall()
    cards = store.conn.execute(
        "SELECT id, state, step, stability, difficulty, due_ms, last_review_ms FROM cards ORDER BY id"
    ).fetchall()
    return log, cards


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers_strategy, order=st.randoms(use_true_random=False))
def test_answers_in_any_order_end_as_if_recorded_in_time_order(tmp_path_factory, cards_dir, answers, order):
    tmp_path = tmp_path_factory.mktemp("history")
    in_order = fresh_store(tmp_path, cards_dir, "in-order")
    for card_id, rating, minutes in sorted(answers, key=lambda a: a[2]):
        at = START + timedelta(minutes=minutes)
        record_answer(in_order, card_id, rating, at, 1000, lambda b, c=card_id, r=rating, t=at: SCHEDULERS.answer(c, "d", b, r, t))
    expected = states(in_order)
    # Replaying a history that is already in time order changes nothing.
    with in_order.write() as conn:
        for card_id in {a[0] for a in answers}:
            replay(conn, card_id, SCHEDULERS)
    assert states(in_order) == expected
    in_order.close()

    shuffled = list(answers)
    order.shuffle(shuffled)
    imported = fresh_store(tmp_path, cards_dir, "imported")
    half = len(shuffled) // 2
    for batch in (shuffled[:half], shuffled[half:], shuffled):  # the last batch repeats them all
        result = import_answers(
            imported,
            [(to_ms(START + timedelta(minutes=m)), c, r, 1000) for c, r, m in batch],
            SCHEDULERS,
        )
    assert result.added == 0 and result.known == len(answers)
    assert states(imported) == expected
    imported.close()


# -- a replay carries one fsrs card through a history: exactly the states of answering one by one --

DAY_MS = 86_400_000
CARDS = (("ant-biggest-challenge", "面试::蚂蚁集团::用户运营"), ("ant-mob1-3", "面试::蚂蚁集团::用户运营"),
         ("xhs-abusive-user", "面试::小红书::客服"))
DECK_SECTIONS = {
    # no steps at all: a new card goes straight to review, a lapse stays in review; short maximum
    "面试::蚂蚁集团": {"learning_steps": [], "relearning_steps": [], "maximum_interval": 20},
    "面试::小红书": {
        "learning_steps": ["30s", "5m", "1h", "1d"], "relearning_steps": ["5m", "1h"], "desired_retention": 0.8,
        "parameters": [0.3, 1.0, 2.5, 9.0, 6.5, 0.5, 1.2, 0.01, 1.6, 0.15, 1.0, 1.9, 0.1, 0.3, 2.3, 0.3, 2.9,
                       0.5, 0.3, 0.1, 0.2],
    },
}
CONFIGS = (
    Config(),  # fsrs's defaults, fuzz on
    Config.from_dict({"fuzz": False, "deck": DECK_SECTIONS}),
    Config.from_dict({"fuzz": True, "deck": DECK_SECTIONS}),
)
gaps = st.one_of(
    st.integers(1, 600_000),  # within a learning step
    st.integers(600_000, DAY_MS),  # the same day
    st.integers(1, 60).map(lambda days: days * DAY_MS - 3_600_000),
    st.integers(60, 800).map(lambda days: days * DAY_MS + 1),  # long enough to forget
)
history_strategy = st.lists(st.tuples(st.sampled_from([1, 1, 2, 3, 3, 3, 4]), gaps), max_size=60)


def answered_one_by_one(schedulers: Schedulers, card_id: str, deck: str, before: CardState, rating: int,
                        at: datetime) -> CardState:
    """The reference: each answer on its own, an fsrs card converted from the before-state and
    back (Schedulers.answer as it was written before replays carried one fsrs card along)."""
    scheduler = schedulers.for_deck(deck)
    after, _log = scheduler.review_card(to_fsrs(before, at), fsrs.Rating(rating), at)
    result = from_fsrs(after)
    if schedulers.config.fuzz and result.state == REVIEW:
        last = to_ms(before.last_review) if before.last_review else 0
        seed = hashlib.sha256(f"{card_id}\0{last}".encode()).digest()
        result = replace(result, due=at + fuzzed_one_by_one(result.due - at, scheduler.maximum_interval, seed))
    return result


def fuzzed_one_by_one(interval: timedelta, maximum: int, seed: bytes) -> timedelta:
    """The reference fuzz: fsrs's ranges worked out for every interval."""
    days = interval.days
    if days < 2.5:
        return interval
    delta = 1.0
    for fuzz_range in FUZZ_RANGES:
        delta += fuzz_range["factor"] * max(min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum)
    low = min(low, high)
    draw = random.Random(seed).random()
    return timedelta(days=min(round(draw * (high - low + 1) + low), maximum))


def test_fuzz_is_the_reference_fuzz_for_every_interval():
    for maximum, longest in ((3, 50), (20, 200), (36500, 36600)):
        for days in range(0, longest):
            interval = timedelta(days=days, minutes=days % 7)
            seed = days.to_bytes(4, "big")
            assert fuzzed_interval(interval, maximum, seed) == fuzzed_one_by_one(interval, maximum, seed)


def timed(history: list[tuple[int, int]], start_ms: int) -> list[tuple[int, int]]:
    """(rating, gap) -> (rating, answer time in ms)."""
    times, at = [], start_ms
    for rating, gap in history:
        at += gap
        times.append((rating, at))
    return times


@settings(max_examples=200, deadline=None)
@given(config=st.sampled_from(CONFIGS), card=st.sampled_from(CARDS), history=history_strategy, split=st.integers(0, 60))
def test_a_replay_gives_exactly_the_states_of_answering_one_by_one(config, card, history, split):
    card_id, deck = card
    schedulers = Schedulers(config)
    answers = timed(history, to_ms(START))
    state, expected = CardState(), []
    for rating, at_ms in answers:
        state = answered_one_by_one(schedulers, card_id, deck, state, rating, from_ms(at_ms))
        expected.append(state_values(state))
        assert schedulers.answer(card_id, deck, card_state(expected[-2]) if len(expected) > 1 else CardState(),
                                 rating, from_ms(at_ms)) == state
    # From a new card, and continuing from a stored state part of the way through.
    start = min(split, len(answers))
    replaying = Replay(schedulers, card_id, deck, card_state(expected[start - 1]) if start else CardState())
    assert replaying.values == (state_values(card_state(expected[start - 1])) if start else state_values(CardState()))
    assert [replaying.answer(rating, at_ms) for rating, at_ms in answers[start:]] == expected[start:]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=st.sampled_from(CONFIGS), histories=st.lists(history_strategy, min_size=3, max_size=3),
       first_batch=st.lists(st.booleans(), min_size=180, max_size=180), bulk=st.integers(0, 200))
def test_imported_histories_are_stored_exactly_as_answered_one_by_one(tmp_path_factory, monkeypatch, cards_dir, config,
                                                                      histories, first_batch, bulk):
    """Learning, relearning, lapses, per-deck settings, fuzz on and off; imported in two syncs,
    the second both continuing cards and merging answers older than logged ones; with the
    indexes rebuilt after a bulk insert or not."""
    monkeypatch.setattr(anki_history, "BULK_ROWS", bulk)
    schedulers = Schedulers(config)
    by_time = {}  # one answer per time: a revlog id is unique across cards
    for (card_id, deck), history in zip(CARDS, histories):
        for rating, at_ms in timed(history, to_ms(START)):
            by_time.setdefault(at_ms, (at_ms, card_id, deck, rating))
    answers = sorted(by_time.values())
    tmp_path = tmp_path_factory.mktemp("replay")
    one_by_one = fresh_store(tmp_path, cards_dir, "one-by-one")
    for at_ms, card_id, deck, rating in answers:
        at = from_ms(at_ms)
        record_answer(one_by_one, card_id, rating, at, 1000,
                      lambda b, c=card_id, d=deck, r=rating, t=at: answered_one_by_one(schedulers, c, d, b, r, t))
    expected = states(one_by_one)
    one_by_one.close()

    imported = fresh_store(tmp_path, cards_dir, "imported")
    new = [(at_ms, card_id, rating, 1000) for at_ms, card_id, _deck, rating in answers]
    import_answers(imported, [a for a, first in zip(new, first_batch) if first], schedulers)
    result = import_answers(imported, new, schedulers)
    assert result.added + result.known == len(answers)
    assert states(imported) == expected
    with imported.write() as conn:
        for card_id, _deck in CARDS:
            replay(conn, card_id, schedulers)
    assert states(imported) == expected
    imported.close()


def review_log_indexes(store: Store) -> list:
    return store.conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name = 'review_log' ORDER BY name"
    ).fetchall()


def test_a_bulk_import_rebuilds_the_same_indexes_in_its_transaction(tmp_path, cards_dir, monkeypatch):
    monkeypatch.setattr(anki_history, "BULK_ROWS", 50)
    schedulers = Schedulers(Config())
    answers = [(to_ms(START) + minute * 60_000, CARDS[minute % 3][0], 1 + minute % 4, 1000) for minute in range(120)]
    store = fresh_store(tmp_path, cards_dir, "bulk")
    indexes = review_log_indexes(store)
    assert len(indexes) >= 6  # the table, the UNIQUE constraint's index and five of our own

    class Failing(Replay):
        def answer(self, rating, at_ms):
            if at_ms >= answers[100][0]:
                raise RuntimeError("killed mid-import")
            return super().answer(rating, at_ms)

    monkeypatch.setattr(anki_history, "Replay", Failing)
    with pytest.raises(RuntimeError):
        import_answers(store, answers, schedulers)
    assert store.conn.execute("SELECT count(*) FROM review_log").fetchone() == (0,)
    assert review_log_indexes(store) == indexes
    monkeypatch.setattr(anki_history, "Replay", Replay)

    import_answers(store, answers, schedulers)
    assert store.conn.execute("SELECT count(*) FROM review_log").fetchone() == (120,)
    assert review_log_indexes(store) == indexes
    assert store.integrity_check() == "ok"
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM review_log WHERE card_id = ? AND state_before = 2 AND rating = 1",
        (CARDS[0][0],),
    ).fetchall()
    assert "review_log_lapses" in str(plan)
    store.close()


@pytest.mark.parametrize("damage", [
    "UPDATE review_log SET stability_after = 0",  # the replay continues from it
    "UPDATE review_log SET state_after = 1, step_after = -2",
    "UPDATE review_log SET reviewed_ms = 9223372036854775807",  # the replay answers it again
])
def test_a_log_value_the_replay_cannot_use_is_the_stores_and_nothing_is_written(tmp_path, cards_dir, damage):
    """The answers come from Anki; the state they are replayed on comes from the store: a value
    no answer could have stored there stops the import as the store's unreadable value, in one
    line, not a traceback (nor a message blaming the collection)."""
    from interview_srs.store.health import StoreUnreadable

    store = fresh_store(tmp_path, cards_dir, "damaged")
    card_id = CARDS[0][0]
    import_answers(store, [(to_ms(START), card_id, 3, 1000)], SCHEDULERS)
    store.conn.execute("PRAGMA ignore_check_constraints = ON")
    with store.conn:
        store.conn.execute(damage)
    before = states(store)
    with pytest.raises(StoreUnreadable, match="cannot read a value in the store"):
        import_answers(store, [(to_ms(START) + 3_600_000, card_id, 3, 1000)], SCHEDULERS)
    assert states(store) == before
    store.close()
