"""The built packages, opened by the real Anki backend (the `anki` package from PyPI)."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

from interview_srs.anki import notes as anki_notes
from interview_srs.anki.build import apkg, build, build_personal
from interview_srs.base.problems import CardsError
from interview_srs.bank.load import load_bank

from conftest import write_file

T0 = 1_760_000_000  # the build clock for a first build
LATER = T0 + 86_400


@pytest.fixture
def collection(tmp_path: Path):
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def import_package(col: Collection, path: Path):
    """Import with Anki's default options, as a user clicking Import would."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def notes_by_id(col: Collection) -> dict[str, object]:
    return {col.get_note(nid)["Id"]: col.get_note(nid) for nid in col.find_notes("")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_every_package_imports_with_its_notes_fields_decks_and_tags(cards_dir, tmp_path, collection):
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    bank = load_bank(cards_dir)
    for deck in bank.decks:
        log = import_package(collection, out / f"{deck.path.stem}.apkg")
        assert len(log.new) == len(deck.cards)
    assert collection.note_count() == 3
    assert collection.card_count() == 3
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"面试", "面试::蚂蚁集团", "面试::蚂蚁集团::用户运营", "面试::小红书::客服"} <= names
    notes = notes_by_id(collection)
    for deck in bank.decks:
        for card in deck.cards:
            note = notes[card.id]
            assert note["Question"] == html.escape(card.question)
            assert note["Deck"] == deck.deck
            assert note["Company"] == deck.company
            assert sorted(note.tags) == sorted(deck.tags_for(card))
            for point in card.outline:
                assert f"<li>{html.escape(point)}</li>" in note["Outline"]
            for pitfall in card.pitfalls:
                assert html.escape(pitfall) in note["Pitfalls"]
            assert note["Example"] == html.escape(card.example)
            (anki_card,) = note.cards()
            assert collection.decks.name(anki_card.did) == deck.deck
    star = notes["ant-biggest-challenge"]
    assert star["Situation"] == "公司、角色、时间点"
    assert star["Action"] == "<ul><li>用数据定位问题</li><li>推动协作</li></ul>"
    assert star["Outline"] == ""


def test_the_combined_package_holds_every_deck(cards_dir, tmp_path, collection):
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    log = import_package(collection, out / "interview-srs-all.apkg")
    assert len(log.new) == 3
    by_deck = {collection.decks.name(c.did) for nid in collection.find_notes("") for c in collection.get_note(nid).cards()}
    assert by_deck == {"面试::蚂蚁集团::用户运营", "面试::小红书::客服"}


def test_rendered_card_shows_star_headings_and_escaped_text(cards_dir, tmp_path, collection):
    edit(cards_dir / "ant.yaml", "把团队成果说成个人成果", "<script>alert(1)</script> & 只讲困难")
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    import_package(collection, out / "ant.apkg")
    note = notes_by_id(collection)["ant-biggest-challenge"]
    answer = note.cards()[0].answer()
    assert "<script>alert(1)</script>" not in answer
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 只讲困难" in answer
    for heading in ("考察点", "S 情境", "T 任务", "A 行动", "R 结果", "避坑"):
        assert heading in answer
    assert "答题要点" not in answer  # no outline section on a STAR card
    assert "<h2>追问</h2><ul><li><div class=\"q\">这个提升的分母是谁？</div><div class=\"cue\">说清口径和对照组</div></li>" in answer
    assert "原题：蚂蚁用户运营面经 第2题" in answer and "相关" not in answer


def test_the_footer_keeps_asked_apart_from_related_sources(cards_dir, tmp_path, collection):
    edit(cards_dir / "ant.yaml", 'sources: ["000#2"]', 'sources: ["000#2"]\n    related: ["002#2", "000#e5"]')
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    import_package(collection, out / "ant.apkg")
    answer = notes_by_id(collection)["ant-biggest-challenge"].cards()[0].answer()
    assert "原题：蚂蚁用户运营面经 第2题｜相关：用户服务运营面试笔记 问题2；蚂蚁用户运营面经 面经笔记5" in answer


def answer_first_card(col: Collection) -> int:
    """Review one card through Anki's own scheduler, as a phone or desktop review would."""
    col.decks.select(col.decks.id_for_name("面试::蚂蚁集团::用户运营"))
    queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
    card = col.get_card(queued.card.id)
    card.start_timer()
    col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.EASY))
    return card.id


