"""Upgrading from the decks published with note type v1 (14 fields) to v2, in the real Anki backend.

`tests/fixtures/published-v1/` holds the packages as they were published before the note type
changed (commit in COMMIT). A user who imported them and reviewed in Anki must end, after
importing the new decks with the options the README documents, with every note updated in place,
no duplicates, and scheduling and review history kept.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from anki.scheduler.v3 import CardAnswer

from interview_srs.anki import notes as anki_notes
from interview_srs.anki.build import build
from interview_srs.bank.load import load_bank

REPO = Path(__file__).resolve().parents[2]
PUBLISHED_V1 = REPO / "tests" / "fixtures" / "published-v1"
ALWAYS = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
# What the README tells a user to pick once, for the upgrade: "Merge note types" and
# "Update notes: Always". Every other option stays at Anki's default.
UPGRADE_OPTIONS = {"merge_notetypes": True, "update_notes": ALWAYS}


def import_package(col_path: Path, package: Path, **options):
    col = Collection(str(col_path))
    try:
        request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(**options))
        return col.import_anki_package(request).log
    finally:
        col.close()


def review_some(col_path: Path, deck: str, count: int) -> None:
    col = Collection(str(col_path))
    try:
        col.decks.select(col.decks.id_for_name(deck))
        for _ in range(count):
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = col.get_card(queued.card.id)
            card.start_timer()
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.EASY))
    finally:
        col.close()


def snapshot(col_path: Path) -> dict:
    """What the user must not lose, read straight from the collection (no cached note types)."""
    col = Collection(str(col_path))
    try:
        models = [m for m in col.models.all() if m["name"].startswith(anki_notes.MODEL_NAME)]
        return {
            "guids": col.db.list("SELECT guid FROM notes"),
            "revlog": col.db.all("SELECT id, cid, ease, ivl, type FROM revlog ORDER BY id"),
            "scheduled": col.db.all(
                "SELECT n.guid, c.type, c.queue, c.due, c.ivl, c.reps, c.did FROM cards c "
                "JOIN notes n ON n.id = c.nid WHERE c.type > 0 ORDER BY n.guid"
            ),
            "models": [(m["id"], m["name"], [f["name"] for f in m["flds"]], m["tmpls"][0]["afmt"]) for m in models],
            "fields": {
                col.get_note(nid)["Id"]: dict(col.get_note(nid).items()) for nid in col.find_notes("")
            },
        }
    finally:
        col.close()


@pytest.fixture
def reviewed_v1_collection(tmp_path: Path) -> Path:
    """A collection that imported the published v1 package and reviewed five cards in Anki."""
    col_path = tmp_path / "collection.anki2"
    log = import_package(col_path, PUBLISHED_V1 / "interview-srs-all.apkg")
    assert len(log.new) > 100
    review_some(col_path, "面试::快手::营销服务", 5)
    return col_path


def test_the_documented_options_upgrade_every_note_in_place_keeping_history(reviewed_v1_collection):
    col_path = reviewed_v1_collection
    before = snapshot(col_path)
    assert len(before["revlog"]) == 5 and len(before["scheduled"]) == 5
    assert [fields for _, _, fields, _ in before["models"]] == [list(anki_notes.FIELDS[:14])]

    log = import_package(col_path, REPO / "decks" / "interview-srs-all.apkg", **UPGRADE_OPTIONS)

    after = snapshot(col_path)
    bank = load_bank(REPO / "cards")
    current = {card.id: (deck, card) for deck, card in bank.cards()}
    kept = set(current) & set(before["fields"])
    assert len(log.updated) == len(kept) and not log.conflicting
    assert len(log.new) == len(set(current) - set(before["fields"]))
    # One note per card id: nothing duplicated, cards removed from the bank stay with their history.
    assert sorted(after["guids"]) == sorted(set(after["guids"]))
    assert set(after["fields"]) == set(before["fields"]) | set(current)
    # One note type, the v2 one, under the same id and name.
    ((model_id, name, fields, back),) = after["models"]
    assert (model_id, name, fields) == (anki_notes.MODEL_ID, anki_notes.MODEL_NAME, list(anki_notes.FIELDS))
    assert back == anki_notes.BACK_TEMPLATE
    # Every note of the current bank carries exactly the fields the build writes.
    for card_id, (deck, card) in current.items():
        assert list(after["fields"][card_id].values()) == anki_notes.note_fields(deck, card)
    # Scheduling and review history are untouched.
    assert after["revlog"] == before["revlog"]
    assert after["scheduled"] == [row for row in before["scheduled"] if row[0] in set(after["guids"])]


def test_after_the_upgrade_the_default_options_update_edited_notes_again(reviewed_v1_collection, tmp_path):
    col_path = reviewed_v1_collection
    import_package(col_path, REPO / "decks" / "interview-srs-all.apkg", **UPGRADE_OPTIONS)
    cards = tmp_path / "cards"
    out = tmp_path / "decks"
    shutil.copytree(REPO / "cards", cards)
    shutil.copytree(REPO / "decks", out)
    deck, card = load_bank(cards).cards()[0]
    text = deck.path.read_text("utf-8")
    deck.path.write_text(text.replace(card.question, card.question + "（改）", 1), "utf-8")
    state = json.loads((out / "build-state.json").read_text("utf-8"))
    build(cards, out, now=max(stamp["mod"] for stamp in state["notes"].values()) + 1)

    log = import_package(col_path, out / "interview-srs-all.apkg")

    assert [note.fields[anki_notes.FIELDS.index("Id")] for note in log.updated] == [card.id]
    assert not log.new and not log.conflicting


def test_anki_default_options_alone_would_not_upgrade(reviewed_v1_collection):
    """Why the README asks for the two options: Anki's defaults duplicate the note type instead."""
    log = import_package(reviewed_v1_collection, REPO / "decks" / "interview-srs-all.apkg")
    assert not log.updated and len(log.conflicting) > 100


