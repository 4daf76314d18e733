"""The card file: valid YAML the bank's parser reads, every card a draft, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_srs.bank.draft import DraftError, draft, plan, read_hints, read_source
from interview_srs.bank.draft.skeleton import EXPERIENCE, INTRO, REVERSE, SCENARIO, kind_of
from interview_srs.bank.model import ID_PATTERN
from interview_srs.bank.parse import parse_deck_file

EVAL = Path(__file__).resolve().parent / "eval"
MEITUAN = EVAL / "meituan-numbered.txt"


def parsed(path: Path):
    """What the bank's parser makes of a drafted file: every card marked as a draft."""
    deck, problems = parse_deck_file(path.read_bytes(), path, path.name)
    assert deck is None or all(card.draft for card in deck.cards)
    return deck, problems


def test_the_draft_file_loads_with_the_banks_parser(tmp_path):
    report = draft([MEITUAN], out_dir=tmp_path, bank_questions={})
    deck, problems = parsed(report.written)
    assert problems == []
    assert deck.deck == "面试::美团::用户运营"
    assert [c.question for c in deck.cards] == [c.question for c in report.cards]
    assert all(ID_PATTERN.match(c.id) for c in deck.cards)
    first = deck.cards[1]
    assert first.star is not None and first.sources == ("meituan-numbered.txt#L7",)
    assert first.followups[0].q == "这个提升有没有对照组？"
    assert first.example.startswith("（面经原文的回答，仅供参考，不是你的答案）我在社区团购")
    noted = [card for card in deck.cards if card.context]
    assert noted and all(card.context.startswith("面经原文：") for card in noted)


def test_every_eval_text_drafts_a_file_the_parser_reads(tmp_path):
    for text in sorted(EVAL.iterdir()):
        if text.name.endswith(".expected.yaml"):
            continue
        role = read_hints(read_source(text).text).role or "后端开发"  # two texts name no role I know
        report = draft([text], out_dir=tmp_path, role=role, bank_questions={})
        deck, problems = parsed(report.written)
        assert problems == [], text.name


def test_an_existing_file_is_never_replaced(tmp_path):
    taken = tmp_path / "meituan-numbered.yaml"
    taken.write_text("mine", "utf-8")
    first = draft([MEITUAN], out_dir=tmp_path, bank_questions={})
    second = draft([MEITUAN], out_dir=tmp_path, bank_questions={})
    assert (first.written.name, second.written.name) == ("meituan-numbered-2.yaml", "meituan-numbered-3.yaml")
    assert taken.read_text("utf-8") == "mine"
    assert {c.id for c in first.cards}.isdisjoint(c.id for c in second.cards)
    assert not list(tmp_path.glob(".*.tmp"))


def test_questions_in_the_bank_are_not_drafted(tmp_path):
    bank = {"mt-why": "为什么想来美团，为什么是到店不是外卖？", "open-intro": "自我介绍"}
    report = draft([MEITUAN], out_dir=tmp_path, bank_questions=bank)
    assert {(s.card_id, s.source) for s in report.skipped} == {("mt-why", "meituan-numbered.txt#L21"), ("open-intro", "meituan-numbered.txt#L6")}
    assert "为什么想来美团，为什么是到店不是外卖？" not in [c.question for c in report.cards]


def test_when_every_question_is_in_the_bank_nothing_is_written(tmp_path):
    text = tmp_path / "in" / "m.txt"
    text.parent.mkdir()
    text.write_text("美团 用户运营 一面\n1. 为什么选择美团？\n", "utf-8")
    report = draft([text], out_dir=tmp_path / "out", bank_questions={"mt-why": "为什么选择美团？"})
    assert report.all_in_bank and report.written is None and not (tmp_path / "out").exists()


def test_company_and_role_are_asked_for_when_the_text_does_not_say(tmp_path):
    text = tmp_path / "m.txt"
    text.write_text("1. 为什么选这个岗位？\n", "utf-8")
    with pytest.raises(DraftError, match=r"m\.txt: the text names no company or role I know; give them with --company and --role"):
        plan([read_source(text)])
    with pytest.raises(DraftError, match="give it with --role"):
        plan([read_source(text)], company="某公司")
    report = draft([text], out_dir=tmp_path, company="meituan", role="用户运营", bank_questions={})
    assert report.deck == "面试::美团::用户运营" and report.written.name == "meituan-m.yaml"


def test_a_text_without_questions_is_an_error(tmp_path):
    text = tmp_path / "m.txt"
    text.write_text("美团 用户运营 一面\n感觉面试官人很好，等通知。\n", "utf-8")
    with pytest.raises(DraftError, match="m.txt: no interview questions found"):
        plan([read_source(text)])
    with pytest.raises(DraftError, match="m.txt: no interview questions found"):  # beside one that has some
        plan([read_source(MEITUAN), read_source(text)])


@pytest.mark.parametrize(("name", "stem"), [
    ("meituan-numbered", "meituan-numbered"), ("meituan", "meituan"), ("美团面经", "meituan"), ("my-meituan", "meituan-my-meituan"),
])
def test_the_file_is_named_after_the_company_once(name, stem):
    from interview_srs.bank.draft.write import file_stem

    assert file_stem("meituan", name) == stem


def test_a_deck_the_bank_has_gets_a_draft_subdeck_and_a_given_one_is_refused():
    source = read_source(MEITUAN)
    assert plan([source], bank_decks={"面试::美团::用户运营"}).deck == "面试::美团::用户运营::草稿"
    assert plan([source], bank_decks={"面试::美团::用户运营", "面试::美团::用户运营::草稿"}).deck == "面试::美团::用户运营::草稿2"
    with pytest.raises(DraftError, match="deck '面试::通用' is already in your cards"):
        plan([source], deck="面试::通用", bank_decks={"面试::通用"})


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("讲一个你印象最深的项目", EXPERIENCE), ("实习中遇到的最大挑战是什么？", EXPERIENCE),
        ("如果DAU下跌20%你怎么办？", SCENARIO), ("请做一个自我介绍", INTRO), ("你有什么想问我的？", REVERSE),
    ],
)
def test_question_kinds(question, kind):
    assert kind_of(question) == kind
