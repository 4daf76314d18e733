"""Writing a plan's packages (anki/build/outputs.py, apkg.py): patched packages hold what fresh
ones would, and the combined package's collection is copied early and never left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.anki.build import apkg
from interview_srs.anki.build.shared import build, stale_outputs
from interview_srs.anki.build.state import BuildError, read_state
from interview_srs.base.problems import CardsError

from build_helpers import T0, edit
from conftest import write_file


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


@pytest.mark.slow("writes and patches real packages for many generated edits")
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
    real_patch = apkg.patch_package_to
    with pytest.MonkeyPatch.context() as monkey:
        monkey.setattr(apkg, "patch_package_to", lambda *a, **k: patches.append(a[0]) or real_patch(*a, **k))
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
                assert apkg.package_digest(patched / package.name) == apkg.package_digest(package), package.name


@pytest.fixture
def copies(tmp_path, monkeypatch) -> list:
    """Each early copy made (the thread it ran on), in a cache folder of the test's own; a
    writer's own copy goes beside the package, not into the cache, and is not counted."""
    import threading

    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    made = []
    real = apkg.copy_collection

    def copy(previous, folder):
        if Path(folder) == tmp_path / "cache" / "packages":
            made.append(threading.current_thread())
        return real(previous, folder)

    monkeypatch.setattr(apkg, "copy_collection", copy)
    return made


def scratch_copies(tmp_path: Path) -> list[str]:
    return [p.name for p in (tmp_path / "cache" / "packages").glob(f"{apkg.TEMP_COLLECTION_PREFIX}*")]


def test_the_combined_package_is_patched_from_a_copy_made_on_another_thread(cards_dir, tmp_path, copies, monkeypatch):
    import threading

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    assert copies == []  # nothing to copy from yet
    given = {}
    real_patch = apkg.patch_package_to
    monkeypatch.setattr(
        apkg, "patch_package_to", lambda *a, **k: given.update({a[0].name: k.get("copy")}) or real_patch(*a, **k)
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

    real = apkg.copy_collection
    refused = []

    def no_space_in_the_cache(previous, folder):
        if Path(folder) == tmp_path / "cache" / "packages":
            refused.append(folder)
            raise OSError(28, "No space left on device")
        return real(previous, folder)

    monkeypatch.setattr(apkg, "copy_collection", no_space_in_the_cache)
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
