"""The quality bar, measured on hand-labelled 面经 in tests/draft/eval (see evaluation.py)."""

from __future__ import annotations

import pytest
import yaml
from evaluation import cases, hints_of, score


@pytest.mark.parametrize(("text", "expected"), cases(), ids=lambda p: p.name)
def test_recall_precision_and_form_meet_the_bar(text, expected):
    s = score(text, expected)
    assert (s.recall >= 0.90, s.precision >= 0.85, s.form >= 0.80) == (True, True, True), (s.missed, s.extra, s.wrong_form)


@pytest.mark.parametrize(("text", "expected"), cases(), ids=lambda p: p.name)
def test_encoding_company_and_role_are_read_from_the_text(text, expected):
    wanted = yaml.safe_load(expected.read_text("utf-8"))
    assert hints_of(text) == (wanted["encoding"], wanted["company"], wanted["role"])


def test_there_are_texts_of_every_kind_the_brief_names():
    names = {text.name for text, _ in cases()}
    assert len(names) >= 7 and {".html", ".md"} <= {"." + n.rsplit(".", 1)[1] for n in names}
