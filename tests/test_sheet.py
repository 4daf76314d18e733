"""`srs sheet`: an interview's cards weakest first, as escaped HTML (printable, checked in
headless Chromium when it is installed) or Markdown, written only where asked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.cli import cli
from interview_srs.review.sheet import figures, keyword

from conftest import write_file

NOW = "2025-03-01T10:00:00+08:00"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

COMPANY_YAML = """\
deck: 面试::测试::一面
company: 测试公司
cards:
  - id: t-challenge
    question: 讲一个你遇到的最大挑战。<script>alert(1)</script>
    star:
      situation: （约 10 秒）公司/业务线、你的角色、时间点
      task: 目标：把留存做上去
      action: [定位问题, 推动协作]
      result: 量化结果
    followups:
      - q: 分母是谁？
        cue: 说清口径 & 对照组
    tags: [行为]
  - id: t-metric
    question: DAU 下降怎么分析？
    outline: [确认口径, 拆维度：新老用户、渠道, 次日留存从 40% 掉到 32% 时先看渠道]
    tags: [业务]
"""

OPENERS_YAML = """\
deck: 面试::通用::开场与反问
cards:
  - id: open-why-company
    question: 你为什么选择{公司}？
    outline: ["{公司} 的业务", 岗位连接]
    tags: [动机]
  - id: open-ask-business-round
    question: 业务面最后问你有什么想问的，你问什么？
    outline: [业务重点, 岗位落点]
    tags: [反问]
