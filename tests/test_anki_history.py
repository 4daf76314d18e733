"""store/anki_history.py: importing answers by revlog id and replaying a card's history."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.schedule.config import Config
from interview_srs.schedule.scheduler import Schedulers, to_ms
from interview_srs.bank.sources import CardSources
from interview_srs.store.answers import record_answer
from interview_srs.store.connection import Store
from interview_srs.store.home import sync_cards
from interview_srs.store.anki_history import import_answers, replay

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
            replay(conn, card_id, lambda c, _d, b, r, t: SCHEDULERS.answer(c, "d", b, r, t))
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
            lambda c, _d, b, r, t: SCHEDULERS.answer(c, "d", b, r, t),
        )
    assert result.added == 0 and result.known == len(answers)
    assert states(imported) == expected
    imported.close()
