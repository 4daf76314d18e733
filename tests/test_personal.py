"""Answer and story files: creation, pre-fill, [[story]] expansion and every located problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interview_srs.personal import (
    Personal,
    PersonalError,
    Problem,
    body_lines,
    default_root,
    has_content,
    prefill,
    to_html,
)

STAR_BACK = {
    "star": {
        "situation": ["公司、角色、时间点"],
        "task": ["要达成的目标"],
        "action": ["用数据定位问题", "推动协作"],
        "result": ["量化结果与复盘"],
    },
    "outline": [],
}
OUTLINE_BACK = {"star": None, "outline": ["MOB 指开卡后第几个月", "前三个月是先行指标"]}


@pytest.fixture
def personal(tmp_path: Path) -> Personal:
    return Personal(tmp_path / "mine")


def write(personal: Personal, relative: str, text: str | bytes) -> Path:
    path = personal.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def test_the_default_folder_is_the_stores(tmp_path):
    assert default_root({"SRS_HOME": str(tmp_path / "h")}) == tmp_path / "h"


def test_a_star_answer_is_pre_filled_with_the_question_and_the_star_prompts_as_headings(personal):
    path, created = personal.create_answer("ant-challenge", "最大的挑战是什么？", STAR_BACK)
    assert created and path == personal.root / "answers" / "ant-challenge.md"
    text = path.read_text("utf-8")
    assert text.splitlines()[:10] == [
        "# 最大的挑战是什么？",
        "",
        "## S 情境：公司、角色、时间点",
        "",
        "## T 任务：要达成的目标",
        "",
        "## A 行动：用数据定位问题；推动协作",
        "",
        "## R 结果：量化结果与复盘",
        "",
    ]
    assert not has_content(body_text(text)), "the pre-fill alone is not an answer"
    assert personal.answer("ant-challenge").written is False


def body_text(text: str) -> str:
    return "\n".join(body_lines(text, "最大的挑战是什么？"))


def test_an_outline_answer_gets_one_numbered_heading_per_point():
    text = prefill("为什么关注 MOB1-3？", OUTLINE_BACK)
    assert "## 1. MOB 指开卡后第几个月\n\n## 2. 前三个月是先行指标\n" in text


def test_an_existing_answer_is_never_overwritten(personal):
    path = write(personal, "answers/ant-challenge.md", "我自己的答案\n")
    assert personal.create_answer("ant-challenge", "问题", STAR_BACK) == (path, False)
    assert path.read_text("utf-8") == "我自己的答案\n"
    assert not list(path.parent.glob(".new-*")), "no temporary file is left behind"


def test_a_story_is_expanded_where_the_answer_names_it_and_nested_stories_too(personal):
    write(personal, "answers/a.md", "# 问题\n开头\n[[双十一]]\n结尾\n")
    write(personal, "stories/双十一.md", "S：大促\n  [[复盘]]  \n")
    write(personal, "stories/复盘.md", "R：复盘沉淀\n")
    expanded = personal.answer("a")
    assert expanded.text == "# 问题\n开头\nS：大促\nR：复盘沉淀\n结尾"
    assert expanded.stories == ("双十一", "复盘")
    assert expanded.problems == () and expanded.written


def test_a_missing_story_is_reported_at_its_line_and_the_line_kept(personal):
    write(personal, "answers/x.md", "# 问题\n\n[[foo]]\n")
    write(personal, "stories/food.md", "x\n")
    write(personal, "stories/bar.md", "y\n")
    expanded = personal.answer("x")
    assert [str(p) for p in expanded.problems] == [
        "answers/x.md:3: [[foo]]: no story named 'foo' (did you mean 'food'?) (stories: bar, food)"
    ]
    assert "[[foo]]" in expanded.text


def test_a_story_that_includes_itself_is_reported_not_followed_forever(personal):
    write(personal, "answers/x.md", "[[a]]\n")
    write(personal, "stories/a.md", "A\n[[b]]\n")
    write(personal, "stories/b.md", "B\n[[a]]\n")
    expanded = personal.answer("x")
    assert expanded.text == "A\nB\n[[a]]"
    assert [str(p) for p in expanded.problems] == ["stories/b.md:2: [[a]]: story 'a' includes itself (a → b → a)"]


def test_invalid_utf8_is_located_and_the_file_left_alone(personal):
    data = "第一行\n第二行 ".encode("utf-8") + b"\xff\xfe oops\n"
    path = write(personal, "answers/x.md", data)
    expanded = personal.answer("x")
    assert expanded.text == "" and not expanded.written
    assert [str(p) for p in expanded.problems] == [
        "answers/x.md:2: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]
    with pytest.raises(PersonalError, match=r"^answers/x.md:2: not valid UTF-8"):
        personal.read(path)
    assert path.read_bytes() == data


def test_check_finds_renamed_cards_bad_files_and_broken_links_without_touching_anything(personal):
    write(personal, "answers/ant-old-name.md", "我的答案\n")
    write(personal, "answers/ant-mob.md", "[[nope]]\n")
    write(personal, "stories/bad.md", b"\xc3\x28\n")
    write(personal, "stories/has space.md", "x\n")
    before = {p: p.read_bytes() for p in personal.root.rglob("*.md")}
    problems = personal.check(["ant-new-name", "ant-mob"])
    assert [str(p) for p in problems] == [
        "answers/ant-mob.md:1: [[nope]]: no story named 'nope' (stories: bad)",
        "answers/ant-old-name.md:1: no card with id 'ant-old-name' (did you mean 'ant-new-name'?); "
        "rename the file to the card's id to use it (nothing was changed)",
        "stories/bad.md:1: not valid UTF-8 (byte 0xc3); save the file as UTF-8",
        "stories/has space.md:1: 'has space' is not a valid story name (use letters, digits, '-' or '_'), "
        "so no answer can use it",
    ]
    assert {p: p.read_bytes() for p in personal.root.rglob("*.md")} == before


def test_story_names_cannot_leave_the_folder(personal):
    with pytest.raises(PersonalError, match="not a valid story name"):
        personal.story_path("../store")
    write(personal, "answers/x.md", "[[../../etc/passwd]]\n")
    (problem,) = personal.answer("x").problems
    assert problem == Problem("answers/x.md", 1, "[[../../etc/passwd]]: '../../etc/passwd' is not a valid "
                              "story name: use letters, digits, '-' or '_' (at most 64)")


def test_a_new_story_file_has_the_star_headings(personal):
    path, created = personal.create_story("跨部门项目")
    assert created and path.read_text("utf-8").startswith("# 跨部门项目\n\n## S 情境\n")
    assert personal.story_names() == ["跨部门项目"]


def test_display_lines_drop_the_question_heading_and_the_hint():
    text = prefill("最大的挑战是什么？", STAR_BACK).replace("## T 任务", "我的故事\n\n## T 任务")
    lines = body_lines(text, "最大的挑战是什么？")
    assert lines[0] == "## S 情境：公司、角色、时间点"
    assert "我的故事" in lines and not any("<!--" in line for line in lines)


def test_markdown_becomes_escaped_html_with_paragraphs_lists_and_bold():
    text = (
        "# 问题\n\n## S 情境\n在 **A 公司** 实习<script>x</script>\n第二行\n\n"
        "- 第一点\n- 第二点\n  续行\n\n1. 一\n2. 二\n"
    )
    assert to_html(text, "问题") == (
        "<h4>S 情境</h4>"
        "<p>在 <b>A 公司</b> 实习&lt;script&gt;x&lt;/script&gt;<br>第二行</p>"
        "<ul><li>第一点</li><li>第二点 续行</li></ul>"
        "<ol><li>一</li><li>二</li></ol>"
    )


@given(st.text())
def test_html_never_lets_markup_through(text):
    rendered = to_html(text)
    stripped = rendered
    for tag in ("p", "br", "b", "ul", "ol", "li", "h3", "h4", "h5", "h6"):
        stripped = stripped.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    assert "<" not in stripped and ">" not in stripped
