"""Which files under cards/ are card files, and the package file each one becomes.

Shared by the loader (`srs check` reports two files that would write the same package),
the build (which writes them) and the store (which lists files without importing YAML).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Compared without regard to case: `ops.YAML` is a card file too, as users expect.
CARD_FILE_SUFFIXES = (".yaml", ".yml")
COMBINED_STEM = "interview-srs-all"
# Most file systems allow 255 bytes per name; the temporary names the build derives from a
# package name add a prefix and a suffix, so package names are kept well under that.
MAX_NAME_BYTES = 200


def card_files(cards_dir: Path) -> list[Path]:
    """The card files under `cards_dir`, in a stable order.

    Symlinked subfolders are followed (a shared bank can be linked in), each real folder once,
    so a link pointing back up the tree cannot make the walk loop.
    """
    cards_dir = Path(cards_dir)
    found: list[Path] = []
    seen: set[str] = set()
    for folder, subfolders, files in os.walk(cards_dir, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            subfolders[:] = []
            continue
        seen.add(real)
        subfolders.sort()
        for name in files:
            path = Path(folder) / name
            if path.suffix.lower() in CARD_FILE_SUFFIXES and path.is_file():
                found.append(path)
    return sorted(found)


def package_name(stem: str) -> str:
    """A file name that cannot leave the output folder, surprise a file manager or be too long."""
    cleaned = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", stem).strip("._") or "deck"
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned + ".apkg"


def package_of(path: Path) -> str:
    """The package a card file is built into: named after the file, without its folder."""
    return package_name(Path(path).stem)


COMBINED_PACKAGE = COMBINED_STEM + ".apkg"  # what package_name gives it (tested), without a regex at import

__all__ = ["CARD_FILE_SUFFIXES", "COMBINED_PACKAGE", "COMBINED_STEM", "card_files", "package_name", "package_of"]
