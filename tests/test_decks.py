"""`srs decks` writes its packages as any new file is written: 0666 less the umask."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from interview_srs.anki.decks import write_bundled
from interview_srs.bank.sources import bundled


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_the_packages_get_the_permissions_of_a_new_file(tmp_path, umask, mode):
    before = os.umask(umask)
    try:
        names = write_bundled(tmp_path / "decks", bundled("decks"))
    finally:
        os.umask(before)
    assert names and {stat.S_IMODE((tmp_path / "decks" / name).stat().st_mode) for name in names} == {mode}
    assert sorted(p.name for p in (tmp_path / "decks").iterdir()) == names  # no temporary file left
