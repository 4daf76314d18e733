"""The curated bank in cards/: complete, clean, and compiled into the committed decks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interview_srs.anki.build import stale_outputs
from interview_srs.bank.load import load_bank
from interview_srs.bank.quality import content_warnings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents (../shared/seeds) not beside this checkout")


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


def numbered_in_section(text: str, heading: str) -> list[int]:
    section = text.split(heading, 1)[1].split("\n# ", 1)[0]
    return [int(n) for n in re.findall(r"^(\d+)\. ", section, re.MULTILINE)]


def expected_references() -> set[str]:
    """Every interview question in the five documents, as the reference a card must carry."""
    refs: set[str] = set()
    ant = seed_text("000")
    refs |= {f"000#{n}" for n in numbered_in_section(ant, "# 面试题目")}
    refs |= {f"000#e{n}" for n in numbered_in_section(ant, "# 面试经验")}
    guide = seed_text("001")
    refs |= {f"001#{label}" for label in re.findall(r"^(\S[^\n:]*?) :", guide, re.MULTILINE)}
    service = seed_text("002")
    refs |= {f"002#{n}" for n in re.findall(r"^问题(\d+)[:：]", service, re.MULTILINE)}
    xhs = seed_text("003")
    part = 0
    for line in xhs.splitlines():
        if line.startswith(("第一部分", "第二部分", "第三部分", "面试尾声")):
            part += 1
        match = re.match(r"^  (\d+)\. ", line)
        if match and part:
            refs.add(f"003#{part}.{match.group(1)}")
    if "最后的小贴士" in xhs:
        refs.add("003#tips")
    kuaishou = seed_text("004")
    refs |= {f"004#{n}" for n in re.findall(r"^#### (\d+)\.", kuaishou, re.MULTILINE)}
    return refs


def referenced() -> set[str]:
    """What the cards say a document asked (`sources`); `related` references do not count."""
    return {source for _, card in load_bank(REPO / "cards").cards() for source in card.sources}


def related() -> set[str]:
    return {reference for _, card in load_bank(REPO / "cards").cards() for reference in card.related}


def seed_items() -> dict[str, str]:
    """The text of every item a reference can name, by reference."""
    items = {}
    ant = seed_text("000")
    for heading, prefix in (("# 面试题目", ""), ("# 面试经验", "e")):
        section = ant.split(heading, 1)[1].split("\n# ", 1)[0]
        items |= {f"000#{prefix}{n}": text for n, text in re.findall(r"^(\d+)\. (.*)$", section, re.MULTILINE)}
    items |= {f"001#{label}": label + text for label, text in re.findall(r"^(\S[^\n:]*?) :(.*)$", seed_text("001"), re.MULTILINE)}
    items |= {f"002#{n}": text for n, text in re.findall(r"^问题(\d+)[:：](.*)$", seed_text("002"), re.MULTILINE)}
    part = 0
    for line in seed_text("003").splitlines():
        if line.startswith(("第一部分", "第二部分", "第三部分", "面试尾声")):
            part += 1
        match = re.match(r"^  (\d+)\. (.*)", line)
        if match and part:
            items[f"003#{part}.{match.group(1)}"] = match.group(2)
    items |= {f"004#{n}": text for n, text in re.findall(r"^#### (\d+)\.(.*)$", seed_text("004"), re.MULTILINE)}
    return items


def provenance() -> dict[tuple[str, str], str]:
    """The curators' verdict on each (card, reference): asked or related (docs/provenance/)."""
    verdicts = {}
    for table in sorted((REPO / "docs" / "provenance").glob("*.tsv")):
        for line in table.read_text("utf-8").splitlines()[1:]:
            card_id, reference, verdict, _reason = line.split("\t", 3)
            verdicts[(card_id, reference)] = verdict
    return verdicts


def shared_words(a: str, b: str) -> float:
    """The share of the shorter text's Chinese character pairs that the other text holds too."""
    pairs = [{text[i:i + 2] for i in range(len(text) - 1)} for text in (re.sub(r"[\W\da-zA-Z_]+", "", a), re.sub(r"[\W\da-zA-Z_]+", "", b))]
    return len(pairs[0] & pairs[1]) / max(1, min(map(len, pairs)))


