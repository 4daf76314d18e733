"""The card loader: what a valid file becomes, and the exact message for each kind of mistake.

Every YAML file here is written by the test, so the expected `file:line:column` of each message
is read off the text by hand (line numbers are noted in the margins).
"""

from __future__ import annotations

import subprocess
import sys
import time
import textwrap
from pathlib import Path

import pytest
import yaml

from interview_srs.bank.model import Card, Star

from interview_srs.bank.parse import parse_deck_file
from interview_srs.bank.yaml_text import MAX_DEPTH, SCAN_FROM_DEPTH, TYPICAL_DEPTH

from interview_srs.base.problems import CardsError, Location

from interview_srs.bank.load import load_bank

CARD_KEYS = "id, question, star, outline, assesses, pitfalls, example, tags, sources, followups, as_of, related, draft, context, retired"
FILE_KEYS = "deck, company, role, tags, source, documents, cards"
STAR_KEYS = "situation, task, action, result"
ID_RULE = (
    "is not a valid id: use lowercase letters, digits and single hyphens "
    "(at most 64 characters), e.g. ant-why-alipay"
)
ALIASES = "are not allowed; write the text out"


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def cards(tmp_path, monkeypatch) -> Path:
    """An empty cards/ folder; the working directory is its parent, so paths show as cards/…"""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cards"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    """Write dedented YAML text (the first line of `text` is line 1 of the file)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_bytes(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def problems(folder: Path | str = "cards") -> list[str]:
    """Load the bank, expecting it to fail; the problems as the user sees them."""
    with pytest.raises(CardsError) as caught:
        load_bank(Path(folder))
    return [str(problem) for problem in caught.value.problems]


def problems_of(folder: Path, text: str, name: str = "a.yaml") -> list[str]:
    write(folder, name, text)
    return problems()


# --------------------------------------------------------------------------- valid files


def test_valid_file_loads_into_dataclasses(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::蚂蚁集团::用户运营
        company: 蚂蚁集团
        role: 用户运营
        tags: [蚂蚁集团, 用户运营]
        source: 测试来源
        cards:
          - id: ant-biggest-challenge
            question: 实习期间最大的挑战是什么？
            assesses: 抗压能力
            star:
              situation: 背景是什么
              task:
                - 你负责什么
                - 目标是多少
              action: [做了什么]
              result: 结果如何
            pitfalls: [只讲过程不讲结果]
            example: |
              第一行
              第二行
            tags: [行为, 蚂蚁集团]
            sources: ["000#2", "000#27"]
          - id: ant-why-alipay
            question: 为什么想加入支付宝？
            outline: [要点一, 要点二, 要点三]
        """,
    )
    bank = load_bank(Path("cards"))

    (deck,) = bank.decks
    assert deck.deck == "面试::蚂蚁集团::用户运营"
    assert deck.company == "蚂蚁集团"
    assert deck.role == "用户运营"
    assert deck.tags == ("蚂蚁集团", "用户运营")
    assert deck.source == "测试来源"
    assert deck.display_path == "cards/a.yaml"
    assert deck.path.resolve() == (cards / "a.yaml").resolve()
    assert deck.location == Location("cards/a.yaml", 1, 7)

    challenge, why = deck.cards
    assert challenge == Card(
        id="ant-biggest-challenge",
        question="实习期间最大的挑战是什么？",
        location=Location("cards/a.yaml", 7, 5),
        star=Star(
            situation=("背景是什么",),  # a STAR part given as one string becomes a 1-tuple
            task=("你负责什么", "目标是多少"),
            action=("做了什么",),
            result=("结果如何",),
        ),
        assesses="抗压能力",
        pitfalls=("只讲过程不讲结果",),
        example="第一行\n第二行",
        tags=("行为", "蚂蚁集团"),
        sources=("000#2", "000#27"),
    )
    assert why == Card(
        id="ant-why-alipay",
        question="为什么想加入支付宝？",
        location=Location("cards/a.yaml", 23, 5),
        outline=("要点一", "要点二", "要点三"),
    )
    assert challenge.star.parts() == (
        ("situation", ("背景是什么",)),
        ("task", ("你负责什么", "目标是多少")),
        ("action", ("做了什么",)),
        ("result", ("结果如何",)),
    )
    assert bank.cards() == ((deck, challenge), (deck, why))


def test_tags_for_merges_file_and_card_tags_without_repeats(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::标签
        tags: [快手, 营销服务, 快手]
        cards:
          - id: with-tags
            question: 问题一？
            outline: [一, 二, 三]
            tags: [业务, 快手, 情景, 业务]
          - id: without-tags
            question: 问题二？
            outline: [一, 二, 三]
        """,
    )
    (deck,) = load_bank(Path("cards")).decks
    with_tags, without_tags = deck.cards
    assert deck.tags_for(with_tags) == ("快手", "营销服务", "业务", "情景")
    assert deck.tags_for(without_tags) == ("快手", "营销服务")


def test_order_of_cards_is_preserved(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::顺序
        cards:
          - {id: zeta, question: 第一题？, outline: [一, 二, 三]}
          - {id: alpha, question: 第二题？, outline: [一, 二, 三]}
          - {id: mid, question: 第三题？, outline: [一, 二, 三]}
        """,
    )
    (deck,) = load_bank(Path("cards")).decks
    assert [card.id for card in deck.cards] == ["zeta", "alpha", "mid"]


def test_byte_order_mark_at_start_is_accepted(cards):
    text = "deck: 面试::签名\ncards:\n  - id: bom-card\n    question: 问题？\n    outline: [一, 二, 三]\n"
    write_bytes(cards, "a.yaml", "\ufeff".encode() + text.encode())
    (deck,) = load_bank(Path("cards")).decks
    assert deck.deck == "面试::签名"
    assert deck.cards[0].location == Location("cards/a.yaml", 3, 5)


def test_yml_files_and_subfolders_are_read(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::甲
        cards:
          - {id: in-yaml, question: 问题？, outline: [一, 二, 三]}
        """,
    )
    write(
        cards,
        "ant/b.yml",
        """\
        deck: 面试::乙
        cards:
          - {id: in-yml-in-subfolder, question: 问题？, outline: [一, 二, 三]}
        """,
    )
    write(cards, "notes.txt", "deck: 不是卡片\n")
    bank = load_bank(Path("cards"))
    assert [(d.display_path, d.deck) for d in bank.decks] == [
        ("cards/a.yaml", "面试::甲"),
        ("cards/ant/b.yml", "面试::乙"),
    ]
    assert [card.id for _, card in bank.cards()] == ["in-yaml", "in-yml-in-subfolder"]


def test_parse_deck_file_uses_the_shown_name(tmp_path):
    data = "deck: 面试::直接\ncards:\n  - {id: ok, question: 问题？, outline: [一, 二, 三]}\n".encode()
    deck, found = parse_deck_file(data, tmp_path / "x.yaml", "shown/x.yaml")
    assert found == []
    assert deck.display_path == "shown/x.yaml"
    assert deck.path == tmp_path / "x.yaml"
    assert deck.cards[0].location == Location("shown/x.yaml", 3, 5)

    deck, found = parse_deck_file(b"deck: 42\ncards: []\n", tmp_path / "x.yaml", "shown/x.yaml")
    assert deck is None
    assert [str(p) for p in found] == [
        "shown/x.yaml:1:7: deck: expected text, got a number; put the value in quotes",
        "shown/x.yaml:2:8: cards: is an empty list",
    ]


# --------------------------------------------------------------------------- unknown keys


def test_unknown_card_key_suggests_the_close_one(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::拼写
        cards:
          - id: typo
            qustion: 问题？
            outline: [一, 二, 三]
        """,
    ) == [
        "cards/a.yaml:3:5: card typo: question: is required",
        f"cards/a.yaml:4:5: card typo: qustion: unknown key 'qustion'; did you mean 'question'? "
        f"(allowed: {CARD_KEYS})",
    ]


def test_unknown_file_key_suggests_the_close_one(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::拼写
        compnay: 蚂蚁集团
        cards:
          - {id: ok, question: 问题？, outline: [一, 二, 三]}
        """,
    ) == [
        f"cards/a.yaml:2:1: compnay: unknown key 'compnay'; did you mean 'company'? (allowed: {FILE_KEYS})"
    ]


def test_unknown_star_key_suggests_the_close_one(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::拼写
        cards:
          - id: star-typo
            question: 问题？
            star:
              situation: 背景
              task: 任务
              action: 行动
              actions: 多余的行动
              result: 结果
        """,
    ) == [
        f"cards/a.yaml:9:7: card star-typo: star.actions: unknown key 'actions'; "
        f"did you mean 'action'? (allowed: {STAR_KEYS})"
    ]


def test_unknown_key_without_close_match_lists_allowed_keys(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::拼写
        author: 某人
        cards:
          - id: no-match
            question: 问题？
            outline: [一, 二, 三]
            notes: 备注
        """,
    ) == [
        f"cards/a.yaml:2:1: author: unknown key 'author' (allowed: {FILE_KEYS})",
        f"cards/a.yaml:7:5: card no-match: notes: unknown key 'notes' (allowed: {CARD_KEYS})",
    ]


# --------------------------------------------------------------------------- missing fields


def test_missing_card_id_names_the_card_by_position(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::缺失
        cards:
          - id: first
            question: 问题一？
            outline: [一, 二, 三]
          - question: 问题二？
            outline: [一, 二, 三]
        """,
    ) == ["cards/a.yaml:6:5: card #2: id: is required"]


def test_missing_question(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::缺失
        cards:
          - id: no-question
            outline: [一, 二, 三]
        """,
    ) == ["cards/a.yaml:3:5: card no-question: question: is required"]


def test_missing_deck_and_cards(cards):
    assert problems_of(
        cards,
        """\
        company: 蚂蚁集团
        role: 用户运营
        """,
    ) == [
        "cards/a.yaml:1:1: deck: is required",
        "cards/a.yaml:1:1: cards: is required",
    ]


def test_missing_star_part(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::缺失
        cards:
          - id: no-result
            question: 问题？
            star:
              situation: 背景
              task: 任务
              action: [行动一, 行动二]
        """,
    ) == ["cards/a.yaml:6:7: card no-result: star.result: is required"]


# --------------------------------------------------------------------------- empty values


def test_empty_strings(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::空
        cards:
          - id: empty-text
            question: "   "
            outline: [一, 二, 三]
            assesses: ""
        """,
    ) == [
        "cards/a.yaml:4:15: card empty-text: question: is empty",
        "cards/a.yaml:6:15: card empty-text: assesses: is empty",
    ]


def test_empty_lists(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::空
        cards:
          - id: empty-list
            question: 问题？
            outline: [一, 二, 三]
            pitfalls: []
        """,
    ) == ["cards/a.yaml:6:15: card empty-list: pitfalls: is an empty list"]
    assert problems_of(cards, "deck: 面试::空\ncards: []\n") == [
        "cards/a.yaml:2:8: cards: is an empty list"
    ]


# --------------------------------------------------------------------------- star / outline


def test_both_star_and_outline(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::二选一
        cards:
          - id: both
            question: 问题？
            star: {situation: 背景, task: 任务, action: 行动, result: 结果}
            outline: [一, 二, 三]
        """,
    ) == [
        "cards/a.yaml:6:5: card both: outline: a card has either 'star' (behavioural) "
        "or 'outline' (knowledge), not both"
    ]


def test_neither_star_nor_outline(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::二选一
        cards:
          - id: neither
            question: 问题？
            pitfalls: [坑]
        """,
    ) == [
        "cards/a.yaml:3:5: card neither: star/outline: add 'star' (situation/task/action/result) "
        "for a behavioural question or 'outline' (answer points) for a knowledge question"
    ]


# --------------------------------------------------------------------------- wrong types


def test_number_where_text_expected_says_to_quote_it(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::类型
        cards:
          - id: number-question
            question: 42
            outline: [一, 二, 三]
            example: 2024-05-01
        """,
    ) == [
        "cards/a.yaml:4:15: card number-question: question: expected text, got a number; put the value in quotes",
        "cards/a.yaml:6:14: card number-question: example: expected text, got a date; put the value in quotes",
    ]


def test_mapping_where_list_expected(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::类型
        cards:
          - id: mapping-list
            question: 问题？
            outline: [一, 二, 三]
            pitfalls: {坑: 说明}
        """,
    ) == ["cards/a.yaml:6:15: card mapping-list: pitfalls: expected a list, got a mapping"]


def test_list_of_non_strings(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::类型
        cards:
          - id: non-strings
            question: 问题？
            outline: [1, 要点, true, [嵌套]]
        """,
    ) == [
        "cards/a.yaml:5:15: card non-strings: outline[1]: expected text, got a number; put the value in quotes",
        "cards/a.yaml:5:22: card non-strings: outline[3]: expected text, got true/false; put the value in quotes",
        "cards/a.yaml:5:28: card non-strings: outline[4]: expected text, got a list",
    ]


def test_star_given_as_a_list(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::类型
        cards:
          - id: star-list
            question: 问题？
            star: [背景, 任务]
        """,
    ) == ["cards/a.yaml:5:11: card star-list: star: expected a mapping of keys, got a list"]


def test_card_given_as_plain_text(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::类型
        cards:
          - {id: fine, question: 问题？, outline: [一, 二, 三]}
          - 只是一句话
        """,
    ) == ["cards/a.yaml:4:5: card #2: expected a mapping of keys, got text"]


def test_cards_given_as_a_mapping(cards):
    assert problems_of(cards, "deck: 面试::类型\ncards:\n  id: x\n") == [
        "cards/a.yaml:3:3: cards: expected a list of cards, got a mapping"
    ]


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("written", "shown", "column"),
    [
        ("Ant-Why", "Ant-Why", 9),
        ('"ant why"', "ant why", 9),
        ("a" * 65, "a" * 65, 9),
        ("ant--why", "ant--why", 9),
        ("-ant", "-ant", 9),
        ("ant_why", "ant_why", 9),
        ('"1.5"', "1.5", 9),
    ],
    ids=["uppercase", "space", "65-chars", "double-hyphen", "leading-hyphen", "underscore", "quoted-float"],
)
def test_invalid_id(cards, written, shown, column):
    assert problems_of(
        cards,
        f"""\
        deck: 面试::编号
        cards:
          - id: {written}
            question: 问题？
            outline: [一, 二, 三]
        """,
    ) == [f"cards/a.yaml:3:{column}: card {shown}: id: '{shown}' {ID_RULE}"]