@pytest.mark.parametrize("patch", [True, False], ids=["patched", "written-afresh"])
def test_reimport_after_editing_two_cards_updates_exactly_those_in_place(cards_dir, tmp_path, collection, monkeypatch, patch):
    patched = []
    real_patch = apkg.patch_package_to
    monkeypatch.setattr(apkg, "patch_package_to", lambda *a, **k: patched.append(a[0]) or real_patch(*a, **k))
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    import_package(collection, out / "interview-srs-all.apkg")
    reviewed = answer_first_card(collection)
    before = collection.get_card(reviewed)
    assert before.reps == 1 and before.ivl > 0
    mods_before = {key: note.mod for key, note in notes_by_id(collection).items()}

    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估获客渠道质量与首刷激励")
    edit(cards_dir / "xhs.yaml", "保持冷静，对事不对人", "先稳住情绪，对事不对人")
    build(cards_dir, out, now=LATER, patch=patch)
    assert len(patched) == (3 if patch else 0)  # ant, xhs and the combined package
    log = import_package(collection, out / "interview-srs-all.apkg")

    assert sorted(note.fields[anki_notes.FIELDS.index("Id")] for note in log.updated) == ["ant-mob1-3", "xhs-abusive-user"]
    assert len(log.new) == 0 and len(log.conflicting) == 0
    assert collection.note_count() == 3
    notes = notes_by_id(collection)
    assert "首刷激励" in notes["ant-mob1-3"]["Outline"]
    assert "先稳住情绪" in notes["xhs-abusive-user"]["Outline"]
    assert notes["ant-biggest-challenge"].mod == mods_before["ant-biggest-challenge"]
    assert notes["ant-mob1-3"].mod > mods_before["ant-mob1-3"]
    after = collection.get_card(reviewed)
    assert (after.ivl, after.due, after.reps, after.type, after.queue) == (
        before.ivl, before.due, before.reps, before.type, before.queue
    )
    assert collection.db.scalar("select count() from revlog") == 1


def test_reimport_of_an_unchanged_build_touches_nothing(cards_dir, tmp_path, collection):
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    import_package(collection, out / "interview-srs-all.apkg")
    for package in out.glob("*.apkg"):
        package.unlink()  # force a full rewrite from the recorded state
    build(cards_dir, out, now=LATER)
    log = import_package(collection, out / "interview-srs-all.apkg")
    assert len(log.updated) == 0 and len(log.new) == 0 and len(log.duplicate) == 3


