"""`srs interview add/list/remove` through CliRunner, the interviews table, the review header and
timer, and a ten-day simulation of preparing a 60-card deck checked independently with fsrs."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from click.testing import CliRunner

from interview_srs.cli import cli
from interview_srs.commands.review import review
from interview_srs.store.connection import SCHEMA_VERSION, Store
from interview_srs.store import answers, lookups
from interview_srs.store import interviews as rows
from interview_srs.store.schema import MIGRATIONS

from conftest import older_store, review_log, write_file

NAME_RULE = "Error: NAME must be 1 to 40 printable characters on one line (no line breaks or invisible characters)\n"

NOW = "2026-11-23T10:00:00+08:00"
KS_YAML_HEAD = "deck: 面试::快手::营销服务\ncompany: 快手\ncards:\n"


def ks_cards(folder: Path, count: int) -> Path:
    items = "".join(
        f"  - id: ks-{i:03d}\n    question: 快手第 {i} 题：怎么做？\n    outline: [要点一, 要点二, 要点三]\n"
        for i in range(count)
    )
    write_file(folder / "ks.yaml", KS_YAML_HEAD + items)
    return folder


def invoke(cards_dir: Path, home: Path, *args: str, now: str = NOW, lang: str = "en_US.UTF-8",
           columns: str | None = None):
    env = {"SRS_HOME": str(home), "SRS_NOW": now, "LANG": lang, "LC_ALL": None, "LC_MESSAGES": None,
           "EDITOR": None, "VISUAL": None, "COLUMNS": columns}
    command = list(args)
    sub = command[:2] if command[0] == "interview" else command[:1]
    return CliRunner().invoke(cli, [*sub, "--cards", str(cards_dir), *command[len(sub):]], env=env)


def unwrapped(output: str) -> list[str]:
    """The lines of `srs interview list` as they were before they were broken to fit the width
    (a continuation is indented four cells; the weakest cards' lines more)."""
    lines: list[str] = []
    for line in output.splitlines():
        if line.startswith("    ") and line[4:5] not in ("", " "):
            lines[-1] += " " + line[4:]
        else:
            lines.append(line)
    return lines


def test_add_list_remove(cards_dir, home):
    ks_cards(cards_dir, 3)
    result = invoke(cards_dir, home, "interview", "add", "快手", "2026-12-03", "--time", "14:00")
    assert (result.exit_code, result.output) == (
        0, "Added interview 快手 on 2026-12-03 14:00 covering 面试::快手::营销服务.\n"
    )
    result = invoke(cards_dir, home, "interview", "add", "蚂蚁", "2026-12-01", "--deck", "*蚂蚁*", "--deck", "*小红书*")
    assert result.output == (
        "Added interview 蚂蚁 on 2026-12-01 09:00 covering 面试::小红书::客服, 面试::蚂蚁集团::用户运营.\n"
    )
    result = invoke(cards_dir, home, "interview", "list")
    assert result.exit_code == 0
    lines = unwrapped(result.output)
    assert lines[:6] + lines[8:14] == [
        "蚂蚁: 2026-12-01 09:00, in 7 days 23 hours",
        "  decks: 面试::小红书::客服, 面试::蚂蚁集团::用户运营",
        "  cards 3 · never seen 3 · readiness 0% · lowest 0% · below 95%: 3",
        "  weakest:   0%  在实习期间遇到的最大挑战是什么？",  # by question, not id; ties by id
        "             0%  为什么关注 MOB1-3 卡的平均消费？",
        "             0%  用户私信辱骂客服，你怎么办？",
        "快手: 2026-12-03 14:00, in 10 days 4 hours",
        "  decks: 面试::快手::营销服务",
        "  cards 3 · never seen 3 · readiness 0% · lowest 0% · below 95%: 3",
        "  weakest:   0%  快手第 0 题：怎么做？",
        "             0%  快手第 1 题：怎么做？",
        "             0%  快手第 2 题：怎么做？",
    ]
    assert lines[6].startswith("  answers per session until then: 11-23 ") and lines[6].count(" min)") == 8
    assert lines[7].startswith("  with this plan: readiness ") and lines[15].startswith("  with this plan: ")
    assert len(lines) == 16  # a light plan: no warning
    chinese = unwrapped(invoke(cards_dir, home, "interview", "list", lang="zh_CN.UTF-8").output)
    assert chinese[:4] == [
        "蚂蚁：2026-12-01 09:00，还有 7 天 23 小时",
        "  卡组：面试::小红书::客服, 面试::蚂蚁集团::用户运营",
        "  卡片 3 · 未学 3 · 准备度 0% · 最低 0% · 低于 95%：3",
        "  最弱：  0%  在实习期间遇到的最大挑战是什么？",
    ]
    assert chinese[6].startswith("  此前每次复习的答题量：11-23 ") and chinese[7].startswith("  照此计划：面试时准备度 ")
    data = json.loads(invoke(cards_dir, home, "interview", "list", "--json").output)
    assert [d["name"] for d in data] == ["蚂蚁", "快手"]
    assert data[1]["at"] == "2026-12-03T14:00:00+08:00" and data[1]["deck_patterns"] == ["面试::快手::营销服务"]
    assert [c["id"] for c in data[1]["cards_recall"]] == ["ks-000", "ks-001", "ks-002"]
    result = invoke(cards_dir, home, "interview", "remove", "蚂蚁")
    assert (result.exit_code, result.output) == (0, "Removed interview 蚂蚁.\n")
    result = invoke(cards_dir, home, "interview", "remove", "蚂蚁")
    assert (result.exit_code, result.output) == (1, "Error: no interview named '蚂蚁' (interviews: 快手)\n")
    result = invoke(cards_dir, home, "interview", "list", now="2026-12-02T13:00:00+08:00")
    assert result.output.splitlines()[0] == "快手: 2026-12-03 14:00, in 1 day 1 hour"
    assert unwrapped(result.output)[6].startswith("  answers per session until then: 12-02 ")
    assert unwrapped(result.output)[6].count(" min)") == 2  # today and tomorrow before 14:00
    result = invoke(cards_dir, home, "interview", "list", now="2026-12-04T10:00:00+08:00")
    assert result.output == (  # a past interview stays a week, with its readiness at the time
        "快手: 2026-12-03 14:00, past\n"
        "  at the interview: readiness 0% · lowest 0% · below 95%: 3\n"
        "No upcoming interviews. Add one with `srs interview add NAME DATE`.\n"
    )
    result = invoke(cards_dir, home, "interview", "list", now="2026-12-10T15:00:00+08:00")
    assert result.output == "No upcoming interviews. Add one with `srs interview add NAME DATE`.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("字节", "2026-12-03"), "Error: no deck's path or company contains '字节'; choose decks with --deck "
         "(decks: 面试::小红书::客服, 面试::蚂蚁集团::用户运营)\n"),
        (("x", "2026-12-03", "--deck", "面试::字节"), "Error: no deck matches '面试::字节' "
         "(decks: 面试::小红书::客服, 面试::蚂蚁集团::用户运营)\n"),
        (("蚂蚁", "3 Dec"), "Error: DATE must be YYYY-MM-DD (got '3 Dec')\n"),
        (("蚂蚁", "2026-02-30"), "Error: no such date and time: 2026-02-30 09:00\n"),
        (("蚂蚁", "2026-12-03", "--time", "2pm"), "Error: --time must be HH:MM (got '2pm')\n"),
        (("蚂蚁", "2026-11-23", "--time", "09:59"), "Error: 2026-11-23 09:59 is in the past\n"),
        (("\x1b]0;pwned\x07蚂蚁", "2026-12-03"), NAME_RULE),
        (("  ", "2026-12-03"), NAME_RULE),
        (("快\n手", "2026-12-03"), NAME_RULE),
        (("快\u200b手", "2026-12-03"), NAME_RULE),
    ],
)
def test_bad_interviews_are_clear_errors(cards_dir, home, args, message):
    result = invoke(cards_dir, home, "interview", "add", *args)
    assert (result.exit_code, result.output) == (1, message)


