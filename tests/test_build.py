"""Incremental builds, the build state, atomic writes and the freshness check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.anki import notes as anki_export, package_zip
from interview_srs.anki.build import (
    BuildError,
    build,
    output_name,
    read_state,
    safe_output_path,
    stale_outputs,
)
from interview_srs.base.problems import CardsError

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
    with pytest.raises(CardsError, match="the package that holds every deck; rename the file"):
        build(cards_dir, tmp_path / "out", now=T0)
    assert not (tmp_path / "out").exists()


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
    from interview_srs.anki.build import BuildState, Stamp, read_state, state_text

    committed = read_state(Path(__file__).resolve().parent.parent / "decks")
    odd = BuildState(note_type=Stamp("h", 1), notes={'引号"\\\\ id': Stamp("x\u2028", 2)}, outputs={}, sources={})
    for state in (committed, BuildState(), odd):
        assert state_text(state) == json.dumps(state.to_dict(), ensure_ascii=False, indent=1) + "\n"


# -- the personal package ----------------------------------------------------------------------------


def test_the_personal_package_is_never_written_into_the_shared_decks_folder(cards_dir, tmp_path):
    from interview_srs.anki.build import BuildError, build_personal

    out = tmp_path / "decks"
    build(cards_dir, out, now=1_760_000_000)
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(BuildError, match="holds the shared decks"):
        build_personal(cards_dir, tmp_path / "mine", out, now=1_760_000_100)
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_broken_answer_stops_the_personal_build_and_a_gone_card_only_warns(cards_dir, tmp_path):
    from interview_srs.anki.build import BuildError, build_personal

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


# --------------------------------------------------------------------------- fault injection


import os  # noqa: E402
import signal  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from interview_srs.cli import cli  # noqa: E402

from conftest import REPO  # noqa: E402

LEFTOVERS = (".collection-", ".apkg.tmp", ".build-state-")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if any(mark in p.name for mark in LEFTOVERS))


def srs_build(cards_dir: Path, out: Path, preexec=None, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": str(T0), **env}
    return subprocess.run(
        [sys.executable, "-m", "interview_srs", "build", "--cards", str(cards_dir), "--out", str(out)],
        capture_output=True, text=True, env=environment, timeout=120, preexec_fn=preexec,
    )


def one_line(result) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    return line


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")
def test_a_full_disk_leaves_every_previous_output_byte_identical(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    before = snapshot(out)
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估获客渠道质量与首刷激励")

    def small_disk():  # writes past 6 kB fail with EFBIG, as on a full disk (SIGXFSZ ignored)
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (6_000, 6_000))

    result = srs_build(cards_dir, out, preexec=small_disk)
    # SQLite (the collection) or zlib (the package) meets the limit first, depending on sizes.
    assert one_line(result) in (
        f"Error: cannot write the decks in {out}: disk I/O error (is the disk full?); the previous decks are unchanged",
        f"Error: cannot write the decks in {out}: File too large (the file size limit, ulimit -f); "
        "the previous decks are unchanged",
    )
    assert snapshot(out) == before
    assert leftovers(out) == []
    assert srs_build(cards_dir, out).returncode == 0
    assert snapshot(out) != before and leftovers(out) == []


@pytest.mark.parametrize("patch", [True, False], ids=["patching", "writing-afresh"])
def test_a_failure_while_writing_any_package_replaces_nothing(cards_dir, tmp_path, monkeypatch, patch):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    before = snapshot(out)
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估获客渠道质量与首刷激励")
    edit(cards_dir / "xhs.yaml", "保持冷静", "先稳住情绪")
    real = package_zip.write
    calls = []

    def fails_on_the_second(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(30, "Read-only file system")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(package_zip, "write", fails_on_the_second)
    with pytest.raises(BuildError, match="Read-only file system; the previous decks are unchanged"):
        build(cards_dir, out, now=T0 + 1, patch=patch)
    assert len(calls) >= 2
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root writes into read-only folders; Windows ignores a folder's read-only bit")
def test_a_read_only_output_folder_is_one_line(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    before = snapshot(out)
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估获客渠道质量与首刷激励")
    out.chmod(0o555)
    try:
        assert one_line(srs_build(cards_dir, out)).endswith("Permission denied; the previous decks are unchanged")
    finally:
        out.chmod(0o755)
    assert snapshot(out) == before


def test_an_output_folder_name_too_long_is_one_line(cards_dir, tmp_path):
    out = tmp_path / ("长" * 100)
    assert one_line(srs_build(cards_dir, out)) == (
        f"Error: cannot write the decks in {out}: File name too long; the previous decks are unchanged"
    )


def test_a_card_file_name_near_the_limit_still_builds(cards_dir, tmp_path):
    (cards_dir / "xhs.yaml").rename(cards_dir / ("题" * 83 + ".yaml"))  # 249 bytes + .yaml
    report = build(cards_dir, tmp_path / "out", now=T0)
    assert all(len(d.output.encode()) <= 205 for d in report.decks)
    assert leftovers(tmp_path / "out") == []


def test_outputs_get_ordinary_permissions(cards_dir, tmp_path):
    old = os.umask(0o022)
    try:
        build(cards_dir, tmp_path / "out", now=T0)
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()}
    assert set(modes.values()) == {0o644}, modes


def test_leftovers_of_a_killed_build_are_removed_by_the_next(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    for name in (".collection-abc123.anki2", ".ant-x1y2.apkg.tmp", ".build-state-q9"):
        (out / name).write_bytes(b"x" * 1000)
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估获客渠道质量与首刷激励")
    build(cards_dir, out, now=T0 + 1)
    assert leftovers(out) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_9_at_any_moment_leaves_old_or_complete_new_decks_and_no_leftovers_after(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_build import synthetic_bank

    cards = tmp_path / "cards"
    synthetic_bank(cards, 1200)
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert srs_build(cards, out).returncode == 0
    old = snapshot(out)
    text = (cards / "company-00.yaml").read_text("utf-8").replace("bench-00-00000", "bench-00-renamed")
    (cards / "company-00.yaml").write_text(text, "utf-8")
    # What a completed build writes (builds are reproducible with SOURCE_DATE_EPOCH).
    reference.mkdir()
    (reference / "build-state.json").write_bytes(old["build-state.json"])
    started = time.monotonic()
    assert srs_build(cards, reference, SOURCE_DATE_EPOCH=str(T0 + 1)).returncode == 0
    duration = time.monotonic() - started
    new = snapshot(reference)
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": str(T0 + 1)}
    command = [sys.executable, "-m", "interview_srs", "build", "--cards", str(cards), "--out", str(out)]
    outcomes = []
    for fraction in (0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.95, 1.1):  # of a whole build's time
        delay = duration * fraction
        child = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        now = {name: data for name, data in snapshot(out).items() if not any(m in name for m in LEFTOVERS)}
        for name, data in now.items():
            assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new file"
        outcomes.append("old" if now == old else "new" if now == new else "mixed")
        for name in now:
            (out / name).write_bytes(old[name]) if name in old else (out / name).unlink()
    assert srs_build(cards, out, SOURCE_DATE_EPOCH=str(T0 + 1)).returncode == 0
    assert leftovers(out) == []
    assert snapshot(out) == new
    print("kill -9 outcomes:", outcomes)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "expected a JSON object, got a list"),
        ('{"format": 1, "notes": []}', "notes: expected a JSON object, got a list"),
        ('{"format": 1, "notes": {"a": {"hash": 1, "mod": 2}}}', 'notes.a: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "notes": {"a": {"hash": "x", "mod": 1e300}}}', 'notes.a: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "notes": {"a": {"hash": "x", "mod": 99999999999999999999999}}}', 'notes.a: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "note_type": "x"}', 'note_type: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "outputs": {"a.apkg": [1]}}', "outputs.a.apkg: expected an object of texts"),
        ('{"format": 1, "sources": {"a.yaml": 5}}', "sources: expected an object of texts"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": 1', "Expecting ',' delimiter: line 1 column 13 (char 12)"),
        (b"\xff\xfe", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        (None, "Is a directory"),
    ],
    ids=["list", "notes-list", "hash-number", "mod-float", "mod-huge", "note-type-text", "outputs", "sources",
         "deep", "truncated", "not-utf8", "directory"],
)
def test_a_damaged_build_state_is_one_located_line(cards_dir, tmp_path, content, reason):
    out = tmp_path / "out"
    out.mkdir()
    state = out / "build-state.json"
    if content is None:
        state.mkdir()
    else:
        state.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--out", str(out)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output == (
        f"Error: {state}: cannot read the build state ({reason}); restore it from git, or delete it to "
        "rebuild every deck (all notes then get new modification times)\n"
    )


@pytest.mark.parametrize("value", ["soon", "-5", "1e10", "9" * 30, "１２３"])
def test_a_bad_source_date_epoch_is_one_line(cards_dir, tmp_path, value):
    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--out", str(tmp_path / "out")],
                                env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: SOURCE_DATE_EPOCH='{value}' is not a time: give whole seconds since 1970")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_a_cards_folder_that_is_a_symlink_loop_is_one_line(tmp_path):
    loop = tmp_path / "cards"
    loop.symlink_to(loop)
    result = CliRunner().invoke(cli, ["build", "--cards", str(loop), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[0] == (
        f"{loop}:1:1: cards folder not found (a symbolic link that leads nowhere, or to itself)"
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
STATE_KEYS = st.sampled_from(["format", "note_type", "notes", "outputs", "sources"])


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(JSON, st.dictionaries(STATE_KEYS, JSON).map(lambda d: {"format": 1, **d})))
def test_any_json_in_the_build_state_is_read_or_refused_with_build_error(tmp_path, data):
    folder = tmp_path / "state"
    folder.mkdir(exist_ok=True)
    (folder / "build-state.json").write_text(json.dumps(data), "utf-8")
    try:
        state = read_state(folder)
    except BuildError as error:
        assert "\n" not in str(error)
        return
    assert all(isinstance(stamp.mod, int) for stamp in state.notes.values())


# -- patching: what a rebuild that changes the previous packages writes ---------------------------


def bank_files(files: dict[str, list[dict]]) -> dict[str, str]:
    """YAML text for each file of a small bank; the first file covers document 000 in full."""
    texts = {}
    for number, (name, cards) in enumerate(files.items()):
        lines = [f"deck: 面试::补丁{number}", *(["documents: ['000']"] if number == 0 else []), "cards:"]
        for card in cards:
            lines += [
                f"  - id: {card['id']}",
                f"    question: {card['question']}",
                f"    outline: [{card['point']}]",
                f"    sources: ['{card['source']}']",
            ]
        texts[name] = "\n".join(lines) + "\n"
    return texts


EDITS = st.lists(
    st.tuples(st.sampled_from(["edit", "add", "remove", "move", "cite", "swap"]), st.integers(0, 1),
              st.integers(0, 50), st.integers(0, 50)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None)
@given(edits=EDITS)
def test_a_patched_package_holds_exactly_what_a_fresh_write_would(tmp_path_factory, edits):
    """Any edits, additions, removals, moves between files, reorders and changes of the cited
    document (which moves a note in and out of another file's package): after each, the packages
    patched from the previous ones import as the packages written afresh from the same state."""
    import shutil

    root = tmp_path_factory.mktemp("patch")
    files = {
        "a.yaml": [{"id": f"a-{i}", "question": f"甲{i}？", "point": f"甲点{i}", "source": f"00{i % 2}#{i}"} for i in range(3)],
        "b.yaml": [{"id": f"b-{i}", "question": f"乙{i}？", "point": f"乙点{i}", "source": f"00{i % 2}#{i}"} for i in range(3)],
    }
    cards, patched, fresh = root / "cards", root / "patched", root / "fresh"

    def write_bank():
        for name, text in bank_files(files).items():
            write_file(cards / name, text)

    write_bank()
    build(cards, patched, now=T0)
    patches = []
    real_patch = anki_export.patch_package_to
    with pytest.MonkeyPatch.context() as monkey:
        monkey.setattr(anki_export, "patch_package_to", lambda *a, **k: patches.append(a[0]) or real_patch(*a, **k))
        for step, (kind, which, i, j) in enumerate(edits, start=1):
            names = sorted(files)
            here, there = files[names[which]], files[names[1 - which]]
            if kind == "edit" and here:
                here[i % len(here)]["point"] += "改"
            elif kind == "add":
                here.insert(i % (len(here) + 1), {"id": f"n-{step}", "question": f"新{step}？", "point": "新点", "source": "000#9"})
            elif kind == "remove" and len(here) > 1:
                here.pop(i % len(here))
            elif kind == "move" and len(here) > 1:
                there.insert(j % (len(there) + 1), here.pop(i % len(here)))
            elif kind == "cite" and here:
                card = here[i % len(here)]
                card["source"] = "001#1" if card["source"].startswith("000") else "000#1"
            elif kind == "swap" and here:
                a, b = i % len(here), j % len(here)
                here[a], here[b] = here[b], here[a]
            write_bank()
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.copytree(patched, fresh)
            patches.clear()
            report = build(cards, patched, now=T0 + step)
            build(cards, fresh, now=T0 + step, patch=False)
            # every package rewritten was patched: same note type, same decks, base in the cache
            assert len(patches) == sum(d.written for d in report.decks)
            ours, theirs = read_state(patched), read_state(fresh)
            assert (ours.note_type, ours.notes, ours.sources) == (theirs.note_type, theirs.notes, theirs.sources)
            assert {k: v["inputs"] for k, v in ours.outputs.items()} == {k: v["inputs"] for k, v in theirs.outputs.items()}
            assert sorted(p.name for p in patched.iterdir()) == sorted(p.name for p in fresh.iterdir())
            for package in sorted(fresh.glob("*.apkg")):
                assert anki_export.package_digest(patched / package.name) == anki_export.package_digest(package), package.name


def test_the_committed_decks_are_up_to_date_by_the_inputs_they_record():
    """Every package's inputs are hashed as the build that wrote decks/ hashed them: a change in
    how would make every curator's next build rewrite every package."""
    from interview_srs.anki.bank_index import load_index
    from interview_srs.anki.build import _source_hashes, plan_build

    repo = Path(__file__).resolve().parent.parent
    state = read_state(repo / "decks")
    index = load_index(repo / "cards", _source_hashes(repo / "cards"))
    plan = plan_build(index.files, state, now=max(s.mod for s in state.notes.values()) + 1)
    assert {o.name: o.inputs_hash for o in plan.outputs} == {name: r["inputs"] for name, r in state.outputs.items()}


@settings(max_examples=500)
@given(st.text())
def test_json_text_is_json_dumps(text):
    from interview_srs.anki.build import json_text

    assert json_text(text) == json.dumps(text)
    assert json_text(text, ensure_ascii=False) == json.dumps(text, ensure_ascii=False)


def test_a_card_file_is_hashed_again_whenever_it_may_have_changed(cards_dir, tmp_path, monkeypatch):
    """Files are not read while their size, time and inode are as when last hashed; an edit, a
    replacement or a touch makes them read again, so the build always sees the bytes there."""
    import os

    from interview_srs.anki import build as builder

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    read = []
    real = builder._file_sha
    monkeypatch.setattr(builder, "_file_sha", lambda path: read.append(Path(path).name) or real(path))
    assert build(cards_dir, out, now=T0 + 1).up_to_date
    assert [name for name in read if name.endswith(".yaml")] == []
    text = (cards_dir / "xhs.yaml").read_text("utf-8")
    (cards_dir / "xhs.yaml").write_text(text.replace("保持冷静", "先稳住"), "utf-8")  # same size? no matter
    os.utime(cards_dir / "ant.yaml", ns=(1, 1))
    report = build(cards_dir, out, now=T0 + 2)
    assert sorted(name for name in read if name.endswith(".yaml")) == ["ant.yaml", "xhs.yaml"]
    assert {d.output for d in report.decks if d.written} == {"xhs.apkg", "interview-srs-all.apkg"}


def test_the_state_is_read_from_its_compact_copy_only_while_the_file_is_unchanged(cards_dir, tmp_path):
    from interview_srs.anki import build as builder

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    path = out / "build-state.json"
    from_file = builder.BuildState.from_dict(json.loads(path.read_text("utf-8")))
    assert builder._known_state(path) == from_file == read_state(out)
    # the file replaced (as by `git checkout`): its text is read, whatever the copy says
    text = path.read_text("utf-8").replace(f'"mod": {T0}', f'"mod": {T0 - 5}')
    path.write_text(text, "utf-8")
    assert builder._known_state(path) is None
    assert {s.mod for s in read_state(out).notes.values()} == {T0 - 5}
    # a damaged copy is no help and no harm
    build(cards_dir, out, now=T0 + 1)
    from interview_srs.bank import parse_cache

    key = builder._state_key(path)
    copy = parse_cache.load_value(key, parse_cache.cache_dir())
    parse_cache.store_value(key, {**copy, "mods": copy["mods"][:-1]}, parse_cache.cache_dir())
    assert builder._known_state(path) is None
    assert read_state(out) == builder.BuildState.from_dict(json.loads(path.read_text("utf-8")))


# -- the combined package's collection, copied while the bank is read ------------------------------


@pytest.fixture
def copies(tmp_path, monkeypatch) -> list:
    """Each early copy made (the thread it ran on), in a cache folder of the test's own; a
    writer's own copy goes beside the package, not into the cache, and is not counted."""
    import threading

    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    made = []
    real = anki_export.copy_collection

    def copy(previous, folder):
        if Path(folder) == tmp_path / "cache" / "packages":
            made.append(threading.current_thread())
        return real(previous, folder)

    monkeypatch.setattr(anki_export, "copy_collection", copy)
    return made


def scratch_copies(tmp_path: Path) -> list[str]:
    return [p.name for p in (tmp_path / "cache" / "packages").glob(f"{anki_export.TEMP_COLLECTION_PREFIX}*")]


def test_the_combined_package_is_patched_from_a_copy_made_on_another_thread(cards_dir, tmp_path, copies, monkeypatch):
    import threading

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    assert copies == []  # nothing to copy from yet
    given = {}
    real_patch = anki_export.patch_package_to
    monkeypatch.setattr(
        anki_export, "patch_package_to", lambda *a, **k: given.update({a[0].name: k.get("copy")}) or real_patch(*a, **k)
    )
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估渠道质量")
    build(cards_dir, out, now=T0 + 1)
    assert len(copies) == 1 and copies[0] is not threading.main_thread()
    with_copy = [name for name, copy in given.items() if copy is not None]
    assert len(given) == 2 and len(with_copy) == 1 and "interview-srs-all" in with_copy[0]  # ant.apkg copies its own
    assert scratch_copies(tmp_path) == []  # taken over, and kept as the next base
    assert stale_outputs(cards_dir, out) == []


def test_a_copy_the_build_does_not_need_is_removed(cards_dir, tmp_path, copies):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    edit(cards_dir / "ant.yaml", "cards:", "# a comment changes the file, not a card\ncards:")
    report = build(cards_dir, out, now=T0 + 1)
    assert not any(d.written for d in report.decks) and len(copies) == 1
    assert scratch_copies(tmp_path) == []


def test_a_copy_made_for_a_build_that_then_fails_is_removed(cards_dir, tmp_path, copies):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    edit(cards_dir / "ant.yaml", "question: 在实习期间遇到的最大挑战是什么？", "question: [not, text]")
    with pytest.raises(CardsError):
        build(cards_dir, out, now=T0 + 1)
    assert len(copies) == 1 and scratch_copies(tmp_path) == []


def test_a_copy_that_fails_is_made_again_by_the_writer(cards_dir, tmp_path, copies, monkeypatch):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)

    real = anki_export.copy_collection
    refused = []

    def no_space_in_the_cache(previous, folder):
        if Path(folder) == tmp_path / "cache" / "packages":
            refused.append(folder)
            raise OSError(28, "No space left on device")
        return real(previous, folder)

    monkeypatch.setattr(anki_export, "copy_collection", no_space_in_the_cache)
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估渠道质量")
    report = build(cards_dir, out, now=T0 + 1)
    assert len(refused) == 1 and report.decks[-1].written and stale_outputs(cards_dir, out) == []


def test_a_copy_is_removed_when_writing_fails_before_any_package_is_written(cards_dir, tmp_path, copies, monkeypatch):
    from interview_srs.base import output_set

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    real = output_set.OutputSet.temporary

    def full_for_the_combined_package(self, target, *args, **kwargs):
        if "interview-srs-all" in Path(target).name:
            raise OSError(28, "No space left on device")
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(output_set.OutputSet, "temporary", full_for_the_combined_package)
    edit(cards_dir / "ant.yaml", "用来评估获客渠道质量", "用来评估渠道质量")
    with pytest.raises(BuildError):
        build(cards_dir, out, now=T0 + 1)
    assert len(copies) == 1 and scratch_copies(tmp_path) == []
