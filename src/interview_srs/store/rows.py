"""The `cards` table's rows as values: a stored card, its schedule, and the filter over cards.

Shared by every module that reads or writes cards, so that a card's columns and the conversion
of a schedule to and from them are written once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.scheduler import CardState, card_state, from_ms, to_ms

STATE_COLUMNS = "state, step, stability, difficulty, due_ms, last_review_ms"
CARD_COLUMNS = (
    "id, deck, company, role, tags, question, back, file, line, column, present, "
    "suspended, buried_until_ms, " + STATE_COLUMNS
)


@dataclass(frozen=True)
class StoredCard:
    """A card as the store keeps it: what a session needs to show and schedule it."""

    id: str
    deck: str
    company: str
    role: str
    tags: tuple[str, ...]
    question: str
    back: dict
    file: str
    line: int
    column: int
    schedule: CardState
    present: bool = True
    suspended: bool = False
    buried_until: datetime | None = None


@dataclass(frozen=True)
class CardFilter:
    """Which cards a session or stats looks at: decks (None: all) and a tag (None: any)."""

    decks: tuple[str, ...] | None = None
    tag: str | None = None

    def sql(self) -> tuple[str, list]:
        clauses, params = ["present = 1"], []
        if self.decks is not None:
            clauses.append(f"deck IN ({', '.join('?' * len(self.decks))})")
            params.extend(self.decks)
        if self.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(cards.tags) WHERE value = ?)")
            params.append(self.tag)
        return " AND ".join(clauses), params

    def available(self, at: datetime) -> tuple[str, list]:
        """The SQL condition for the cards of this filter that review may show at `at`: neither
        suspended nor buried then."""
        where, params = self.sql()
        return (
            where + " AND suspended = 0 AND (buried_until_ms IS NULL OR buried_until_ms <= ?)",
            params + [to_ms(at)],
        )


def stored_card(row) -> StoredCard:
    """A StoredCard from a row of CARD_COLUMNS."""
    return StoredCard(
        id=row[0],
        deck=row[1],
        company=row[2],
        role=row[3],
        tags=tuple(json.loads(row[4])),
        question=row[5],
        back=json.loads(row[6]),
        file=row[7],
        line=row[8],
        column=row[9],
        present=bool(row[10]),
        suspended=bool(row[11]),
        buried_until=from_ms(row[12]) if row[12] is not None else None,
        schedule=card_state(row[13:19]),
    )


__all__ = ["CARD_COLUMNS", "STATE_COLUMNS", "CardFilter", "StoredCard", "stored_card"]
