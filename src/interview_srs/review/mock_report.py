"""What a mock interview came to: each question's result, and the end-of-run figures saved with
the run (store/mocks.py) and worded by commands/mock.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

@dataclass(frozen=True)
class QuestionResult:
    position: int
    card_id: str
    question: str
    kind: str
    topics: tuple[str, ...]
    target_seconds: int
    spoken_seconds: float
    rating: int
    missed: tuple[str, ...] | None = None  # points a typed answer missed (None: not typed)

    @property
    def overran(self) -> bool:
        return self.spoken_seconds > self.target_seconds


def build_report(results: Sequence[QuestionResult], planned: int) -> dict:
    """The end-of-run figures (saved as JSON in mock_runs.report)."""
    topics: dict[str, list[QuestionResult]] = {}
    for result in results:
        for topic in result.topics:
            topics.setdefault(topic, []).append(result)
    scored = []
    for topic, group in topics.items():
        average = sum(r.rating for r in group) / len(group)
        overruns = sum(r.overran for r in group)
        if average <= 2.5 or overruns:
            scored.append((average, -overruns, topic, len(group)))
    scored.sort()
    review_next = [r.card_id for r in sorted(results, key=lambda r: (r.rating, -r.overran)) if
                   r.rating <= 2 or r.overran or r.missed]
    return {
        "planned": planned,
        "answered": len(results),
        "overruns": sum(r.overran for r in results),
        "average_rating": round(sum(r.rating for r in results) / len(results), 2) if results else None,
        "questions": [
            {"card": r.card_id, "kind": r.kind, "target_seconds": r.target_seconds,
             "seconds": round(r.spoken_seconds, 1), "rating": r.rating,
             "missed": None if r.missed is None else list(r.missed)}
            for r in results
        ],
        "weakest_topics": [{"topic": t, "average_rating": round(a, 2), "questions": n} for a, _o, t, n in scored[:3]],
        "review_next": review_next,
    }


@dataclass(frozen=True)
class MockResult:
    """A finished (or stopped) run: the report as saved, and the questions answered."""

    report: dict
    results: tuple[QuestionResult, ...]


__all__ = ["MockResult", "QuestionResult", "build_report"]
