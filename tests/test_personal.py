"""Answer and story files: creation, pre-fill, [[story]] expansion and every located problem."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.cli import cli
from interview_srs.personal.answers import (
    Personal,
    PersonalError,
    Problem,
    body_lines,
    default_root,
    has_content,
    prefill,
    to_html,
)

from conftest import REPO

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


# -- `srs answer` and `srs stories` -----------------------------------------------------------------

FAKE_EDITOR = """\
import pathlib, sys
path = pathlib.Path(sys.argv[-1])
with open(path, "a", encoding="utf-8") as handle:
    handle.write(sys.argv[1] + "\\n" if not sys.argv[1].startswith("+") else "我在 A 公司负责拉新。\\n")
"""


def fake_editor(tmp_path: Path) -> str:
    """An $EDITOR that appends one line of "my answer" to the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text(FAKE_EDITOR, "utf-8")
    return f"{sys.executable} {script}"


def run_cli(*args: str, home: Path, editor: str | None = None, **extra):
    env = {"SRS_HOME": str(home), "SRS_NOW": "2025-03-01T10:00:00+00:00", "EDITOR": editor, "VISUAL": None, **extra}
    return CliRunner().invoke(cli, list(args), env=env)


def test_srs_answer_creates_the_pre_filled_file_and_opens_it_in_the_editor(cards_dir, home, tmp_path):
    result = run_cli("answer", "--cards", str(cards_dir), "ant-biggest-challenge", home=home, editor=fake_editor(tmp_path))
    path = home / "answers" / "ant-biggest-challenge.md"
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path} (new, pre-filled)\n"
    text = path.read_text("utf-8")
    assert text.startswith("# 在实习期间遇到的最大挑战是什么？\n\n## S 情境：公司、角色、时间点\n")
    assert text.endswith("我在 A 公司负责拉新。\n")
    again = run_cli("answer", "--cards", str(cards_dir), "ant-biggest-challenge", home=home, editor=fake_editor(tmp_path))
    assert again.stdout == f"{path}\n"
    assert path.read_text("utf-8") == text + "我在 A 公司负责拉新。\n", "the edit went into the same file"


def test_srs_answer_with_an_unknown_id_suggests_the_closest(cards_dir, home):
    result = run_cli("answer", "--cards", str(cards_dir), "ant-biggest-chalenge", home=home)
    assert result.exit_code == 1
    assert result.stderr == "Error: no card with id 'ant-biggest-chalenge' (did you mean 'ant-biggest-challenge'?)\n"
    assert not (home / "answers").exists()


def test_srs_answer_without_an_editor_says_where_the_file_is(cards_dir, home, tmp_path):
    answers = tmp_path / "my-answers"
    result = run_cli("answer", "--cards", str(cards_dir), "--answers", str(answers), "--story", "双十一", home=home)
    assert result.exit_code == 0
    assert result.stdout == (
        f"{answers / 'stories' / '双十一.md'} (new, pre-filled)\n"
        "set $EDITOR (or $VISUAL) to open it in your editor\n"
    )


def test_srs_answer_needs_exactly_one_of_card_and_story(cards_dir, home):
    assert run_cli("answer", "--cards", str(cards_dir), home=home).exit_code == 2
    assert run_cli("answer", "--cards", str(cards_dir), "x", "--story", "y", home=home).exit_code == 2


