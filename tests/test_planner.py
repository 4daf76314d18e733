"""The planner with fixed clocks: plain order, interview introductions, bring-forward, final pass,
overlapping, past and removed interviews; and properties that hold for any cards (hypothesis)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.review import planner
from interview_srs.schedule.config import Config, DeckSettings
from interview_srs.review.planner import Entry, Interview, PlanCard, Rules, choose, plan
from interview_srs.schedule.readiness import DEFAULT_PARAMETERS, recall_at
from interview_srs.schedule.scheduler import LEARNING, NEW, REVIEW, CardState, Schedulers, StudyDay, state_values

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing
DAY = StudyDay(4, CST)
SCHEDULERS = Schedulers(Config(fuzz=False))
KS = "面试::快手"


def good(card: PlanCard, at: datetime) -> CardState:
    """The state fsrs itself gives the card for a Good answer at `at`."""
    return SCHEDULERS.answer(card.id, card.deck, card.state, 3, at)


def predict(card: PlanCard, at: datetime) -> float:
    """The planner's `predict`, from fsrs itself (planner.good_answer is checked against it)."""
    return good(card, at).stability


def new_cards(count: int, deck: str = KS, prefix: str = "k") -> list[PlanCard]:
    return [PlanCard(f"{prefix}{i:02d}", deck, CardState()) for i in range(count)]


def reviewed(card_id: str, stability: float, days_ago: float, due_in: float, deck: str = KS) -> PlanCard:
    last = NOW - timedelta(days=days_ago)
    return PlanCard(card_id, deck, CardState(REVIEW, None, stability, 5.0, NOW + timedelta(days=due_in), last))


def reasons(entries: list[Entry]) -> list[tuple[str, str]]:
    return [(e.card_id, e.reason) for e in entries]


def test_without_interviews_due_cards_come_first_weakest_first_then_new_up_to_the_limit():
    cards = [
        reviewed("strong", 30, 20, -1),
        reviewed("weak", 5, 20, -1),
        reviewed("later", 30, 1, 5),
        *new_cards(3),
    ]
    entries = plan(cards, (), Rules(new_per_day=2), NOW, DAY)
    assert reasons(entries) == [("weak", "due"), ("strong", "due"), ("k00", "new"), ("k01", "new")]
    already = plan(cards, (), Rules(new_per_day=2), NOW, DAY, introduced_today=frozenset({"x"}))
    assert [e.card_id for e in already if e.reason == "new"] == ["k00"]
    ahead = plan(cards, (), Rules(new_per_day=0), NOW, DAY, ahead=True)
    assert reasons(ahead) == [("weak", "due"), ("strong", "due"), ("later", "ahead")]


def test_a_deck_with_its_own_new_card_limit_lets_the_other_decks_fill_the_day():
    cards = new_cards(4) + new_cards(3, "面试::小红书", "x")
    rules = Rules(new_per_day=5, deck_new_of=lambda deck: 2 if deck == KS else None)
    assert [e.card_id for e in plan(cards, (), rules, NOW, DAY)] == ["k00", "k01", "x00", "x01", "x02"]
    # one 快手 card was already introduced today: one more from that deck
    entries = plan(cards, (), rules, NOW, DAY, introduced_today=frozenset({"old"}), introduced_per_deck={KS: 1})
    assert [e.card_id for e in entries] == ["k00", "x00", "x01", "x02"]