def test_a_time_the_clocks_skip_is_stored_after_the_jump_and_said(cards_dir, home):
    (home / "config.toml").write_text('timezone = "America/New_York"\n', "utf-8")
    result = invoke(cards_dir, home, "interview", "add", "蚂蚁", "2027-03-14", "--time", "02:30")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "2027-03-14 02:30 does not exist in your time zone (the clocks skip that hour); it is stored as 2027-03-14 03:30."
    )
    with Store.open(home / "store.sqlite3") as store:
        (row,) = rows.all_rows(store)
    assert row.at == datetime(2027, 3, 14, 7, 30, tzinfo=timezone.utc)  # 03:30 EDT


def test_a_duplicate_name_is_refused(cards_dir, home):
    invoke(cards_dir, home, "interview", "add", "蚂蚁", "2026-12-03")
    result = invoke(cards_dir, home, "interview", "add", "蚂蚁", "2026-12-05")
    assert (result.exit_code, result.output) == (
        1, "Error: an interview named '蚂蚁' already exists; remove it first\n"
    )


def test_the_time_zone_setting_places_the_interview(cards_dir, home):
    (home / "config.toml").write_text('timezone = "Europe/London"\n', "utf-8")
    invoke(cards_dir, home, "interview", "add", "蚂蚁", "2026-12-03", "--time", "14:00")
    with Store.open(home / "store.sqlite3") as store:
        (row,) = rows.all_rows(store)
    assert row.at == datetime(2026, 12, 3, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("applied", [(1, 2), (1, 2, 4)], ids=["version 2", "version 4 without 3"])
def test_an_older_store_gets_the_interviews_table_keeping_everything(tmp_path, applied):
    """Migration numbers were reserved per feature; 4 (mock interviews) landed before 3, so a
    store at version 4 may lack 3: opening it applies 3 all the same."""
    path = older_store(tmp_path / "store.sqlite3", applied)
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")] == [
            number for number, _name, _script in MIGRATIONS
        ]
        assert [a.rating for a in answers.log(store, "c1")] == [3]
        at = datetime(2026, 12, 3, 6, 0, tzinfo=timezone.utc)
        rows.add(store, rows.InterviewRow("快手", at, ("面试::快手*",)), at - timedelta(days=9))
        assert rows.all_rows(store) == [rows.InterviewRow("快手", at, ("面试::快手*",))]
        indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"review_log_card", "review_log_time", "review_log_answer_times"} <= indexes
        assert store.integrity_check() == "ok"
    with Store.open(path) as again:  # nothing left to apply
        assert again.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_the_review_header_counts_down_in_both_languages_and_the_answer_shows_its_time(cards_dir, home):
    ks_cards(cards_dir, 3)
    invoke(cards_dir, home, "interview", "add", "快手", "2026-12-02", "--time", "14:00")
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "zh_CN.UTF-8", "LC_ALL": None}
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir), "--deck", "*快手*"],
                             input=" \n3\nq\n", env=env).output
    assert out.startswith("\n距 快手 面试 9 天 · 准备度 0%\n面试::快手::营销服务\n")
    assert "⏱ 0:00 / 1:00\n" in out
    env["LANG"] = "en_US.UTF-8"
    env["SRS_NOW"] = "2026-12-01T10:00:00+08:00"
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir), "--deck", "*快手*"],
                             input="q\n", env=env).output
    assert out.startswith("\n快手 interview tomorrow · readiness ")
    env["SRS_NOW"] = "2026-12-02T10:00:00+08:00"
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir), "--deck", "*快手*"],
                             input="q\n", env=env).output
    assert out.startswith("\n快手 interview today · readiness ")