def test_longest_allowed_id_is_accepted(cards):
    write(cards, "a.yaml", f"deck: 面试::编号\ncards:\n  - {{id: {'a' * 64}, question: 问题？, outline: [一, 二, 三]}}\n")
    assert [card.id for _, card in load_bank(Path("cards")).cards()] == ["a" * 64]


def test_numeric_id_must_be_quoted(cards):
    # `id: 42` is a YAML number, not text: it must not be taken silently as the id "42".
    assert problems_of(
        cards,
        """\
        deck: 面试::编号
        cards:
          - id: 42
            question: 问题？
            outline: [一, 二, 三]
        """,
    ) == ["cards/a.yaml:3:9: card 42: id: expected text, got a number; put the value in quotes"]


# --------------------------------------------------------------------------- duplicates


def test_duplicate_id_across_files_names_the_first_place(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::甲
        cards:
          - id: other
            question: 问题？
            outline: [一, 二, 三]
          - id: shared-id
            question: 问题一？
            outline: [一, 二, 三]
        """,
    )
    write(
        cards,
        "b.yaml",
        """\
        deck: 面试::乙
        cards:
          - id: shared-id
            question: 问题二？
            outline: [一, 二, 三]
        """,
    )
    assert problems() == [
        "cards/b.yaml:3:5: card shared-id: id: duplicate id 'shared-id' (first used at cards/a.yaml:6:5)"
    ]


def test_duplicate_id_in_one_file(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::甲
        cards:
          - id: twice
            question: 问题一？
            outline: [一, 二, 三]
          - id: twice
            question: 问题二？
            outline: [一, 二, 三]
        """,
    ) == ["cards/a.yaml:6:5: card twice: id: duplicate id 'twice' (first used at cards/a.yaml:3:5)"]