def test_srs_answer_reports_a_missing_story_after_editing(cards_dir, home, tmp_path):
    write_answer = home / "answers" / "ant-mob1-3.md"
    write_answer.parent.mkdir(parents=True)
    write_answer.write_text("口径先行\n[[指标]]\n", "utf-8")
    result = run_cli("answer", "--cards", str(cards_dir), "ant-mob1-3", home=home, editor=fake_editor(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == "answers/ant-mob1-3.md:2: [[指标]]: no story named '指标' (stories: none yet)\n"


def test_srs_stories_names_the_company_where_a_question_says_it(cards_dir, home):
    star = "    star: {situation: 情境, task: 任务, action: [行动], result: 结果}\n"
    (cards_dir / "open.yaml").write_text(
        "deck: 面试::通用::开场与反问\ncards:\n  - id: open-why-star\n    question: 你为什么选择{公司}？\n" + star, "utf-8")
    (cards_dir / "ks.yaml").write_text(
        "deck: 面试::快手::营销服务\ncompany: 快手\ncards:\n  - id: ks-why-star\n    question: 你为什么选择{公司}？\n"
        + star, "utf-8")
    lines = run_cli("stories", "--cards", str(cards_dir), home=home).stdout.splitlines()
    assert "    ks-why-star  你为什么选择快手？" in lines  # as `srs show` names it: the card's company
    assert "    open-why-star  你为什么选择贵公司？" in lines  # none: 贵公司
    assert not any("{公司}" in line for line in lines)


def test_srs_stories_lists_stories_their_cards_and_the_gaps(cards_dir, home):
    personal = Personal(home)
    write(personal, "stories/双十一.md", "大促拉新\n")
    write(personal, "stories/spare.md", "备用\n")
    write(personal, "answers/ant-mob1-3.md", "口径\n[[双十一]]\n")
    write(personal, "answers/gone-card.md", "旧答案\n")
    result = run_cli("stories", "--cards", str(cards_dir), home=home)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Stories in {home / 'stories'}: 2",
        "  spare   (not used by any answer yet)",
        "  双十一  ant-mob1-3",
        "Answers written: 1; behavioural cards answered: 0 of 1",
        "Behavioural cards without your answer:",
        "  面试::蚂蚁集团::用户运营 (1)",
        "    ant-biggest-challenge  在实习期间遇到的最大挑战是什么？",
        "Write one with `srs answer CARD-ID`, a story with `srs answer --story NAME`.",
    ]
    assert result.stderr == (
        "answers/gone-card.md:1: no card with id 'gone-card'; rename the file to the card's id to use it "
        "(nothing was changed)\n"
    )
    data = json.loads(run_cli("stories", "--cards", str(cards_dir), "--json", home=home).stdout)
    assert data["stories"] == [
        {"name": "spare", "file": "stories/spare.md", "cards": []},
        {"name": "双十一", "file": "stories/双十一.md", "cards": ["ant-mob1-3"]},
    ]
    assert data["behavioural_without_answer"] == {"面试::蚂蚁集团::用户运营": ["ant-biggest-challenge"]}
    assert data["answers"] == [{"card": "ant-mob1-3", "deck": "面试::蚂蚁集团::用户运营", "file": "answers/ant-mob1-3.md",
                                "written": True, "stories": ["双十一"]}]
    chinese = run_cli("stories", "--cards", str(cards_dir), home=home, LANG="zh_CN.UTF-8", LC_ALL=None, LC_MESSAGES=None)
    assert chinese.stdout.splitlines() == [
        f"故事（{home / 'stories'}）：2 个",
        "  spare   （还没有答案引用）",
        "  双十一  ant-mob1-3",
        "已写答案：1 篇；行为题已作答：0/1",
        "还没有你自己答案的行为题：",
        "  面试::蚂蚁集团::用户运营 (1)",
        "    ant-biggest-challenge  在实习期间遇到的最大挑战是什么？",
        "用 `srs answer 卡片ID` 写答案，用 `srs answer --story 故事名` 写故事。",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_srs_answer_in_a_real_terminal_runs_the_editor_there(cards_dir, home, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "LC_ALL")}
    env.update(SRS_HOME=str(home), SRS_NOW="2025-03-01T10:00:00+00:00", EDITOR=fake_editor(tmp_path),
               PYTHONPATH=str(REPO / "src"), TERM="xterm")
    child = pexpect.spawn(sys.executable, ["-m", "interview_srs", "answer", "--cards", str(cards_dir), "ant-mob1-3"],
                          env=env, encoding="utf-8", timeout=20)
    child.expect("ant-mob1-3.md \\(new, pre-filled\\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (home / "answers" / "ant-mob1-3.md").read_text("utf-8").endswith("## 3. 用来评估获客渠道质量\n\n"
        "<!-- 在标题下写你自己的话；用一行 [[故事名]] 引用 stories/故事名.md。 -->\n我在 A 公司负责拉新。\n")


def test_an_answers_folder_that_cannot_be_written_is_an_error_not_a_traceback(cards_dir, home, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "answers").write_text("a file where the answers folder should be", "utf-8")
    result = run_cli("answer", "--cards", str(cards_dir), "--answers", str(blocked), "ant-mob1-3", home=home)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write in {blocked}: ")


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from("abcde"), st.lists(st.sampled_from("abcdef"), max_size=3), max_size=5))
def test_expansion_always_ends_and_locates_every_broken_link(tmp_path_factory, links):
    personal = Personal(tmp_path_factory.mktemp("p"))
    for name, targets in links.items():
        write(personal, f"stories/{name}.md", "".join(f"{name}\n[[{t}]]\n" for t in targets))
    write(personal, "answers/x.md", "".join(f"[[{name}]]\n" for name in "abcdef"))
    expanded = personal.answer("x")
    for problem in expanded.problems:
        assert problem.path in {"answers/x.md"} | {f"stories/{n}.md" for n in links}
        assert "includes itself" in problem.message or "no story named" in problem.message
    missing = {t for targets in links.values() for t in targets} | set("abcdef")
    assert {p.message.split("]]")[0][2:] for p in expanded.problems if "no story" in p.message} <= missing - set(links)


