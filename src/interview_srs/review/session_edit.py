"""Leaving the review session for an editor and coming back: `e` opens the card's file at its
line and re-reads the cards; `w` opens your own answer to the card (pre-filled the first time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from interview_srs.bank.sources import CardSources, in_installed_bank, own_cards
from interview_srs.store.connection import Store
from interview_srs.store.rows import StoredCard
from interview_srs.terminal.screen import Terminal, editor_command
from interview_srs.terminal.texts import Texts

if TYPE_CHECKING:
    from interview_srs.personal.answers import Personal


def edit_card(card: StoredCard, term: Terminal, texts: Texts, environ, store: Store, sources: CardSources,
              clock: Callable[[], datetime]) -> str | None:
    """Open the card in $VISUAL/$EDITOR, then re-read the cards; a message if something is off."""
    editor = environ.get("VISUAL") or environ.get("EDITOR")
    place = f"{card.file}:{card.line}"
    if in_installed_bank(Path(card.file)):  # not a checkout: an upgrade would replace the file
        return texts.edit_bundled.format(place=place, own=own_cards(Path(store.path).parent))
    if not editor:
        return texts.no_editor.format(place=place)
    try:
        command = editor_command(editor, card.file, card.line)
    except ValueError as exc:  # shlex: an unclosed quote or a trailing backslash
        return f"cannot run $EDITOR ({editor}): {exc}"
    import subprocess  # only `e` runs the editor: not imported for a session's first card

    with term.cooked():
        try:
            subprocess.run(command, check=False)
        except OSError as exc:
            return f"{editor}: {exc.strerror or exc}"
    from interview_srs.base.problems import CardsError
    from interview_srs.store.home import sync_cards

    try:
        sync_cards(store, sources, clock())
    except CardsError as exc:
        return "\n".join([texts.edit_problems, *(str(p) for p in exc.problems)])
    return None


def write_own_answer(card: StoredCard, personal: Personal, term: Terminal, texts: Texts, environ) -> str | None:
    """`w`: open your own answer to the card (pre-filled the first time) in the editor."""
    from interview_srs.personal.answers import PersonalError
    from interview_srs.terminal.screen import NoEditor, edit_file

    try:
        path, _created = personal.create_answer(card.id, card.question, card.back)
        with term.cooked():
            return edit_file(path, environ)
    except NoEditor:
        return texts.no_editor_answer.format(path=path)
    except (OSError, PersonalError) as exc:
        return str(exc)


__all__ = ["edit_card", "write_own_answer"]