def test_introductions_are_spread_evenly_and_finished_two_days_before():
    interview = Interview("快手", NOW + timedelta(days=10, hours=4), frozenset({KS}))
    cards = new_cards(60)
    rules = Rules(new_per_day=0)
    assert planner.days_left(interview.at, NOW) == 11
    entries = plan(cards, (interview,), rules, NOW, DAY)
    assert reasons(entries) == [(f"k{i:02d}", "interview-introduce") for i in range(7)]  # ceil(60/9)
    assert all(e.interview == "快手" for e in entries)
    # one session a day, every planned card answered: all are introduced by D-2
    states = {c.id: c.state for c in cards}
    per_day = []
    for day in range(11):
        at = NOW + timedelta(days=day)
        current = [PlanCard(c.id, KS, states[c.id]) for c in cards]
        introduced = [e for e in plan(current, (interview,), rules, at, DAY) if e.reason == "interview-introduce"]
        per_day.append(len(introduced))
        for entry in introduced:
            states[entry.card_id] = SCHEDULERS.answer(entry.card_id, KS, entry.state, 3, at)
    assert sum(per_day[:9]) == 60 and per_day[9:] == [0, 0]
    assert max(per_day) - min(per_day[:9]) <= 1


def test_the_normal_allowance_still_applies_and_is_raised_not_lowered():
    interview = Interview("快手", NOW + timedelta(days=10), frozenset({KS}))
    cards = new_cards(30) + new_cards(5, "面试::小红书", "x")
    entries = plan(cards, (interview,), Rules(new_per_day=10), NOW, DAY)
    assert [e.reason for e in entries].count("interview-introduce") == 4  # ceil(30/8)
    assert len(entries) == 10  # the other 6 are ordinary new cards, in file order
    assert [e.card_id for e in entries[4:]] == [f"k{i:02d}" for i in range(4, 10)]


def test_bring_forward_weakest_first_spread_over_the_days_left_only_when_useful():
    interview = Interview("快手", NOW + timedelta(days=3, hours=4), frozenset({KS}))
    cards = [reviewed(f"c{i}", 8 + i, 4, 30) for i in range(8)]  # none due; all below 95% at the interview
    rules = Rules(new_per_day=0, final_pass_days=0)
    below = [c for c in cards if recall_at(c.state, interview.at) < 0.95]
    assert len(below) == 8
    entries = plan(cards, (interview,), rules, NOW, DAY, predict=predict)
    assert reasons(entries) == [("c0", "interview-bring-forward"), ("c1", "interview-bring-forward")]  # ceil(8/4)
    # weakest at the interview first
    values = [recall_at(c.state, interview.at) for c in cards]
    assert values == sorted(values)
    # a second session the same day: the two answered early count towards today's share
    after = [PlanCard(c.id, KS, good(c, NOW)) if c.id in ("c0", "c1") else c for c in cards]
    again = plan(after, (interview,), rules, NOW + timedelta(hours=3), DAY, predict=predict,
                 early_today=frozenset({"c0", "c1"}))
    assert again == []
    # a card a Good answer now cannot lift to the target is left for later
    far = Interview("快手", NOW + timedelta(days=30), frozenset({KS}))
    assert plan(cards, (far,), rules, NOW, DAY, predict=predict) == []


@settings(max_examples=100, deadline=None)
@given(
    stability=st.floats(0.01, 3_000), difficulty=st.floats(1.0, 10.0),
    days_ago=st.floats(0, 400), decay=st.sampled_from([None, 0.1, 0.5]),
)
def test_good_answer_is_the_stability_fsrs_gives_with_the_deck_s_parameters(stability, difficulty, days_ago, decay):
    params = None
    if decay is not None:
        params = list(DEFAULT_PARAMETERS)
        params[20] = decay
    card = PlanCard("c", KS, CardState(REVIEW, None, stability, difficulty, NOW, NOW - timedelta(days=days_ago)))
    scheduler = Schedulers(Config(DeckSettings(parameters=tuple(params) if params else None), fuzz=False))
    expected = scheduler.answer(card.id, card.deck, card.state, 3, NOW).stability
    assert planner.good_answer(lambda deck: params)(card, NOW) == expected