"""


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    write_file(folder / "company.yaml", COMPANY_YAML)
    write_file(folder / "openers.yaml", OPENERS_YAML)
    return folder


def srs(bank: Path, home: Path, *args: str, keys: str | None = None, lang: str = "en_US.UTF-8"):
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": lang, "LC_ALL": None, "LC_MESSAGES": None,
           "EDITOR": None, "VISUAL": None}
    command, *rest = args
    return CliRunner().invoke(cli, [*command.split(), "--cards", str(bank), *rest], env=env, input=keys)


@pytest.fixture
def planned(bank: Path, home: Path) -> Path:
    """An interview 测试 in four days covering the company's deck and the opener deck; the
    metric card answered once (so it is the strongest), your answer to the challenge."""
    assert srs(bank, home, "interview add", "测试", "2025-03-05", "--time", "14:00").exit_code == 0
    srs(bank, home, "review", "--deck", "面试::测试::一面", keys="s\n\n4\nq\n")  # bury the first, answer t-metric
    write_file(home / "answers" / "t-challenge.md",
               "# 讲一个你遇到的最大挑战。\n\n我把 7 日留存从 20% 做到 26%。<img src=x onerror=alert(1)>\n\n[[大促]]\n")
    write_file(home / "stories" / "大促.md", "# 大促\n\n- 双 11 带队，GMV 涨 3 倍\n")
    return home


def test_the_html_sheet_lists_the_interviews_cards_weakest_first_all_escaped(bank, planned):
    result = srs(bank, planned, "sheet", "--interview", "测试")
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    order = [page.index(f'id="{card}"') for card in ("open-ask-business-round", "open-why-company",
                                                     "t-challenge", "t-metric")]
    assert order == sorted(order)  # never-seen cards (recall 0) by id, the answered card last
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "说清口径 &amp; 对照组" in page
    assert "你为什么选择测试公司？" in page and "{公司}" not in page  # the interview's company
    assert '<ul class="star"><li><b>S 情境</b> 公司/业务线、你的角色、时间点</li><li><b>T 任务</b> 目标</li>' in page
    assert "<li><b>A 行动</b> 定位问题 · 推动协作</li>" in page
    assert "Figures to quote：我把 7 日留存从 20% 做到 26%" in page  # from your answer first
    assert "<li>双 11 带队，GMV 涨 3 倍</li>" in page  # the story expanded
    assert "Figures to quote：次日留存从 40% 掉到 32% 时先看渠道" in page  # else from the card
    assert "@page { size: A4" in page and "Noto Sans CJK SC" in page and 'name="viewport"' in page
    # predicted recall at the interview's time, four days after the answer
    assert re.search(r'class="meta">recall (9\d)% · 面试::测试::一面 · t-metric<', page)
    assert 'class="meta">never reviewed · 面试::测试::一面 · t-challenge<' in page


def test_the_markdown_sheet_and_a_deck_without_an_interview(bank, planned):
    text = srs(bank, planned, "sheet", "--deck", "测试", "--format", "md", lang="zh_CN.UTF-8").output
    assert text.startswith("# 测试 面试速览\n\n共 2 张卡片，最薄弱的在前（2025-03-01 10:00 的预测记忆率）\n")
    assert "## 1. 讲一个你遇到的最大挑战。&lt;script&gt;" in text
    assert "\n- **S 情境** 公司/业务线、你的角色、时间点\n" in text
    assert "\n1. 确认口径\n2. 拆维度：新老用户、渠道\n" in text
    assert "\n> 我把 7 日留存从 20% 做到 26%。&lt;img src=x onerror=alert(1)&gt;\n" in text
    assert "\n- 分母是谁？ → 说清口径 &amp; 对照组\n" in text
    general = srs(bank, planned, "sheet", "--deck", "开场", "--format", "md").output
    assert "你为什么选择贵公司？" in general  # no interview, no company on the deck


def test_the_sheet_is_written_atomically_only_over_a_regular_file(bank, planned, tmp_path):
    out = tmp_path / "out" / "sheet.html"
    out.parent.mkdir()
    out.write_text("old", "utf-8")
    result = srs(bank, planned, "sheet", "--interview", "测试", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out} (4 cards, weakest first).\n"
    assert out.read_text("utf-8").startswith("<!doctype html>")
    assert sorted(p.name for p in out.parent.iterdir()) == ["sheet.html"]  # no temporary file left
    target = tmp_path / "elsewhere.html"
    target.write_text("keep", "utf-8")
    link = out.parent / "link.html"
    link.symlink_to(target)
    for refused in (link, out.parent):
        result = srs(bank, planned, "sheet", "--interview", "测试", "--out", str(refused))
        assert result.exit_code != 0
    assert target.read_text("utf-8") == "keep" and link.is_symlink()
    fifo = out.parent / "fifo"
    os.mkfifo(fifo)
    result = srs(bank, planned, "sheet", "--interview", "测试", "--out", str(fifo))
    assert result.exit_code == 1 and "is not a regular file" in result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["fifo", "link.html", "sheet.html"]


def test_the_sheet_needs_a_scope_and_a_known_interview(bank, home):
    assert srs(bank, home, "sheet").exit_code == 2
    unknown = srs(bank, home, "sheet", "--interview", "没有")
    assert unknown.exit_code == 1 and "no interview named '没有'" in unknown.output


def test_star_keywords_and_figures():
    assert keyword("（约 10 秒）公司/业务线、你的角色、时间点；用 1–2 个数字说明难度。") == "公司/业务线、你的角色、时间点"
    assert keyword("定位问题：用数据拆解（漏斗/分群），找到关键卡点。") == "定位问题"
    assert figures(["练到 55–65 秒；ROI 的口径说清", "客单价 120 元；复购率 30%；GMV 3 万"]) == ("客单价 120 元", "复购率 30%")
    assert figures(["你接手时的日消耗和 ROI 基线"]) == ()  # names a metric, quotes no figure


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_sheet_prints_to_an_a4_pdf_in_headless_chromium(bank, planned, tmp_path):
    page = tmp_path / "sheet.html"
    assert srs(bank, planned, "sheet", "--interview", "测试", "--out", str(page)).exit_code == 0
    pdf = tmp_path / "sheet.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 594.9" in data  # A4: 210 × 297 mm in points


def test_show_names_the_company_placeholder_and_interview_reports_carry_questions(bank, planned):
    from interview_srs.review.interviews import reports
    from interview_srs.schedule.config import load_config
    from interview_srs.schedule.scheduler import StudyDay, now
    from interview_srs.store.connection import Store

    shown = srs(bank, planned, "show", "open-why-company").output
    assert "你为什么选择贵公司？" in shown and "贵公司 的业务" in shown and "{公司}" not in shown
    with Store.open(planned / "store.sqlite3") as store:
        config = load_config(planned / "config.toml")
        (report,) = reports(store, config, now({"SRS_NOW": NOW}), StudyDay(config.day_starts_at, None))
    assert report.questions["open-why-company"] == "你为什么选择测试公司？"  # the interview's company
    assert set(report.questions) == {card_id for card_id, _deck, _recall in report.recalls}


def test_the_review_screen_names_the_company_of_the_interview_covering_the_card(bank, planned, tmp_path):
    covered = srs(bank, planned, "review", "--deck", "开场", keys="\n\nq\n").output  # the first opener card
    assert "{公司}" not in covered and "测试公司" in covered  # open-ask-* or open-why-*: both name it
    alone = tmp_path / "alone"
    alone.mkdir()
    general = srs(bank, alone, "review", "--deck", "开场", keys="\n\nq\n").output
    assert "{公司}" not in general and "贵公司" in general and "测试公司" not in general
