"""Content warnings: long backs and examples, outline sizes, and near-duplicate questions."""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_srs.bank import near_duplicates
from interview_srs.bank.model import Bank, Card, DeckFile, Followup, Star
from interview_srs.base.problems import Location
from interview_srs.bank.load import load_bank
from interview_srs.bank.quality import content_warnings, near_duplicate_warnings

SHOWN = "cards/a.yaml"


# --------------------------------------------------------------------------- helpers


def card(card_id: str, line: int = 3, question: str = "问题？", **fields) -> Card:
    if "star" not in fields and "outline" not in fields:
        fields["outline"] = ("要点一", "要点二", "要点三")
    if "star" in fields:  # a STAR card without follow-ups has its own warning, tested below
        fields.setdefault("followups", (Followup("追问一？", "提示一"), Followup("追问二？", "提示二")))
    return Card(id=card_id, question=question, location=Location(SHOWN, line, 5), **fields)


def bank_of(*cards: Card) -> Bank:
    deck = DeckFile(Path(SHOWN), SHOWN, "面试::测试", tuple(cards), Location(SHOWN, 1, 7))
    return Bank((deck,))


def bank_of_questions(questions: list[str]) -> Bank:
    """One card per question, ids q0, q1, … in order."""
    return bank_of(*(card(f"q{i}", i + 3, question) for i, question in enumerate(questions)))


def warnings_of(bank: Bank) -> list[str]:
    return [str(w) for w in content_warnings(bank)]


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


# --------------------------------------------------------------------------- length of the back


@pytest.mark.parametrize(
    "make",
    [
        # outline only: 3 points of 150 = 450
        lambda extra: card("long-back", outline=("甲" * 150, "乙" * 150, "丙" * (150 + extra))),
        # star parts + assesses + pitfalls: 100 + 100 + (50 + 50) + 100 + 30 + 20 = 450;
        # question, example and tags are not part of the back.
        lambda extra: card(
            "long-back",
            question="问" * 500,
            star=Star(
                situation=("情" * 100,),
                task=("任" * 100,),
                action=("行" * 50, "动" * 50),
                result=("果" * 100,),
            ),
            assesses="考" * 30,
            pitfalls=("坑" * (20 + extra),),
            example="例" * 300,
            tags=("标签" * 100,),
        ),
    ],
    ids=["outline", "star"],
)
def test_back_length_boundary(make):
    assert warnings_of(bank_of(make(0))) == []
    assert warnings_of(bank_of(make(1))) == [
        "cards/a.yaml:3:5: warning: card long-back: back: 451 characters; "
        "keep it under 450 so it reads in a minute"
    ]


def test_example_length_boundary():
    assert warnings_of(bank_of(card("long-example", example="例" * 300))) == []
    assert warnings_of(bank_of(card("long-example", example="例" * 301))) == [
        "cards/a.yaml:3:5: warning: card long-example: example: 301 characters; "
        "condense it to under 300"
    ]


@pytest.mark.parametrize("points", [3, 4, 7])
def test_outline_with_3_to_7_points_is_fine(points):
    assert warnings_of(bank_of(card("outline-ok", outline=tuple(f"要点{i}" for i in range(points))))) == []


@pytest.mark.parametrize("points", [1, 2, 8])
def test_outline_with_too_few_or_too_many_points(points):
    assert warnings_of(bank_of(card("outline-off", outline=tuple(f"要点{i}" for i in range(points))))) == [
        f"cards/a.yaml:3:5: warning: card outline-off: outline: {points} points; aim for 3 to 7"
    ]


def test_star_card_has_no_outline_warning():
    star = Star(("背景",), ("任务",), ("行动",), ("结果",))
    assert warnings_of(bank_of(card("star-only", star=star))) == []