def test_review_ahead_serves_cards_not_due_yet(cards_dir, home):
    keys = " \n4\n" * 3 + "q\n"
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None}
    CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input=keys, env=env)
    assert len(review_log(home)) == 3
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input="q\n", env=env).output
    assert "Nothing to review right now." in out
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir), "--ahead"], input=keys, env=env).output
    assert "Reviews: 3 in" in out and "Congratulations" in out
    assert [r[2] for r in review_log(home)[3:]] == [2, 2, 2]  # answers to review cards, stored as usual


# -- the simulation ------------------------------------------------------------------------------

SIM_CARDS = 60
SIM_DAYS = 10
RATINGS = (1, 2, 3, 4)
WEIGHTS = (0.1, 0.15, 0.65, 0.1)


def keys_for(rng: random.Random, answers: int = 600) -> str:
    return "".join(f"space\n{rng.choices(RATINGS, WEIGHTS)[0]}\n" for _ in range(answers))


def simulate(folder: Path, interview: bool) -> Path:
    """One session a day at 10:00 Beijing time, seeded ratings; returns the SRS_HOME."""
    cards_dir, home = ks_cards(folder / "cards", SIM_CARDS), folder / "home"
    home.mkdir()
    if interview:
        result = invoke(cards_dir, home, "interview", "add", "快手", "2026-12-03", "--time", "14:00")
        assert result.exit_code == 0
    rng = random.Random(7)
    for day in range(SIM_DAYS + 1):
        env = {"SRS_HOME": str(home), "SRS_NOW": (SIM_START + timedelta(days=day)).isoformat(), "LANG": "C"}
        out = io.StringIO()
        review(cards_dir, None, stdin=io.StringIO(keys_for(rng)), stdout=out, environ=env)
        assert "Congratulations" in out.getvalue()  # the day's plan was finished
    return home