def test_final_pass_covers_every_card_not_answered_since_the_window_opened():
    interview = Interview("快手", NOW + timedelta(days=1, hours=4), frozenset({KS}))
    cards = [reviewed(f"c{i}", 200, 3, 100) for i in range(6)] + [reviewed("fresh", 200, 0.5, 100)]
    entries = plan(cards, (interview,), Rules(final_pass_days=2), NOW, DAY, predict=predict)
    # window opened 2 days before the interview; "fresh" was answered inside it
    assert planner.days_left(interview.at, NOW) == 2
    assert reasons(entries) == [(f"c{i}", "final-pass") for i in range(3)]  # half today
    off = plan(cards, (interview,), Rules(final_pass_days=0), NOW, DAY, predict=predict)
    assert off == []  # stability 200: every card is above the target anyway


def test_an_interview_today_introduces_and_passes_everything_now():
    interview = Interview("快手", NOW + timedelta(hours=4), frozenset({KS}))
    cards = new_cards(12) + [reviewed("old", 3, 5, 30)]
    entries = plan(cards, (interview,), Rules(new_per_day=0), NOW, DAY, predict=predict)
    assert sorted(reasons(entries)) == sorted(
        [("old", "final-pass")] + [(c.id, "interview-introduce") for c in cards[:12]]
    )


def test_overlapping_interviews_plan_a_shared_card_for_the_earlier_one():
    early = Interview("快手", NOW + timedelta(days=4), frozenset({KS}))
    late = Interview("快手二面", NOW + timedelta(days=9), frozenset({KS, "面试::通用"}))
    cards = new_cards(4) + new_cards(4, "面试::通用", "g")
    owner = planner.assign(cards, (late, early), NOW)
    assert {owner[c.id].name for c in cards[:4]} == {"快手"}
    assert {owner[c.id].name for c in cards[4:]} == {"快手二面"}
    entries = plan(cards, (late, early), Rules(new_per_day=0), NOW, DAY)
    assert {(e.card_id[0], e.interview) for e in entries} == {("k", "快手"), ("g", "快手二面")}
    assert len([e for e in entries if e.interview == "快手"]) == 2  # ceil(4 / 2 days before D-2)
    # once the first interview is over, the shared cards belong to the later one
    after = planner.assign(cards, (late, early), early.at + timedelta(minutes=1))
    assert {i.name for i in after.values()} == {"快手二面"}


def test_past_and_removed_interviews_change_nothing():
    cards = [reviewed("a", 3, 5, -1), reviewed("b", 40, 2, 20), *new_cards(5)]
    plain = plan(cards, (), Rules(new_per_day=3), NOW, DAY, predict=predict)
    past = Interview("快手", NOW - timedelta(hours=1), frozenset({KS}))
    assert plan(cards, (past,), Rules(new_per_day=3), NOW, DAY, predict=predict) == plain
    assert [e.reason for e in plain] == ["due", "new", "new", "new"]


def test_choose_serves_learning_due_now_then_the_plan_then_learning_ahead():
    learning = [
        ("soon", CardState(LEARNING, 1, 2.0, 5.0, NOW + timedelta(minutes=5), NOW)),
        ("now", CardState(LEARNING, 1, 2.0, 5.0, NOW - timedelta(minutes=1), NOW)),
        ("later", CardState(LEARNING, 1, 2.0, 5.0, NOW + timedelta(hours=1), NOW)),
    ]
    pending = [Entry("stale", "due", state_values(CardState())), Entry("r", "due", state_values(CardState()))]
    servable = lambda e: e.card_id != "stale"  # noqa: E731
    first, rest = choose(learning, pending, NOW, servable)
    assert (first.card_id, first.reason, rest) == ("now", "learning", pending)
    second, rest = choose(learning[:1], pending, NOW, servable)
    assert (second.card_id, rest) == ("r", [])
    third, rest = choose(learning, [], NOW, lambda e: e.card_id != "now")
    assert third.card_id == "soon"
    assert choose(learning[2:], [], NOW, servable) == (None, [])


# -- properties --------------------------------------------------------------------------------

DECKS = (KS, "面试::通用", "面试::小红书")


