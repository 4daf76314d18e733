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


def test_the_company_placeholder_is_the_decks_company_in_the_notes_else_gui_gongsi():
    from pathlib import Path

    from interview_srs.bank.model import Card, DeckFile, Followup
    from interview_srs.base.problems import Location

    here = Location("x.yaml", 1, 1)
    card = Card("open-why-company", "你为什么选择{公司}？", here, outline=("{公司} 的业务", "<b>岗位</b>"),
                example="我想来 {公司}。", followups=(Followup("为什么不去竞品？", "说一个 {公司} 有的点"),))

    def fields(company: str) -> dict[str, str]:
        deck = DeckFile(Path("x.yaml"), "x.yaml", "面试::通用", (card,), here, company=company)
        return dict(zip(anki_notes.FIELDS, anki_notes.note_fields(deck, card)))

    with_company = fields("快手 & Co")
    assert with_company["Question"] == "你为什么选择快手 &amp; Co？"
    assert with_company["Outline"] == "<ol><li>快手 &amp; Co 的业务</li><li>&lt;b&gt;岗位&lt;/b&gt;</li></ol>"
    assert with_company["Example"] == "我想来 快手 &amp; Co。"
    assert "说一个 快手 &amp; Co 有的点" in with_company["Followups"]
    general = fields("")
    assert general["Question"] == "你为什么选择贵公司？" and "{公司}" not in "".join(general.values())


def test_the_committed_opener_deck_names_no_placeholder():
    import sqlite3
    import tempfile
    import zipfile
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "decks" / "general-openers.apkg"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp)
        connection = sqlite3.connect(Path(tmp) / "collection.anki2")
        flds = [row[0] for row in connection.execute("SELECT flds FROM notes")]
        connection.close()
    assert flds and not any("{公司}" in f for f in flds)
    assert any("你为什么选择贵公司？" in f for f in flds)