SIM_START = datetime.fromisoformat("2026-11-23T10:00:00+08:00")


def test_ten_days_of_interview_mode_reach_the_target_and_the_final_pass(tmp_path):
    """Interview on day 10 at 14:00: checked from the stored states with fsrs itself."""
    home = simulate(tmp_path / "interview", True)
    interview = (SIM_START + timedelta(days=SIM_DAYS, hours=4)).astimezone(timezone.utc)
    scheduler = fsrs.Scheduler()
    conn = sqlite3.connect(home / "store.sqlite3")
    stored = conn.execute("SELECT id, state, stability, difficulty, due_ms, last_review_ms FROM cards").fetchall()
    conn.close()
    assert len(stored) == SIM_CARDS
    for card_id, state, stability, difficulty, due_ms, last_ms in stored:
        assert state != 0, card_id
        last = datetime.fromtimestamp(last_ms / 1000, timezone.utc)
        card = fsrs.Card(state=fsrs.State(state), stability=stability, difficulty=difficulty,
                         due=datetime.fromtimestamp(due_ms / 1000, timezone.utc), last_review=last)
        assert scheduler.get_card_retrievability(card, interview) >= 0.95, card_id
        assert last >= interview - timedelta(days=2), f"{card_id} missed the final pass"
    log = review_log(home, "reviewed_ms, state_before")
    last_introduction = max(ms for ms, before in log if before == 0)
    assert datetime.fromtimestamp(last_introduction / 1000, timezone.utc) < interview - timedelta(days=2)
    plain = review_log(simulate(tmp_path / "plain", False), "reviewed_ms")
    assert len(log) <= 2 * len(plain)  # the budget: at most twice plain FSRS's answers


@pytest.mark.parametrize("final_pass_days", [0, 2])
def test_list_figures_come_from_the_stored_states(cards_dir, home, final_pass_days):
    (home / "config.toml").write_text(f"fuzz = false\nfinal_pass_days = {final_pass_days}\n", "utf-8")
    ks_cards(cards_dir, 4)
    invoke(cards_dir, home, "interview", "add", "快手", "2026-11-26", "--time", "14:00")
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "C"}
    review(cards_dir, None, deck="*快手*", new=0,
           stdin=io.StringIO("space\n4\nspace\n3\nspace\n3\nq\n"), stdout=io.StringIO(), environ=env)
    (data,) = json.loads(invoke(cards_dir, home, "interview", "list", "--json").output)
    at = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)
    scheduler = fsrs.Scheduler()
    with Store.open(home / "store.sqlite3") as store:
        states = {f"ks-{i:03d}": lookups.state(store, f"ks-{i:03d}") for i in range(4)}
    def fractional(state):  # fsrs's curve, the elapsed time in fractional days (readiness.py)
        days = (at - state.last_review).total_seconds() / 86400
        return (1 + scheduler._FACTOR * days / state.stability) ** scheduler._DECAY

    expected = {card_id: fractional(s) if s.state else 0.0 for card_id, s in states.items()}
    assert {c["id"]: pytest.approx(c["recall"]) for c in data["cards_recall"]} == expected
    assert data["readiness"] == pytest.approx(sum(expected.values()) / 4)
    assert data["lowest"] == min(expected.values())
    never = sum(1 for s in states.values() if s.state == 0)
    assert data["never_seen"] == never >= 1
    below = sum(1 for c, r in expected.items() if r < 0.95)
    assert data["below_target"] == below
    assert [d["date"] for d in data["plan"]] == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
    assert all(set(d) == {"date", "answers", "minutes"} for d in data["plan"])
    assert data["plan"][0]["answers"] >= never * 2  # the never-seen card through its learning steps
    assert abs(data["answers_needed"] - sum(d["answers"] for d in data["plan"])) <= 2  # each day rounded
    assert data["past"] is False and data["feasible"] is True
    assert 0.5 < data["expected_readiness"] <= 1.0


