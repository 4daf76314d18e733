"""Typed-answer coverage on real cards of the bank: good, partial and off-topic answers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from interview_srs.review import coverage
from interview_srs.bank.load import load_bank

from conftest import REPO

OFF_TOPIC = "我平时喜欢打篮球和看电影，周末经常去爬山，觉得生活要平衡。"
ANSWERS = {
    "ant-mob1-3-average-spend": (
        "MOB 是 Month on Book，开卡后第几个月，MOB1-3 就是新户前三个月。前三个月的消费是长期价值的先行指标，"
        "早期激活的用户留存和生命周期价值更高。可以用它评估获客渠道和首刷激励的质量。还要按开卡月份做 vintage "
        "账龄分析，发现激活不足尽早干预。口径上平均值会被大额拉高，要结合中位数和动卡率一起看。",
        "MOB1-3 指开卡后的前三个月，这段时间的消费能反映用户的长期价值，是先行指标。",
    ),
    "xhs-abusive-user": (
        "首先保持冷静，对事不对人，用户骂的是问题不是我。然后专业回应，表明立场：理解您生气，但辱骂解决不了问题。"
        "接着拉回问题，问清楚具体遇到什么问题，给出解决方案。如果持续辱骂，就设定底线，告知无法继续服务并留存记录。"
        "我代表小红书的品牌形象，绝不对骂。",
        "我会先保持冷静，不和用户对骂，然后问他具体遇到了什么问题。",
    ),
    "ant-biggest-internship-challenge": (
        "当时我在美团实习，负责一个城市的拉新活动。目标是一个月新增 2 万用户，但预算砍了一半。首先我用漏斗数据拆解，"
        "发现注册环节流失最大；然后和产品推动简化流程。最终新增 2.3 万，注册转化率提升 15%，复盘后沉淀了一套渠道评估表。",
        "当时我在实习，负责拉新，遇到的困难很大，压力很大，但我坚持下来了。",
    ),
}


@pytest.fixture(scope="module")
def bank_cards():
    bank = load_bank(REPO / "cards")
    cards = {card.id: card for _deck, card in bank.cards()}
    idf = coverage.Idf(doc for card in cards.values() for doc in coverage.documents(card.content(), card.question))
    return cards, idf


def measure(bank_cards, card_id: str, text: str) -> coverage.Coverage:
    cards, idf = bank_cards
    return coverage.measure(text, coverage.points(cards[card_id].content()), idf)


@pytest.mark.parametrize("card_id", sorted(ANSWERS))
def test_a_good_answer_covers_every_point_and_suggests_easy(bank_cards, card_id):
    result = measure(bank_cards, card_id, ANSWERS[card_id][0])
    assert result.missed == ()
    assert result.suggested_rating() == 4
    assert result.suggested_rating(overran=True) == 3


@pytest.mark.parametrize("card_id", sorted(ANSWERS))
def test_a_partial_answer_covers_some_points_and_misses_others(bank_cards, card_id):
    result = measure(bank_cards, card_id, ANSWERS[card_id][1])
    assert result.covered and result.missed
    assert result.suggested_rating() in (1, 2)


@pytest.mark.parametrize("card_id", sorted(ANSWERS))
def test_an_off_topic_answer_covers_nothing(bank_cards, card_id):
    result = measure(bank_cards, card_id, OFF_TOPIC)
    assert result.covered == ()
    assert result.suggested_rating() == 1


def test_the_partial_answers_cover_the_points_they_talk_about(bank_cards):
    assert [p.label for p in measure(bank_cards, "ant-mob1-3-average-spend", ANSWERS["ant-mob1-3-average-spend"][1]).covered] == ["1", "2"]
    assert [p.label for p in measure(bank_cards, "ant-biggest-internship-challenge",
                                     ANSWERS["ant-biggest-internship-challenge"][1]).covered] == ["S"]


def test_matching_is_on_words_not_exact_strings(bank_cards):
    # the point says 保持冷静：对事不对人 — the answer words it differently, in another order
    result = measure(bank_cards, "xhs-abusive-user", "对事不对人，我会冷静下来，保持冷静。")
    assert [p.label for p in result.covered] == ["1"]


def test_rare_words_weigh_more_than_common_ones(bank_cards):
    _cards, idf = bank_cards
    assert idf("vintage") > idf("用户")


def test_loading_the_segmenter_prints_nothing():
    # a fresh interpreter: jieba's first load is what logs "Building prefix dict..." by default
    done = subprocess.run([sys.executable, "-c", "from interview_srs.review.coverage import words; print(words('结巴分词'))"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert (done.returncode, done.stdout, done.stderr) == (0, "['结巴', '分词']\n", "")


def test_star_and_outline_points():
    star = {"star": {"situation": ["a", "b"], "task": ["c"], "action": ["d"], "result": ["e"]}}
    assert [(p.label, p.text, p.part) for p in coverage.points(star)] == [
        ("S", "a；b", "situation"), ("T", "c", "task"), ("A", "d", "action"), ("R", "e", "result")
    ]
    assert [p.label for p in coverage.points({"star": None, "outline": ["x", "y"]})] == ["1", "2"]
