"""Read-only queries that feed the planner: the cards a session may show, and today's
introductions. Functions take an open Store (see store/__init__.py for the tables)."""

from __future__ import annotations

from datetime import datetime

from interview_srs.planner import PlanCard
from interview_srs.scheduler import to_ms
from interview_srs.store import _STATE_COLUMNS, CardFilter, Store, _state


def plan_cards(store: Store, filt: CardFilter, at: datetime) -> list[PlanCard]:
    """Present cards matching `filt` that are neither suspended nor buried at `at`, in file order
    (the order new cards are introduced in)."""
    where, params = store._available(filt, at)
    return [
        PlanCard(row[0], row[1], _state(row[2:]))
        for row in store.conn.execute(
            f"SELECT id, deck, {_STATE_COLUMNS} FROM cards WHERE {where} ORDER BY file, line, id",
            params,
        )
    ]


def introduced_since(store: Store, since: datetime) -> frozenset[str]:
    """Cards whose first answer (from any source) was at or after `since`."""
    return frozenset(
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT card_id FROM review_log WHERE reviewed_ms >= ? AND state_before = 0",
            (to_ms(since),),
        )
    )




def learning_cards(store: Store, filt: CardFilter, at: datetime, until: datetime):
    """Learning/relearning cards due by `until`: (id, state), earliest first."""
    where, params = store._available(filt, at)
    return [
        (row[0], _state(row[1:]))
        for row in store.conn.execute(
            f"SELECT id, {_STATE_COLUMNS} FROM cards WHERE {where} AND state IN (1, 3) "
            "AND due_ms <= ? ORDER BY due_ms, id",
            params + [to_ms(until)],
        )
    ]


def studied_cards(store: Store, filt: CardFilter = CardFilter()) -> list[PlanCard]:
    """Present, unsuspended cards matching `filt` (buried ones too: they still count towards
    readiness), in file order."""
    where, params = filt.sql()
    return [
        PlanCard(row[0], row[1], _state(row[2:]))
        for row in store.conn.execute(
            f"SELECT id, deck, {_STATE_COLUMNS} FROM cards WHERE {where} AND suspended = 0 "
            "ORDER BY file, line, id",
            params,
        )
    ]


__all__ = ["introduced_since", "learning_cards", "plan_cards", "studied_cards"]