def test_duplicate_key_in_a_mapping(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::甲
        cards:
          - id: dup-key
            question: 问题一？
            outline: [一, 二, 三]
            question: 问题二？
        deck: 面试::乙
        """,
    ) == [
        "cards/a.yaml:6:5: card dup-key: question: key 'question' appears twice (first at line 4)",
        "cards/a.yaml:7:1: deck: key 'deck' appears twice (first at line 1)",
    ]


def test_deck_names_clash_across_files_ignoring_case(cards):
    write(cards, "a.yaml", "deck: 面试::蚂蚁::Ops\ncards:\n  - {id: one, question: 问题？, outline: [一, 二, 三]}\n")
    write(cards, "b.yaml", "deck: 面试::蚂蚁::ops\ncards:\n  - {id: two, question: 问题？, outline: [一, 二, 三]}\n")
    assert problems() == [
        "cards/b.yaml:1:7: deck: deck '面试::蚂蚁::ops' is already used by cards/a.yaml "
        "('面试::蚂蚁::Ops'); each file must have its own deck"
    ]


# --------------------------------------------------------------------------- deck paths and tags


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("面试::::岗位", "'面试::::岗位' has an empty part; write it like 面试::公司::岗位"),
        ('"面试::蚂蚁::"', "'面试::蚂蚁::' has an empty part; write it like 面试::公司::岗位"),
        ('"::面试"', "'::面试' has an empty part; write it like 面试::公司::岗位"),
        ('"面试 :: 蚂蚁"', "'面试 :: 蚂蚁' has spaces around '::'"),
        ("面试::蚂蚁 ::岗位", "'面试::蚂蚁 ::岗位' has spaces around '::'"),
    ],
)
def test_bad_deck_path(cards, written, message):
    text = f"deck: {written}\ncards:\n  - {{id: ok, question: 问题？, outline: [一, 二, 三]}}\n"
    assert problems_of(cards, text) == [f"cards/a.yaml:1:7: deck: {message}"]


def test_tag_with_a_space(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::标签
        tags: [蚂蚁集团, "用户 运营"]
        cards:
          - id: spaced-tag
            question: 问题？
            outline: [一, 二, 三]
            tags: [行为, 情景 题]
        """,
    ) == [
        "cards/a.yaml:2:7: tags: tag '用户 运营' contains a space (Anki tags cannot)",
        "cards/a.yaml:7:11: card spaced-tag: tags: tag '情景 题' contains a space (Anki tags cannot)",
    ]


