"""What the review session draws for a card: the question side, and after Space the time taken,
your own answer, the skeleton, a leech warning and the ratings with their next intervals.

The lines are handed to pager.py, which scrolls a card taller than the terminal; the session
(session.py) decides when to draw and what each key does.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_srs.base.sanitize import printable
from interview_srs.store import lookups
from interview_srs.store.connection import Store
from interview_srs.store.rows import StoredCard
from interview_srs.terminal import pager, render
from interview_srs.terminal.render import Style
from interview_srs.terminal.screen import format_duration
from interview_srs.terminal.texts import Texts


@dataclass(frozen=True)
class Revealed:
    """The answer side's parts that the session works out when the answer is shown."""

    timer: str  # timer_line for the time spent answering
    own_answer: object  # personal.answers' answer to the card, or None
    leech_lapses: int | None  # lapses when the card is a leech, else None
    preview: dict[int, str]  # rating → the next interval, worded


def card_screen(card: StoredCard, texts: Texts, width: int, style: Style, *, counts: str, message: str,
                banner: str, revealed: Revealed | None, hint: str) -> pager.Screen:
    """The card as one pager screen: the header and any message pinned on top, the keys below."""
    top, body = pager.split_header(render.question_lines(card, texts, width, style, counts))
    top = (printable(message).split("\n") if message else []) + ([style.bold(banner)] if banner else []) + top
    bottom = [""]
    if revealed is not None:
        body += ["", revealed.timer]
        body += render.own_answer_lines(revealed.own_answer, card.id, card.question, texts, width, style)
        body += render.answer_lines(card, texts, width, style)
        body += leech_lines(revealed.leech_lapses, card.id, texts, width, style)
        bottom += [render.ratings_line(revealed.preview, texts, style), *render.key_lines(texts.answer_keys, width, style)]
    else:
        bottom += render.key_lines(texts.question_keys, width, style)
    if hint:
        bottom.append(hint)
    return pager.Screen(tuple(top), tuple(body), tuple(bottom))


def leech_lines(lapses: int | None, card_id: str, texts: Texts, width: int, style: Style) -> list[str]:
    """A leech (forgotten `leech_threshold` times or more) suggests reworking your answer."""
    if lapses is None:
        return []
    text = texts.leech.format(lapses=lapses, card=card_id)
    return [""] + [style.bold(line) for line in render.wrap(text, width)]


def timer_line(seconds: float, target: int, texts: Texts, style: Style) -> str:
    """Time spent answering against the card type's target; the overrun marked."""
    spent, goal = format_duration(seconds), format_duration(target)
    if seconds <= target:
        return style.dim(texts.answer_time.format(time=spent, target=goal))
    over = format_duration(seconds - target)
    return style.rating(1, texts.answer_overrun.format(time=spent, target=goal, over=over))


def countdown_line(name: str, days: int, readiness: float, texts: Texts) -> str:
    """The header line counting down to an interview."""
    text = (
        texts.countdown_today if days <= 0
        else texts.countdown_tomorrow if days == 1
        else texts.countdown
    )
    return text.format(name=render.clean(name), days=days, readiness=f"{readiness:.0%}")




def leech_lapses(store: Store, card_id: str, threshold: int) -> int | None:
    """The card's lapses if it is a leech (forgotten `threshold` times or more): the screen says so."""
    count = lookups.lapses(store, card_id)
    return count if count >= threshold else None


__all__ = ["Revealed", "card_screen", "countdown_line", "leech_lapses", "leech_lines", "timer_line"]
