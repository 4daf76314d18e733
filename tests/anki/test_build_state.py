"""The build state (anki/build/state.py): its file, read back or refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.anki.build import state as build_state
from interview_srs.anki.build.shared import build
from interview_srs.anki.build.state import BuildError, BuildState, Stamp, json_text, read_state, state_text
from interview_srs.cli import cli

from build_helpers import T0


def test_state_file_is_readable_json_with_a_format_version(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    data = json.loads((out / "build-state.json").read_text("utf-8"))
    assert data["format"] == 1
    assert set(data["notes"]) == {"ant-biggest-challenge", "ant-mob1-3", "xhs-abusive-user"}
    (out / "build-state.json").write_text('{"format": 99}', "utf-8")
    with pytest.raises(BuildError, match="cannot read the build state"):
        read_state(out)


def test_the_state_file_is_written_exactly_as_indented_json(tmp_path):
    committed = read_state(Path(__file__).resolve().parents[2] / "decks")
    odd = BuildState(note_type=Stamp("h", 1), notes={'引号"\\\\ id': Stamp("x\u2028", 2)}, outputs={}, sources={})
    for state in (committed, BuildState(), odd):
        assert state_text(state) == json.dumps(state.to_dict(), ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "expected a JSON object, got a list"),
        ('{"format": 1, "notes": []}', "notes: expected a JSON object, got a list"),
        ('{"format": 1, "notes": {"a": {"hash": 1, "mod": 2}}}', 'notes.a: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "notes": {"a": {"hash": "x", "mod": 1e300}}}', 'notes.a: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "notes": {"a": {"hash": "x", "mod": 99999999999999999999999}}}', 'notes.a: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "note_type": "x"}', 'note_type: expected {"hash": text, "mod": seconds}'),
        ('{"format": 1, "outputs": {"a.apkg": [1]}}', "outputs.a.apkg: expected an object of texts"),
        ('{"format": 1, "sources": {"a.yaml": 5}}', "sources: expected an object of texts"),
        ('{"format": 1, "writer": "1"}', "writer: expected a format number"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": 1', "Expecting ',' delimiter: line 1 column 13 (char 12)"),
        (b"\xff\xfe", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        (None, "Is a directory"),
    ],
    ids=["list", "notes-list", "hash-number", "mod-float", "mod-huge", "note-type-text", "outputs", "sources", "writer",
         "deep", "truncated", "not-utf8", "directory"],
)
def test_a_damaged_build_state_is_one_located_line(cards_dir, tmp_path, content, reason):
    out = tmp_path / "out"
    out.mkdir()
    state = out / "build-state.json"
    if content is None:
        state.mkdir()
    else:
        state.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--out", str(out)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output == (
        f"Error: {state}: cannot read the build state ({reason}); restore it from git, or delete it to "
        "rebuild every deck (all notes then get new modification times)\n"
    )


@pytest.mark.parametrize("value", ["soon", "-5", "1e10", "9" * 30, "１２３"])
def test_a_bad_source_date_epoch_is_one_line(cards_dir, tmp_path, value):
    result = CliRunner().invoke(cli, ["build", "--cards", str(cards_dir), "--out", str(tmp_path / "out")],
                                env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: SOURCE_DATE_EPOCH='{value}' is not a time: give whole seconds since 1970")
    assert not (tmp_path / "out").exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


STATE_KEYS = st.sampled_from(["format", "note_type", "notes", "outputs", "sources", "writer"])


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(JSON, st.dictionaries(STATE_KEYS, JSON).map(lambda d: {"format": 1, **d})))
def test_any_json_in_the_build_state_is_read_or_refused_with_build_error(tmp_path, data):
    folder = tmp_path / "state"
    folder.mkdir(exist_ok=True)
    (folder / "build-state.json").write_text(json.dumps(data), "utf-8")
    try:
        state = read_state(folder)
    except BuildError as error:
        assert "\n" not in str(error)
        return
    assert all(isinstance(stamp.mod, int) for stamp in state.notes.values())


@settings(max_examples=500)
@given(st.text())
def test_json_text_is_json_dumps(text):
    assert json_text(text) == json.dumps(text)
    assert json_text(text, ensure_ascii=False) == json.dumps(text, ensure_ascii=False)


def test_the_state_is_read_from_its_compact_copy_only_while_the_file_is_unchanged(cards_dir, tmp_path):
    out = tmp_path / "out"
    build(cards_dir, out, now=T0)
    path = out / "build-state.json"
    from_file = BuildState.from_dict(json.loads(path.read_text("utf-8")))
    assert build_state._known_state(path) == from_file == read_state(out)
    # the file replaced (as by `git checkout`): its text is read, whatever the copy says
    text = path.read_text("utf-8").replace(f'"mod": {T0}', f'"mod": {T0 - 5}')
    path.write_text(text, "utf-8")
    assert build_state._known_state(path) is None
    assert {s.mod for s in read_state(out).notes.values()} == {T0 - 5}
    # a damaged copy is no help and no harm
    build(cards_dir, out, now=T0 + 1)
    from interview_srs.bank import parse_cache

    key = build_state._state_key(path)
    copy = parse_cache.load_value(key, parse_cache.cache_dir())
    parse_cache.store_value(key, {**copy, "mods": copy["mods"][:-1]}, parse_cache.cache_dir())
    assert build_state._known_state(path) is None
    assert read_state(out) == BuildState.from_dict(json.loads(path.read_text("utf-8")))