def test_changed_css_updates_the_note_type_on_reimport(cards_dir, tmp_path, monkeypatch):
    out = tmp_path / "decks"
    build(cards_dir, out, now=T0)
    path = str(tmp_path / "col.anki2")
    col = Collection(path)
    import_package(col, out / "ant.apkg")
    col.close()

    monkeypatch.setattr(anki_notes, "CSS", anki_notes.CSS + "\n.question { color: teal; }\n")
    build(cards_dir, out, now=LATER)
    col = Collection(path)  # a fresh handle: the Python side caches note types
    try:
        import_package(col, out / "ant.apkg")
        col.close()
        col = Collection(path)
        assert "color: teal" in col.models.get(anki_notes.MODEL_ID)["css"]
        assert len([m for m in col.models.all_names_and_ids() if m.name == anki_notes.MODEL_NAME]) == 1
    finally:
        col.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_inputs_and_state_give_byte_identical_packages(cards_dir, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(cards_dir, first, now=T0)
    second.mkdir()
    (second / "build-state.json").write_bytes((first / "build-state.json").read_bytes())
    build(cards_dir, second, now=LATER)  # a later clock must not leak into unchanged cards
    for package in first.glob("*.apkg"):
        assert sha256(package) == sha256(second / package.name)


def test_the_personal_package_updates_the_shared_notes_in_place_and_only_the_edited_answer(cards_dir, tmp_path, collection):
    out, mine, personal_out = tmp_path / "decks", tmp_path / "mine", tmp_path / "personal"
    build(cards_dir, out, now=T0)
    import_package(collection, out / "interview-srs-all.apkg")
    reviewed = answer_first_card(collection)
    before = collection.get_card(reviewed)

    (mine / "answers").mkdir(parents=True)
    (mine / "stories").mkdir()
    (mine / "answers" / "ant-biggest-challenge.md").write_text(
        "# 在实习期间遇到的最大挑战是什么？\n\n## S 情境\n在 **A 公司** 做拉新 <b>x</b>\n\n[[大促]]\n", "utf-8")
    (mine / "stories" / "大促.md").write_text("- 预算减半\n- 新增 2 万\n", "utf-8")
    (mine / "answers" / "ant-mob1-3.md").write_text("口径先行。\n", "utf-8")
    report = build_personal((cards_dir,), mine, personal_out, now=T0 + 100)
    assert report.output == personal_out / "interview-srs-personal.apkg" and report.answers == 2
    log = import_package(collection, report.output)
    assert len(log.new) == 0 and collection.note_count() == 3
    notes = notes_by_id(collection)
    assert notes["ant-biggest-challenge"]["MyAnswer"] == (
        "<h4>S 情境</h4><p>在 <b>A 公司</b> 做拉新 &lt;b&gt;x&lt;/b&gt;</p><ul><li>预算减半</li><li>新增 2 万</li></ul>"
    )
    assert "我的答案" in notes["ant-biggest-challenge"].cards()[0].answer()
    assert notes["xhs-abusive-user"]["MyAnswer"] == ""
    mods = {key: note.mod for key, note in notes.items()}

    # edit one answer: a rebuild changes that note only, and a re-import updates just it
    (mine / "answers" / "ant-mob1-3.md").write_text("口径先行，再讲决策。\n", "utf-8")
    report = build_personal((cards_dir,), mine, personal_out, now=T0 + 200)
    assert report.changed == ("ant-mob1-3",)
    log = import_package(collection, report.output)
    assert [note.fields[anki_notes.FIELDS.index("Id")] for note in log.updated] == ["ant-mob1-3"]
    assert len(log.new) == 0 and collection.note_count() == 3
    notes = notes_by_id(collection)
    assert notes["ant-mob1-3"]["MyAnswer"] == "<p>口径先行，再讲决策。</p>"
    assert {k: n.mod for k, n in notes.items() if k != "ant-mob1-3"} == {k: m for k, m in mods.items() if k != "ant-mob1-3"}

    # a bank update imported from the shared decks, then the personal rebuild: the answer is back
    edit(cards_dir / "ant.yaml", "抗压与解决问题的能力", "抗压、复盘与解决问题的能力")
    build(cards_dir, out, now=LATER)
    import_package(collection, out / "interview-srs-all.apkg")
    assert notes_by_id(collection)["ant-biggest-challenge"]["MyAnswer"] == ""  # the shared note has no answer
    report = build_personal((cards_dir,), mine, personal_out, now=LATER + 100)
    assert report.changed == ("ant-biggest-challenge",)
    import_package(collection, report.output)
    note = notes_by_id(collection)["ant-biggest-challenge"]
    assert "预算减半" in note["MyAnswer"] and "抗压、复盘" in note["Assesses"]
    assert collection.note_count() == 3 and collection.card_count() == 3
    after = collection.get_card(reviewed)
    assert (after.ivl, after.due, after.reps) == (before.ivl, before.due, before.reps)


def test_a_package_carries_the_cards_of_other_files_citing_its_documents(cards_dir, tmp_path, collection):
    edit(cards_dir / "xhs.yaml", "tags: [小红书, 客服]\n", 'tags: [小红书, 客服]\ndocuments: ["000"]\n')
    out = tmp_path / "decks"
    report = build(cards_dir, out, now=T0)

    assert {deck.output: deck.borrowed for deck in report.decks} == {
        "ant.apkg": 0, "xhs.apkg": 2, "interview-srs-all.apkg": 0,
    }
    log = import_package(collection, out / "xhs.apkg")
    assert len(log.new) == 3
    decks = {collection.get_note(nid)["Id"]: collection.decks.name(collection.get_note(nid).cards()[0].did)
             for nid in collection.find_notes("")}
    assert decks == dict.fromkeys(["xhs-abusive-user", "ant-biggest-challenge", "ant-mob1-3"], "面试::小红书::客服")
    # The shared notes are the same notes in both packages: importing the other one adds nothing,
    # and Anki leaves the cards in the deck they were first imported into.
    log = import_package(collection, out / "ant.apkg")
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 2)
    assert collection.note_count() == 3
    assert collection.decks.name(collection.get_note(collection.find_notes("Id:ant-mob1-3")[0]).cards()[0].did) == "面试::小红书::客服"