def test_problems_print_without_terminal_escapes(personal):
    write(personal, "answers/x.md", "[[evil\x1b7\x07]]\n")
    refused, problem = personal.answer("x").problems  # the escape is also a character Anki refuses
    for each in (refused, problem):
        assert "\x1b" not in str(each) and "\x07" not in str(each)
    assert str(refused).startswith("answers/x.md:1: the control character U+001B (and 1 more in this file)")
    assert str(problem).startswith("answers/x.md:1: [[evil")


def test_an_editor_value_that_does_not_parse_is_a_message_not_a_traceback(cards_dir, home):
    result = run_cli("answer", "--cards", str(cards_dir), "ant-biggest-challenge", home=home, editor='vim "unclosed')
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "cannot run $EDITOR (vim \"unclosed): No closing quotation" in result.output


# -- what the personal files may hold, and how much of them is read --------------------------------


def test_a_character_anki_refuses_is_located_and_stops_the_personal_build(cards_dir, home, tmp_path):
    write(Personal(home), "answers/ant-mob1-3.md", "# 口径\n\n第一行\n坏\x1f字符\n")
    write(Personal(home), "stories/双十一.md", "故事\x7f\n")
    located = "answers/ant-mob1-3.md:4: the control character U+001F cannot go into an Anki package"
    shown = run_cli("stories", "--cards", str(cards_dir), home=home)
    assert located in shown.output
    assert "stories/双十一.md:1: the control character U+007F" in shown.output
    answer = run_cli("answer", "--cards", str(cards_dir), "ant-mob1-3", home=home, editor=fake_editor(tmp_path))
    assert located in answer.output
    out = tmp_path / "personal"
    build = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--answers", "--out", str(out)],
                               env={"SRS_HOME": str(home)})
    assert build.exit_code == 1
    assert located in build.stderr and not (out / "interview-srs-personal.apkg").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_a_link_out_of_the_folder_is_not_read(personal, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:hash\n", "utf-8")
    (personal.root / "answers").mkdir(parents=True)
    (personal.root / "stories").mkdir(parents=True)
    (personal.root / "answers" / "x.md").symlink_to(secret)
    (personal.root / "stories" / "s.md").symlink_to(secret)
    inside = write(personal, "answers/real.md", "mine\n[[s]]\n")
    (personal.root / "answers" / "alias.md").symlink_to(inside)  # a link inside the folder is fine
    expanded = personal.answer("x")
    assert expanded.text == "" and "root" not in expanded.text
    assert [str(p) for p in expanded.problems] == [
        "answers/x.md:1: links to a file outside answers/; only files inside the folder are read"]
    real = personal.answer("real")
    assert "root" not in real.text
    assert [str(p) for p in real.problems] == [
        "stories/s.md:1: links to a file outside stories/; only files inside the folder are read"]
    assert personal.answer("alias").text.startswith("mine")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_a_file_neither_blocks_nor_is_read(personal):
    (personal.root / "answers").mkdir(parents=True)
    (personal.root / "stories").mkdir(parents=True)
    os.mkfifo(personal.root / "answers" / "x.md")
    os.mkfifo(personal.root / "stories" / "s.md")
    write(personal, "answers/y.md", "mine\n[[s]]\n")
    (problem,) = personal.answer("x").problems
    assert str(problem) == "answers/x.md:1: not a regular file (a folder, a FIFO or a device?); only plain files are read"
    (problem,) = personal.answer("y").problems
    assert str(problem).startswith("stories/s.md:1: not a regular file")
    assert personal.check(["x", "y"])  # listed, not blocking


def test_stories_that_include_the_next_twice_expand_each_story_once(personal):
    import time

    levels = 40  # 2**40 copies if each inclusion were expanded
    for level in range(levels):
        write(personal, f"stories/s{level}.md", f"level {level}\n" + (f"[[s{level + 1}]]\n" * 2 if level + 1 < levels else ""))
    write(personal, "answers/x.md", "[[s0]]\n")
    started = time.monotonic()
    expanded = personal.answer("x")
    problems = personal.check(["x"])
    assert time.monotonic() - started < 5
    assert expanded.problems == () and problems == []
    assert expanded.stories == tuple(f"s{level}" for level in range(levels))
    lines = expanded.text.splitlines()
    assert lines[:4] == ["level 0", "level 1", "level 2", "level 3"]
    assert lines.count("↑ [[s1]]") == 1 and len(lines) == 2 * levels - 1


def test_a_long_chain_of_stories_needs_no_recursion(personal):
    chain = 3_000  # well past Python's recursion limit
    for index in range(chain):
        write(personal, f"stories/c{index}.md", f"{index}\n" + (f"[[c{index + 1}]]\n" if index + 1 < chain else "[[c0]]\n"))
    write(personal, "answers/x.md", "[[c0]]\n")
    expanded = personal.answer("x")
    assert len(expanded.stories) == chain
    (problem,) = expanded.problems
    assert str(problem).startswith(f"stories/c{chain - 1}.md:2: [[c0]]: story 'c0' includes itself (c0 → c1 → ")


def test_many_missing_references_cost_one_listing_of_the_stories(personal):
    import time

    for index in range(300):
        write(personal, f"stories/s{index}.md", "story\n")
    for index in range(300):
        missing = [f"gone-{n}" for n in range(20)] + [f"gone{index}-{n}" for n in range(20)]
        write(personal, f"answers/a{index}.md", "".join(f"[[{name}]]\n" for name in missing))
    started = time.monotonic()
    problems = personal.check([f"a{index}" for index in range(300)])
    assert time.monotonic() - started < 10
    assert len(problems) == 300 * 40
    assert problems[0].message.endswith("(stories: s0, s1, s10, s100, s101, s102, s103, s104, s105, s106, … 300 in all)")


def test_a_huge_answer_is_cut_with_a_message_saying_where_the_rest_is(personal):
    import time

    from interview_srs.personal.files import MAX_CHARS

    line = "我的回答" * 20 + "\n"
    path = write(personal, "answers/x.md", line * (50_000_000 // len(line.encode())))
    assert path.stat().st_size > 45_000_000
    started = time.monotonic()
    expanded = personal.answer("x")
    html = to_html(expanded.text)
    assert time.monotonic() - started < 5
    assert len(expanded.text) <= MAX_CHARS + 100 and len(html) < 3 * MAX_CHARS
    (problem,) = expanded.problems
    cut_line = MAX_CHARS // len(line) + 1
    assert str(problem) == (f"answers/x.md:{cut_line}: the answer with its stories passes {MAX_CHARS:,} characters; "
                            "it is cut here (the rest is in this file)")
    assert expanded.text.endswith(f"… (cut: the rest is in answers/x.md, from line {cut_line})")
