"""Finding and managing single cards from the command line: `srs search`, `srs show`,
`srs suspend` / `srs unsuspend`, worded for a person.

Each command opens the store (synced with the cards), asks review/lookup.py or the store's
lookups, and returns the text to print.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from interview_srs.review.lookup import CardFacts
from interview_srs.schedule.scheduler import NEW, STATE_NAMES, StudyDay, format_interval
from interview_srs.store.rows import StoredCard
from interview_srs.store.home import Home
from interview_srs.terminal import render
from interview_srs.terminal.texts import Texts

WIDTH = render.REPORT_WIDTH
MIN_QUESTION = 24  # cells a search result's question needs beside its id and deck


def search_command(cards_dir: Path | None, store_path: Path | None, text: str) -> str:
    from interview_srs.bank.placeholders import fill
    from interview_srs.store import lookups

    with _opened(cards_dir, store_path) as (home, _at):
        found = lookups.search(home.store, text)
    # `{公司}` named as `srs show` names it: the card's own company, else 贵公司
    return search_text([(card_id, deck, fill(question, company)) for card_id, deck, question, company in found], text)


def show_command(cards_dir: Path | None, store_path: Path | None, card_id: str) -> str:
    from interview_srs.review.lookup import card_facts
    from interview_srs.terminal.texts import texts_for

    with _opened(cards_dir, store_path) as (home, at):
        facts = card_facts(home.store, home.config, card_id, at)
        return show_text(facts, texts_for(), at, home.study_day)  # times in the user's zone


def suspend_command(cards_dir: Path | None, store_path: Path | None, card_ids: tuple[str, ...],
                    list_them: bool, deck: str | None = None) -> str:
    """Suspend `card_ids` and the cards of `deck` (if any), then list the suspended cards if asked."""
    from interview_srs.store import lookups

    with _opened(cards_dir, store_path) as (home, _at):
        parts = (
            _set_suspended(home, card_ids, deck, True) if card_ids or deck is not None else "",
            suspended_list(lookups.suspended(home.store)) if list_them else "",
        )
        return "\n".join(part for part in parts if part)


def unsuspend_command(cards_dir: Path | None, store_path: Path | None, card_ids: tuple[str, ...],
                      deck: str | None = None) -> str:
    with _opened(cards_dir, store_path) as (home, _at):
        return _set_suspended(home, card_ids, deck, False)


def _set_suspended(home: Home, card_ids: tuple[str, ...], deck: str | None, suspended: bool) -> str:
    """Cards named one by one are each worded; a deck's cards are counted per deck."""
    from interview_srs.review.lookup import deck_card_ids, set_suspended
    from interview_srs.store.home import card_filter

    in_decks = deck_card_ids(home.store, card_filter(home.store, deck, None)) if deck is not None else ()
    named = set_suspended(home.store, card_ids, suspended)
    grouped = set_suspended(home.store, tuple(i for i in in_decks if i not in card_ids), suspended)
    return "\n".join(part for part in (suspended_text(named, suspended), deck_suspended_text(grouped, suspended)) if part)


@contextmanager
def _opened(cards_dir: Path | None, store_path: Path | None) -> Iterator[tuple[Home, datetime]]:
    from interview_srs.schedule.scheduler import now
    from interview_srs.store.health import reading
    from interview_srs.store.home import open_home

    at = now()
    home = open_home(store_path, cards_dir, at)
    try:
        with reading(home.store.path):
            yield home, at
    finally:
        home.store.close()


def search_text(found: list[tuple[str, str, str]], text: str) -> str:
    """Cards whose question, back or tags contain `text`: id, deck and the question."""
    if not found:
        return f"No card matches “{render.clean(text)}”."
    width = max(len(card_id) for card_id, _d, _q in found)
    deck_width = max(render.cell_width(render.clean(deck)) for _i, deck, _q in found)
    lines = [f"{len(found)} card{'s' if len(found) != 1 else ''} match “{render.clean(text)}”:"]
    room = WIDTH - (2 + width + 2 + deck_width + 2)
    for card_id, deck, question in found:
        deck = render.clean(deck)
        pad = " " * (deck_width - render.cell_width(deck))
        if room >= MIN_QUESTION:  # one line: id, deck, question
            lines.append(f"  {card_id:<{width}}  {deck}{pad}  {render.shorten(question, room)}")
        else:  # long ids or decks: the question under them, so every line fits WIDTH
            lines.append(f"  {card_id}  {deck}")
            lines.append("    " + render.shorten(question, WIDTH - 4))
    return "\n".join(render.fit_lines(lines, WIDTH))