def test_warnings_from_loaded_files_point_at_the_card(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    write(
        tmp_path / "cards",
        "a.yaml",
        """\
        deck: 面试::质量
        cards:
          - id: fine
            question: 问题一？
            outline: [一, 二, 三]
          - id: two-points
            question: 完全不同的第二个问题？
            outline: [一, 二]
        """,
    )
    assert warnings_of(load_bank(Path("cards"))) == [
        "cards/a.yaml:6:5: warning: card two-points: outline: 2 points; aim for 3 to 7"
    ]


# --------------------------------------------------------------------------- near-duplicates


@pytest.fixture
def cards_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cards"
    folder.mkdir()
    return folder


def one_card_file(folder: Path, name: str, deck: str, card_id: str, question: str) -> None:
    write(
        folder,
        name,
        f"""\
        deck: {deck}
        cards:
          - id: {card_id}
            question: "{question}"
            outline: [一, 二, 三]
        """,
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("你为什么想加入蚂蚁集团？", "你 为什么想加入蚂蚁集团!"),
        ("What is RTB？", "what is rtb"),
        ("请介绍一下快手的“老铁文化”。", "请介绍一下快手的老铁文化"),
    ],
    ids=["chinese", "english-case", "quotes"],
)
def test_same_question_with_different_punctuation_warns_naming_both(cards_dir, first, second):
    one_card_file(cards_dir, "a.yaml", "面试::甲", "original", first)
    one_card_file(cards_dir, "b.yaml", "面试::乙", "copy", second)
    assert warnings_of(load_bank(Path("cards"))) == [
        "cards/b.yaml:3:5: warning: card copy: question: near-duplicate of card original "
        "at cards/a.yaml:3:5 (100% alike); merge them into one card with both sources"
    ]


def test_same_question_with_a_few_characters_changed_warns_naming_both(cards_dir):
    # After removing punctuation both have 21 distinct bigrams; 怎么 -> 如何 changes 3 of them:
    # 18 shared (in both cards: weight ln(1 + 2/2) = ln 2), 3 + 3 unshared (weight ln(1 + 2/1) = ln 3).
    # 18 ln2 / (18 ln2 + 6 ln3) = 12.477 / 19.068 = 0.654 -> "65% alike".
    one_card_file(cards_dir, "a.yaml", "面试::甲", "challenge", "在实习期间遇到的最大挑战是什么？你是怎么解决的？")
    one_card_file(cards_dir, "b.yaml", "面试::乙", "challenge-again", "在实习期间遇到的最大挑战是什么?你是如何解决的")
    assert warnings_of(load_bank(Path("cards"))) == [
        "cards/b.yaml:3:5: warning: card challenge-again: question: near-duplicate of card challenge "
        "at cards/a.yaml:3:5 (65% alike); merge them into one card with both sources"
    ]


def test_different_questions_do_not_warn():
    bank = bank_of_questions(["请做一个简短的自我介绍。", "你最大的缺点是什么？", "你有什么想问我们的吗？"])
    assert near_duplicate_warnings(bank) == []


KUAISHOU_TOPICS = [
    "用户增长", "内容营销", "直播带货", "短视频种草", "私域运营", "品牌曝光", "达人合作", "数据分析",
    "广告投放", "转化率提升", "用户留存", "会员体系", "节日大促", "新品上市", "本地生活", "跨界联名",
    "口碑管理", "危机公关", "社群运营", "搜索优化", "精准定向", "预算分配", "效果归因", "创意素材",
    "粉丝互动", "品牌年轻化", "下沉市场", "商品选品", "客户服务", "竞品分析",
]  # fmt: skip

VARIED_QUESTIONS = [
    "请做一个简短的自我介绍。",
    "你为什么想加入快手？",
    "在实习期间遇到的最大挑战是什么？你是怎么解决的？",
    "你如何看待用户运营和产品运营的区别？",
    "如果客户投诉广告效果不好，你会怎么处理？",
    "请介绍一个你主导过的活动，结果如何？",
    "你未来三到五年的职业规划是什么？",
    "你认为自己最大的缺点是什么？",
    "快手广告系统是如何进行实时竞价的？",
    "如何衡量一次品牌营销活动的效果？",
    "你对磁力引擎了解多少？",
    "你有什么想问我们的吗？",
    "和同事意见不一致时你会怎么做？",
    "如何提升一个新用户的次日留存？",
    "请分析一个你喜欢的短视频账号。",
]

# Characters for synthetic unrelated questions (a bigger bank of questions that have nothing
# to do with the templated ones).
COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
)


def unrelated_questions(count: int, seed: int = 20240501) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(COMMON_CHARS) for _ in range(rng.randint(10, 25))) + "？" for _ in range(count)]


