"""Incremental builds, the build state, atomic writes and the freshness check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interview_srs import anki_export
from interview_srs.build import (
    BuildError,
    build,
    output_name,
    read_state,
    safe_output_path,
    stale_outputs,
)
from interview_srs.cards import CardsError

from conftest import write_file

T0 = 1_760_000_000


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_first_build_writes_one_package_per_file_plus_the_combined_one(cards_dir, tmp_path):
    report = build(cards_dir, tmp_path / "out", now=T0)
    assert [d.output for d in report.decks] == ["ant.apkg", "xhs.apkg", "interview-srs-all.apkg"]
    assert [d.cards for d in report.decks] == [2, 1, 3]
    assert all(d.written for d in report.decks)
    assert sorted(report.decks[-1].new) == ["ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user"]
    state = read_state(tmp_path / "out")
    assert {key: stamp.mod for key, stamp in state.notes.items()} == {
        "ant-biggest-challenge": T0, "ant-mob1-3": T0, "xhs-abusive-user": T0
    }


def test_rebuild_with_nothing_changed_reports_up_to_date_and_writes_nothing(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    before = snapshot(out)
    report = build(cards_dir, out, now=T0 + 100)
    assert report.up_to_date
    assert snapshot(out) == before


def test_an_edit_moves_only_that_cards_mod_and_rewrites_only_its_deck(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    xhs_before = (out / "xhs.apkg").read_bytes()
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估渠道质量")
    report = build(cards_dir, out, now=T0 + 50)
    by_output = {d.output: d for d in report.decks}
    assert by_output["ant.apkg"].changed == ("ant-mob1-3",) and by_output["ant.apkg"].written
    assert not by_output["xhs.apkg"].written
    assert (out / "xhs.apkg").read_bytes() == xhs_before
    mods = {key: stamp.mod for key, stamp in read_state(out).notes.items()}
    assert mods == {"ant-biggest-challenge": T0, "ant-mob1-3": T0 + 50, "xhs-abusive-user": T0}


def test_a_changed_card_gets_a_newer_mod_even_if_the_clock_went_backwards(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    edit(cards_dir / "xhs.yaml", "聚焦问题", "聚焦问题本身")
    build(cards_dir, out, now=T0 - 3600)
    assert read_state(out).notes["xhs-abusive-user"].mod == T0 + 1


def test_removed_cards_are_reported_and_dropped_from_the_state(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    (cards_dir / "xhs.yaml").unlink()
    report = build(cards_dir, out, now=T0 + 1)
    assert report.removed == ("xhs-abusive-user",)
    assert "xhs-abusive-user" not in read_state(out).notes
    assert not (out / "xhs.apkg").exists()


def test_a_note_type_change_moves_the_note_type_mod(cards_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    first = read_state(out).note_type
    monkeypatch.setattr(anki_export, "CSS", anki_export.CSS + ".x{}")
    report = build(cards_dir, out, now=T0 + 10)
    assert report.note_type_changed
    assert read_state(out).note_type.mod == T0 + 10 > first.mod
    assert all(d.written for d in report.decks)


def test_a_failed_build_leaves_the_previous_decks_untouched(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    before = snapshot(out)
    edit(cards_dir / "ant.yaml", "question: 为什么关注", "questoin: 为什么关注")
    with pytest.raises(CardsError):
        build(cards_dir, out, now=T0 + 5)
    assert snapshot(out) == before


def test_output_names_cannot_escape_the_output_folder(tmp_path):
    assert output_name("../../etc/passwd") == "etc_passwd.apkg"
    assert output_name("面试 题;rm -rf") == "面试_题_rm_-rf.apkg"
    assert output_name("...") == "deck.apkg"
    with pytest.raises(BuildError):
        safe_output_path(tmp_path, "../outside.apkg")
    assert safe_output_path(tmp_path, "ok.apkg") == (tmp_path / "ok.apkg").resolve()


def test_a_card_file_named_like_the_combined_package_is_refused(cards_dir, tmp_path):
    (cards_dir / "xhs.yaml").rename(cards_dir / "interview-srs-all.yaml")
    with pytest.raises(BuildError, match="clashes"):
        build(cards_dir, tmp_path / "out", now=T0)


def test_fresh_decks_verify_clean_and_edits_make_them_stale(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    assert stale_outputs(cards_dir, out) == []
    edit(cards_dir / "xhs.yaml", "聚焦问题", "聚焦问题本身")
    assert stale_outputs(cards_dir, out) == ["xhs.apkg", "interview-srs-all.apkg"]


def test_verify_compares_contents_not_bytes(cards_dir, tmp_path):
    """A package re-zipped differently (another zip tool, another SQLite) is still fresh."""
    import zipfile

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    package = out / "xhs.apkg"
    with zipfile.ZipFile(package) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    assert stale_outputs(cards_dir, out) == []


def test_verify_notices_a_new_card_file_and_a_missing_package(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    (out / "ant.apkg").unlink()
    assert "ant.apkg" in stale_outputs(cards_dir, out)
    build(cards_dir, out, now=T0)
    write_file(
        cards_dir / "new.yaml",
        "deck: 面试::新::岗位\ncards:\n  - id: new-one\n    question: 新问题？\n    outline: [一, 二, 三]\n",
    )
    assert "new.apkg" in stale_outputs(cards_dir, out)


def test_state_file_is_readable_json_with_a_format_version(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    data = json.loads((out / "build-state.json").read_text("utf-8"))
    assert data["format"] == 1
    assert set(data["notes"]) == {"ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user"}
    (out / "build-state.json").write_text('{"format": 99}', "utf-8")
    with pytest.raises(BuildError, match="cannot read the build state"):
        read_state(out)


def test_the_state_file_is_written_exactly_as_indented_json(tmp_path):
    from interview_srs.build import BuildState, Stamp, read_state, state_text

    committed = read_state(Path(__file__).resolve().parent.parent / "decks")
    odd = BuildState(note_type=Stamp("h", 1), notes={'引号"\\\\ id': Stamp("x\u2028", 2)}, outputs={}, sources={})
    for state in (committed, BuildState(), odd):
        assert state_text(state) == json.dumps(state.to_dict(), ensure_ascii=False, indent=1) + "\n"


# -- the personal package ----------------------------------------------------------------------------


def test_the_personal_package_is_never_written_into_the_shared_decks_folder(cards_dir, tmp_path):
    from interview_srs.build import BuildError, build_personal

    out = tmp_path / "decks"
    build(cards_dir, out, now=1_760_000_000)
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(BuildError, match="holds the shared decks"):
        build_personal(cards_dir, tmp_path / "mine", out, now=1_760_000_100)
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_broken_answer_stops_the_personal_build_and_a_gone_card_only_warns(cards_dir, tmp_path):
    from interview_srs.build import BuildError, build_personal

    mine, out = tmp_path / "mine", tmp_path / "personal"
    (mine / "answers").mkdir(parents=True)
    (mine / "answers" / "ant-mob1-3.md").write_text("口径\n[[指标]]\n", "utf-8")
    (mine / "answers" / "ant-old-id.md").write_text("旧卡片的答案\n", "utf-8")
    with pytest.raises(BuildError) as failure:
        build_personal(cards_dir, mine, out, now=1_760_000_000)
    assert str(failure.value) == (
        "answers/ant-mob1-3.md:2: [[指标]]: no story named '指标' (stories: none yet)\n"
        "1 problem in your answers; nothing was written."
    )
    assert not out.exists()
    (mine / "answers" / "ant-mob1-3.md").write_bytes(b"\xff\n")
    with pytest.raises(BuildError, match=r"^answers/ant-mob1-3.md:1: not valid UTF-8 \(byte 0xff\)"):
        build_personal(cards_dir, mine, out, now=1_760_000_000)
    (mine / "answers" / "ant-mob1-3.md").write_text("口径\n", "utf-8")
    report = build_personal(cards_dir, mine, out, now=1_760_000_000)
    assert report.warnings == (
        "answers/ant-old-id.md:1: no card with id 'ant-old-id' (did you mean 'ant-mob1-3'?); rename the file to the card's id to use it "
        "(nothing was changed)",
    )
    assert report.answers == 1 and (mine / "answers" / "ant-old-id.md").read_text("utf-8") == "旧卡片的答案\n"
    again = build_personal(cards_dir, mine, out, now=1_760_000_500)
    assert not again.written and again.changed == ()


def test_srs_build_answers_through_the_cli(cards_dir, tmp_path):
    from click.testing import CliRunner

    from interview_srs.cli import cli

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
    from click.testing import CliRunner

    from interview_srs.cli import cli

    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--answers", "--verify", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--verify checks the shared decks" in result.stderr
