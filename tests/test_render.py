"""Terminal rendering: escape stripping, CJK cell widths, wrapping, the card screens."""

from __future__ import annotations

from pathlib import Path

import pytest
import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.terminal.render import (
    Style,
    _tokens,
    answer_lines,
    cell_width,
    clean,
    fit_parts,
    question_lines,
    ratings_line,
    wrap,
)
from interview_srs.schedule.scheduler import CardState
from interview_srs.store.rows import StoredCard
from interview_srs.terminal.texts import EN, ZH, texts_for

from conftest import ANT_YAML, REPO, XHS_YAML


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[31mred\x1b[0m b", "ared b"),
        ("title\x1b]0;pwned\x07 ok", "title ok"),
        ("link \x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\", "link text"),
        ("bell\x07 back\x08space\x7f", "bell backspace"),
        ("c1 \x9b31m csi", "c1  csi"),
        ("rtl \u202eevil\u202c", "rtl evil"),
        ("tab\there", "tab    here"),
        ("cr\r\nlf", "cr\nlf"),
        ("中文，保持不变。", "中文，保持不变。"),
    ],
)
def test_clean_strips_control_characters_and_escape_sequences(raw, shown):
    assert clean(raw) == shown


def _card_texts() -> list[str]:
    texts = [ANT_YAML, XHS_YAML]
    texts += [p.read_text("utf-8") for p in sorted((REPO / "cards").glob("*.yaml"))]
    return [line for text in texts for line in text.splitlines()]


def test_cell_width_agrees_with_wcwidth_on_card_text():
    lines = _card_texts()
    assert lines
    for line in lines:
        assert cell_width(line) == wcwidth.wcswidth(line), line


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("ab cdefg，。、（）中文字符测试用户运营 MOB1-3：《》—…")), max_size=200
    ),
    width=st.integers(6, 60),
)
def test_wrapped_lines_fit_and_keep_every_character(text, width):
    lines = wrap(text, width, "  • ")
    assert all(cell_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "").replace("•", "") == text.replace(" ", "")
    if " " in text or any(cell_width(token) > width - 4 for token in _tokens(text)):
        return  # a space is a break anywhere; a token wider than the line is cut somewhere
    for line in lines[1:]:
        body = line.lstrip(" ")
        assert not body or body[0] not in "，。、）》…"


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.text(alphabet=st.sampled_from(list("ab:-面试快手营销服务（约分钟）1")), min_size=1, max_size=30),
                   min_size=1, max_size=8),
    separator=st.sampled_from([", ", " · "]),
    width=st.integers(20, 80),
)
def test_parts_break_between_parts_and_fit(parts, separator, width):
    lines = fit_parts("  卡组：", parts, separator, width)
    assert all(wcwidth.wcswidth(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == ("  卡组：" + separator.join(parts)).replace(" ", "")
    if all(cell_width(part) + 6 <= width for part in parts):  # each part fits a line: none is broken
        assert all(any(part in line for line in lines) for part in parts)


def _card(**back) -> StoredCard:
    base = {"star": None, "outline": [], "assesses": "", "pitfalls": [], "example": "", "sources": []}
    base.update(back)
    return StoredCard(
        id="c", deck="面试::快手::运营", company="快手", role="运营", tags=("快手", "行为"),
        question="讲一个\x1b[2J你推动协作的例子？", back=base, file="/x.yaml", line=3, column=5,
        schedule=CardState(),
    )


def test_the_question_screen_shows_deck_company_tags_and_clean_text():
    lines = question_lines(_card(), EN, 40, Style(False), "due 1 · learning 0 · new 2")
    assert lines == [
        "面试::快手::运营",
        "Company: 快手 · Role: 运营 · Tags: 快手,",
        "行为",
        "due 1 · learning 0 · new 2",
        "",
        "讲一个你推动协作的例子？",
    ]


def test_the_back_shows_star_parts_as_lists_with_chinese_labels():
    card = _card(
        star={"situation": ["背景"], "task": ["目标"], "action": ["定位问题", "推动协作"], "result": ["结果"]},
        assesses="协作能力",
        pitfalls=["只讲困难"],
        example="比如……",
    )
    assert answer_lines(card, ZH, 40, Style(False)) == [
        "", "考察点", "  协作能力",
        "", "S  情境", "  背景",
        "", "T  任务", "  目标",
        "", "A  行动", "  • 定位问题", "  • 推动协作",
        "", "R  结果", "  结果",
        "", "避坑", "  • 只讲困难",
        "", "范例", "  比如……",
    ]


def test_outline_items_are_numbered_and_wrapped_under_their_number():
    card = _card(outline=["第一点很长很长很长很长很长很长很长很长", "二"])
    assert answer_lines(card, EN, 20, Style(False)) == [
        "", "Outline", "  1. 第一点很长很长", "     很长很长很长很", "     长很长很长", "  2. 二",
    ]


def test_rating_labels_follow_the_locale():
    intervals = {1: "<1m", 2: "<5.5m", 3: "<10m", 4: "3d"}
    assert ratings_line(intervals, texts_for({"LANG": "zh_CN.UTF-8"}), Style(False)) == (
        "1 重来 <1m   2 困难 <5.5m   3 良好 <10m   4 简单 3d"
    )
    assert ratings_line(intervals, texts_for({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}), Style(False)) == (
        "1 Again <1m   2 Hard <5.5m   3 Good <10m   4 Easy 3d"
    )
    assert texts_for({"LC_MESSAGES": "zh_TW.UTF-8"}) is ZH
    assert texts_for({}) is EN


def test_styles_are_only_added_on_a_terminal():
    assert Style(True).bold("x") == "\x1b[1mx\x1b[0m"
    assert Style(False).bold("x") == "x"


def test_repo_path_exists():
    assert isinstance(REPO, Path)


# -- every screen and report fits the terminal (80 and 60 columns, CJK counted as two cells) -------


def widest(text: str) -> int:
    return max((wcwidth.wcswidth(line) for line in text.splitlines()), default=0)


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("texts", [EN, ZH])
def test_key_lines_fit_the_screen_and_keep_every_key(texts, columns):
    from interview_srs.terminal.render import key_lines

    width = columns - 1  # terminal.screen.Terminal.width: one column is left free
    for hint in (texts.question_keys, texts.answer_keys, texts.mock_rate_keys, texts.mock_speak_keys):
        lines = key_lines(hint, width, Style(False))
        assert all(wcwidth.wcswidth(line) <= width for line in lines)
        assert " · ".join(lines) == hint
        if columns == 80:
            assert len(lines) == 1, hint  # one line on a standard terminal


@pytest.mark.parametrize("columns", [80, 60])
def test_the_review_screen_of_every_bank_card_fits(columns):
    from interview_srs.bank.load import load_bank
    from interview_srs.review.session_screen import Revealed, card_screen

    width = columns - 1
    bank = load_bank(REPO / "cards")
    for deck, card in bank.cards()[::7]:
        stored = StoredCard(card.id, deck.deck, deck.company, deck.role, deck.tags_for(card), card.question,
                            {**card.content(), "star": card.content()["star"]}, "f", 1, 1, CardState())
        screen = card_screen(stored, ZH, width, Style(False), counts=ZH.counts.format(due=1, learning=2, new=3),
                             message="", banner="", revealed=Revealed("⏱ 0:42 / 1:00", None, None,
                                                                      {1: "<1m", 2: "<6m", 3: "1d", 4: "3d"}), hint="")
        assert widest("\n".join(screen.top + screen.body + screen.bottom)) <= width, card.id


def test_reports_fit_80_columns(tmp_path):
    """srs stats (and --at), search, stories, show and the mock report on the bundled bank, with
    answers, a mock run and an interview behind them."""
    from click.testing import CliRunner

    from interview_srs.cli import cli

    home = tmp_path / "home"
    home.mkdir()
    cards = str(REPO / "cards")
    for lang in ("en_US.UTF-8", "zh_CN.UTF-8"):
        env = {"SRS_HOME": str(home), "SRS_NOW": "2025-03-01T10:00:00+08:00", "LANG": lang, "LC_ALL": None,
               "LC_MESSAGES": None, "SRS_MOCK_SEED": "4", "EDITOR": None, "VISUAL": None, "COLUMNS": None}

        def srs(*args, keys=None):
            result = CliRunner().invoke(cli, [*args, "--cards", cards], env=env, input=keys)
            assert result.exit_code == 0, result.output
            return result.output

        srs("review", keys="\n1\n\n3\n\n4\n\n2\nq\n")
        mock = srs("mock", "--questions", "3", keys=" \n2\n \n3\n \n1\n")
        report = mock[mock.rindex("\n\n"):]
        srs("interview", "add", "快手" if lang.startswith("en") else "蚂蚁", "2025-03-05")
        stories = srs("stories").split("\n", 1)[1]  # the first line names the folder, however long its path
        outputs = [report, srs("stats"), srs("stats", "--at", "2025-03-05"), srs("search", "用户"), stories,
                   srs("show", "open-why-company"), srs("interview", "list")]
        for output in outputs:
            assert widest(output) <= 80, output