@pytest.mark.parametrize("unrelated", [0, 200], ids=["small-bank", "bank-of-245"])
def test_templated_questions_with_different_topics_do_not_warn(unrelated):
    assert len(set(KUAISHOU_TOPICS)) == 30
    questions = [f"快手营销服务平台在帮助品牌商家进行{topic}方面有哪些策略？" for topic in KUAISHOU_TOPICS]
    bank = bank_of_questions(questions + VARIED_QUESTIONS + unrelated_questions(unrelated))
    assert [str(w) for w in near_duplicate_warnings(bank)] == []


# --------------------------------------------------------------------------- against brute force


def content_bigrams(question: str) -> frozenset[str]:
    """Bigrams of the question's letters and digits (case-folded); a shorter text stands alone."""
    text = "".join(ch for ch in question.casefold() if ch.isalnum())
    if len(text) < 2:
        return frozenset({text})
    return frozenset(a + b for a, b in zip(text, text[1:]))


def brute_force_similarities(questions: list[str]) -> dict[tuple[int, int], float]:
    """IDF-weighted Jaccard similarity of every pair (i < j), weight(g) = ln(1 + n / df(g))."""
    grams = [content_bigrams(q) for q in questions]
    n = len(questions)
    df = Counter(g for gram_set in grams for g in gram_set)
    weight = {g: math.log(1 + n / count) for g, count in df.items()}
    similarities = {}
    for j in range(n):
        for i in range(j):
            shared = math.fsum(weight[g] for g in grams[i] & grams[j])
            total = math.fsum(weight[g] for g in grams[i] | grams[j])
            similarities[(i, j)] = shared / total
    return similarities


def reported(bank: Bank, threshold: float) -> dict[int, tuple[int, int]]:
    """Later card number -> (the earlier card named first, how many earlier cards are alike),
    for banks built by bank_of_questions."""
    found = {}
    for warning in near_duplicate_warnings(bank, threshold):
        match = re.search(r"near-duplicate of card q(\d+) at \S+ \(\d+% alike\)(?:, and of (\d+) more)?", warning.problem.message)
        assert match, warning
        later = int(warning.problem.card.removeprefix("q"))
        assert later not in found, "a card was warned about twice"
        found[later] = (int(match.group(1)), 1 + int(match.group(2) or 0))
    return found


def reported_pairs(bank: Bank, threshold: float) -> list[tuple[int, int]]:
    """(earlier card named, later card) of each warning."""
    return [(named, later) for later, (named, _count) in reported(bank, threshold).items()]


def assert_matches_brute_force(questions: list[str], threshold: float) -> None:
    """Each question is reported once, against the most alike earlier one, with the count of
    every earlier one at least `threshold` alike; a copy (same bigrams) against its first copy."""
    similarities = brute_force_similarities(questions)
    grams = [content_bigrams(q) for q in questions]
    got = reported(bank_of_questions(questions), threshold)
    for j in range(len(questions)):
        copies = [i for i in range(j) if grams[i] == grams[j]]
        if copies:
            assert got[j] == (copies[0], len(copies))
            continue
        sure = {i for i in range(j) if similarities[(i, j)] >= threshold + 1e-9}
        maybe = {i for i in range(j) if abs(similarities[(i, j)] - threshold) < 1e-9}
        if j not in got:
            assert not sure
            continue
        named, count = got[j]
        assert len(sure) <= count <= len(sure | maybe)
        best = max(similarities[(i, j)] for i in sure | maybe)
        assert similarities[(named, j)] >= best - 1e-9


ALPHABET = list("快手营销平台品牌商家策略你为什么想加入我们ABab12 ？，。!?-_")


@st.composite
def question_lists(draw) -> list[str]:
    """Questions over a small alphabet, many of them small edits of earlier ones."""
    questions: list[str] = []
    for _ in range(draw(st.integers(1, 25))):
        if questions and draw(st.booleans()):
            base = draw(st.sampled_from(questions))
            for _ in range(draw(st.integers(0, 3))):
                at = draw(st.integers(0, len(base)))
                edit = draw(st.sampled_from(["insert", "delete", "replace"]))
                ch = draw(st.sampled_from(ALPHABET))
                if edit == "insert":
                    base = base[:at] + ch + base[at:]
                elif edit == "delete":
                    base = base[:at] + base[at + 1 :]
                else:
                    base = base[:at] + ch + base[at + 1 :]
            questions.append(base or "？")
        else:
            questions.append(draw(st.text(ALPHABET, min_size=1, max_size=16)))
    return questions


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    questions=question_lists(),
    threshold=st.one_of(st.just(0.6), st.floats(min_value=0.05, max_value=1.0)),
)
def test_near_duplicates_match_brute_force(questions, threshold):
    assert_matches_brute_force(questions, threshold)