# --------------------------------------------------------------------------- bytes and syntax


def test_tabs_are_reported_on_every_line(cards):
    text = (
        "deck: 面试::制表\n"  # 1
        "cards:\n"  # 2
        "  - id: tabbed\n"  # 3
        "    question:\t问题？\n"  # 4: tab in column 14
        "\t  outline: [一, 二, 三]\n"  # 5: tab in column 1
    )
    write_bytes(cards, "a.yaml", text.encode())
    assert problems() == [
        "cards/a.yaml:4:14: tab character; indent with spaces",
        "cards/a.yaml:5:1: tab character; indent with spaces",
    ]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"deck: x\ncards:\n  - id: a\n    question: abc\xffdef\n", "4:18"),
        (b"\xffdeck: x\n", "1:1"),
        # Columns count characters, as editors (and every other message) do, not bytes:
        # 14 characters of "    question: ", then 2 Chinese characters, then the bad byte.
        (b"deck: x\ncards:\n  - id: a\n    question: " + "中文".encode() + b"\xff\n", "4:17"),
    ],
    ids=["ascii-before", "first-byte", "chinese-before"],
)
def test_invalid_utf8_points_at_the_bad_byte(cards, data, where):
    write_bytes(cards, "a.yaml", data)
    assert problems() == [f"cards/a.yaml:{where}: file is not valid UTF-8 (save it as UTF-8)"]


