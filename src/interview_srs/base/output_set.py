"""A build's output files, replaced all together or not at all.

Every package and the build state are first written to temporary files in the output folder;
only when all of them are complete are they renamed over the old ones (packages first, the
build state last). A failure before that removes the temporary files and leaves every previous
output byte for byte as it was. A build killed during the renames (a window of microseconds)
can leave new packages beside the old build state; the state records each package's hash, so the
next build sees the mismatch and rewrites them. Temporary files left by a killed build are
removed at the start of the next one.

mkstemp creates files readable by their owner only; outputs get the permissions an ordinary
new file would have (0644 under the usual umask 022).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from pathlib import Path

# Every temporary name a build uses, so that leftovers can be recognised and removed.
LEFTOVER_PATTERNS = (".collection-*.anki2", ".*.apkg.tmp", ".build-state-*")
STATE_TEMP_PREFIX = ".build-state-"


class OutputSet:
    """Temporary files to rename into place together; use as a context manager and `commit()`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.pending: list[tuple[Path, Path]] = []  # (temporary file, final path)

    def temporary(self, final: Path, prefix: str, suffix: str = "") -> Path:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=self.folder)
        os.close(fd)
        self.pending.append((Path(name), Path(final)))
        return Path(name)

    def commit(self) -> None:
        mode = 0o666 & ~_umask()
        for temporary, _final in self.pending:
            os.chmod(temporary, mode)
        for temporary, final in self.pending:
            os.replace(temporary, final)
        self.pending = []

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, *exc_info) -> None:
        for temporary, _final in self.pending:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
        self.pending = []


def write_text(path: Path, text: str) -> None:
    """One text file replaced atomically (an output set of one), flushed to disk before the
    rename: a crash leaves the old file or the new one, never half of either."""
    path = Path(path)
    with OutputSet(path.parent) as outputs:
        temporary = outputs.temporary(path, prefix=f".{path.name}-", suffix=".tmp")
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        outputs.commit()


def remove_leftovers(folder: Path) -> list[str]:
    """Delete temporary files of earlier builds that were killed; returns their names."""
    removed = []
    for pattern in LEFTOVER_PATTERNS:
        for path in Path(folder).glob(pattern):
            if path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path.name)
    return sorted(removed)


def write_failure(folder: Path, error: BaseException) -> str:
    """One line for a failed write: what went wrong, and that nothing was replaced."""
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        if error.errno == errno.EFBIG:
            reason += " (the file size limit, ulimit -f)"
    elif isinstance(error, sqlite3.Error):  # SQLite says "disk I/O error" for EFBIG and ENOSPC
        reason = f"{error} (is the disk full?)"
    else:
        reason = f"{error.__class__.__name__}: {error}"
    return f"cannot write the decks in {folder}: {reason}; the previous decks are unchanged"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


__all__ = ["LEFTOVER_PATTERNS", "OutputSet", "remove_leftovers", "write_failure", "write_text"]