def edited_questions(count: int, seed: int) -> list[str]:
    """A bank in which most questions are small edits of earlier ones, over few characters, so
    that bigrams are shared widely and index postings are long."""
    rng = random.Random(seed)
    questions: list[str] = []
    for _ in range(count):
        if questions and rng.random() < 0.6:
            base = list(rng.choice(questions))
            for _ in range(rng.randint(0, 4)):
                at = rng.randrange(len(base) + 1)
                base[at:at + rng.randint(0, 1)] = rng.choice(ALPHABET)
            questions.append("".join(base) or "？")
        else:
            questions.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 20))))
    return questions


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.4, 0.65])
def test_near_duplicates_of_a_few_hundred_questions_match_brute_force(seed, threshold):
    # The hypothesis test above stops at 25 questions; prefix filtering must stay complete when
    # hundreds of questions share most of their bigrams.
    assert_matches_brute_force(edited_questions(400, seed), threshold)


def test_a_bank_that_exhausts_the_scan_budget_gets_the_same_warnings_under_any_string_hashing(monkeypatch):
    # Fourteen characters only: every bigram is in hundreds of questions, prefixes included,
    # and half the questions are one-character edits of earlier ones.
    rng = random.Random(5)
    letters = "营销平台品牌商家策略你为什么"
    questions: list[str] = []
    for _ in range(1500):
        if questions and rng.random() < 0.5:
            edited = list(rng.choice(questions))
            edited[rng.randrange(len(edited))] = rng.choice(letters)
            questions.append("".join(edited))
        else:
            questions.append("".join(rng.choice(letters) for _ in range(30)))
    truncated = []
    scan = near_duplicates._first_scanned
    monkeypatch.setattr(near_duplicates, "_first_scanned", lambda postings: truncated.append(1) or scan(postings))
    expected = near_duplicates.find(questions, 0.65)
    assert truncated, "the bank should exhaust the budget of index entries read per question"
    assert len(expected) > 100
    program = (
        "import json, sys; from interview_srs.bank.near_duplicates import find; "
        "print(json.dumps(find(json.loads(sys.stdin.read()), 0.65)))"
    )
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", program], input=json.dumps(questions), capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(near_duplicates.__file__).parents[1])},
        )
        assert json.loads(run.stdout) == expected


def test_default_threshold_is_used():
    # 18 ln2 / (18 ln2 + 6 ln3) = 0.654: warns at the default 0.65, not at 0.7.
    questions = ["在实习期间遇到的最大挑战是什么？你是怎么解决的？", "在实习期间遇到的最大挑战是什么?你是如何解决的"]
    assert reported_pairs(bank_of_questions(questions), 0.6) == [(0, 1)]
    assert len(near_duplicate_warnings(bank_of_questions(questions))) == 1
    assert reported_pairs(bank_of_questions(questions), 0.7) == []


def test_duplicates_made_only_of_common_bigrams_are_still_found():
    # A question asked at every company: in a big bank each of its bigrams is in hundreds of
    # questions. Two copies of it are still near-duplicates (7 of 8 bigrams shared).
    fillers = [prefix + "你为什么想加入我们？" for prefix in unrelated_questions(250)]
    questions = fillers + ["你为什么想加入我们？", "为什么想加入我们？"]
    similarities = brute_force_similarities(questions)
    assert similarities[(250, 251)] > 0.8
    assert (250, 251) in reported_pairs(bank_of_questions(questions), 0.6)
    assert_matches_brute_force(questions, 0.6)


# --------------------------------------------------------------------------- bank v2: follow-ups, pitfalls, boilerplate, as_of

from datetime import date  # noqa: E402 - grouped with the tests that use it

STAR = Star(("情境",), ("任务",), ("行动",), ("结果",))
TWO_FOLLOWUPS = (Followup("分母是谁？", "说清口径"), Followup("你个人贡献多少？", "点出你的判断"))


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"star": STAR, "followups": ()}, "0 follow-ups on a STAR card; add 2–3 likely 追问 with cues"),
        ({"tags": ("情景",), "followups": TWO_FOLLOWUPS[:1]}, "1 follow-ups on tagged 情景; add 2–3 likely 追问 with cues"),
        ({"tags": ("项目", "行为")}, "0 follow-ups on tagged 行为/项目; add 2–3 likely 追问 with cues"),
        ({"followups": TWO_FOLLOWUPS * 3}, "6 follow-ups; keep the 4 an interviewer is most likely to ask"),
    ],
)
def test_behavioural_and_scenario_cards_need_two_to_four_followups(fields, expected):
    assert warnings_of(bank_of(card("c", **fields))) == [f"{SHOWN}:3:5: warning: card c: followups: {expected}"]