@pytest.mark.parametrize(
    "data",
    [b"", b"\n  \n\n", "\ufeff".encode(), "# 只有注释，还没有卡片\n".encode()],
    ids=["nothing", "blank-lines", "bom-only", "comment-only"],
)
def test_empty_file(cards, data):
    write_bytes(cards, "a.yaml", data)
    assert problems() == ["cards/a.yaml:1:1: file is empty"]


LIBYAML = yaml.__with_libyaml__


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "deck: x\ncards:\n  - id: a\n    question: 问题: 答案\n",
            "cards/a.yaml:4:17: invalid YAML: mapping values are not allowed "
            + ("in this context" if LIBYAML else "here"),
        ),
        (
            "deck: x\ncards:\n  - id: a\n    outline: [一, 二\n  - id: b\n",
            "cards/a.yaml:5:7: invalid YAML: "
            + ("did not find expected ',' or ']'" if LIBYAML else "expected ',' or ']', but got ':'"),
        ),
    ],
)
def test_yaml_syntax_error_gives_its_line(cards, text, expected):
    write(cards, "a.yaml", text)
    assert problems() == [expected]


# --------------------------------------------------------------------------- aliases and tags


def test_alias_is_rejected_where_it_is_used(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::别名
        cards:
          - id: first
            question: 问题一？
            outline: &points [要点一, 要点二, 要点三]
          - id: second
            question: 问题二？
            outline: *points
        """,
    ) == [
        f"cards/a.yaml:5:14: YAML anchors (&points) {ALIASES}",
        f"cards/a.yaml:8:14: YAML aliases (*points) {ALIASES}",
    ]


def test_an_anchor_without_an_alias_is_rejected_too(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::锚点
        cards:
          - id: first
            question: &q 问题一？
            outline: [要点一, 要点二, 要点三]
        """,
    ) == [f"cards/a.yaml:4:15: YAML anchors (&q) {ALIASES}"]


def test_ampersands_and_asterisks_inside_text_are_text(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::符号
        cards:
          - id: first
            question: R&D 和 P&L 的 **区别**？ 3*4
            outline: [a&b, "*强调*", c]
        """,
    )
    assert load_bank(Path("cards")).decks[0].cards[0].question == "R&D 和 P&L 的 **区别**？ 3*4"


def billion_laughs(levels: int = 10, width: int = 10) -> str:
    """A card whose outline would expand to width**levels strings if aliases were followed."""
    lines = ["deck: 面试::笑", "cards:", "  - id: lol", "    question: 问题？", "    outline:"]
    lines.append("      - &l0 [" + ", ".join(["lol"] * width) + "]")
    for level in range(1, levels):
        lines.append(f"      - &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    lines.append(f"    pitfalls: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_rejected_without_expanding(cards):
    write(cards, "a.yaml", billion_laughs())
    started = time.perf_counter()
    with pytest.raises(CardsError) as caught:
        load_bank(Path("cards"))
    assert time.perf_counter() - started < 2.0
    assert 0 < len(caught.value.problems) < 1000


def test_billion_laughs_reports_the_aliases(cards):
    write(cards, "a.yaml", billion_laughs())
    assert any(message.endswith(ALIASES) for message in problems())


def test_unsafe_python_tag_on_text_is_an_error_and_never_runs(cards, tmp_path):
    marker = tmp_path / "marker"
    found = problems_of(
        cards,
        f"""\
        deck: 面试::标签
        cards:
          - id: unsafe
            question: !!python/object/apply:os.system ["touch {marker}"]
            outline: [一, 二, 三]
            assesses: !!python/name:os.system 考察
        """,
    )
    assert found == [
        "cards/a.yaml:4:15: card unsafe: question: expected text, got a list",
        "cards/a.yaml:6:15: card unsafe: assesses: expected text, got a value tagged "
        "tag:yaml.org,2002:python/name:os.system; put the value in quotes",
    ]
    assert not marker.exists()


def test_unsafe_python_tag_on_a_list_is_an_error_and_never_runs(cards, tmp_path):
    marker = tmp_path / "marker"
    found = problems_of(
        cards,
        f"""\
        deck: 面试::标签
        cards:
          - id: unsafe-list
            question: 问题？
            outline: [一, 二, 三]
            pitfalls: !!python/object/apply:os.system ["touch {marker}"]
        """,
    )
    assert not marker.exists()
    assert len(found) == 1
    assert found[0].startswith("cards/a.yaml:6:15: card unsafe-list: pitfalls: ")
    assert "python/object/apply:os.system" in found[0]


# --------------------------------------------------------------------------- folders


def test_missing_folder(cards):
    assert problems("missing") == ["missing:1:1: cards folder not found"]


def test_folder_without_yaml_files(cards):
    write(cards, "README.md", "# 卡片\n")
    write(cards, "sub/notes.txt", "deck: x\n")
    assert problems() == ["cards:1:1: no card files (*.yaml) in this folder"]


# --------------------------------------------------------------------------- reporting everything


def test_every_problem_in_every_file_is_reported_sorted(cards):
    # b.yaml is written first and problems inside a card are found out of line order:
    # the report must still be sorted by file, then line.
    write(
        cards,
        "b.yaml",
        """\
        deck: 面试::乙
        cards:
          - id: B-1
            question: ""
            outline: [一, 二, 三]
          - question: 第二题？
            pitfall: [坑]
        """,
    )
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::甲
        tags: [用户 运营]
        cards:
          - id: a-one
            question: 42
            star: {situation: 一, task: 二, action: 三}
          - id: a-two
            question: 第二题？
            outline: []
        """,
    )
    expected = [
        "cards/a.yaml:2:7: tags: tag '用户 运营' contains a space (Anki tags cannot)",
        "cards/a.yaml:5:15: card a-one: question: expected text, got a number; put the value in quotes",
        "cards/a.yaml:6:11: card a-one: star.result: is required",
        "cards/a.yaml:9:14: card a-two: outline: is an empty list",
        f"cards/b.yaml:3:9: card B-1: id: 'B-1' {ID_RULE}",
        "cards/b.yaml:4:15: card B-1: question: is empty",
        "cards/b.yaml:6:5: card #2: id: is required",
        "cards/b.yaml:6:5: card #2: star/outline: add 'star' (situation/task/action/result) "
        "for a behavioural question or 'outline' (answer points) for a knowledge question",
        f"cards/b.yaml:7:5: card #2: pitfall: unknown key 'pitfall'; did you mean 'pitfalls'? "
        f"(allowed: {CARD_KEYS})",
    ]
    with pytest.raises(CardsError) as caught:
        load_bank(Path("cards"))
    assert [str(p) for p in caught.value.problems] == expected
    assert str(caught.value) == "\n".join(expected)