# Every C0 and C1 code point, and the odd ones: noncharacters, separators, BOM, bidi, private use.
ODD_CHARACTERS = [chr(c) for c in range(0x00, 0xA0)] + [
    "\u00ad", "\u2028", "\u2029", "\u200b", "\u202e", "\ufeff", "\ufdd0", "\ufdef", "\ufffe", "\uffff",
    "\U0001fffe", "\U0010ffff", "\ue000", "\U0001f600",
]


def _escape(char: str) -> str:
    return f"\\U{ord(char):08x}"  # a YAML double-quoted escape reaches every code point


def _accepted_by_check(folder: Path, deck: str, tag: str, question: str) -> bool:
    write_file(
        folder / "a.yaml",
        f'deck: "面试::{deck}"\ntags: ["{tag}"]\ncards:\n  - id: c\n    question: "{question}"\n'
        "    outline: [一, 二, 三]\n",
    )
    try:
        load_bank(folder)
    except CardsError as error:
        assert len(error.problems) == 1 and error.problems[0].location.line in (1, 2, 5), error
        return False
    return True


def test_every_character_check_accepts_survives_anki_import_unchanged(tmp_path, collection):
    """What `srs check` lets through, Anki imports exactly; what Anki would refuse or alter, check
    refuses with a location, in card text, deck names and tags (found by importing each one)."""
    accepted: dict[str, list[str]] = {"deck": [], "tag": [], "question": []}
    for char in ODD_CHARACTERS:
        probe = tmp_path / "probe" / f"{ord(char):x}"
        for kind in accepted:
            values = {"deck": "卡组", "tag": "标签", "question": "问题"}
            values[kind] = values[kind][0] + _escape(char) + values[kind][1]
            if _accepted_by_check(probe, **values):
                accepted[kind].append(char)
    refused = {kind: [c for c in ODD_CHARACTERS if c not in chars] for kind, chars in accepted.items()}
    # Anki fails the whole import on U+001F (its field separator) and drops the other C0 controls
    # and DEL; in deck names and tags it also drops tabs and line breaks, and tags split at spaces.
    c0 = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)] + [chr(c) for c in range(0x7F, 0xA0)]
    assert refused["question"] == c0
    assert set(refused["deck"]) == set(c0) | {"\t", "\n", "\x85", "\u2028", "\u2029"}
    assert set(refused["tag"]) >= set(refused["deck"]) | {" "}
    cards = tmp_path / "cards"
    card_lines = []
    for number, char in enumerate(accepted["question"]):
        card_lines += [f"  - id: c{number}", f'    question: "问{_escape(char)}题"', "    outline: [一, 二, 三]"]
        if char in accepted["tag"]:
            card_lines.append(f'    tags: ["标{_escape(char)}签"]')
    deck_name = "".join(_escape(c) for c in accepted["deck"] if c not in " :")
    write_file(cards / "odd.yaml", f'deck: "面试::甲{deck_name}乙"\ncards:\n' + "\n".join(card_lines) + "\n")
    bank = load_bank(cards)
    build(cards, tmp_path / "out", now=T0)
    log = import_package(collection, tmp_path / "out" / "odd.apkg")
    assert len(log.new) == len(accepted["question"])
    notes = notes_by_id(collection)
    deck = bank.decks[0]
    assert deck.deck in {d.name for d in collection.decks.all_names_and_ids()}
    for card in deck.cards:
        note = notes[card.id]
        assert list(note.fields) == anki_notes.note_fields(deck, card)  # nothing dropped or changed
        # Anki's tags ignore case: 标A签 and 标a签 are one tag, spelt as first seen.
        assert sorted(t.casefold() for t in note.tags) == sorted(t.casefold() for t in deck.tags_for(card))
        (anki_card,) = note.cards()
        assert collection.decks.name(anki_card.did) == deck.deck