@pytest.mark.parametrize(
    "fields", [{"star": STAR, "followups": TWO_FOLLOWUPS}, {"tags": ("业务",)}, {"tags": ("情景",), "followups": TWO_FOLLOWUPS * 2}]
)
def test_knowledge_cards_and_cards_with_enough_followups_pass(fields):
    assert warnings_of(bank_of(card("c", **fields))) == []


def test_a_pitfall_that_reverses_or_repeats_the_outline_is_flagged_and_a_real_failure_mode_is_not():
    outline = ("用漏斗拆解转化的关键卡点", "说清楚指标口径和对照组", "复盘沉淀成可复用的方法")
    pitfalls = (
        "只讲困难不讲行动",  # the outline in reverse
        "没有说清楚指标口径和对照组",  # an outline point restated
        "只讲创意：面试官会判断你更适合市场岗，而不是用户运营",  # says why it costs you
        "数字经不起追问：分母、口径、对照组先自己算清楚",
    )
    warnings = warnings_of(bank_of(card("c", outline=outline, pitfalls=pitfalls)))
    assert warnings == [
        f"{SHOWN}:3:5: warning: card c: pitfalls[1]: reads as the outline in reverse (只X，不Y); "
        "say what goes wrong in the room and why",
        f"{SHOWN}:3:5: warning: card c: pitfalls[2]: repeats outline point 2; "
        "name a real failure mode (what goes wrong in the room) instead",
    ]


def test_a_line_repeated_on_three_cards_is_one_warning_at_the_first():
    boiler = "小流量先测，再全量推广"
    cards = [card(f"c{i}", line=3 + i, question=f"第{i}个完全不同的问题{'甲乙丙丁'[i] * 5}？", outline=("要点一", f"独有要点{i}", boiler.replace("，", ", ") if i else boiler)) for i in range(4)]
    assert warnings_of(bank_of(*cards)) == [
        f"{SHOWN}:3:5: warning: card c0: back: the same line stands on 4 cards (also c1, c2, c3); "
        "keep it where it matters and say something specific elsewhere"
    ]
    assert warnings_of(bank_of(*cards[:2])) == []


@pytest.mark.parametrize(
    "as_of, today, expected",
    [
        ("2025-05", date(2026, 11, 23), None),  # 18 months: still fine
        ("2025-04", date(2026, 11, 23), "facts checked 2025-04, 19 months ago; check them again and update as_of"),
        ("2026-12", date(2026, 11, 23), "2026-12 is in the future; write the month the facts were checked"),
    ],
)
def test_as_of_older_than_eighteen_months_is_flagged(as_of, today, expected):
    warnings = [str(w) for w in content_warnings(bank_of(card("c", as_of=as_of)), today=today)]
    assert warnings == ([f"{SHOWN}:3:5: warning: card c: as_of: {expected}"] if expected else [])


# --------------------------------------------------------------------------- bounded on hostile banks


def test_four_thousand_identical_questions_take_seconds_and_one_warning_each():
    bank = bank_of_questions(["你为什么想加入我们？"] * 4000)
    started = time.perf_counter()
    warnings = [str(w) for w in content_warnings(bank)]
    assert time.perf_counter() - started < 10  # ~1 s alone; it took 82 s and 3 GB before
    near = [w for w in warnings if "near-duplicate" in w]
    assert len(near) == 3999
    assert near[-1] == (
        "cards/a.yaml:4002:5: warning: card q3999: question: near-duplicate of card q0 at cards/a.yaml:3:5 "
        "(100% alike), and of 3998 more (q1, q2, q3, …); merge them into one card with both sources"
    )


def test_thousands_of_near_identical_questions_are_bounded():
    # Every pair is alike, and most bigrams are in every question.
    questions = [f"请问第{number}个问题：你为什么想加入我们的团队呢？" for number in range(4000)]
    started = time.perf_counter()
    warnings = near_duplicate_warnings(bank_of_questions(questions))
    assert time.perf_counter() - started < 15  # ~1 s alone; quadratic took minutes
    assert 3000 < len(warnings) <= 3999  # at most one per question, never one per pair
    assert len({w.problem.card for w in warnings}) == len(warnings)