# --------------------------------------------------------------------------- hostile files


def _check_in_a_subprocess(cards: Path) -> subprocess.CompletedProcess:
    """`srs check` in its own process, so that a crash shows as exit code 139, not a dead test run."""
    return subprocess.run(
        [sys.executable, "-m", "interview_srs", "check", "--cards", str(cards)],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent,
    )


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # The file's mapping is level 1, so level MAX_DEPTH + 1 starts at the MAX_DEPTH-th opener.
        ("x: " + "[" * 25_000, (1, 3 + MAX_DEPTH)),
        ("x: " + "{a: " * 25_000, (1, 4 * MAX_DEPTH)),
        ("x:\n" + "- " * 25_000 + "a", (2, 2 * MAX_DEPTH - 1)),
        ("x:\r" + "- " * 25_000 + "a", (2, 2 * MAX_DEPTH - 1)),
    ],
    ids=["flow-lists", "flow-mappings", "block-lists", "block-lists-cr-line-ends"],
)
def test_deep_nesting_is_a_located_error_not_a_crash(cards, body, where):
    write_bytes(cards, "a.yaml", ("deck: 面试::深\n" + body + "\n").encode())
    result = _check_in_a_subprocess(cards)
    assert result.returncode == 1, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    line, column = where
    first = result.stderr.splitlines()[0]
    prefix = f"{cards / 'a.yaml'}:{line + 1}:"
    suffix = f": lists and mappings are nested more than {MAX_DEPTH} levels deep (a card file needs {TYPICAL_DEPTH})"
    assert first.startswith(prefix) and first.endswith(suffix), first
    found_column = first[len(prefix):-len(suffix)]
    # A run of `[` can meet the YAML reader's own limit first: it reads ahead of the events.
    assert column <= int(found_column) <= (column if "[" not in body else column + 1024)


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1_500, SCAN_FROM_DEPTH - 10])
def test_nesting_the_scan_does_not_look_for_is_still_one_located_line(cards, levels):
    """Between MAX_DEPTH and the bound that starts the event scan, the file is composed: the card
    shapes refuse it, or LibYAML's own limit does (in the same words as ours), never a crash."""
    write_bytes(cards, "a.yaml", ("deck: 面试::深\ncards:\n  - id: a\n    question: " + "[" * levels + "]" * levels + "\n").encode())
    result = _check_in_a_subprocess(cards)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{cards / 'a.yaml'}:")
    assert first.endswith((f"nested more than {MAX_DEPTH} levels deep (a card file needs {TYPICAL_DEPTH})",
                           "question: expected text, got a list",
                           "add 'star' (situation/task/action/result) for a behavioural question or 'outline' (answer points) for a knowledge question"))


