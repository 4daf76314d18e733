"""The shared decks' build (anki/build/shared.py): incremental builds, atomic writes and the
freshness check."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.anki.build import BuildError, apkg, build, chunked_zip, index, read_state, shared, stale_outputs
from interview_srs.anki import notes as anki_notes
from interview_srs.base.problems import CardsError
from interview_srs.cli import cli

from build_helpers import T0, edit, snapshot
from conftest import REPO, write_file


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
    monkeypatch.setattr(anki_notes, "CSS", anki_notes.CSS + ".x{}")
    report = build(cards_dir, out, now=T0 + 10)
    assert report.note_type_changed
    assert read_state(out).note_type.mod == T0 + 10 > first.mod
    assert all(d.written for d in report.decks)


def test_a_new_package_writer_rewrites_every_package_and_verify_says_stale_until_then(cards_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    assert json.loads((out / "build-state.json").read_text("utf-8"))["writer"] == apkg.WRITER_FORMAT
    assert stale_outputs(cards_dir, out) == []
    monkeypatch.setattr(apkg, "WRITER_FORMAT", apkg.WRITER_FORMAT + 1)
    assert stale_outputs(cards_dir, out) == ["ant.apkg", "xhs.apkg", "interview-srs-all.apkg"]
    patched = []
    real_patch = apkg.patch_package_to
    monkeypatch.setattr(apkg, "patch_package_to", lambda *a, **k: patched.append(a[0]) or real_patch(*a, **k))
    report = build(cards_dir, out, now=T0 + 1)
    assert all(d.written for d in report.decks) and patched == []  # written afresh: no base of the old writer
    state = read_state(out)
    assert state.writer == apkg.WRITER_FORMAT and {s.mod for s in state.notes.values()} == {T0}
    assert stale_outputs(cards_dir, out) == []
    assert build(cards_dir, out, now=T0 + 2).up_to_date


def test_a_state_from_before_the_writer_was_recorded_rewrites_every_package(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    path = out / "build-state.json"
    data = json.loads(path.read_text("utf-8"))
    del data["writer"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert read_state(out).writer is None
    assert stale_outputs(cards_dir, out) == ["ant.apkg", "xhs.apkg", "interview-srs-all.apkg"]
    report = build(cards_dir, out, now=T0 + 1)
    assert not report.up_to_date and all(d.written for d in report.decks)
    assert read_state(out).writer == apkg.WRITER_FORMAT and stale_outputs(cards_dir, out) == []


def test_a_failed_build_leaves_the_previous_decks_untouched(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    before = snapshot(out)
    edit(cards_dir / "ant.yaml", "question: 为什么关注", "questoin: 为什么关注")
    with pytest.raises(CardsError):
        build(cards_dir, out, now=T0 + 5)
    assert snapshot(out) == before


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

    # No bytecode written under the limit: Python ignores SIGXFSZ and would keep a .pyc cut short
    # in src/, which every later import of that module fails on.
    result = srs_build(cards_dir, out, preexec=small_disk, PYTHONDONTWRITEBYTECODE="1")
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
    real = chunked_zip.write
    calls = []

    def fails_on_the_second(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(30, "Read-only file system")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(chunked_zip, "write", fails_on_the_second)
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


@pytest.mark.slow("kills real build processes of a synthetic bank at random moments")
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


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege on Windows")
def test_a_cards_folder_that_is_a_symlink_loop_is_one_line(tmp_path):
    loop = tmp_path / "cards"
    loop.symlink_to(loop)
    result = CliRunner().invoke(cli, ["build", "--cards", str(loop), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[0] == (
        f"{loop}:1:1: cards folder not found (a symbolic link that leads nowhere, or to itself)"
    )


def test_a_change_in_how_notes_are_rendered_rebuilds_unchanged_cards(cards_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    assert build(cards_dir, out, now=T0 + 1).up_to_date
    for module in (shared, index):  # what the index cache and the fast path key on
        monkeypatch.setattr(module, "code_version", lambda: "a renderer changed since")
    monkeypatch.setattr(anki_notes, "_paragraph", lambda text: f"<p class='new'>{text}</p>" if text else "")
    report = build(cards_dir, out, now=T0 + 2)
    assert not report.up_to_date and all(deck.written for deck in report.decks)
    assert build(cards_dir, out, now=T0 + 3).up_to_date  # recorded: the same code is up to date again