@st.composite
def card_states(draw) -> CardState:
    kind = draw(st.sampled_from([NEW, LEARNING, REVIEW]))
    if kind == NEW:
        return CardState()
    last = NOW - timedelta(hours=draw(st.integers(0, 24 * 60)))
    stability = draw(st.floats(0.1, 400))
    due = last + timedelta(hours=draw(st.integers(0, 24 * 400)))
    return CardState(kind, 0 if kind == LEARNING else None, stability, 5.0, due, last)


@st.composite
def situations(draw):
    states = draw(st.lists(card_states(), max_size=40))
    cards = [PlanCard(f"c{i:02d}", draw(st.sampled_from(DECKS)), s) for i, s in enumerate(states)]
    interviews = tuple(
        Interview(f"i{n}", NOW + timedelta(hours=draw(st.integers(-48, 24 * 20))),
                  frozenset(draw(st.sets(st.sampled_from(DECKS), min_size=1))))
        for n in range(draw(st.integers(0, 3)))
    )
    rules = Rules(new_per_day=draw(st.integers(0, 10)), final_pass_days=draw(st.integers(0, 3)))
    return cards, interviews, rules, draw(st.booleans())


@settings(max_examples=150, deadline=None)
@given(situations())
def test_every_plan_is_consistent(situation):
    cards, interviews, rules, ahead = situation
    entries = plan(cards, interviews, rules, NOW, DAY, ahead=ahead)
    by_id = {c.id: c for c in cards}
    ids = [e.card_id for e in entries]
    assert len(ids) == len(set(ids))  # a card is planned once
    for entry in entries:
        card = by_id[entry.card_id]
        assert entry.state == card.state
        assert (entry.reason in planner.NEW_REASONS) == (card.state.state == NEW)
        assert card.state.state != LEARNING  # learning cards are chosen live, not planned
    _start, end = DAY.bounds(NOW)
    due = {c.id for c in cards if c.state.state == REVIEW and c.state.due < end}
    assert {e.card_id for e in entries if e.reason == "due"} == due
    owner = planner.assign(cards, interviews, NOW)
    for entry in entries:
        if entry.reason in (planner.INTRODUCE, planner.BRING_FORWARD, planner.FINAL_PASS):
            assert owner[entry.card_id].name == entry.interview
    introduced = sum(1 for e in entries if e.reason == planner.INTRODUCE)
    assert sum(1 for e in entries if e.reason == "new") <= max(0, rules.new_per_day - introduced)
    if not planner.upcoming(interviews, NOW):
        assert {e.reason for e in entries} <= {"due", "new", "ahead"}
    if ahead:  # every seen card that is not learning is served
        assert {e.card_id for e in entries if e.reason != "new" and e.reason != planner.INTRODUCE} == {
            c.id for c in cards if c.state.state == REVIEW
        }


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 80), st.integers(0, 20), st.integers(0, 30))
def test_introductions_never_exceed_an_even_share(count, started, days):
    interview = Interview("i", NOW + timedelta(days=days, hours=4), frozenset({KS}))
    cards = new_cards(count)
    done = frozenset(f"done{i}" for i in range(started))
    cards += [PlanCard(f"done{i}", KS, CardState(LEARNING, 0, 2.0, 5.0, NOW, NOW)) for i in range(started)]
    entries = plan(cards, (interview,), Rules(new_per_day=0), NOW, DAY, introduced_today=done)
    left = planner.days_left(interview.at - timedelta(days=planner.INTRODUCE_BY_DAYS), NOW)
    share = math.ceil((count + started) / left)
    assert len(entries) == max(0, min(count, share - started))


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(1, 30),
    days=st.integers(0, 12),
    hour=st.integers(5, 23),
    final_pass_days=st.integers(0, 3),
    seed=st.integers(0, 10**6),
)
def test_a_user_who_does_each_day_s_plan_meets_the_interview(count, days, hour, final_pass_days, seed):
    """Any ratings: one session a day at 10:00, a minute per answer, learning steps played out in
    the session (as learn-ahead does); at the interview every card is through the final pass and
    at the target, or was answered in the last session (predicted recall counts fractional days:
    a card just relearned with a stability of an hour is honestly below the target an hour later)."""
    import random

    rng = random.Random(seed)
    at_interview = NOW + timedelta(days=days, hours=hour - 10)
    if at_interview <= NOW:
        return
    interview = Interview("i", at_interview, frozenset({KS}))
    rules = Rules(new_per_day=0, final_pass_days=final_pass_days)
    states = {c.id: c.state for c in new_cards(count)}
    last_session = NOW
    for day in range(days + 1):
        at = NOW + timedelta(days=day)
        if at >= at_interview:
            break
        last_session = at
        cards = [PlanCard(card_id, KS, state) for card_id, state in states.items()]
        learning = [c for c in cards if c.state.state in (LEARNING, 3)]
        clock = at
        for entry in plan(cards, (interview,), rules, at, DAY, predict=predict) + [
            Entry(c.id, "learning", c.values) for c in learning
        ]:
            clock += timedelta(minutes=1)  # answering takes time
            state = SCHEDULERS.answer(entry.card_id, KS, states[entry.card_id], rng.choice((1, 2, 3, 3, 4)), clock)
            while state.state in (LEARNING, 3):  # the session serves it again until it graduates
                clock += timedelta(minutes=1)
                state = SCHEDULERS.answer(entry.card_id, KS, state, rng.choice((1, 3, 3, 4)), clock)
            states[entry.card_id] = state
    for card_id, state in states.items():
        assert recall_at(state, at_interview) >= 0.95 or state.last_review >= last_session, card_id
        if final_pass_days:
            assert state.last_review >= at_interview - timedelta(days=final_pass_days), card_id