def test_the_default_decks_match_the_company_too(cards_dir, home):
    write_file(cards_dir / "bd.yaml", "deck: 面试::大厂::运营\ncompany: 字节跳动\ncards:\n"
               "  - id: bd-1\n    question: 为什么选字节？\n    outline: [a, b, c]\n")
    result = invoke(cards_dir, home, "interview", "add", "字节", "2026-12-03")
    assert result.output == "Added interview 字节 on 2026-12-03 09:00 covering 面试::大厂::运营.\n"


def test_a_word_given_as_deck_keeps_matching_by_company_and_a_glob_by_path(cards_dir, home):
    from interview_srs.review.upcoming import load_interviews

    write_file(cards_dir / "bd.yaml", "deck: 面试::大厂::运营\ncompany: 字节跳动\ncards:\n"
               "  - id: bd-1\n    question: 为什么选字节？\n    outline: [a, b, c]\n")
    write_file(cards_dir / "yx.yaml", "deck: 面试::游戏\ncompany: 大厂互娱\ncards:\n"
               "  - id: yx-1\n    question: 为什么选游戏？\n    outline: [a, b, c]\n")
    assert invoke(cards_dir, home, "interview", "add", "一面", "2026-12-03", "--deck", "大厂").exit_code == 0
    assert invoke(cards_dir, home, "interview", "add", "二面", "2026-12-04", "--deck", "面试::大厂").exit_code == 0
    with Store.open(home / "store.sqlite3") as store:
        decks = {i.name: i.decks for i in load_interviews(store)}
    assert decks == {"一面": {"面试::大厂::运营", "面试::游戏"}, "二面": {"面试::大厂::运营"}}


def test_the_review_screen_names_the_interview_s_company_in_the_opener_cards(cards_dir, home):
    ks_cards(cards_dir, 2)
    write_file(cards_dir / "openers.yaml", "deck: 面试::通用::开场与反问\ncards:\n"
               "  - id: open-why-company\n    question: 为什么想来{公司}？\n    outline: [a, b, c]\n")
    assert invoke(cards_dir, home, "interview", "add", "快手", "2026-11-24").exit_code == 0
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None}
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input=" \n3\n" * 30, env=env).output
    assert "为什么想来快手？" in out and "{公司}" not in out and "贵公司" not in out


# -- the imminent interview first ------------------------------------------------------------------


def test_the_day_before_an_interview_its_cards_come_first_and_the_header_shows_it(cards_dir, home):
    ks_cards(cards_dir, 5)
    invoke(cards_dir, home, "interview", "add", "蚂蚁", "2026-11-30", "--deck", "*蚂蚁*")
    invoke(cards_dir, home, "interview", "add", "快手", "2026-11-24", "--time", "14:00")
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None}
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input=" \n3\n" * 40, env=env).output
    log = [card_id for card_id, *_rest in review_log(home)]
    ks = [i for i, card_id in enumerate(log) if card_id.startswith("ks-")]
    assert ks == list(range(len(ks))) and len(ks) == 10  # five cards, two learning steps each, first
    assert {card_id for card_id in log[len(ks):]} == {"ant-biggest-challenge", "ant-mob1-3"}
    assert "xhs-abusive-user" not in log  # a deck in no interview introduces nothing the day before
    banners = [line for line in out.splitlines() if "interview" in line and "readiness" in line]
    assert banners and all(line.startswith("快手 interview tomorrow") for line in banners)
    assert "Left today" not in out and "Tomorrow's plan: " in out


