"""`srs check` and `srs build` through click's CliRunner: exact output and exit codes."""

from __future__ import annotations


from click.testing import CliRunner

from interview_srs.cli import cli

from conftest import write_file


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_check_reports_counts_on_valid_cards(cards_dir):
    result = run("check", "--cards", str(cards_dir))
    assert result.exit_code == 0
    assert result.stdout == "3 cards in 2 decks: ok, 0 warnings.\n"


def test_check_lists_every_problem_and_exits_1_without_traceback(cards_dir):
    write_file(cards_dir / "bad.yaml", "deck: 面试::坏\ncards:\n  - id: Bad_Id\n    qustion: 什么？\n")
    result = run("check", "--cards", str(cards_dir))
    assert result.exit_code == 1
    bad = cards_dir / "bad.yaml"
    assert result.stderr.splitlines() == [
        f"{bad}:3:5: card Bad_Id: question: is required",
        f"{bad}:3:5: card Bad_Id: star/outline: add 'star' (situation/task/action/result) for a behavioural "
        "question or 'outline' (answer points) for a knowledge question",
        f"{bad}:3:9: card Bad_Id: id: 'Bad_Id' is not a valid id: use lowercase letters, digits and "
        "single hyphens (at most 64 characters), e.g. ant-why-alipay",
        f"{bad}:4:5: card Bad_Id: qustion: unknown key 'qustion'; did you mean 'question'? (allowed: id, "
        "question, star, outline, assesses, pitfalls, example, tags, sources, followups, as_of)",
        "4 problems found; nothing was written.",
    ]
    assert "Traceback" not in result.output


def test_check_strict_fails_on_warnings(cards_dir):
    write_file(
        cards_dir / "zz-dup.yaml",
        "deck: 面试::重复\ncards:\n  - id: dup-one\n    question: 用户私信辱骂客服，你怎么办？！\n"
        "    outline: [冷静, 回应, 解决]\n",
    )
    plain = run("check", "--cards", str(cards_dir))
    strict = run("check", "--cards", str(cards_dir), "--strict")
    assert plain.exit_code == 0 and strict.exit_code == 1
    assert "warning: card dup-one: question: near-duplicate of card xhs-abusive-user" in strict.stderr
    assert strict.stdout == "4 cards in 3 decks: ok, 1 warnings.\n"


def test_build_prints_a_summary_then_reports_nothing_changed(cards_dir, tmp_path):
    out = tmp_path / "decks"
    first = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert first.exit_code == 0
    lines = first.stdout.splitlines()
    assert lines[0].split() == ["ant.apkg", "2", "cards,", "2", "new", "written", "面试::蚂蚁集团::用户运营"]
    assert lines[2].split()[:2] == ["interview-srs-all.apkg", "3"]
    assert (out / "ant.apkg").exists() and (out / "xhs.apkg").exists()
    second = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert second.stdout == f"Nothing changed; the decks in {out} are up to date.\n"


def test_build_names_changed_cards(cards_dir, tmp_path):
    out = tmp_path / "decks"
    run("build", "--cards", str(cards_dir), "--out", str(out))
    path = cards_dir / "xhs.yaml"
    path.write_text(path.read_text("utf-8").replace("聚焦问题", "聚焦问题本身"), "utf-8")
    result = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert "Changed since the last build: xhs-abusive-user" in result.stdout
    assert result.stdout.splitlines()[0].split()[-2] == "unchanged"


def test_build_with_bad_cards_writes_nothing(cards_dir, tmp_path):
    write_file(cards_dir / "bad.yaml", "deck: 面试::坏\ncards: []\n")
    out = tmp_path / "decks"
    result = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "1 problem found; nothing was written."
    assert not out.exists()


def test_build_verify_exit_codes(cards_dir, tmp_path):
    out = tmp_path / "decks"
    run("build", "--cards", str(cards_dir), "--out", str(out))
    fresh = run("build", "--cards", str(cards_dir), "--out", str(out), "--verify")
    assert fresh.exit_code == 0 and fresh.stdout == f"{out} is up to date with {cards_dir}.\n"
    path = cards_dir / "ant.yaml"
    path.write_text(path.read_text("utf-8").replace("推动协作", "推动跨部门协作"), "utf-8")
    stale = run("build", "--cards", str(cards_dir), "--out", str(out), "--verify")
    assert stale.exit_code == 1
    assert stale.stderr == f"Stale in {out}: ant.apkg, interview-srs-all.apkg. Run `srs build` and commit.\n"


def test_missing_cards_folder_is_a_clear_error(tmp_path):
    result = run("check", "--cards", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nope'}:1:1: cards folder not found"


def test_version_and_help():
    assert run("--version").stdout.startswith("srs, version ")
    assert "build" in run("--help").stdout and "check" in run("--help").stdout


def test_module_entry_point_runs(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "interview_srs", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Usage: srs" in result.stdout