# -- the imminent interview first ----------------------------------------------------------------

XHS, GENERAL, ANT = "面试::小红书", "面试::通用", "面试::蚂蚁"


def test_the_day_before_an_interview_its_cards_come_first_then_the_next_interview_s_then_the_rest():
    ks = Interview("快手", NOW + timedelta(days=1, hours=4), frozenset({KS}))
    ant = Interview("蚂蚁", NOW + timedelta(days=7), frozenset({ANT}))
    cards = [
        reviewed("g-due", 5, 6, -1, GENERAL), reviewed("x-due", 3, 6, -1, XHS),
        reviewed("a-due", 4, 6, -1, ANT), reviewed("k-due", 9, 6, -1),
        reviewed("k-old", 200, 5, 100), reviewed("k-weak", 2, 3, 5),  # final pass: one today, one tomorrow
        *new_cards(3), *new_cards(2, XHS, "x"), *new_cards(2, ANT, "a"),
    ]
    entries = plan(cards, (ant, ks), Rules(new_per_day=20), NOW, DAY, predict=predict, ahead=True)
    assert [(e.card_id, e.reason) for e in entries] == [
        ("k-due", "due"),
        ("k00", "interview-introduce"), ("k01", "interview-introduce"), ("k02", "interview-introduce"),
        ("k-weak", "final-pass"),
        ("a-due", "due"), ("a00", "interview-introduce"), ("a01", "new"),
        ("x-due", "due"), ("g-due", "due"),  # weakest first, as ever; no 小红书 new cards
        ("k-old", "ahead"),
    ]
    keep = Rules(new_per_day=20, new_outside_focus=True)
    assert [e.card_id for e in plan(cards, (ant, ks), keep, NOW, DAY, predict=predict)][-2:] == ["x00", "x01"]
    # a week before, the order is the plain one, and new cards come from everywhere
    early = Interview("快手", NOW + timedelta(days=7), frozenset({KS}))
    plain = [e.card_id for e in plan(cards, (early,), Rules(new_per_day=20), NOW, DAY, predict=predict)]
    assert plain[:4] == ["x-due", "a-due", "g-due", "k-due"] and "x00" in plain