def test_cards_that_left_the_bank_are_marked_retired_by_the_upgrade(reviewed_v1_collection):
    col_path = reviewed_v1_collection
    bank = load_bank(REPO / "cards")
    retired = {card.id: card.retired for _, card in bank.cards() if card.retired}
    before = snapshot(col_path)
    assert retired and set(retired) <= set(before["fields"])  # they were in the first published decks
    import_package(col_path, REPO / "decks" / "interview-srs-all.apkg", **UPGRADE_OPTIONS)
    col = Collection(str(col_path))
    try:
        marked = {col.get_note(nid)["Id"]: col.get_note(nid) for nid in col.find_notes("tag:retired")}
    finally:
        col.close()
    assert set(marked) == set(retired)  # one search finds exactly them, to delete them at once
    for card_id, note in marked.items():
        assert retired[card_id] in note["Extra"] and "tag:retired" in note["Extra"]
    guids = snapshot(col_path)["guids"]
    assert len(guids) == len(set(guids)) and set(before["guids"]) <= set(guids)  # updated in place


def test_a_deck_opened_over_the_first_decks_says_how_to_upgrade(tmp_path):
    col_path = tmp_path / "collection.anki2"
    import_package(col_path, PUBLISHED_V1 / "interview-srs-all.apkg")
    import_package(col_path, REPO / "decks" / "interview-srs-all.apkg")  # a double-click: defaults
    col = Collection(str(col_path))
    try:
        descriptions = {deck["name"]: deck.get("desc", "") for deck in col.decks.all() if deck["name"].startswith("面试::")}
    finally:
        col.close()
    leaves = {name for name in descriptions if not any(other.startswith(name + "::") for other in descriptions)}
    assert leaves and all(descriptions[name] == anki_notes.DECK_DESCRIPTION for name in leaves)
    assert "Merge note types" in anki_notes.DECK_DESCRIPTION and "tag:retired" in anki_notes.DECK_DESCRIPTION
