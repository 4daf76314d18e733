"""`srs check` and `srs build` through click's CliRunner: exact output and exit codes."""

from __future__ import annotations


from pathlib import Path

from click.testing import CliRunner
from wcwidth import wcswidth

from interview_srs.cli import cli

from conftest import XHS_YAML, write_file


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_check_reports_counts_on_valid_cards(cards_dir):
    result = run("check", "--cards", str(cards_dir))
    assert result.exit_code == 0
    assert result.stdout == "3 cards in 2 decks: ok, 0 warnings.\n"


def test_check_counts_retired_cards_apart_and_says_one_without_a_plural(tmp_path):
    write_file(tmp_path / "one.yaml", "deck: 面试::一\ncards:\n  - id: only\n    question: 唯一的题？\n    outline: [一, 二, 三]\n"
               "  - id: gone\n    question: 不考了？\n    retired: 合并到 only\n")
    result = run("check", "--cards", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "1 card in 1 deck (and 1 retired): ok, 0 warnings.\n"


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
        "question, star, outline, assesses, pitfalls, example, tags, sources, followups, as_of, related, draft, context, retired)",
        "4 problems found.",  # check never writes, so it does not say "nothing was written"
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
    assert strict.stdout == "4 cards in 3 decks: ok, 1 warning.\n"


def test_build_prints_a_summary_then_reports_nothing_changed(cards_dir, tmp_path):
    out = tmp_path / "decks"
    first = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert first.exit_code == 0
    lines = first.stdout.splitlines()
    assert lines[0].split() == ["ant.apkg", "2", "cards,", "2", "new", "written", "面试::蚂蚁集团::用户运营"]
    assert lines[2].split()[:2] == ["interview-srs-all.apkg", "3"]
    assert (out / "ant.apkg").exists() and (out / "xhs.apkg").exists()
    assert first.stdout.splitlines()[4:] == import_advice(out)  # after the table and the note-type line
    second = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert second.stdout.splitlines() == [f"Nothing changed; the decks in {out} are up to date.", *import_advice(out)]


def test_build_says_once_how_many_cards_a_package_takes_from_other_decks(cards_dir, tmp_path):
    ant = cards_dir / "ant.yaml"
    ant.write_text(ant.read_text("utf-8").replace("source: 测试用卡片\n", "source: 测试用卡片\ndocuments: [\"003\"]\n"), "utf-8")
    result = run("build", "--cards", str(cards_dir), "--out", str(tmp_path / "decks"))
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("ant.apkg")]
    assert line.split() == ["ant.apkg", "3", "cards,", "2", "new,", "1", "from", "other", "decks", "written",
                            "面试::蚂蚁集团::用户运营"]


def test_build_names_the_packages_from_its_state_without_opening_them(cards_dir, tmp_path, monkeypatch):
    """Opening every package to read its deck cost a 10,000-card bank 0.2 s per build."""
    from interview_srs.anki import decks

    out = tmp_path / "decks"
    run("build", "--cards", str(cards_dir), "--out", str(out))

    def no_opening(path):
        raise AssertionError(f"opened {path}")

    monkeypatch.setattr(decks, "package_decks", no_opening)
    again = run("build", "--cards", str(cards_dir), "--out", str(out))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[1:] == import_advice(out)


def import_advice(out: Path) -> list[str]:
    return [
        "Import into Anki (File > Import, or open the file):",
        f"  every question:  {out / 'interview-srs-all.apkg'}",
        "  or one deck at a time:",
        f"    {out / 'ant.apkg'}  面试::蚂蚁集团::用户运营",
        f"    {out / 'xhs.apkg'}  面试::小红书::客服",
        "Over decks without 追问: once, tick Merge note types, set Update notes: Always.",
        "Retired cards left the bank: tag:retired in Anki's browser finds all to delete.",
    ]


def test_decks_copies_the_bundled_packages_and_names_the_file_to_import(tmp_path, monkeypatch):
    from interview_srs.bank.sources import bundled

    monkeypatch.chdir(tmp_path)  # not a checkout
    result = run("decks", "--out", "mine")
    assert result.exit_code == 0, result.output
    shipped = sorted(p.name for p in bundled("decks").glob("*.apkg"))
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == shipped
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"Wrote {len(shipped)} Anki packages to mine.",
        "Import into Anki (File > Import, or open the file):",
        "  every question:  mine/interview-srs-all.apkg",
    ]
    assert lines[3] == "  or one deck at a time:"
    assert "mine/kuaishou-marketing.apkg 面试::快手::营销服务" in [" ".join(line.split()) for line in lines[4:]]
    assert lines[-2:] == [  # once, after the files: the v1 → v2 upgrade and retired cards
        "Over decks without 追问: once, tick Merge note types, set Update notes: Always.",
        "Retired cards left the bank: tag:retired in Anki's browser finds all to delete.",
    ]
    assert sum("追问" in line or "tag:retired" in line for line in lines) == 2
    assert all(wcswidth(line) <= 80 for line in lines[-2:])  # the real cell width
    assert run("decks", "--out", "mine").stdout == result.stdout  # again: same files, same advice