def test_review_interview_restricts_the_session_to_its_cards(cards_dir, home):
    ks_cards(cards_dir, 3)
    invoke(cards_dir, home, "interview", "add", "蚂蚁", "2026-11-30", "--deck", "*蚂蚁*")
    invoke(cards_dir, home, "interview", "add", "快手", "2026-11-24", "--time", "14:00")
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "en_US.UTF-8", "LC_ALL": None}
    args = ["review", "--cards", str(cards_dir), "--interview", "蚂蚁"]
    out = CliRunner().invoke(cli, args, input=" \n3\n" * 20, env=env).output
    assert {card_id for card_id, *_rest in review_log(home)} == {"ant-biggest-challenge", "ant-mob1-3"}
    assert "\n蚂蚁 interview in 7 days · readiness " in out
    bad = CliRunner().invoke(cli, [*args[:-1], "字节"], input="q\n", env=env)
    assert (bad.exit_code, bad.output) == (1, "Error: no upcoming interview named '字节' (upcoming: 快手, 蚂蚁)\n")
    both = CliRunner().invoke(cli, [*args, "--deck", "*"], input="q\n", env=env)
    assert both.exit_code == 2 and "give --deck or --interview, not both" in both.output


def test_the_counts_line_and_the_summary_agree_and_count_every_planned_new_card(cards_dir, home):
    (home / "config.toml").write_text("fuzz = false\nnew_per_day = 2\n", "utf-8")
    ks_cards(cards_dir, 6)
    invoke(cards_dir, home, "interview", "add", "快手", "2026-11-24", "--time", "14:00")
    env = {"SRS_HOME": str(home), "SRS_NOW": NOW, "LANG": "zh_CN.UTF-8", "LC_ALL": None}
    out = CliRunner().invoke(cli, ["review", "--cards", str(cards_dir)], input=" \n3\nq\n", env=env).output
    assert "到期 0 · 学习中 0 · 新卡 6\n" in out  # all six introduced today, though new_per_day is 2
    # the last card's counts line and the summary after q say the same
    assert "\n到期 0 · 学习中 1 · 新卡 5\n" in out and "今天还剩：到期 0 · 学习中 1 · 新卡 5。\n" in out


# -- the workload forecast ---------------------------------------------------------------------------


def test_an_interview_tomorrow_with_sixty_cards_never_seen_is_a_warned_heavy_plan(cards_dir, home):
    ks_cards(cards_dir, 60)
    invoke(cards_dir, home, "interview", "add", "快手", "2026-11-24", "--time", "14:00")
    out = unwrapped(invoke(cards_dir, home, "interview", "list").output)
    assert out[6].startswith("  answers per session until then: 11-23 ") and out[6].count(" min)") == 2
    today = int(out[6].split("11-23 ")[1].split(" ")[0])
    assert today >= 120  # sixty cards through their learning steps, not "0 answers needed"
    warning = next(line for line in out if line.startswith("  快手 tomorrow 14:00: about "))
    assert "min today and tomorrow (more than daily_minutes = 60 a day)." in warning
    assert out[-1].startswith("  What helps: `srs review --interview 快手`")
    (data,) = json.loads(invoke(cards_dir, home, "interview", "list", "--json").output)
    assert data["feasible"] is False and [d["date"] for d in data["plan"]] == ["2026-11-23", "2026-11-24"]
    assert data["plan"][0]["minutes"] == pytest.approx(data["plan"][0]["answers"], abs=1)  # a minute an outline card
    chinese = invoke(cards_dir, home, "interview", "list", lang="zh_CN.UTF-8").output
    assert "  快手 明天 14:00：约 " in chinese and "可以这样减负：`srs review --interview 快手`" in chinese
    (home / "config.toml").write_text("fuzz = false\ndaily_minutes = 600\n", "utf-8")
    assert "What helps" not in invoke(cards_dir, home, "interview", "list").output


def test_the_forecast_is_deterministic_and_counts_learning_steps():
    from interview_srs.review import forecast
    from interview_srs.review.planner import Interview, Rules
    from interview_srs.schedule.config import Config
    from interview_srs.schedule.scheduler import CardState, Schedulers, StudyDay
    from interview_srs.store.queries import PlanCard

    schedulers = Schedulers(Config(fuzz=False))
    now = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    cards = [PlanCard(f"k{i}", "面试::快手", CardState()) for i in range(20)]
    interview = Interview("快手", now + timedelta(days=3, hours=4), frozenset({"面试::快手"}))

    def run(outcomes=forecast.Outcomes()):
        return forecast.forecast(
            cards, (interview,), Rules(new_per_day=0), now, StudyDay(4, timezone.utc),
            lambda card, rating, at: schedulers.answer(card.id, card.deck, card.state, rating, at),
            lambda card_id: 90, outcomes,
        )

    first, again = run(), run()
    assert first == again and len(first.days) == 4
    assert first.days[0].answers >= 2 * 10  # half the cards introduced today (all by D-2), two steps each
    assert first.days[0].minutes == pytest.approx(first.days[0].answers * 1.5)
    assert dict(first.days[0].per_interview)["快手"] == first.days[0].answers
    perfect = run(forecast.Outcomes((0.0, 0.0, 1.0, 0.0), (0.0, 1.0, 0.0)))
    assert perfect.days[0].answers == 20  # Good, Good: exactly two answers per new card
    assert first.outlook("快手").readiness > 0.9
    shares = forecast.outcomes_from({(True, 1): 30, (True, 3): 70, (False, 3): 10})
    assert shares.learning == (0.3, 0.0, 0.7, 0.0) and shares.remembered == forecast.DEFAULT_REMEMBERED


