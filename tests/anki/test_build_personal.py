"""The personal package (anki/build/personal.py): your answers in the shared notes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from interview_srs.anki.build import BuildError, build, build_personal
from interview_srs.cli import cli


def test_the_personal_package_is_never_written_into_the_shared_decks_folder(cards_dir, tmp_path):
    out = tmp_path / "decks"
    build(cards_dir, out, now=1_760_000_000)
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(BuildError, match="holds the shared decks"):
        build_personal((cards_dir,), tmp_path / "mine", out, now=1_760_000_100)
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_broken_answer_stops_the_personal_build_and_a_gone_card_only_warns(cards_dir, tmp_path):
    mine, out = tmp_path / "mine", tmp_path / "personal"
    (mine / "answers").mkdir(parents=True)
    (mine / "answers" / "ant-mob1-3.md").write_text("口径\n[[指标]]\n", "utf-8")
    (mine / "answers" / "ant-old-id.md").write_text("旧卡片的答案\n", "utf-8")
    with pytest.raises(BuildError) as failure:
        build_personal((cards_dir,), mine, out, now=1_760_000_000)
    assert str(failure.value) == (
        "answers/ant-mob1-3.md:2: [[指标]]: no story named '指标' (stories: none yet)\n"
        "1 problem in your answers; nothing was written."
    )
    assert not out.exists()
    (mine / "answers" / "ant-mob1-3.md").write_bytes(b"\xff\n")
    with pytest.raises(BuildError, match=r"^answers/ant-mob1-3.md:1: not valid UTF-8 \(byte 0xff\)"):
        build_personal((cards_dir,), mine, out, now=1_760_000_000)
    (mine / "answers" / "ant-mob1-3.md").write_text("口径\n", "utf-8")
    report = build_personal((cards_dir,), mine, out, now=1_760_000_000)
    assert report.warnings == (
        "answers/ant-old-id.md:1: no card with id 'ant-old-id' (did you mean 'ant-mob1-3'?); rename the file to the card's id to use it "
        "(nothing was changed)",
    )
    assert report.answers == 1 and (mine / "answers" / "ant-old-id.md").read_text("utf-8") == "旧卡片的答案\n"
    again = build_personal((cards_dir,), mine, out, now=1_760_000_500)
    assert not again.written and again.changed == ()


def test_srs_build_answers_through_the_cli(cards_dir, tmp_path):
    home = tmp_path / "home"
    (home / "answers").mkdir(parents=True)
    (home / "answers" / "ant-mob1-3.md").write_text("口径\n", "utf-8")
    out = tmp_path / "personal"
    env = {"SRS_HOME": str(home), "SOURCE_DATE_EPOCH": "1760000000"}
    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--answers", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{out / 'interview-srs-personal.apkg'}  3 cards, 1 with your answer  written\n"
        "Updated on the next import: ant-biggest-challenge, ant-mob1-3, xhs-abusive-user\n"
    )
    shared = tmp_path / "decks"
    assert CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--out", str(shared)], env=env).exit_code == 0
    refused = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--answers", str(home), "--out", str(shared)], env=env)
    assert refused.exit_code == 1
    assert refused.stderr == (f"Error: {shared} holds the shared decks (it has build-state.json); the personal "
                              "package goes elsewhere: pass --out DIR\n")


def test_verify_does_not_go_with_answers(cards_dir, tmp_path):
    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--answers", "--verify", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--verify checks the shared decks" in result.stderr