def test_ahead_serves_the_nearest_interview_s_cards_first():
    ks = Interview("快手", NOW + timedelta(days=1), frozenset({KS}))
    ant = Interview("蚂蚁", NOW + timedelta(days=7), frozenset({ANT}))
    cards = [reviewed("a-weak", 1, 3, 4, ANT), reviewed("k-strong", 300, 1, 100), reviewed("g", 2, 1, 5, GENERAL)]
    entries = plan(cards, (ks, ant), Rules(new_per_day=0, final_pass_days=0), NOW, DAY, predict=predict, ahead=True)
    assert [(e.card_id, e.reason) for e in entries] == [("k-strong", "ahead"), ("a-weak", "ahead"), ("g", "ahead")]


def test_the_focused_interview_s_learning_steps_come_before_other_decks_cards():
    soon = CardState(LEARNING, 1, 1.0, 5.0, NOW + timedelta(minutes=10), NOW)
    pending = [Entry("k1", "interview-introduce", state_values(CardState()), "快手"), Entry("g1", "due", state_values(CardState()))]
    always = lambda e: True  # noqa: E731
    first, rest = choose([("k0", soon)], pending, NOW, always, urgent=frozenset({"k0", "k1"}))
    assert first.card_id == "k1"
    second, rest = choose([("k0", soon)], rest, NOW, always, urgent=frozenset({"k0", "k1"}))
    assert (second.card_id, second.reason, rest) == ("k0", "learning", pending[1:])
    plain, _rest = choose([("k0", soon)], pending[1:], NOW, always)
    assert plain.card_id == "g1"


@settings(max_examples=200, deadline=None)
@given(situations(), st.integers(0, 5), st.booleans())
def test_within_focus_days_the_queue_goes_interview_by_interview_then_the_rest(situation, focus_days, keep):
    cards, interviews, rules, ahead = situation
    rules = Rules(new_per_day=rules.new_per_day, final_pass_days=rules.final_pass_days,
                  focus_days=focus_days, new_outside_focus=keep)
    entries = plan(cards, interviews, rules, NOW, DAY, ahead=ahead)
    coming = planner.upcoming(interviews, NOW)
    if not planner.focused(interviews, NOW, rules):
        rank_free = plan(cards, interviews, Rules(new_per_day=rules.new_per_day,
                         final_pass_days=rules.final_pass_days, focus_days=0), NOW, DAY, ahead=ahead)
        assert entries == rank_free
        return
    order = {i.name: n for n, i in enumerate(coming)}

    def place(entry):
        group = order[entry.interview] if entry.interview is not None else len(order)
        return (entry.reason == planner.AHEAD, group, entry.reason == planner.FINAL_PASS)

    assert [place(e) for e in entries] == sorted(place(e) for e in entries)
    if not keep:
        assert all(e.interview is not None for e in entries if e.reason == planner.NEW_REASON)
    unfocused = plan(cards, interviews, Rules(new_per_day=rules.new_per_day,
                     final_pass_days=rules.final_pass_days, focus_days=0), NOW, DAY, ahead=ahead)
    dropped = {e.card_id for e in unfocused} - {e.card_id for e in entries}
    assert all(e.reason == planner.NEW_REASON and e.interview is None for e in unfocused if e.card_id in dropped)


# -- what the store loads for a plan ----------------------------------------------------------------


def _store_with(folder, cards: list[PlanCard]):
    """A real store holding `cards` (present, in list order), for plan_cards' SQL."""
    from interview_srs.store.connection import Store
    from interview_srs.schedule.scheduler import state_values

    store = Store.open(folder / "store.sqlite3")
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO cards (id, deck, company, role, tags, question, back, file, line, column, added_ms, "
            "state, step, stability, difficulty, due_ms, last_review_ms) "
            "VALUES (?, ?, '', '', '[]', 'q', '{}', 'cards.yaml', ?, 1, 0, ?, ?, ?, ?, ?, ?)",
            [(c.id, c.deck, line, *state_values(c.state)) for line, c in enumerate(cards, 1)],
        )
    return store