def show_text(facts: CardFacts, texts: Texts, at: datetime, study_day: StudyDay) -> str:
    """The card as the review screen shows it, its FSRS state, predicted recall now and every
    answer it was given."""
    card = facts.card
    style = render.Style(False)
    lines = render.question_lines(card, texts, WIDTH, style) + render.answer_lines(card, texts, WIDTH, style)
    lines.append("")
    state = card.schedule
    status = [] if card.present else ["no longer in any card file"]
    if card.suspended:
        status.append("suspended")
    if card.buried_until is not None and card.buried_until > at:
        status.append(f"buried until {_local(card.buried_until, study_day)}")
    if state.state == NEW:
        lines.append("State: new (never answered)" + _joined(status))
    else:
        lines.append(f"State: {STATE_NAMES[state.state]} · due {_local(state.due, study_day)} · "
                     f"lapses {facts.lapses}" + _joined(status))
        lines.append(f"Memory: stability {state.stability:.1f} d · difficulty {state.difficulty:.1f}")
        lines.append(f"Predicted recall now: {facts.recall * 100:.0f}% (target {facts.desired_retention * 100:.0f}%)")
    if facts.leech:
        lines.append(texts.leech.format(lapses=facts.lapses, card=card.id))
    history = facts.history
    if not history:
        lines.append("History: no answers yet.")
        return "\n".join(render.fit_lines(lines, WIDTH))
    lines.append(f"History ({len(history)} answer{'s' if len(history) != 1 else ''}):")
    for answer in history:
        took = f"{answer.duration_ms / 1000:.0f}s" if answer.duration_ms is not None else "-"
        interval = format_interval(answer.after.due - answer.reviewed) if answer.after.due else "-"
        lines.append(
            f"  {_local(answer.reviewed, study_day)}  {texts.ratings[answer.rating - 1]:<5}  {took:>4}  "
            f"{STATE_NAMES[answer.before.state]} → {STATE_NAMES[answer.after.state]}, next in {interval}"
        )
    return "\n".join(render.fit_lines(lines, WIDTH))


def suspended_text(cards: list[StoredCard], suspended: bool) -> str:
    verb = "Suspended" if suspended else "Unsuspended"
    return "\n".join(f"{verb} “{render.shorten(card.question)}” ({card.id})." for card in cards)


def deck_suspended_text(cards: list[StoredCard], suspended: bool) -> str:
    """`Suspended 17 cards in 面试::快手::营销服务.`, a line per deck."""
    verb = "Suspended" if suspended else "Unsuspended"
    counts: dict[str, int] = {}
    for card in cards:
        counts[card.deck] = counts.get(card.deck, 0) + 1
    return "\n".join(f"{verb} {n} card{'s' if n != 1 else ''} in {render.clean(deck)}." for deck, n in counts.items())


def suspended_list(found: list[tuple[str, str]]) -> str:
    if not found:
        return "No suspended cards."
    width = max(len(card_id) for card_id, _q in found)
    return "\n".join(f"{card_id:<{width}}  {render.shorten(question, 50)}" for card_id, question in found)


def _local(moment: datetime, study_day: StudyDay) -> str:
    local = moment.astimezone(study_day.zone) if study_day.zone else moment.astimezone()
    return f"{local:%Y-%m-%d %H:%M}"


def _joined(status: list[str]) -> str:
    return "".join(f" · {s}" for s in status)


__all__ = [
    "search_command",
    "search_text",
    "show_command",
    "show_text",
    "deck_suspended_text",
    "suspend_command",
    "suspended_list",
    "suspended_text",
    "unsuspend_command",
]