# Asked in other words: the card's question shares almost no characters with the cited item.
ASKED_IN_OTHER_WORDS = {
    ("ant-city-preference", "000#e31"): "the note lists the questions asked: 职业规划、base地考量、抗压案例",
    ("ant-stress-resilience", "000#e31"): "the same list: 抗压案例",
    ("open-career-plan", "000#e31"): "the same list: 职业规划",
    ("ant-stress-resilience", "000#e42"): "the note records the 抗压测试 asked",
    ("open-why-leave", "000#e57"): "为何不转正之前的实习单位 asks why the candidate left",
    ("ant-resume-metrics-drilldown", "000#e15"): "the leader asked for the metrics' definitions and calculation",
}


CHECKLIST = REPO / "docs" / "prep-checklist.md"


def checklist_items(text: str) -> list[tuple[str, list[str]]]:
    """Each list item of the prep checklist with the backticked source references it ends with."""
    items = []
    for line in text.splitlines():
        if line.startswith("- "):
            body = line.rstrip()
            refs = []
            while (match := re.search(r"\s*`([^`]+)`$", body)):
                refs.insert(0, match.group(1))
                body = body[: match.start()]
            items.append((body, refs))
    return items


def checklist_references() -> set[str]:
    """Prep advice that left the decks still counts as covering its source (see docs/prep-checklist.md)."""
    return {ref for _, refs in checklist_items(CHECKLIST.read_text("utf-8")) for ref in refs}


def test_checklist_items_are_read_with_the_references_they_end_with():
    text = "# t\n\n## s\n\n- [ ] 练 `x` 的结构。 `001#a` `003#tips`\n- 没有引用\n不是条目 `002#1`\n"
    assert checklist_items(text) == [("- [ ] 练 `x` 的结构。", ["001#a", "003#tips"]), ("- 没有引用", [])]


def test_every_checklist_item_names_its_source():
    assert [body for body, refs in checklist_items(CHECKLIST.read_text("utf-8")) if not refs] == []


@needs_seeds
def test_the_parsers_find_every_numbered_item():
    refs = expected_references()
    counts = {doc: sum(r.startswith(doc + "#") for r in refs) for doc in ("000", "001", "002", "003", "004")}
    # 63 questions + 60 notes; 15 topics; 7 questions; 3+3+3+4 questions + tips; 30 questions.
    assert counts == {"000": 123, "001": 15, "002": 7, "003": 14, "004": 30}


@needs_seeds
def test_every_source_question_is_on_a_card_or_the_prep_checklist():
    missing = sorted(expected_references() - referenced() - checklist_references())
    assert missing == []


@needs_seeds
def test_every_reference_on_the_prep_checklist_points_at_a_real_question():
    assert sorted(checklist_references() - expected_references()) == []


@needs_seeds
def test_every_reference_on_a_card_points_at_a_real_question():
    unknown = (referenced() | related()) - expected_references()
    assert sorted(r for r in unknown if r[:3] in {"000", "001", "002", "003", "004"}) == []


def test_every_card_names_where_it_comes_from():
    cards = [card for _, card in load_bank(REPO / "cards").cards() if not card.retired]
    assert [card.id for card in cards if not card.sources + card.related] == []


def test_every_reference_has_the_curators_verdict_and_the_card_follows_it():
    verdicts = provenance()
    disagree = [
        (card.id, reference, field)
        for _, card in load_bank(REPO / "cards").cards()
        for field, references in (("asked", card.sources), ("related", card.related))
        for reference in references
        if verdicts.get((card.id, reference)) != field
    ]
    assert disagree == []


@needs_seeds
def test_a_cited_question_asks_what_the_card_asks():
    items = seed_items()
    unlike = [
        (card.id, reference, round(shared_words(card.question, items[reference]), 2))
        for _, card in load_bank(REPO / "cards").cards()
        for reference in card.sources
        if reference in items and (card.id, reference) not in ASKED_IN_OTHER_WORDS
        and shared_words(card.question, items[reference]) < 0.1
    ]
    assert unlike == []


def test_the_curated_bank_has_no_warnings():
    assert [str(w) for w in content_warnings(load_bank(REPO / "cards"))] == []


def test_the_committed_decks_are_built_from_the_current_cards():
    assert stale_outputs(REPO / "cards", REPO / "decks") == []
