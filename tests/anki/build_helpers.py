"""What the build tests share: a fixed clock, an edit in place, a folder's bytes."""

from __future__ import annotations

from pathlib import Path


T0 = 1_760_000_000


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
