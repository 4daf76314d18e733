"""Leaving the review for an editor: `e` on a card of the installed bank is refused with a hint,
since an upgrade replaces those files and the edit would be lost without a word."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from interview_srs.bank.sources import CardSources
from interview_srs.review.session_edit import edit_card
from interview_srs.store.connection import Store
from interview_srs.store.home import sync_cards
from interview_srs.store import lookups
from interview_srs.terminal.screen import Terminal
from interview_srs.terminal.texts import EN, ZH

from conftest import ANT_YAML, write_file

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def installed_card(tmp_path: Path, store: Store):
    bank = tmp_path / "venv" / "lib" / "site-packages" / "interview_srs" / "bank" / "cards"
    write_file(bank / "ant.yaml", ANT_YAML)
    sources = CardSources((bank,), "installed", bank)
    sync_cards(store, sources, NOW)
    return lookups.card(store, "ant-mob1-3"), sources


def test_e_on_an_installed_bank_card_refuses_and_says_where_your_own_cards_go(tmp_path):
    with Store.open(tmp_path / "home" / "store.sqlite3") as store:
        card, sources = installed_card(tmp_path, store)
        before = Path(card.file).read_bytes()
        term = Terminal(io.StringIO(), io.StringIO())
        for texts in (EN, ZH):
            message = edit_card(card, term, texts, {"EDITOR": "false"}, store, sources, lambda: NOW)
            assert message == texts.edit_bundled.format(place=f"{card.file}:{card.line}", own=tmp_path / "home" / "cards")
        assert Path(card.file).read_bytes() == before


def test_e_on_a_card_of_your_own_folder_runs_the_editor(tmp_path):
    with Store.open(tmp_path / "home" / "store.sqlite3") as store:
        own = tmp_path / "home" / "cards"
        write_file(own / "ant.yaml", ANT_YAML)
        sources = CardSources((own,), "given")
        sync_cards(store, sources, NOW)
        card = lookups.card(store, "ant-mob1-3")
        term = Terminal(io.StringIO(), io.StringIO())
        assert edit_card(card, term, EN, {"EDITOR": "true"}, store, sources, lambda: NOW) is None
