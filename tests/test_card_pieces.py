"""Parsing only the changed cards of a file gives exactly what parsing the whole file gives."""

from __future__ import annotations

import pytest

import hashlib

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from interview_srs.bank import card_pieces, parse_cache
from interview_srs.bank.parse import parse_deck_file
from interview_srs.bank.load import parse_file

PLAIN = st.text(alphabet="面试题ab-!?,", min_size=1, max_size=10).filter(lambda t: t[0] not in "-!?,")
QUOTED = st.text(alphabet="面试题ab :#-[]{}|>!&*?,", min_size=1, max_size=10)
ANY = st.text(alphabet="面试题ab :#-'\"[]{}|>\\!&*?,", min_size=1, max_size=10)


@st.composite
def value(draw, valid: bool = True) -> list[str]:
    """One value in one of YAML's styles; with `valid=False`, any text, so errors are compared too."""
    text = draw(QUOTED if valid else ANY)
    style = draw(st.sampled_from(["plain", "double", "single", "literal", "folded", "flow"]))
    if style == "double":
        return [f'"{text}"']
    if style == "single":
        return [f"'{text}'"]
    if style in ("literal", "folded"):
        return ["|" if style == "literal" else ">", f"      {text}", f"      {draw(QUOTED if valid else ANY)}"]
    if style == "flow":
        return [f"[{draw(PLAIN if valid else ANY)}, {draw(PLAIN if valid else ANY)}]"]
    return [draw(PLAIN) if valid else text]


@st.composite
def card(draw, name: str, valid: bool = True) -> list[str]:
    lines = [f"  - id: {name}"]
    keys = ["question", "outline"] + draw(st.lists(st.sampled_from(["assesses", "example", "pitfalls"]), unique=True))
    if not valid:
        keys += draw(st.lists(st.sampled_from(["bogus", "question", "star"]), max_size=1))
    for key in keys:
        first, *rest = draw(value(valid))
        if key in ("outline", "pitfalls") and not first.startswith("["):
            lines += [f"    {key}:", f"      - {first}", *("  " + line for line in rest)]
        elif first.startswith("[") and key not in ("outline", "pitfalls") and valid:
            lines += [f"    {key}: {draw(PLAIN)}"]
        else:
            lines += [f"    {key}: {first}", *rest]
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["", "# 注释", "  # 注释", "      # 注释", "    "])))
    return lines


@st.composite
def card_file(draw) -> tuple[list[str], list[list[str]]]:
    header = ["deck: 面试::片段", "tags: [甲]"]
    if draw(st.booleans()):
        header.append("# 文件注释")
    return header + ["cards:"], [draw(card(f"card-{n}")) for n in range(draw(st.integers(1, 6)))]


def joined(header: list[str], cards: list[list[str]]) -> str:
    return "\n".join(header + [line for lines in cards for line in lines]) + "\n"


@st.composite
def edit(draw, header: list[str], cards: list[list[str]]) -> str:
    """The file after a curator's edits: cards rewritten (now and then into invalid YAML), added,
    removed or swapped, comments added; or a few characters changed anywhere."""
    cards = list(cards)
    for step in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["rewrite", "rewrite", "add", "remove", "swap", "comment", "broken", "characters"]))
        where = draw(st.integers(0, len(cards) - 1))
        if kind == "rewrite":
            cards[where] = draw(card(cards[where][0].split(": ", 1)[1]))
        elif kind == "broken":
            cards[where] = draw(card(cards[where][0].split(": ", 1)[1], valid=False))
        elif kind == "add":
            cards.insert(where, draw(card(f"new-{step}")))
        elif kind == "remove" and len(cards) > 1:
            cards.pop(where)
        elif kind == "swap":
            other = draw(st.integers(0, len(cards) - 1))
            cards[where], cards[other] = cards[other], cards[where]
        elif kind == "comment":
            cards[where] = cards[where] + [draw(st.sampled_from(["# 注", "", "  # 注"]))]
    text = joined(header, cards)
    if kind == "characters":
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text)))
            if draw(st.booleans()):
                text = text[:at] + draw(st.sampled_from(["改", " ", "\n", "- ", '"', "#", ":", "\n  - id: x\n    question: 新？"])) + text[at:]
            else:
                text = text[:at] + text[at + draw(st.integers(1, 4)):]
    return text


def parse_whole(text: str, path: Path):
    return parse_deck_file(text.encode("utf-8"), path, "f.yaml")


@pytest.mark.slow("hypothesis: many edited card files, each parsed twice (by pieces and whole)")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_a_file_parsed_by_its_changed_cards_is_the_file_parsed_whole(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("cache")
    path = folder / "f.yaml"
    header, cards = data.draw(card_file())
    before = joined(header, cards)
    assume(parse_file(before.encode("utf-8"), path, "f.yaml", folder)[1] == [])  # remembered
    after = data.draw(edit(header, cards))
    whole = parse_whole(after, path)
    assert parse_file(after.encode("utf-8"), path, "f.yaml", folder) == whole
    # and what was stored for it is that parse too, for the next edit to build on
    stored = parse_cache.load(hashlib.sha256(after.encode("utf-8")).hexdigest(), path, "f.yaml", folder)
    assert stored == (whole[0] if not whole[1] else None)


def test_an_edit_to_one_card_composes_only_that_card(tmp_path, monkeypatch):
    import yaml

    cards = "".join(f"  - id: c-{n}\n    question: 第{n}题？\n    outline: [要点{n}]\n" for n in range(50))
    before = f"deck: 面试::片段\ncards:\n{cards}"
    path = tmp_path / "f.yaml"
    parse_file(before.encode("utf-8"), path, "f.yaml", tmp_path)
    after = before.replace("第7题？", "第七题？")
    composed = []
    real = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda text, **k: composed.append(text) or real(text, **k))
    deck, problems = parse_file(after.encode("utf-8"), path, "f.yaml", tmp_path)
    assert [text for text in composed if "id:" in text] == ["  - id: c-7\n    question: 第七题？\n    outline: [要点7]\n"]
    assert problems == [] and deck == parse_whole(after, path)[0]
    assert deck.cards[7].question == "第七题？" and deck.cards[8].location.line == 2 + 8 * 3 + 1


