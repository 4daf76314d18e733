"""The plan (anki/build/plan.py): package inputs hashed as the committed decks record them."""

from __future__ import annotations

from pathlib import Path

from interview_srs.anki.build.files import source_hashes
from interview_srs.anki.build.index import load_index
from interview_srs.anki.build.plan import plan_build
from interview_srs.anki.build.state import read_state


def test_the_committed_decks_are_up_to_date_by_the_inputs_they_record():
    """Every package's inputs are hashed as the build that wrote decks/ hashed them: a change in
    how would make every curator's next build rewrite every package."""
    repo = Path(__file__).resolve().parents[2]
    state = read_state(repo / "decks")
    index = load_index(repo / "cards", source_hashes(repo / "cards"))
    plan = plan_build(index.files, state, now=max(s.mod for s in state.notes.values()) + 1)
    assert {o.name: o.inputs_hash for o in plan.outputs} == {name: r["inputs"] for name, r in state.outputs.items()}
