"""`srs check` through file views: the same problems and warnings as loading every card."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from interview_srs.bank import load as bank_load
from interview_srs.bank import check
from interview_srs.base.problems import CardsError
from interview_srs.bank.load import load_bank
from interview_srs.bank.check import check_cards
from interview_srs.bank.quality import content_warnings

TODAY = date(2026, 11, 23)

# Two files whose cards give every kind of warning across files: a repeated line, a
# near-duplicate question, a stale as_of.
FIRST = """\
deck: 面试::甲
cards:
  - id: a-retention
    question: 如何提升用户留存率并降低流失？
    outline: [同一句话出现在很多卡上, 二, 三]
  - id: a-stale
    question: 支付宝的产品矩阵有哪些？
    outline: [花呗, 借呗, 余额宝]
    as_of: 2020-01
"""
SECOND = """\
deck: 面试::乙
cards:
  - id: b-retention
    question: 如何提升用户留存率并降低流失率？
    outline: [同一句话出现在很多卡上, 二, 三]
  - id: b-other
    question: 讲一次跨部门协作的经历
    outline: [同一句话出现在很多卡上, 背景, 结果]
"""


@pytest.fixture
def bank(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "a.yaml").write_text(FIRST, "utf-8")
    (folder / "b.yaml").write_text(SECOND, "utf-8")
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    return Path("cards")


def expected(folder: Path) -> list[str]:
    """The warnings as loading every card gives them, without any cache."""
    return [str(w) for w in content_warnings(load_bank(folder, use_cache=False), TODAY)]


def checked(folder: Path, use_cache: bool = True) -> list[str]:
    return [str(w) for w in check_cards(folder, TODAY, use_cache).warnings]


def problems(call) -> list[str]:
    with pytest.raises(CardsError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def test_the_warnings_are_those_of_the_whole_bank_cold_warm_and_without_a_cache(bank):
    wanted = expected(bank)
    assert any("near-duplicate" in w for w in wanted) and any("same line" in w for w in wanted)
    assert any("as_of" in w for w in wanted)
    assert checked(bank, use_cache=False) == wanted
    assert checked(bank) == wanted  # cold: every view made and kept
    assert checked(bank) == wanted  # warm: every view read back
    report = check_cards(bank, TODAY)
    assert (report.cards, report.decks) == (4, 2)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("如何提升用户留存率并降低流失率？", "如何提升新用户的次日留存？"),  # a question: near-duplicates again
        ("[同一句话出现在很多卡上, 背景, 结果]", "[另一句话, 背景, 结果]"),  # a line: repeated lines again
        ("讲一次跨部门协作的经历", "讲一次跨部门协作的经历\n    as_of: 2019-05"),  # a date
        ("  - id: b-other", "  - id: b-moved-down\n    question: 新加的题？\n    outline: [一, 二, 三]\n  - id: b-other"),
    ],
    ids=["question", "line", "as-of", "card-added"],
)
def test_after_an_edit_the_warnings_are_those_of_the_edited_bank(bank, old, new):
    checked(bank)
    path = bank / "b.yaml"
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    wanted = expected(bank)
    assert checked(bank) == wanted
    assert checked(bank) == wanted


def test_retired_cards_are_counted_apart_cold_warm_and_after_an_edit(bank):
    path = bank / "b.yaml"
    path.write_text(SECOND + "  - id: b-gone\n    question: 已经不考的题？\n    retired: 已移到准备清单\n", "utf-8")
    for use_cache in (False, True, True):  # without the cache, then cold, then warm
        report = check_cards(bank, TODAY, use_cache)
        assert (report.cards, report.retired) == (4, 1)
    path.write_text(path.read_text("utf-8").replace("  - id: b-other\n", "  - id: b-other\n    retired: 合并了\n"), "utf-8")
    assert (check_cards(bank, TODAY).cards, check_cards(bank, TODAY).retired) == (3, 2)


def test_files_added_and_removed(bank):
    checked(bank)
    (bank / "c.yaml").write_text(FIRST.replace("面试::甲", "面试::丙").replace("id: a-", "id: c-"), "utf-8")
    assert checked(bank) == expected(bank)
    (bank / "a.yaml").unlink()
    assert checked(bank) == expected(bank)


def test_a_warm_check_parses_only_the_file_that_changed(bank, monkeypatch):
    checked(bank)
    path = bank / "b.yaml"
    path.write_text(path.read_text("utf-8").replace("讲一次", "说一次"), "utf-8")
    parsed = []
    parse = bank_load.parse_file
    monkeypatch.setattr(check, "parse_file", lambda data, p, *rest: parsed.append(p.name) or parse(data, p, *rest))
    assert checked(bank) == expected(bank)
    assert parsed == ["b.yaml"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda: "not json",
        lambda: '[["x"], 5]',
        lambda: '{"deck": "x"}',
        lambda: '{"deck": "d", "at": [1, 1], "ids": ["x"], "questions": ["q"], "as_of": ["soon"], "lines": [1], '
        '"columns": [1], "findings": [], "lines_hash": "h"}',
        lambda: '{"deck": "d", "at": [1, 1], "ids": ["x"], "questions": ["q"], "as_of": [""], "lines": [1], '
        '"columns": [1], "findings": [[3, "back", "m"]], "lines_hash": "h"}',
    ],
    ids=["not-json", "a-list", "no-columns", "unreadable-as-of", "finding-past-the-cards"],
)
def test_a_damaged_cache_is_never_trusted(bank, tmp_path, damage):
    wanted = expected(bank)
    checked(bank)
    for entry in (tmp_path / "cache").glob("??/*.json"):
        entry.write_text(damage(), "utf-8")
    assert checked(bank) == wanted
    assert checked(bank) == wanted


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("c.yaml", FIRST.replace("面试::甲", "面试::丙")),  # ids used again in another file
        ("c.yaml", SECOND.replace("id: b-", "id: c-")),  # the same deck as b.yaml
        ("c.yaml", "deck: 面试::丙\ncards:\n  - id: c-1\n    question: [not, text]\n"),  # a bad field
        ("a_b.yaml", SECOND.replace("面试::乙", "面试::丁").replace("id: b-", "id: d-")),  # no clash: a fine file
    ],
    ids=["duplicate-ids", "deck-clash", "bad-field", "fine"],
)
def test_problems_are_those_load_bank_finds_whichever_files_are_cached(bank, name, text):
    checked(bank)  # a.yaml and b.yaml now have cached views
    (bank / name).write_text(text, "utf-8")
    try:
        load_bank(bank, use_cache=False)
    except CardsError as error:
        assert problems(lambda: check_cards(bank, TODAY)) == [str(p) for p in error.problems]
    else:
        assert checked(bank) == expected(bank)


def test_an_unreadable_file_is_a_problem_not_a_crash(bank, monkeypatch):
    checked(bank)
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if p.name == "b.yaml" else real(p))
    assert problems(lambda: check_cards(bank, TODAY)) == ["cards/b.yaml:1:1: cannot read the file: Permission denied"]


def test_the_question_bank_checks_the_same_both_ways(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "cards", tmp_path / "cards")
    monkeypatch.setenv("SRS_CACHE_DIR", str(tmp_path / "cache"))
    wanted = expected(Path("cards"))
    assert checked(Path("cards")) == wanted
    assert checked(Path("cards")) == wanted
    report = check_cards(Path("cards"), TODAY)
    cards = [card for deck in load_bank(Path("cards"), use_cache=False).decks for card in deck.cards]
    assert report.retired == sum(1 for card in cards if card.retired) > 0
    assert report.cards == len(cards) - report.retired


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry["questions"].__setitem__(0, "\ud800？"),  # a lone surrogate: cannot be printed
        lambda entry: entry.update(lines_hash="lines:?"),
        lambda entry: entry.update({"for": "0" * 64}),  # an entry made for other bytes
        lambda entry: entry.pop("retired"),  # stored before retired cards were counted
        lambda entry: entry.update(retired=len(entry["ids"]) + 1),
        lambda entry: entry.update(retired="0"),
    ],
    ids=["lone-surrogate", "odd-lines-hash", "other-bytes", "no-retired-count", "too-many-retired", "retired-text"],
)
def test_a_view_that_is_not_exactly_as_stored_is_not_used(bank, tmp_path, damage):
    import hashlib
    import json

    from interview_srs.bank import parse_cache, quality

    wanted = expected(bank)
    checked(bank)
    digest = hashlib.sha256((bank / "b.yaml").read_bytes()).hexdigest()
    key = f"quality:{quality._version()}:{quality._view_key(digest)}"
    stored = parse_cache.load_value(key, tmp_path / "cache")
    assert stored is not None and stored["for"] == digest
    damage(stored)
    parse_cache.entry_path(key, tmp_path / "cache").write_text(json.dumps(stored), "utf-8")  # \\ud800 escaped
    assert checked(bank) == wanted


# -- any sequence of edits: the cached check is the fresh one ----------------------------------------

QUESTIONS = ["如何提升用户留存率？", "如何提升用户留存率并降低流失？", "讲一次跨部门协作", "支付宝有哪些产品？", "你为什么想加入我们？"]
LINES = ["同一句话出现在很多卡上", "先讲结论再讲过程", "用数据说话", "复盘", "背景"]


def card_text(card: dict) -> str:
    lines = [f"  - id: {card['id']}", f"    question: {card['question']}", "    outline:"]
    lines += [f"      - {line}" for line in card["outline"]]
    if card.get("as_of"):
        lines.append(f"    as_of: {card['as_of']}")
    return "\n".join(lines) + "\n"


STEPS = st.tuples(
    st.sampled_from(["question", "line", "as_of", "add", "remove", "break", "mend", "duplicate-id"]),
    st.integers(0, 1),  # which file
    st.integers(0, 20),
    st.integers(0, 20),
)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEPS, min_size=1, max_size=6))
def test_after_any_edits_the_cached_check_is_the_fresh_one(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("edits")
    folder = root / "cards"
    folder.mkdir()
    files = {
        name: [{"id": f"{name[0]}-{i}", "question": QUESTIONS[(i + k) % 5], "outline": [LINES[i % 5], LINES[(i + 1) % 5], "三"]}
               for i in range(3)]
        for k, name in enumerate(["a.yaml", "b.yaml"])
    }
    broken = set()

    def write() -> None:
        for name, cards in files.items():
            text = f"deck: 面试::{name[0]}\ncards:\n" + "".join(card_text(card) for card in cards)
            (folder / name).write_text(text + ("  - id: [broken\n" if name in broken else ""), "utf-8")

    previous = os.environ.get("SRS_CACHE_DIR")
    os.environ["SRS_CACHE_DIR"] = str(root / "cache")
    try:
        write()
        for step, (kind, which, i, j) in enumerate(steps):
            name = sorted(files)[which]
            cards = files[name]
            card = cards[i % len(cards)] if cards else None
            if kind == "question" and card:
                card["question"] = QUESTIONS[j % 5] + ("" if j < 10 else "吗？")
            elif kind == "line" and card:
                card["outline"][j % 3] = LINES[j % 5]
            elif kind == "as_of" and card:
                card["as_of"] = "" if j % 3 == 0 else ("2019-05" if j % 3 == 1 else "2026-10")
            elif kind == "add":
                cards.insert(i % (len(cards) + 1), {"id": f"{name[0]}-new-{step}", "question": QUESTIONS[j % 5], "outline": ["一", "二", "三"]})
            elif kind == "remove" and len(cards) > 1:
                cards.pop(i % len(cards))
            elif kind == "break":
                broken.add(name)
            elif kind == "mend":
                broken.discard(name)
            elif kind == "duplicate-id" and card:
                other = files[sorted(files)[1 - which]]
                if other:
                    card["id"] = other[j % len(other)]["id"]
            write()
            try:
                bank = load_bank(folder, use_cache=False)
            except CardsError as error:
                assert problems(lambda: check_cards(folder, TODAY)) == [str(p) for p in error.problems]
                continue
            wanted = [str(w) for w in content_warnings(bank, TODAY)]
            assert [str(w) for w in check_cards(folder, TODAY).warnings] == wanted
    finally:
        if previous is None:
            os.environ.pop("SRS_CACHE_DIR", None)
        else:
            os.environ["SRS_CACHE_DIR"] = previous


# -- any damage to any cached value: no crash ---------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, width=16) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), JSON), min_size=1, max_size=12))
def test_whatever_the_cache_holds_check_and_build_answer_or_fail_cleanly(tmp_path_factory, damage):
    """Every cached entry (parse, index, rendering, views, findings, packages, state copy), and
    one field in it, replaced by any JSON: `srs check` and `srs build` give their answer or a
    located error, never a crash."""
    import json

    from interview_srs.anki.build import BuildError, build

    root = tmp_path_factory.mktemp("damaged")
    folder = root / "cards"
    folder.mkdir()
    (folder / "a.yaml").write_text(FIRST, "utf-8")
    (folder / "b.yaml").write_text(SECOND, "utf-8")
    previous = os.environ.get("SRS_CACHE_DIR")
    os.environ["SRS_CACHE_DIR"] = str(root / "cache")
    try:
        check_cards(folder, TODAY)
        build(folder, root / "decks", now=1_760_000_000)
        (folder / "b.yaml").write_text(SECOND.replace("讲一次", "说一次"), "utf-8")  # so a file is parsed again
        entries = sorted((root / "cache").rglob("*.json"))
        for which, field, value in damage:
            entry = entries[which % len(entries)]
            try:
                stored = json.loads(entry.read_text("utf-8"))
            except ValueError:
                stored = None
            if isinstance(stored, dict) and stored:
                stored[sorted(stored)[field % len(stored)]] = value  # one field: the rest still looks right
            else:
                stored = value
            entry.write_text(json.dumps(stored), "utf-8")
        try:
            check_cards(folder, TODAY)
        except CardsError:
            pass
        try:
            build(folder, root / "decks", now=1_760_000_100)
        except (BuildError, CardsError):
            pass
    finally:
        if previous is None:
            os.environ.pop("SRS_CACHE_DIR", None)
        else:
            os.environ["SRS_CACHE_DIR"] = previous
