"""Read-only queries over the whole review log and every card, for `srs export`, `srs optimize`
and matching Anki notes (`srs sync-anki`). Every source counts: terminal, mock and Anki."""

from __future__ import annotations

import sqlite3


def card_ids(conn: sqlite3.Connection) -> list[str]:
    """Every card id the store knows, present or not."""
    return [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]


def answers(conn: sqlite3.Connection) -> list[tuple[str, int, int, int | None]]:
    """(card id, rating, reviewed_ms, duration_ms) of every answer, in time order."""
    return conn.execute(
        "SELECT card_id, rating, reviewed_ms, duration_ms FROM review_log ORDER BY reviewed_ms, id"
    ).fetchall()


def log_rows(conn: sqlite3.Connection) -> list[tuple]:
    """Every answer in time order: (card id, reviewed_ms, rating, state_before, duration_ms, deck,
    source, anki_revlog_id, state_after, stability_after, difficulty_after, due_after_ms)."""
    return conn.execute(
        "SELECT review_log.card_id, reviewed_ms, rating, state_before, duration_ms, cards.deck, source, "
        "anki_revlog_id, state_after, stability_after, difficulty_after, due_after_ms "
        "FROM review_log JOIN cards ON cards.id = review_log.card_id ORDER BY reviewed_ms, review_log.id"
    ).fetchall()


def card_states(conn: sqlite3.Connection) -> list[tuple]:
    """Every card by deck and id: (id, deck, present, suspended, state, step, stability,
    difficulty, due_ms, last_review_ms)."""
    return conn.execute(
        "SELECT id, deck, present, suspended, state, step, stability, difficulty, due_ms, last_review_ms "
        "FROM cards ORDER BY deck, id"
    ).fetchall()


__all__ = ["answers", "card_ids", "card_states", "log_rows"]