def test_nesting_within_the_limit_is_composed_and_reported_as_a_wrong_shape(cards):
    levels = MAX_DEPTH - 3  # the file's mapping, the cards list and the card hold three levels
    write(cards, "a.yaml", "deck: 面试::深\ncards:\n  - id: a\n    question: " + "[" * levels + "]" * levels + "\n")
    assert problems() == [
        "cards/a.yaml:3:5: card a: star/outline: add 'star' (situation/task/action/result) for a behavioural "
        "question or 'outline' (answer points) for a knowledge question",
        "cards/a.yaml:4:15: card a: question: expected text, got a list",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # The YAML reader's refusals, at their real line and column, on one line.
        (b"deck: x\ncards:\n  - id: a\n    question: a\x01b\n", "4:16: the control character U+0001 is not allowed in a card file; remove it"),
        (b"deck: x\rcards:\r  - id: a\r    question: a\x7fb\x02\r", "4:16: the control character U+007F is not allowed in a card file (and 1 more in this file); remove it"),
        ("deck: x\ncards:\n  - id: a\n    question: a\ufffeb\n".encode(), "4:16: U+FFFE (not a character) is not allowed in a card file; remove it"),
        # Invalid UTF-8 after CR-only line ends, and a tab after a form feed.
        (b"deck: x\rcards:\r  - id: a\r    question: ab\xff\r", "4:17: file is not valid UTF-8 (save it as UTF-8)"),
        (b"deck: x\ncards:\n  - id: a\n    question: a\x0c\tb\n", "4:17: tab character; indent with spaces"),
    ],
    ids=["c0", "del-cr-only", "noncharacter", "utf8-cr-only", "tab-after-form-feed"],
)
def test_characters_the_reader_refuses_are_located_on_one_line(cards, data, expected):
    write_bytes(cards, "a.yaml", data)
    messages = problems()
    assert f"cards/a.yaml:{expected}" in messages
    assert all("\n" not in message for message in messages)


ANKI_REFUSED = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]]


