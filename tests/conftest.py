"""Shared fixtures: a small, valid cards folder that tests copy and edit."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

ANT_YAML = """\
deck: 面试::蚂蚁集团::用户运营
company: 蚂蚁集团
role: 用户运营
tags: [蚂蚁集团, 用户运营]
source: 测试用卡片
cards:
  - id: ant-biggest-challenge
    question: 在实习期间遇到的最大挑战是什么？
    assesses: 抗压与解决问题的能力
    star:
      situation: 公司、角色、时间点
      task: 要达成的目标
      action:
        - 用数据定位问题
        - 推动协作
      result: 量化结果与复盘
    pitfalls:
      - 把团队成果说成个人成果：面试官会追问你个人做了什么
    followups:
      - q: 这个提升的分母是谁？
        cue: 说清口径和对照组
      - q: 你个人的贡献占多少？
        cue: 点出只有你做出的判断
    tags: [行为]
    sources: ["000#2"]
  - id: ant-mob1-3
    question: 为什么关注 MOB1-3 卡的平均消费？
    outline:
      - MOB 指开卡后第几个月
      - 前三个月是长期价值的先行指标
      - 用来评估获客渠道质量
    example: 我会先解释口径，再讲它驱动的决策。
    tags: [业务]
    sources: ["000#31"]
"""

XHS_YAML = """\
deck: 面试::小红书::客服
company: 小红书
role: 客服
tags: [小红书, 客服]
cards:
  - id: xhs-abusive-user
    question: 用户私信辱骂客服，你怎么办？
    outline:
      - 保持冷静，对事不对人
      - 专业回应，表明立场
      - 聚焦问题，给出方案
    followups:
      - q: 用户继续辱骂怎么办？
        cue: 按升级规范转交，全程留痕
      - q: 要不要给补偿？
        cue: 先核实问题，按规则决定
    tags: [情景]
    sources: ["003#2.2"]
"""


def write_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def cards_dir(tmp_path: Path) -> Path:
    """Two valid card files: one STAR card, two outline cards."""
    folder = tmp_path / "cards"
    write_file(folder / "ant.yaml", ANT_YAML)
    write_file(folder / "xhs.yaml", XHS_YAML)
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An SRS_HOME whose config turns fuzzing off, so intervals are predictable."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "config.toml").write_text("fuzz = false\n", "utf-8")
    return folder


def review_log(home: Path, columns: str = "card_id, rating, state_before, state_after") -> list[tuple]:
    """The review log of the store in `home`, oldest first, read with plain sqlite3."""
    connection = sqlite3.connect(home / "store.sqlite3")
    try:
        return connection.execute(f"SELECT {columns} FROM review_log ORDER BY id").fetchall()
    finally:
        connection.close()


@pytest.fixture(autouse=True)
def _parse_cache_per_session(tmp_path_factory, monkeypatch):
    """Keep the parse cache out of the user's cache folder (one shared folder for the run)."""
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "parse-cache"))


@pytest.fixture
def utc(monkeypatch):
    """The process's local time zone set to UTC for the test (TZ and tzset), then restored, so
    dates printed in local time are the same on every machine."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def older_store(path: Path, applied: tuple[int, ...], *, rating: int = 3, source: str = "terminal") -> Path:
    """A store as an older interview-srs left it: only the migrations numbered in `applied`,
    recorded as such, with one card ('c1') and one answer to it (duration 5 s, stability 2.5)."""
    from interview_srs.store.connection import _statements
    from interview_srs.store.schema import MIGRATIONS

    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                       "applied_ms INTEGER NOT NULL) STRICT")
    for number, name, script in MIGRATIONS:
        if number in applied:
            for statement in _statements(script):
                connection.execute(statement)
            connection.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (number, name))
    connection.execute(f"PRAGMA user_version = {max(applied)}")
    connection.execute("INSERT INTO cards (id, deck, company, role, tags, question, back, file, line, column, "
                       "added_ms) VALUES ('c1', 'd', '', '', '[]', 'q', '{}', 'f', 1, 1, 0)")
    connection.execute("INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, session, "
                       "state_before, state_after, stability_after, difficulty_after, due_after_ms) "
                       "VALUES ('c1', ?, 1000, 5000, ?, 's', 0, 1, 2.5, 5.0, 2000)", (rating, source))
    connection.commit()
    connection.close()
    return path


@pytest.fixture(autouse=True)
def _small_banks_patch_packages(request, monkeypatch):
    """The build's tests (tests/anki/) use small banks: let them patch packages as a large bank's
    build does (see anki/build/shared.py's PATCH_FROM_NOTES)."""
    if "anki" in request.node.path.parts:
        from interview_srs.anki.build import shared

        monkeypatch.setattr(shared, "PATCH_FROM_NOTES", 0)


def pytest_collection_modifyitems(items):
    """A test marked slow says why (`@pytest.mark.slow("…")`), so the reason stays next to it."""
    unexplained = [item.nodeid for item in items for mark in item.iter_markers("slow") if not mark.args]
    if unexplained:
        raise pytest.UsageError(f"slow tests must say why they are slow: {', '.join(unexplained)}")