@settings(max_examples=120, deadline=None)
@given(situations(), st.data())
def test_the_cards_left_in_the_store_never_change_the_plan(situation, data):
    """planner.interview_cards lets the store leave out the review cards an interview's plan has
    no use for: the plan made from what it loads is the plan made from every card of the
    interviews' decks, whatever the cards, interviews, targets, parameters and today's answers."""
    import tempfile
    from pathlib import Path

    from interview_srs.store.queries import InterviewCards, plan_cards
    from interview_srs.store.rows import CardFilter

    cards, interviews, rules, _ahead = situation
    targets = {deck: data.draw(st.sampled_from([0.5, 0.8, 0.95, 0.99])) for deck in DECKS}
    decays = {deck: data.draw(st.sampled_from([None, 0.1, 0.5, 0.8])) for deck in DECKS}

    def params_of(deck):
        if decays[deck] is None:
            return None
        params = list(DEFAULT_PARAMETERS)
        params[20] = decays[deck]
        return tuple(params)

    rules = Rules(new_per_day=rules.new_per_day, final_pass_days=rules.final_pass_days,
                  target_of=targets.__getitem__, params_of=params_of)
    day_start, day_end = DAY.bounds(NOW)
    today = [c.id for c in cards if c.state.state != NEW and c.state.last_review >= day_start]
    introduced = frozenset(data.draw(st.sets(st.sampled_from(today))) if today else ())
    early = frozenset(data.draw(st.sets(st.sampled_from(today))) if today else ()) - introduced
    coming = planner.upcoming(interviews, NOW)
    every_deck = tuple(sorted(frozenset().union(*(i.decks for i in coming))))
    with tempfile.TemporaryDirectory() as folder:
        store = _store_with(Path(folder), cards)
        try:
            def load(parts):
                return plan_cards(store, CardFilter(), NOW, day_end, interviews=parts, since=day_start,
                                  new_limit=rules.new_per_day)

            everything = load([InterviewCards(every_deck, 0)] if every_deck else [])
            lean = load(planner.interview_cards(interviews, rules, NOW))
        finally:
            store.close()
    assert {c.id for c in lean} <= {c.id for c in everything}
    predict = planner.good_answer(params_of)
    assert plan(lean, interviews, rules, NOW, DAY, introduced, predict, early_today=early) == plan(
        everything, interviews, rules, NOW, DAY, introduced, predict, early_today=early)


def test_a_review_card_above_target_at_its_interview_stays_in_the_store(tmp_path):
    interview = Interview("快手", NOW + timedelta(days=5), frozenset({KS}))
    cards = [reviewed("strong", 300, 3, 200), reviewed("weak", 3, 3, 2), reviewed("due", 30, 30, -1),
             PlanCard("today", KS, CardState(REVIEW, None, 300, 5.0, NOW + timedelta(days=200), NOW)), *new_cards(2)]
    store = _store_with(tmp_path, cards)
    try:
        from interview_srs.store.queries import plan_cards
        from interview_srs.store.rows import CardFilter

        day_start, day_end = DAY.bounds(NOW)
        loaded = plan_cards(store, CardFilter(), NOW, day_end, interviews=planner.interview_cards((interview,), Rules(), NOW),
                            since=day_start)
    finally:
        store.close()
    assert [c.id for c in loaded] == ["weak", "due", "today", "k00", "k01"]  # "strong" is not needed


@given(st.lists(st.sampled_from(sorted({planner.DUE, planner.FINAL_PASS, planner.BRING_FORWARD, planner.AHEAD,
                                        planner.INTRODUCE, planner.NEW_REASON, planner.LEARNING_REASON}))),
       st.integers(0, 50))
def test_what_is_left_of_a_plan_counts_each_entry_once_by_its_reason(reasons, learning):
    entries = [Entry(f"c{i}", reason, state_values(CardState())) for i, reason in enumerate(reasons)]
    left = planner.left(entries, learning)
    assert left.new == reasons.count(planner.INTRODUCE) + reasons.count(planner.NEW_REASON)
    assert left.due == len(reasons) - left.new - reasons.count(planner.LEARNING_REASON)
    assert left.learning == learning
