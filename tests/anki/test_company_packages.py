"""Each company's package has every question that company's source document asked.

A candidate who imports only 快手's package must get every 快手 question, even the ones whose card
lives in another file (a general deck, or a card merged across documents). The packages are read
as Anki would read them: the `Sources` field of every note in the committed .apkg.
"""

from __future__ import annotations

import html
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from interview_srs.anki.notes import FIELDS
from interview_srs.bank.card_paths import package_name
from interview_srs.bank.load import load_bank

from test_question_bank import expected_references, needs_seeds

REPO = Path(__file__).resolve().parents[2]
CHECKLIST = REPO / "docs" / "prep-checklist.md"
DOCUMENTS = ("000", "001", "002", "003", "004")


def package_references(package: Path) -> set[str]:
    with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        connection = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            rows = connection.execute("SELECT flds FROM notes").fetchall()
        finally:
            connection.close()
    sources = FIELDS.index("Sources")
    return {ref for (flds,) in rows for ref in html.unescape(flds.split("\x1f")[sources]).split("、") if ref}


def checklist_references() -> set[str]:
    """Advice that left the decks for docs/prep-checklist.md is not a question to carry."""
    return set(re.findall(r"`(\d{3}#[^`]+)`", CHECKLIST.read_text("utf-8"))) if CHECKLIST.exists() else set()


def packages_covering() -> dict[str, Path]:
    bank = load_bank(REPO / "cards")
    return {
        document: REPO / "decks" / package_name(deck.path.stem)
        for deck in bank.decks
        for document in deck.documents
    }


def test_every_source_document_has_a_package_that_covers_it():
    assert sorted(packages_covering()) == list(DOCUMENTS)


@needs_seeds
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_package_of_a_document_carries_every_question_it_asked(document):
    package = packages_covering().get(document)
    assert package is not None, f"no card file lists {document} in its documents"
    wanted = {ref for ref in expected_references() if ref.startswith(document + "#")} - checklist_references()
    assert sorted(wanted - package_references(package)) == []