@pytest.mark.parametrize("char", ANKI_REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_characters_anki_cannot_import_are_refused_in_every_kind_of_value(cards, char):
    escaped = f"\\u{ord(char):04x}"  # a YAML double-quoted escape: the only way these get in
    write(
        cards,
        "a.yaml",
        f"""\
        deck: "面试::坏{escaped}卡"
        company: "公{escaped}司"
        tags: ["标{escaped}签"]
        cards:
          - id: a
            question: "问{escaped}题"
            outline: ["一{escaped}点", 二, 三]
            followups: [{{q: "追{escaped}问", cue: 提示}}]
        """,
    )
    kind = "control character"
    messages = problems()
    assert [m.split(": ", 1)[0] for m in messages] == [
        "cards/a.yaml:1:7", "cards/a.yaml:2:10", "cards/a.yaml:3:8", "cards/a.yaml:6:15",
        "cards/a.yaml:7:15", "cards/a.yaml:8:21",
    ]
    assert all(f"U+{ord(char):04X}" in m and kind in m and "Anki cannot import" in m for m in messages)


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff"])
def test_a_lone_surrogate_escape_is_a_located_error(cards, escape):
    write(cards, "a.yaml", f'deck: "面试::{escape}"\ncards:\n  - id: a\n    question: 问？\n    outline: [一, 二, 三]\n')
    (message,) = problems()
    assert message.startswith("cards/a.yaml:1:")
    assert "escape" in message or "surrogate" in message


@pytest.mark.parametrize("char", ["\t", "\n", "\u2028"], ids=["tab", "newline", "line-separator"])
def test_deck_names_and_tags_must_be_on_one_line(cards, char):
    escaped = f"\\u{ord(char):04x}"
    write(cards, "a.yaml", f'deck: "面试::{escaped}x"\ntags: ["a{escaped}b"]\ncards:\n  - id: a\n    question: 问？\n    outline: [一, 二, 三]\n')
    messages = problems()
    assert messages[0] == "cards/a.yaml:1:7: deck: must be on one line (Anki drops line breaks and tabs here)"
    assert messages[1].startswith("cards/a.yaml:2:")


def test_a_huge_invalid_id_is_not_echoed_in_full(cards):
    huge = "X" * 1_000_000
    write(cards, "a.yaml", f"deck: 面试::长\ncards:\n  - id: {huge}\n    question: 问？\n    outline: [一, 二, 三]\n")
    (message,) = problems()
    assert len(message) < 400
    assert "…(1000000 characters)" in message


@pytest.mark.parametrize(
    ("first", "second", "package"),
    [
        ("a b.yaml", "a_b.yaml", "a_b.apkg"),
        ("s1/ops.yaml", "s2/ops.yaml", "ops.apkg"),
        ("Ops.yaml", "ops.yml", "ops.apkg"),
    ],
)
def test_files_that_would_write_the_same_package_are_reported(cards, first, second, package):
    for number, name in enumerate((first, second)):
        (cards / name).parent.mkdir(parents=True, exist_ok=True)
        write(cards, name, f"deck: 面试::包{number}\ncards:\n  - id: c{number}\n    question: 问{number}？\n    outline: [一, 二, 三]\n")
    (message,) = problems()
    assert message.startswith(f"cards/{second}:1:7: deck: this file would be built into ")
    assert message.endswith(f", as would cards/{first}; rename one of them")
    assert package.casefold() in message.casefold()


def test_a_file_named_like_the_combined_package_is_reported(cards):
    write(cards, "interview-srs-all.yaml", "deck: 面试::全\ncards:\n  - id: c\n    question: 问？\n    outline: [一, 二, 三]\n")
    assert problems() == [
        "cards/interview-srs-all.yaml:1:7: deck: this file would be built into interview-srs-all.apkg, "
        "the package that holds every deck; rename the file"
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_upper_case_suffixes_and_symlinked_folders_are_read_and_loops_are_walked_once(cards, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    write(shared, "linked.YAML", "deck: 面试::链接\ncards:\n  - id: linked\n    question: 问？\n    outline: [一, 二, 三]\n")
    (shared / "loop").symlink_to(shared)  # a folder that contains itself
    (cards / "shared").symlink_to(shared)
    write(cards, "own.Yml", "deck: 面试::自己\ncards:\n  - id: own\n    question: 问？\n    outline: [一, 二, 三]\n")
    bank = load_bank(Path("cards"))
    assert sorted(card.id for _deck, card in bank.cards()) == ["linked", "own"]


# --------------------------------------------------------------------------- fuzzing the loader


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import fuzz_loader  # noqa: E402

REAL_FILES = fuzz_loader.sources()


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(REAL_FILES),
    mutation=st.sampled_from(sorted(fuzz_loader.MUTATIONS)),
    rounds=st.integers(1, 3),
    rng=st.randoms(use_true_random=False),
)
def test_mutated_real_card_files_give_a_deck_or_located_problems(source, mutation, rounds, rng):
    """Byte flips, truncation, line edits, YAML snippets, nesting, tags, encodings: never an
    exception; every problem located (line and column from 1) and on one line."""
    data = source[1]
    for _ in range(rounds):
        data = fuzz_loader.MUTATIONS[mutation](rng, data)
        if mutation in ("snippets", "nesting", "tags", "encodings"):
            break  # these need UTF-8 input
    assert fuzz_loader.outcome(data) in ("deck", "problems")


def test_a_card_file_that_cannot_be_read_is_a_located_problem(cards, monkeypatch):
    write(cards, "a.yaml", "deck: 面试::甲\ncards:\n  - id: a\n    question: 问？\n    outline: [一, 二, 三]\n")
    write(cards, "b.yaml", "deck: 面试::乙\ncards:\n  - id: b\n    question: 问？\n    outline: [一, 二, 三]\n")
    real = Path.read_bytes

    def refuse_b(path):
        if path.name == "b.yaml":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_b)
    assert problems() == ["cards/b.yaml:1:1: cannot read the file: Permission denied"]


# --------------------------------------------------------------------------- provenance and drafts


def test_related_draft_and_context_are_read(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::来源
        cards:
          - id: asked
            question: 问到的题？
            outline: [一, 二, 三]
            sources: ["004#22"]
          - id: drawn-on
            question: 相关的题？
            outline: [一, 二, 三]
            related: ["002#2", "002#4"]
            draft: true
            context: 面试官很在意数据
        """,
    )
    asked, drawn_on = load_bank(cards).decks[0].cards
    assert (asked.sources, asked.related, asked.draft, asked.context) == (("004#22",), (), False, "")
    assert (drawn_on.sources, drawn_on.related, drawn_on.draft, drawn_on.context) == (
        (), ("002#2", "002#4"), True, "面试官很在意数据",
    )
    assert drawn_on.documents == ("002",)  # a package carries the cards that draw on its documents


def test_the_new_fields_leave_the_content_of_cards_without_them_unchanged(cards):
    write(cards, "a.yaml", "deck: 面试::来源\ncards:\n  - id: a\n    question: 题？\n    outline: [一, 二, 三]\n")
    (card,) = load_bank(cards).decks[0].cards
    assert not {"related", "draft", "context"} & set(card.content())


def test_draft_must_be_true_or_false(cards):
    assert problems_of(
        cards,
        """\
        deck: 面试::来源
        cards:
          - id: a
            question: 题？
            outline: [一, 二, 三]
            draft: maybe
        """,
    ) == ["cards/a.yaml:6:12: card a: draft: expected true or false, got text"]


def test_a_retired_card_needs_no_skeleton_and_is_tagged_retired(cards):
    write(
        cards,
        "a.yaml",
        """\
        deck: 面试::来源
        tags: [通用]
        cards:
          - id: gone
            question: 面试前要做什么准备？
            retired: 这是准备建议，已移到准备清单
        """,
    )
    deck = load_bank(cards).decks[0]
    (card,) = deck.cards
    assert (card.retired, card.star, card.outline) == ("这是准备建议，已移到准备清单", None, ())
    assert deck.tags_for(card) == ("通用", "retired")