def test_decks_with_cards_builds_them(cards_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("decks", "--cards", str(cards_dir), "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"Built 3 Anki packages from {cards_dir} into out.", *import_advice(Path("out"))]


def test_check_and_build_outside_a_checkout_need_a_cards_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRS_HOME", str(tmp_path / "home"))
    result = run("check")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no cards folder: run this in a checkout of interview-srs, pass --cards DIR, or put "
        f"your own cards in {tmp_path / 'home' / 'cards'}\n"
    )


BANK_CARDS = sum(p.read_text("utf-8").count("\n  - id: ") for p in (Path(__file__).resolve().parent.parent / "cards").glob("*.yaml"))
MY_CARD = XHS_YAML.replace("面试::小红书::客服", "面试::我的").replace("xhs-abusive-user", "my-own-card")


def test_build_answers_outside_a_checkout_reads_the_cards_review_reads(tmp_path, monkeypatch):
    """Installed (no checkout here): the bundled bank plus your own cards, as `srs review` reads them."""
    from interview_srs.anki.decks import package_decks

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRS_HOME", str(tmp_path / "home"))
    package = tmp_path / "mine" / "interview-srs-personal.apkg"
    result = run("build", "--answers", "--out", "mine")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{package}  {BANK_CARDS} cards, 0 with your answer  written"
    (tmp_path / "home" / "cards").mkdir(parents=True)  # what the old error asked for: an empty folder of your own
    result = run("build", "--answers", "--out", "mine")
    assert (result.exit_code, result.stdout.splitlines()[0][-9:]) == (0, "unchanged"), result.output
    write_file(tmp_path / "home" / "cards" / "mine.yaml", MY_CARD)
    write_file(tmp_path / "home" / "answers" / "my-own-card.md", "我的回答\n")
    result = run("build", "--answers", "--out", "mine")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{package}  {BANK_CARDS + 1} cards, 1 with your answer  written\n"
        "Updated on the next import: my-own-card\n"
    )
    assert "面试::我的" in package_decks(package)


def test_build_answers_refuses_your_card_reusing_a_bank_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRS_HOME", str(tmp_path / "home"))
    write_file(tmp_path / "home" / "cards" / "mine.yaml", XHS_YAML.replace("面试::小红书::客服", "面试::我的"))
    result = run("build", "--answers", "--out", "mine")
    assert result.exit_code == 1
    assert "card xhs-abusive-user: id: duplicate id 'xhs-abusive-user'" in result.stderr
    assert result.stderr.endswith(" found; nothing was written.\n") and not (tmp_path / "mine").exists()


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


def test_bare_srs_prints_the_help_and_succeeds():
    result = run()
    assert result.exit_code == 0  # click's default for a bare group is exit 2, an error
    assert result.stdout == run("--help").stdout
    assert " ".join(result.stdout.split()).count("Start with `srs review` (review in the terminal) or `srs decks` (get the Anki decks).") == 1


def test_module_entry_point_runs(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "interview_srs", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Usage: srs" in result.stdout


def test_decks_without_bundled_decks_is_a_clear_error(tmp_path, monkeypatch):
    import interview_srs.bank.sources

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(interview_srs.bank.sources, "bundled", lambda kind: None)
    result = run("decks")
    assert result.exit_code == 1
    assert result.output == "Error: this installation has no bundled decks; pass --cards DIR to build them\n"
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- hostile environments


import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from conftest import REPO  # noqa: E402


def shell(command: str, home, cards_dir, **env) -> subprocess.CompletedProcess:
    """Run `srs` under bash, so redirections like `<&-` and `>/dev/full` are the real thing."""
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SRS_HOME": str(home), "LANG": "C", **env}
    environment.pop("LC_ALL", None)
    srs = f"{sys.executable} -m interview_srs"
    return subprocess.run(
        ["bash", "-c", command.replace("srs ", srs + " ").replace("CARDS", str(cards_dir))],
        capture_output=True, text=True, env=environment, timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), result.stderr
    return lines[-1]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("srs review --cards CARDS <&-", "Error: standard input or output is closed"),
        ("srs mock --cards CARDS <&-", "Error: standard input or output is closed"),
        ("srs stories --cards CARDS >/dev/full", "Error: cannot write the output: No space left on device"),
        ("printf 'q\\n' | srs review --cards CARDS >&-", "Error: standard output is closed"),
        ("srs check --cards CARDS >&-", "Error: standard output is closed"),
        ("printf ' \\n3\\nq\\n' | srs review --cards CARDS >/dev/full", "Error: cannot write the output: No space left on device"),
        ("srs check --cards CARDS >/dev/full", "Error: cannot write the output: No space left on device"),
        ("srs stats --cards CARDS >/dev/full", "Error: cannot write the output: No space left on device"),
        ("srs build --cards CARDS --out OUT >/dev/full", "Error: cannot write the output: No space left on device"),
    ],
)
@pytest.mark.skipif(not os.path.exists("/dev/full") or not shutil.which("bash"), reason="needs bash and /dev/full")
def test_closed_or_full_standard_streams_give_one_line(cards_dir, home, tmp_path, command, expected):
    result = shell(command.replace("OUT", str(tmp_path / "out")), home, cards_dir)
    assert one_line_error(result).startswith(expected)