def test_a_card_moved_to_another_line_keeps_its_content_and_gets_its_new_line(tmp_path):
    cards = [f"  - id: c-{n}\n    question: 第{n}题？\n    outline: [要点{n}]\n" for n in range(4)]
    path = tmp_path / "f.yaml"
    parse_file(("deck: 面试::片段\ncards:\n" + "".join(cards)).encode("utf-8"), path, "f.yaml", tmp_path)
    moved = "deck: 面试::片段\n# 新注释\ncards:\n" + "".join(reversed(cards))
    assert parse_file(moved.encode("utf-8"), path, "f.yaml", tmp_path) == parse_whole(moved, path)


def test_layouts_it_does_not_know_are_parsed_whole():
    assert card_pieces.split("deck: x\ncards:\n  - id: a\n") is not None
    for text in [
        "deck: x\ncards:\n  - id: a\ndocuments: ['000']\n",  # a key after the cards
        "deck: x\ncards: []\n",
        "deck: x\r\ncards:\r\n  - id: a\r\n",
        "---\ndeck: x\ncards:\n  - id: a\n",
        "deck: x\ncards:\n  -\n    id: a\n",
        "deck: x\ncards:\n  - id: a\ncards:\n  - id: b\n",
    ]:
        assert card_pieces.split(text) is None, text


def test_a_cache_entry_without_runs_is_no_help_but_no_harm(tmp_path):
    path = tmp_path / "f.yaml"
    assert parse_cache.latest_runs(path, tmp_path) == {}
    text = "deck: 面试::片段\ncards:\n  - id: a\n    question: 问？\n    outline: [点]\n"
    parse_file(text.encode("utf-8"), path, "f.yaml", tmp_path)
    assert len(parse_cache.latest_runs(path, tmp_path)) == 1


def test_a_damaged_earlier_parse_falls_back_to_parsing_the_whole_file(tmp_path):
    import json

    path = tmp_path / "f.yaml"
    text = "deck: 面试::片段\ncards:\n  - id: a\n    question: 问？\n    outline: [点]\n  - id: b\n    question: 二？\n    outline: [点]\n"
    parse_file(text.encode("utf-8"), path, "f.yaml", tmp_path)
    key = parse_cache.load_value(parse_cache._latest_key(path), tmp_path)
    entry = parse_cache.load_value(key, tmp_path)
    for damage in ({"id": "a", "question": 5, "at": [3, 5]}, [1, 2], {"at": "x"}, {"id": "a", "question": "问？", "at": [3, 5], "star": 3}):
        entry["cards"][0] = damage
        parse_cache.entry_path(key, tmp_path).write_text(json.dumps(entry), "utf-8")
        edited = text.replace("二？", "第二？")
        assert parse_file(edited.encode("utf-8"), path, "f.yaml", tmp_path) == parse_whole(edited, path)
        parse_file(text.encode("utf-8"), path, "f.yaml", tmp_path)  # remembered again, then damaged again
        key = parse_cache.load_value(parse_cache._latest_key(path), tmp_path)
        entry = parse_cache.load_value(key, tmp_path)


def line_by_line_split(text: str):
    """What `split` finds, worked out the plain way, one line at a time: (where the header
    ends, where each run starts, the line each starts on), or None."""
    if any(mark in text for mark in "\r\x85\u2028\u2029") or text.startswith(("---", "...", "%")):
        return None
    lines = text.split("\n")
    if any(line.startswith(("---", "...", "%")) for line in lines[1:]):
        return None
    headers = [n for n, line in enumerate(lines) if line.rstrip(" ") == "cards:"]
    if len(headers) != 1:
        return None
    starts_at = [sum(len(line) + 1 for line in lines[:n]) for n in range(len(lines))]
    content = [n for n in range(headers[0] + 1, len(lines)) if lines[n].lstrip(" ")[:1] not in ("", "#")]
    if not content:
        return None
    indent = len(lines[content[0]]) - len(lines[content[0]].lstrip(" "))
    items = []
    for n in content:
        depth = len(lines[n]) - len(lines[n].lstrip(" "))
        if depth < indent or (depth == indent and not lines[n][indent:].startswith("- ")):
            return None
        if depth == indent:
            items.append(n)
    if items[0] != content[0]:
        return None
    return starts_at[headers[0] + 1], tuple(starts_at[n] for n in items), tuple(items)


LINES = ["deck: x", "cards:", "cards: ", "cards: []", "  - id: a", "    q: 1", "    - x", "  # c", "# c", "", " ",
         "- id: z", "  x: 1", "\ttab", " cards:", "  -id", "  - ", "   - id: e", "---", "...x"]


@settings(max_examples=3000, deadline=None, database=None)
@given(st.lists(st.sampled_from(LINES), max_size=10), st.booleans())
def test_split_finds_the_runs_a_line_by_line_reading_finds(lines, final_break):
    text = "\n".join(lines) + ("\n" if final_break else "")
    pieces = card_pieces.split(text)
    found = None if pieces is None else (pieces.header_end, pieces.offsets, pieces.starts)
    assert found == line_by_line_split(text)
