"""The note type and the notes (anki/notes.py): stable ids and GUIDs, a readable card style."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.anki import notes as anki_notes


def test_deck_ids_and_guids_are_stable_functions_of_names_and_ids():
    assert anki_notes.deck_id("面试::小红书::客服") == anki_notes.deck_id("面试::小红书::客服")
    assert anki_notes.deck_id("面试::小红书::客服") != anki_notes.deck_id("面试::快手::营销服务")
    assert 0 < anki_notes.deck_id("x") < 2**53
    assert anki_notes.note_guid("ant-mob1-3") == anki_notes.note_guid("ant-mob1-3")
    assert anki_notes.note_guid("ant-mob1-3") != anki_notes.note_guid("ant-mob1-4")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_guids_are_the_ones_genanki_gave_the_published_decks(card_id):
    import genanki

    assert anki_notes.note_guid(card_id) == genanki.guid_for(anki_notes.GUID_NAMESPACE, card_id)


def test_the_card_style_keeps_headings_above_labels_and_the_footer_readable():
    import re

    def size(selector: str) -> int:
        rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", anki_notes.CSS).group(1)
        return int(re.search(r"font-size:\s*(\d+)px", rule).group(1))

    assert size("h2") > size(".part .label")  # 考察点/STAR 框架/避坑 above S/T/A/R
    assert size(".footer") >= 13
    padding = re.search(r"\.card \{[^}]*padding:\s*(\d+)px", anki_notes.CSS).group(1)
    assert int(padding) >= 16  # the pills do not touch the top edge
    assert "{{SourceLine}}" in anki_notes.BACK_TEMPLATE and "{{Sources}}" not in anki_notes.BACK_TEMPLATE
    assert ".footer:empty" in anki_notes.CSS  # no rule under a card without a source line
