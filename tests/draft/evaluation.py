"""Scoring drafts against hand-labelled 面经 (tests/draft/eval): recall, precision, form accuracy.

Each `<name>.expected.yaml` lists the interviewer's questions in one text and whether each wants
a STAR answer. A found question matches an expected one when one contains the other or they
share at least half their character pairs; each expected question is matched at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from interview_srs.bank.draft import extract_questions, kind_of, read_hints, read_source
from interview_srs.bank.near_duplicates import bigrams, content

EVAL = Path(__file__).resolve().parent / "eval"
MATCH = 0.5


@dataclass(frozen=True)
class Score:
    name: str
    expected: int
    found: int
    matched: int
    form_right: int
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    wrong_form: tuple[str, ...] = ()

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def form(self) -> float:
        return self.form_right / self.matched if self.matched else 1.0


def alike(a: str, b: str) -> float:
    ca, cb = content(a), content(b)
    if ca and cb and (ca in cb or cb in ca):
        return 1.0
    ga, gb = bigrams(a), bigrams(b)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def cases() -> list[tuple[Path, Path]]:
    return sorted(
        (text, text.with_name(text.name.split(".")[0] + ".expected.yaml"))
        for text in EVAL.iterdir()
        if not text.name.endswith(".expected.yaml")
    )


def score(text_path: Path, expected_path: Path) -> Score:
    expected = yaml.safe_load(expected_path.read_text("utf-8"))
    wanted = [(item["q"], bool(item["star"])) for item in expected["questions"]]
    found = [q.text for q in extract_questions(read_source(text_path).text)]
    used: set[int] = set()
    matched = form_right = 0
    extra = []
    wrong_form: list[str] = []
    for question in found:
        best = max(
            ((alike(question, q), i) for i, (q, _) in enumerate(wanted) if i not in used), default=(0.0, -1)
        )
        if best[0] >= MATCH:
            used.add(best[1])
            matched += 1
            right = (kind_of(question) == "experience") == wanted[best[1]][1]
            form_right += right
            if not right:
                wrong_form.append(question)
        else:
            extra.append(question)
    missed = tuple(q for i, (q, _) in enumerate(wanted) if i not in used)
    return Score(text_path.name, len(wanted), len(found), matched, form_right, missed, tuple(extra), tuple(wrong_form))


def hints_of(text_path: Path) -> tuple[str, str, str]:
    source = read_source(text_path)
    hints = read_hints(source.text)
    return source.encoding, hints.company, hints.role


if __name__ == "__main__":  # print the table: python tests/draft/evaluation.py
    for text, expected in cases():
        s = score(text, expected)
        print(f"{s.name:28} recall {s.recall:6.1%}  precision {s.precision:6.1%}  form {s.form:6.1%}"
              f"  ({s.matched}/{s.expected} found, {s.found} drafted)")
        for q in s.missed:
            print("   missed:", q)
        for q in s.extra:
            print("   extra: ", q)
        for q in s.wrong_form:
            print("   form:  ", q, kind_of(q))