# -- the list fits the terminal ----------------------------------------------------------------------

LONG_DECKS = ("面试::快手::商业化产品运营与增长策略", "面试::快手::电商直播用户运营", "面试::快手::本地生活营销服务",
              "面试::快手::海外市场内容运营")


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "zh_CN.UTF-8"])
@pytest.mark.parametrize("columns", [80, 60])
def test_the_list_fits_the_terminal_width_and_names_the_weakest_cards_by_question(cards_dir, home, columns, lang):
    from wcwidth import wcswidth

    for number, deck in enumerate(LONG_DECKS):
        items = "".join(
            f"  - id: ks{number}-{i:02d}\n    question: 在{{公司}}做第 {i} 个项目时，如果预算突然减半而目标不变，"
            f"你会怎样重新排列优先级并说服团队？\n    outline: [要点一, 要点二]\n"
            for i in range(15)
        )
        write_file(cards_dir / f"ks{number}.yaml", f"deck: {deck}\ncompany: 快手\ncards:\n{items}")
    invoke(cards_dir, home, "interview", "add", "快手", "2026-11-24", "--time", "14:00")
    wide = invoke(cards_dir, home, "interview", "list", lang=lang, columns="200").output
    assert max(wcswidth(line) for line in wide.splitlines()) > 111  # the decks line and the advice, whole
    result = invoke(cards_dir, home, "interview", "list", lang=lang, columns=str(columns))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert all(0 <= wcswidth(line) <= columns for line in lines), [l for l in lines if wcswidth(l) > columns]
    weakest = [line for line in lines if line.endswith("…")]
    assert len(weakest) == 3 and all("在快手做第 " in line for line in weakest)  # `{公司}` named, cut to fit
    assert "".join(lines).count("面试::快手::") == len(LONG_DECKS)  # every deck is listed, none is cut
    assert all(part in unwrapped(result.output)[1] for part in LONG_DECKS)
    assert "srs review --interview 快手" in result.output  # the advice, wrapped, stays
    if columns == 80:  # without COLUMNS, on no terminal: 80 columns
        assert invoke(cards_dir, home, "interview", "list", lang=lang).output == result.output


# -- the review header's countdown -------------------------------------------------------------------


def _countdown_store(tmp_path: Path, cards_dir: Path):
    """A store with 20 快手 cards answered at different times and ratings, one suspended, one buried."""
    from store_helpers import T0, answer, sync

    ks_cards(cards_dir, 20)
    store = Store.open(tmp_path / "countdown.sqlite3")
    sync(store, cards_dir)
    for i in range(16):
        answer(store, f"ks-{i:03d}", 1 + i % 4, T0 + timedelta(days=i % 5, hours=i))
        if i % 3 == 0:
            answer(store, f"ks-{i:03d}", 3, T0 + timedelta(days=6 + i % 4))
    answers.suspend(store, "ks-001")
    answers.bury(store, "ks-002", T0 + timedelta(days=40))
    return store, T0 + timedelta(days=12)


def _header(store: Store, now: datetime, decay: float | None = None):
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from interview_srs.review.planner import Interview
    from interview_srs.review.upcoming import Countdown

    params = None
    if decay is not None:
        params = list(DEFAULT_PARAMETERS)
        params[20] = decay
    interview = Interview("快手", now + timedelta(days=4), frozenset({"面试::快手::营销服务", "面试::蚂蚁集团::用户运营"}))
    return Countdown(store, (interview,), timezone.utc, lambda deck: params)


