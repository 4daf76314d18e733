"""A real first round opens with a self-introduction and "why us" and ends with 反问: the general
opener deck (cards/general-openers.yaml) has those cards for every company, written with `{公司}`
where they name it. Here: which of its cards open or close a round, the company an interview is
for, and a card with its placeholder filled for the screen that shows it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from interview_srs.bank.placeholders import fill, fill_all, mentions
from interview_srs.review.planner import Interview, upcoming
from interview_srs.store.connection import Store
from interview_srs.store.rows import StoredCard

OPENER_DECK = "面试::通用::开场与反问"
OPENING_IDS = ("open-self-intro", "open-why-")  # a self-introduction or a why-us card
CLOSING_IDS = ("open-ask-",)  # 反问


def round_part(card_id: str) -> str | None:
    """"opener" or "closing" for the opener deck's cards that open or close a round, else None."""
    if card_id.startswith(OPENING_IDS):
        return "opener"
    if card_id.startswith(CLOSING_IDS):
        return "closing"
    return None


def interview_company(store: Store, decks: Iterable[str]) -> str:
    """The company of an interview: the one company its decks name ("" when they name none or
    several, and each card then names its own deck's company)."""
    from interview_srs.store.interviews import companies_of

    companies = companies_of(store, decks)
    return companies.pop() if len(companies) == 1 else ""


def filled(card: StoredCard, company: str = "") -> StoredCard:
    """The card with `{公司}` named: `company` (an interview's), else the card's own deck
    company, else 贵公司 (bank/placeholders.py)."""
    name = company or card.company
    return dataclasses.replace(card, question=fill(card.question, name), back=fill_all(card.back, name))


class InterviewCompanies:
    """`{公司}` filled for the review screen: with the company of the upcoming interview covering
    the card (else the card's own company, else 贵公司). Each interview's company is read once
    (reading it walks every card of its decks), when a card first names it, not for every card
    shown; a session makes a new one after the user edits a card file."""

    def __init__(self, store: Store, interviews: Iterable[Interview]):
        self.store, self.interviews = store, tuple(interviews)
        self._known: dict[frozenset[str], str] = {}

    def fill(self, card: StoredCard, now: datetime) -> StoredCard:
        covering = next((i for i in upcoming(self.interviews, now) if card.deck in i.decks), None)
        if covering is None or not (mentions(card.question) or mentions(card.back)):
            return filled(card)
        if covering.decks not in self._known:
            self._known[covering.decks] = interview_company(self.store, covering.decks)
        return filled(card, self._known[covering.decks])


__all__ = [
    "CLOSING_IDS", "OPENER_DECK", "OPENING_IDS", "InterviewCompanies", "filled", "interview_company", "round_part",
]