def test_thousands_of_questions_made_of_common_bigrams_only_are_bounded():
    # The worst case for prefix filtering: even a question's rarest bigrams are in thousands of
    # questions, so only the scan budget bounds the work.
    rng = random.Random(7)
    questions = ["".join(rng.choice("营销平台品牌商家策略你为什么") for _ in range(30)) for _ in range(4000)]
    started = time.perf_counter()
    near_duplicate_warnings(bank_of_questions(questions))
    assert time.perf_counter() - started < 20  # ~3 s alone


# -- the cache: the same warnings, computed once ----------------------------------------------------


def bank_with_every_warning() -> Bank:
    long_pitfall = "只讲过程，不讲结果"
    cards = [
        card("a", 3, "如何提升用户留存率并降低流失？", pitfalls=(long_pitfall,), outline=("一", "二")),
        card("b", 9, "如何提升用户留存率并降低流失率？", outline=("同一句话出现在很多卡上", "二", "三")),
        card("c", 15, "讲一次跨部门协作", star=Star(("情境",), ("任务",), ("行动",), ("结果",)), followups=()),
        card("d", 21, "别的问题？", outline=("同一句话出现在很多卡上", "二", "三"), as_of="2020-01"),
        card("e", 27, "另一题？", outline=("同一句话出现在很多卡上", "二", "三")),
    ]
    return Bank((DeckFile(Path(SHOWN), SHOWN, "面试::测试", tuple(cards), Location(SHOWN, 1, 7), digest="f" * 64),))


def test_cached_warnings_are_the_warnings_and_are_not_computed_again(tmp_path, monkeypatch):
    """A bank with every kind of warning, checked with an empty cache, then a warm one: the
    same lines both times and without the cache; the warm check computes nothing again."""
    import dataclasses

    from interview_srs.bank import quality

    bank = bank_with_every_warning()
    (deck,) = bank.decks
    cards = deck.cards
    moved = Bank((dataclasses.replace(deck, cards=tuple(
        dataclasses.replace(c, location=Location(SHOWN, c.location.line + 100, 5)) for c in cards)),))
    fresh, moved_fresh = [str(w) for w in content_warnings(bank)], [str(w) for w in content_warnings(moved)]
    assert {"back", "outline", "followups", "as_of", "question", "pitfalls[1]"} <= {
        w.problem.field for w in content_warnings(bank)
    }
    assert [str(w) for w in content_warnings(bank, cache_folder=tmp_path)] == fresh
    for module, name in ((quality, "card_findings"), (quality, "repeated_lines"), (near_duplicates, "find")):
        monkeypatch.setattr(module, name, lambda *a, **k: pytest.fail("computed again"))
    assert [str(w) for w in content_warnings(bank, cache_folder=tmp_path)] == fresh
    # the same texts on other lines: the cached findings name the cards where they are now
    assert [str(w) for w in content_warnings(moved, cache_folder=tmp_path)] == moved_fresh != fresh


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        '"text"',
        "[[99, 1, []]]",
        '[[0, 1.0, 99, 1, []]]',
        '[[0, 1.0, 0, 1, [5000]]]',
        '[[0, "back", "x", 4]]',
        '{"findings": [[7, "back", "x"]], "lines": "k"}',
        '{"findings": [[0, 1, 2]], "lines": "k"}',
        '{"findings": [], "lines": 5}',
    ],
)
def test_a_damaged_cache_entry_is_computed_again_not_trusted(tmp_path, stored):
    """Whatever a cached finding was replaced with, the check prints the fresh warnings."""
    bank = bank_with_every_warning()
    fresh = [str(w) for w in content_warnings(bank)]
    content_warnings(bank, cache_folder=tmp_path)
    entries = list(tmp_path.glob("??/*.json"))
    assert len(entries) == 3  # the file's findings, repeated lines, near-duplicates
    for entry in entries:
        entry.write_text(stored, "utf-8")
    assert [str(w) for w in content_warnings(bank, cache_folder=tmp_path)] == fresh
    assert [str(w) for w in content_warnings(bank, cache_folder=tmp_path)] == fresh  # stored again, sound
