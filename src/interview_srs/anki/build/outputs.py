"""Writing the packages of a plan: side by side on threads, each patched from the previous one
where the package cache (cache.py) still has its collection, else written afresh.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from interview_srs.anki.build import apkg, cache
from interview_srs.anki.build.files import file_sha, recorded_package_sha, safe_output_path
from interview_srs.anki.build.index import Index
from interview_srs.anki.build.plan import BuildPlan, Placed, PlannedOutput
from interview_srs.anki.build.state import BuildError, BuildState
from interview_srs.bank.card_paths import COMBINED_STEM, package_name
from interview_srs.base.output_set import OutputSet


def write_outputs(
    plan: BuildPlan,
    state: BuildState,
    out_dir: Path,
    files: OutputSet,
    index: Index,
    patch: bool,
    early: EarlyCopy,
    meanwhile,
) -> tuple[dict[str, dict[str, str]], dict[str, apkg.Written], Any]:
    """Write every package whose inputs changed to a temporary file of `files`; returns the
    outputs' record for the build state, the packages written, and what `meanwhile()` returned:
    work done on this thread while the packages are written on others."""
    package_sha: dict[str, str] = {}  # output name -> sha256 of the package it will be
    jobs = []
    for output in plan.outputs:
        target = safe_output_path(out_dir, output.name)
        previous = state.outputs.get(output.name, {})
        sha = recorded_package_sha(target, previous)
        if sha is not None and previous.get("inputs") == output.inputs_hash and state.writer == apkg.WRITER_FORMAT:
            package_sha[output.name] = sha
            continue
        temporary = files.temporary(target, f".{Path(output.name).stem}-", apkg.TEMP_PACKAGE_SUFFIX)
        base = early.base_for(output.name, target, sha) if patch and sha is not None else None
        if base is not None and (base.note_type_mod, base.decks) != (plan.note_type.mod, output.deck_names):
            base = None
        jobs.append((output, temporary, base))
    rows = NoteRows(index)

    def write(
        output: PlannedOutput, temporary: Path, base: cache.Base | None
    ) -> tuple[apkg.Written, str]:
        if base is not None:
            package = apkg.patch_package_to(
                temporary, base.previous, base.notes, list(output.decks), rows.row, keep_collection=patch,
                copy=early.take(base),  # taken here, so that a copy no writer took is removed
            )
        else:
            decks = [apkg.DeckContent(name, map(rows.row, notes)) for name, notes in output.decks]
            package = apkg.write_package_to(temporary, decks, plan.note_type.mod, keep_collection=patch)
        return package, file_sha(temporary)

    # sqlite, zlib and hashlib release the GIL, so packages are written and hashed side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = [(output, pool.submit(write, output, temporary, base)) for output, temporary, base in jobs]
        done_meanwhile = meanwhile()
    failures = [future.exception() for _output, future in futures if future.exception()]
    if failures:
        for _output, future in futures:  # the collections the others were to keep
            if not future.exception():
                future.result()[0].collection.unlink(missing_ok=True)
        raise failures[0]
    written = {}
    for output, future in futures:
        written[output.name], package_sha[output.name] = future.result()
    outputs = {
        # "deck": what `srs build` tells the user to import, without opening the package again
        output.name: {"inputs": output.inputs_hash, "sha256": package_sha[output.name], "deck": output.label}
        for output in plan.outputs
    }
    return outputs, written, done_meanwhile


class EarlyCopy:
    """The collection of the package that holds every deck, copied for patching while the bank
    is read and planned.

    Every rebuild that changes a card patches that package, and copying its collection first
    (20 MB for 10,000 cards) was the longest step of a one-edit rebuild's writing. The copy runs
    on a thread (it waits on the disk, not the interpreter) and, if the package turns out not to
    need it, is removed.
    """

    def __init__(self, out_dir: Path, state: BuildState, patch: bool):
        self.name = package_name(COMBINED_STEM)
        self.sha: str | None = None  # of the package copied from
        self.base: cache.Base | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._copy = None  # the future copy
        if not patch:
            return
        try:
            target = safe_output_path(out_dir, self.name)
            self.sha = recorded_package_sha(target, state.outputs.get(self.name, {}))
        except (OSError, BuildError):  # said when the package is written, if it matters then
            return
        self.base = cache.base_for(target, self.sha) if self.sha is not None else None
        if self.base is None:
            return
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._copy = self._pool.submit(apkg.copy_collection, self.base.previous, cache.folder())

    def __enter__(self) -> EarlyCopy:
        return self

    def base_for(self, name: str, target: Path, sha: str) -> cache.Base | None:
        """cache.base_for, without reading the combined package's record again."""
        if name == self.name and sha == self.sha and self.base is not None:
            return self.base
        return cache.base_for(target, sha)

    def take(self, base: cache.Base | None) -> Path | None:
        """The copy, when `base` is the one copied and the copy worked; the caller then owns the
        file. Called by the writing threads: only the one writing the package copied from takes it."""
        if self._copy is None or base is None or base is not self.base:
            return None
        copy, self._copy = self._copy, None
        try:
            return copy.result()
        except OSError:
            return None  # the writer copies it again, and says why if that fails too

    def __exit__(self, *exc) -> None:
        if self._copy is not None:  # not taken: remove it
            try:
                self._copy.result().unlink(missing_ok=True)
            except OSError:
                pass
        if self._pool is not None:
            self._pool.shutdown()


def keep_collections(
    out_dir: Path,
    plan: BuildPlan,
    state: BuildState,
    outputs: dict[str, dict[str, str]],
    written: dict[str, apkg.Written],
    patch: bool,
) -> None:
    """Hand the collections of the packages just written to the cache, in place of the old ones."""
    if not patch:
        return
    by_name = {output.name: output for output in plan.outputs}
    for name, package in written.items():
        cache.keep(
            outputs[name]["sha256"], package, by_name[name].deck_names, plan.note_type.mod, out_dir / name
        )
        replaced = state.outputs.get(name, {}).get("sha256")
        if replaced and replaced != outputs[name]["sha256"]:
            cache.forget(replaced)
    cache.prune()


class NoteRows:
    """Notes as they go into a package, read a file at a time (Index.notes_of).

    A package lists its notes file by file, so each writing thread keeps the notes of the file
    it is in: a large first build holds a file's notes per thread, not every note."""

    def __init__(self, index: Index):
        self.index = index
        self.current = threading.local()

    def row(self, note: Placed) -> apkg.NoteRow:
        current = self.current
        if getattr(current, "home", None) != note.home:
            current.notes = self.index.notes_of(self.index.files[note.home])
            current.home = note.home
        rendered = current.notes[note.row]
        return apkg.NoteRow(rendered.guid, rendered.flds, rendered.tags, note.mod)