@pytest.mark.parametrize(
    ("args", "env", "config", "expected"),
    [
        (["review", "--new", "99999999999999999999"], {}, "", "Error: Invalid value for '--new'"),
        (["review", "--limit", "99999999999999999999"], {}, "", "Error: Invalid value for '--limit'"),
        (["review"], {"SRS_NOW": "0001-01-01T00:00:00+00:00"}, "", "Error: SRS_NOW='0001-01-01T00:00:00+00:00' is out of range"),
        (["stats"], {"SRS_NOW": "9999-12-31T23:59:59-12:00"}, "", "Error: SRS_NOW='9999-12-31T23:59:59-12:00' is out of range"),
        (["review"], {}, 'learning_steps = ["999999999d"]\n', "Error: "),
        (["review"], {}, 'relearning_steps = ["' + '9' * 400 + 'm"]\n', "Error: "),
        (["review"], {}, "a = " + "[" * 50_000 + "]" * 50_000 + "\n", "Error: "),
        (["review"], {}, "a = " + "{b = " * 5_000 + "}" * 5_000 + "\n", "Error: "),
        (["review"], {}, "new_per_day = " + "9" * 5_000 + "\n", "Error: "),
    ],
    ids=["new", "limit", "year-1", "year-9999", "huge-step", "overflowing-step", "nested-arrays",
         "nested-tables", "5000-digits"],
)
def test_absurd_numbers_and_nested_config_give_one_line(cards_dir, home, args, env, config, expected):
    (home / "config.toml").write_text(config, "utf-8")
    result = shell(f"printf ' \\n3\\nq\\n' | srs {' '.join(args)} --cards CARDS", home, cards_dir,
                   SRS_NOW=env.get("SRS_NOW", "2025-03-01T10:00:00+00:00"))
    assert one_line_error(result).startswith(expected)


def test_build_and_check_leave_the_cycle_collector_as_they_found_it(cards_dir, tmp_path):
    import gc

    from click.testing import CliRunner

    from interview_srs.cli import cli

    assert gc.isenabled()
    for args in (["check", "--cards", str(cards_dir)], ["build", "--cards", str(cards_dir), "--out", str(tmp_path / "o")]):
        assert CliRunner().invoke(cli, args).exit_code == 0
        assert gc.isenabled()


# --------------------------------------------------------------------------- ending without teardown

TEARDOWN_PROBE = (
    "import atexit, sys; atexit.register(lambda: print('teardown ran', flush=True)); "
    "sys.argv = ['srs', *sys.argv[1:]]; from interview_srs.cli import main; main()"
)


def probe(*args: str, home) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SRS_HOME": str(home)}
    return subprocess.run([sys.executable, "-c", TEARDOWN_PROBE, *args], capture_output=True, text=True,
                          env=environment, timeout=120)


def test_build_and_check_end_without_the_interpreters_teardown_and_lose_nothing(cards_dir, home, tmp_path):
    out = tmp_path / "out"
    built = probe("build", "--cards", str(cards_dir), "--out", str(out), home=home)
    assert built.returncode == 0, built.stderr
    assert "teardown ran" not in built.stdout
    assert built.stdout.splitlines()[0].startswith("ant.apkg")
    assert built.stdout.splitlines()[4:] == import_advice(out)  # the whole report, flushed
    assert run("build", "--cards", str(cards_dir), "--out", str(out), "--verify").exit_code == 0  # complete decks
    write_file(
        cards_dir / "zz-dup.yaml",
        "deck: 面试::重复\ncards:\n  - id: dup-one\n    question: 用户私信辱骂客服，你怎么办？！\n"
        "    outline: [冷静, 回应, 解决]\n",
    )
    strict = probe("check", "--cards", str(cards_dir), "--strict", home=home)
    assert strict.returncode == 1 and "teardown ran" not in strict.stdout
    assert "near-duplicate" in strict.stderr and strict.stdout == "4 cards in 3 decks: ok, 1 warning.\n"


def test_other_commands_end_as_usual(home):
    version = probe("--version", home=home)
    assert version.returncode == 0 and version.stdout.splitlines()[-1] == "teardown ran"
