"""Building the Anki packages: `build` (the shared decks), `stale_outputs` (`srs build --verify`)
and `build_personal` (`srs build --answers`); the rest of this package is how.

    state.py        the build state: every note's content hash and `mod`, every package's hashes
    index.py        what a build needs of each card file, cached by the file's bytes
    plan.py         which notes go into which package, with which `mod` (pure)
    outputs.py      writing a plan's packages side by side, patched where possible
    apkg.py         one .apkg: a scratch collection filled or patched, then zipped
    chunked_zip.py  the zip, deflated in chunks a rebuild can reuse
    cache.py        the collections of the last packages written, for patching
    files.py        which card files and packages changed since they were last hashed
    shared.py       the shared decks' build and its check
    personal.py     the personal package
"""

from interview_srs.anki.build.personal import PersonalReport, build_personal
from interview_srs.anki.build.shared import BuildReport, DeckReport, build, stale_outputs
from interview_srs.anki.build.state import STATE_FILE, BuildError, read_state

__all__ = [
    "STATE_FILE",
    "BuildError",
    "BuildReport",
    "DeckReport",
    "PersonalReport",
    "build",
    "build_personal",
    "read_state",
    "stale_outputs",
]
