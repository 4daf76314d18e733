"""The company placeholder: filled through plain data, and found wherever it is."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interview_srs.bank.placeholders import COMPANY, DEFAULT_COMPANY, fill, fill_all, mentions

TEXT = st.lists(st.sampled_from(["为什么选", COMPANY, "？", "{公", "司}", "a"]), max_size=5).map("".join)
PLAIN = st.recursive(
    st.one_of(TEXT, st.integers(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["s", "t", "r"]), inner, max_size=3)),
    max_leaves=12,
)


def test_fill_names_the_company_or_the_polite_default():
    assert fill(f"为什么选{COMPANY}？{COMPANY}", "快手") == "为什么选快手？快手"
    assert fill(f"为什么选{COMPANY}？", "") == f"为什么选{DEFAULT_COMPANY}？"
    assert fill_all({"outline": [f"{COMPANY}的用户", 3], "star": None}, "蚂蚁") == {"outline": ["蚂蚁的用户", 3], "star": None}


@given(PLAIN)
def test_mentions_exactly_when_filling_changes_something(value):
    assert mentions(value) == (fill_all(value, "快手") != value)
