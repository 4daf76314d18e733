"""Finding and managing single cards from the command line: `srs search`, `srs show`,
`srs suspend` / `srs unsuspend`.

Each function takes an open store and returns the text to print, so the CLI stays thin and the
tests can call them directly.
"""

from __future__ import annotations

from datetime import datetime

from interview_srs.terminal import render
from interview_srs.schedule.config import Config
from interview_srs.schedule.readiness import recall_at
from interview_srs.schedule.scheduler import NEW, STATE_NAMES, StudyDay, format_interval
from interview_srs.store import answers, lookups
from interview_srs.store.connection import Store
from interview_srs.store.health import StoreError
from interview_srs.terminal.texts import Texts

WIDTH = 80


def search_text(store: Store, text: str) -> str:
    """Cards whose question, back or tags contain `text`: id, deck and the question."""
    found = lookups.search(store, text)
    if not found:
        return f"No card matches “{render.clean(text)}”."
    width = max(len(card_id) for card_id, _d, _q in found)
    deck_width = max(render.cell_width(render.clean(deck)) for _i, deck, _q in found)
    lines = [f"{len(found)} card{'s' if len(found) != 1 else ''} match “{render.clean(text)}”:"]
    for card_id, deck, question in found:
        deck = render.clean(deck)
        pad = " " * (deck_width - render.cell_width(deck))
        lines.append(f"  {card_id:<{width}}  {deck}{pad}  {render.shorten(question, 50)}")
    return "\n".join(lines)


def show_text(store: Store, card_id: str, texts: Texts, config: Config, at: datetime, study_day: StudyDay) -> str:
    """The card as the review screen shows it, its FSRS state, predicted recall now and every
    answer it was given."""
    card = lookups.card(store, card_id)
    style = render.Style(False)
    lines = render.question_lines(card, texts, WIDTH, style) + render.answer_lines(card, texts, WIDTH, style)
    lines.append("")
    state = card.schedule
    status = [] if card.present else ["no longer in any card file"]
    if card.suspended:
        status.append("suspended")
    if card.buried_until is not None and card.buried_until > at:
        status.append(f"buried until {_local(card.buried_until, study_day)}")
    lapse_count = lookups.lapses(store, card_id)
    if state.state == NEW:
        lines.append("State: new (never answered)" + _joined(status))
    else:
        lines.append(
            f"State: {STATE_NAMES[state.state]} · due {_local(state.due, study_day)} · "
            f"stability {state.stability:.1f} d · difficulty {state.difficulty:.1f} · "
            f"lapses {lapse_count}" + _joined(status)
        )
        recall = recall_at(state, at, config.for_deck(card.deck).parameters)
        desired = config.for_deck(card.deck).desired_retention
        lines.append(f"Predicted recall now: {recall * 100:.0f}% (target {desired * 100:.0f}%)")
    if lapse_count >= config.leech_threshold:
        lines.append(texts.leech.format(lapses=lapse_count, card=card_id))
    history = answers.log(store, card_id)
    if not history:
        lines.append("History: no answers yet.")
        return "\n".join(lines)
    lines.append(f"History ({len(history)} answer{'s' if len(history) != 1 else ''}):")
    for answer in history:
        took = f"{answer.duration_ms / 1000:.0f}s" if answer.duration_ms is not None else "-"
        interval = format_interval(answer.after.due - answer.reviewed) if answer.after.due else "-"
        lines.append(
            f"  {_local(answer.reviewed, study_day)}  {texts.ratings[answer.rating - 1]:<5}  {took:>4}  "
            f"{STATE_NAMES[answer.before.state]} → {STATE_NAMES[answer.after.state]}, next in {interval}"
        )
    return "\n".join(lines)


def set_suspended(store: Store, card_ids: tuple[str, ...], suspended: bool) -> str:
    """Suspend or unsuspend every id; an unknown id changes nothing and raises StoreError."""
    cards = []
    for card_id in card_ids:
        try:
            cards.append(lookups.card(store, card_id))
        except StoreError:
            raise StoreError(f"no card with id '{card_id}' (find ids with `srs search TEXT`); nothing was changed") from None
    verb = "Suspended" if suspended else "Unsuspended"
    for card in cards:
        answers.suspend(store, card.id, suspended)
    return "\n".join(f"{verb} “{render.shorten(card.question)}” ({card.id})." for card in cards)


def suspended_text(store: Store) -> str:
    found = lookups.suspended(store)
    if not found:
        return "No suspended cards."
    width = max(len(card_id) for card_id, _q in found)
    return "\n".join(f"{card_id:<{width}}  {render.shorten(question, 50)}" for card_id, question in found)


def _local(moment: datetime, study_day: StudyDay) -> str:
    local = moment.astimezone(study_day.zone) if study_day.zone else moment.astimezone()
    return f"{local:%Y-%m-%d %H:%M}"


def _joined(status: list[str]) -> str:
    return "".join(f" · {s}" for s in status)


__all__ = ["search_text", "set_suspended", "show_text", "suspended_text"]
