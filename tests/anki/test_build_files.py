"""Which files a build reads again and where it may write (anki/build/files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_srs.anki.build import files
from interview_srs.anki.build.shared import build
from interview_srs.anki.build.state import BuildError
from interview_srs.bank.card_paths import COMBINED_PACKAGE, COMBINED_STEM, package_name

from build_helpers import T0


def test_output_names_cannot_escape_the_output_folder(tmp_path):
    assert package_name("../../etc/passwd") == "etc_passwd.apkg"
    assert package_name("面试 题;rm -rf") == "面试_题_rm_-rf.apkg"
    assert package_name("...") == "deck.apkg"
    with pytest.raises(BuildError):
        files.safe_output_path(tmp_path, "../outside.apkg")
    assert files.safe_output_path(tmp_path, "ok.apkg") == (tmp_path / "ok.apkg").resolve()


def test_the_combined_package_is_named_by_the_same_rule_as_every_other():
    assert COMBINED_PACKAGE == package_name(COMBINED_STEM)


def test_a_card_file_is_hashed_again_whenever_it_may_have_changed(cards_dir, tmp_path, monkeypatch):
    """Files are not read while their size, time and inode are as when last hashed; an edit, a
    replacement or a touch makes them read again, so the build always sees the bytes there."""
    import os

    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    read = []
    real = files.file_sha
    monkeypatch.setattr(files, "file_sha", lambda path: read.append(Path(path).name) or real(path))
    assert build(cards_dir, out, now=T0 + 1).up_to_date
    assert [name for name in read if name.endswith(".yaml")] == []
    text = (cards_dir / "xhs.yaml").read_text("utf-8")
    (cards_dir / "xhs.yaml").write_text(text.replace("保持冷静", "先稳住"), "utf-8")  # same size? no matter
    os.utime(cards_dir / "ant.yaml", ns=(1, 1))
    report = build(cards_dir, out, now=T0 + 2)
    assert sorted(name for name in read if name.endswith(".yaml")) == ["ant.yaml", "xhs.yaml"]
    assert {d.output for d in report.decks if d.written} == {"xhs.apkg", "interview-srs-all.apkg"}
