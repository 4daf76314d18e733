"""`srs sheet`: the cards of an interview on one page to skim before walking in, weakest first.

Each card as data: its question, the outline or the STAR parts' keywords, a metric to quote,
your own answer (stories expanded) and the follow-ups with their cues. Weakest means the lowest
predicted recall at the interview's time (schedule/readiness.py; a card never answered counts 0,
so it comes first). commands/sheet.py renders the sheet as HTML or Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from interview_srs.store import lookups, queries
from interview_srs.personal.answers import Personal, body_lines
from interview_srs.review.openers import filled
from interview_srs.schedule.readiness import recall_at
from interview_srs.schedule.scheduler import NEW
from interview_srs.store.rows import CardFilter, StoredCard
from interview_srs.store.connection import Store

STAR_NAMES = (("situation", "S 情境"), ("task", "T 任务"), ("action", "A 行动"), ("result", "R 结果"))
BUDGET = re.compile(r"^（约\s*\d+\s*(?:秒|分钟)）\s*")  # a prompt's time budget, not its content
CLAUSE = re.compile(r"[^。；;\n]+")
# A figure worth quoting: a number with a unit of size or share, or a number beside a named
# metric (ROI 2.0, DAU 3000) — not a prompt that only names one.
METRIC = re.compile(r"\d[\d.,]*\s*(?:%|％|万|亿|倍|元|个百分点|pp)")
NAMED = re.compile(r"(?:ROI|GMV|DAU|MAU|CTR|CVR|ARPU|LTV|NPS|留存|转化率|复购)")
KEYWORD_CHARS = 14  # a STAR prompt whose head is longer than this is cut at its first clause
METRICS = 2


@dataclass(frozen=True)
class SheetCard:
    card_id: str
    deck: str
    question: str
    recall: float  # predicted recall at the sheet's moment (0: never answered)
    seen: bool
    star: bool  # a behavioural card: `points` are its STAR parts' keywords, else its outline
    points: tuple[tuple[str, str], ...]  # (label, text): `S 情境` and keywords, or `1.` and a point
    metrics: tuple[str, ...]  # clauses with a figure: from your answer first, else from the card
    mine: str | None  # your answer's Markdown (stories expanded, no title), None when not written
    followups: tuple[tuple[str, str], ...]  # (question, cue)


@dataclass(frozen=True)
class Sheet:
    title: str  # the interview's name, or the deck pattern
    at: datetime  # the moment recall is predicted for (the interview's time, else now)
    company: str
    cards: tuple[SheetCard, ...]


def build_sheet(store: Store, filt: CardFilter, personal: Personal, title: str, at: datetime, company: str,
                params_of: Callable[[str], object] = lambda deck: None) -> Sheet:
    """Every present card of `filt` (suspended ones too: an interview asks them anyway), weakest
    first; `{公司}` names `company` (review/openers.py)."""
    cards = []
    for row in queries.stat_cards(store, filt):
        card = filled(lookups.card(store, row[0]), company)
        cards.append(sheet_card(card, personal, recall_at(card.schedule, at, params_of(card.deck))))
    cards.sort(key=lambda c: (c.recall, c.card_id))
    return Sheet(title, at, company, tuple(cards))


def sheet_card(card: StoredCard, personal: Personal, recall: float) -> SheetCard:
    back = card.back
    star = back.get("star")
    if star:
        points = tuple((label, " · ".join(keyword(p) for p in star.get(key) or [])) for key, label in STAR_NAMES)
    else:
        points = tuple((f"{n}.", BUDGET.sub("", item)) for n, item in enumerate(back.get("outline") or [], start=1))
    mine = personal.answer(card.id)
    text = "\n".join(body_lines(mine.text, card.question)) if mine is not None and mine.written else None
    from_card = [p for key in ("situation", "task", "action", "result") for p in (star or {}).get(key) or []]
    from_card += list(back.get("outline") or []) + [back.get("example") or ""]
    metrics = figures([text or ""]) or figures(from_card)
    followups = tuple((f["q"], f["cue"]) for f in back.get("followups") or [])
    return SheetCard(card.id, card.deck, card.question, recall, card.schedule.state != NEW, bool(star), points,
                     metrics, text, followups)


def keyword(prompt: str) -> str:
    """A STAR prompt as a keyword: without its time budget, cut at `：` or its first clause."""
    text = BUDGET.sub("", prompt).strip()
    head = re.split(r"[：:]", text, maxsplit=1)[0]
    if len(head) <= KEYWORD_CHARS:
        return head
    return re.split(r"[，,；;。（(]", text, maxsplit=1)[0][:KEYWORD_CHARS * 2]


def figures(texts: list[str]) -> tuple[str, ...]:
    """The first METRICS clauses holding a figure worth quoting."""
    found = []
    for text in texts:
        for clause in CLAUSE.findall(BUDGET.sub("", text.strip())):
            clause = clause.strip(" -*，,")
            if (METRIC.search(clause) or (NAMED.search(clause) and re.search(r"\d", clause))) and clause not in found:
                found.append(clause)
                if len(found) == METRICS:
                    return tuple(found)
    return tuple(found)


__all__ = ["Sheet", "SheetCard", "build_sheet", "figures", "keyword", "sheet_card"]