@pytest.mark.parametrize("decay", [None, 0.5])
def test_the_countdown_s_readiness_is_the_mean_of_every_card_s_recall_with_or_without_sqlite_math(
        tmp_path, cards_dir, monkeypatch, decay):
    """SQLite sums the recalls when it has pow(); without it Python does: the same figure, the
    mean over every present, unsuspended card of the decks (buried ones too, new ones at 0)."""
    from interview_srs.review import upcoming
    from interview_srs.schedule.readiness import recall_at

    store, now = _countdown_store(tmp_path, cards_dir)
    try:
        header = _header(store, now, decay)
        name, days, mean = header.at(now)
        at = header.interview.at
        cards = [lookups.card(store, row[0]) for row in store.conn.execute("SELECT id FROM cards")]
        counted = [c for c in cards if c.present and not c.suspended and c.deck in header.interview.decks]
        expected = sum(recall_at(c.schedule, at, header.params_of(c.deck)) for c in counted) / len(counted)
        assert (name, days) == ("快手", 4) and len(counted) == 20 + 2 - 1
        assert mean == pytest.approx(expected, rel=1e-12)
        monkeypatch.setattr(upcoming, "recall_total", lambda *args: None)
        assert _header(store, now, decay).at(now)[2] == pytest.approx(expected, rel=1e-12)
    finally:
        store.close()


def test_the_countdown_after_answers_suspends_and_undos_is_what_a_fresh_read_gives(tmp_path, cards_dir):
    from store_helpers import answer

    store, now = _countdown_store(tmp_path, cards_dir)
    try:
        header = _header(store, now)
        header.at(now)
        for step, card_id in enumerate(["ks-003", "ks-017", "ks-003", "ant-mob1-3"]):
            answer(store, card_id, 1 + step % 4, now + timedelta(minutes=step))
            header.refresh(card_id)
            assert header.at(now)[2] == pytest.approx(_header(store, now).at(now)[2], rel=1e-12)
        answers.suspend(store, "ks-004")
        header.refresh("ks-004")
        answers.suspend(store, "ks-001", False)
        header.refresh("ks-001")
        assert header.at(now)[2] == pytest.approx(_header(store, now).at(now)[2], rel=1e-12)
    finally:
        store.close()


def test_an_interview_past_the_forecast_horizon_is_listed_at_once_without_a_plan(cards_dir, home):
    """An interview years away (`srs interview add … 2099-…`) used to make `srs interview list`
    simulate a session a day until then, for minutes; past FORECAST_DAYS it gets no plan."""
    from interview_srs.review.forecast import FORECAST_DAYS

    ks_cards(cards_dir, 5)
    assert invoke(cards_dir, home, "interview", "add", "快手", "2099-01-20").exit_code == 0
    assert invoke(cards_dir, home, "interview", "add", "近", "2026-11-30", "--deck", "面试::快手*").exit_code == 0
    listed = invoke(cards_dir, home, "interview", "list")
    assert listed.exit_code == 0, listed.output
    near, far = listed.output.split("快手: 2099-01-20")
    assert "answers per session until then" in near and "forecast from" not in near
    assert f"forecast from {FORECAST_DAYS} days before the interview" in far and "until then" not in far
    data = {d["name"]: d for d in json.loads(invoke(cards_dir, home, "interview", "list", "--json").output)}
    assert data["快手"]["plan"] == [] and data["快手"]["expected_readiness"] is None
    assert data["近"]["plan"] and data["近"]["expected_readiness"] is not None  # a near one is forecast as before


@pytest.mark.parametrize("sqlite_math", [True, False])
def test_the_countdown_refuses_an_impossible_stability_whoever_sums(tmp_path, cards_dir, monkeypatch, sqlite_math):
    """SQLite's sum and Python's refuse the same stored values (scheduler.checked_stability):
    a damaged store is reported, not averaged into a wrong readiness."""
    from interview_srs.review import upcoming

    store, now = _countdown_store(tmp_path, cards_dir)
    try:
        with store.write() as conn:
            conn.execute("UPDATE cards SET stability = 0 WHERE id = 'ks-005'")
        if not sqlite_math:
            monkeypatch.setattr(upcoming, "recall_total", lambda *args: None)
        with pytest.raises(ValueError, match="stability"):
            _header(store, now).at(now)
    finally:
        store.close()
