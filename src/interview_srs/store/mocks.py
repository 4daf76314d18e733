"""Mock interview runs in the store (tables mock_runs and mock_questions, migration 4).

The ratings themselves are ordinary review_log rows (source 'mock'), written by
`answers.record_answer` in their own transaction like any review; these tables add what a mock
run knows on top (the questions chosen, times against targets, points missed, the report). A
run killed half-way keeps every rating given, and its run row stays without `finished_ms`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from interview_srs.schedule.scheduler import from_ms, to_ms


@dataclass(frozen=True)
class PlannedQuestion:
    card_id: str
    kind: str
    target_ms: int


@dataclass(frozen=True)
class RunSummary:
    """One past run, for `srs stats`."""

    started: datetime
    finished: bool
    scope: str
    planned: int
    answered: int  # ratings in review_log for the run's session
    average_rating: float | None
    overruns: int
    weakest: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "started": self.started.isoformat(),
            "finished": self.finished,
            "scope": self.scope,
            "questions": self.planned,
            "answered": self.answered,
            "average_rating": self.average_rating,
            "overruns": self.overruns,
            "weakest_topics": list(self.weakest),
        }


def start_run(store, session: str, at: datetime, scope: str, seconds: int | None, typed: bool,
              questions: list[PlannedQuestion]) -> int:
    """Record a run and the questions chosen for it; returns the run id."""
    with store.write() as conn:
        run_id = conn.execute(
            "INSERT INTO mock_runs (session, started_ms, scope, seconds, typed) VALUES (?, ?, ?, ?, ?)",
            (session, to_ms(at), scope, seconds, int(typed)),
        ).lastrowid
        conn.executemany(
            "INSERT INTO mock_questions (run_id, position, card_id, kind, target_ms) VALUES (?, ?, ?, ?, ?)",
            [(run_id, i, q.card_id, q.kind, q.target_ms) for i, q in enumerate(questions, start=1)],
        )
    return run_id


def record_question(store, run_id: int, position: int, *, spoken_ms: int, rating: int,
                    review_log_id: int, followup: str | None, missed: list[str] | None) -> None:
    """What happened to one question, after its rating is safely in review_log."""
    with store.write() as conn:
        conn.execute(
            "UPDATE mock_questions SET spoken_ms = ?, rating = ?, review_log_id = ?, followup = ?, "
            "missed = ? WHERE run_id = ? AND position = ?",
            (spoken_ms, rating, review_log_id, followup,
             None if missed is None else json.dumps(missed, ensure_ascii=False), run_id, position),
        )


def finish_run(store, run_id: int, at: datetime, report: dict) -> None:
    with store.write() as conn:
        conn.execute(
            "UPDATE mock_runs SET finished_ms = ?, report = ? WHERE id = ?",
            (to_ms(at), json.dumps(report, ensure_ascii=False), run_id),
        )


@dataclass(frozen=True)
class CardRow:
    """What mock selection needs of a card, read for every card of the filter in one query."""

    id: str
    tags: tuple[str, ...]
    question: str
    back: dict
    state: int
    stability: float | None
    last_review_ms: int | None
    deck: str = ""


def card_rows(store, filt) -> list[CardRow]:
    """The present, unsuspended cards of `filt` (a rows.CardFilter), in bank order."""
    where, params = filt.sql()
    return [
        CardRow(row[0], tuple(json.loads(row[1])), row[2], json.loads(row[3]), *row[4:])
        for row in store.conn.execute(
            "SELECT id, tags, question, back, state, stability, last_review_ms, deck FROM cards "
            f"WHERE {where} AND suspended = 0 ORDER BY deck, file, line, id",
            params,
        )
    ]


def answer_seconds(store, card_ids: list[str]) -> dict[str, float]:
    """Median answer time (seconds) per card over its logged answers with a duration."""
    if not card_ids:
        return {}
    rows = store.conn.execute(
        f"SELECT card_id, duration_ms FROM review_log WHERE duration_ms IS NOT NULL AND card_id IN "
        f"({', '.join('?' * len(card_ids))}) ORDER BY card_id, duration_ms",
        card_ids,
    ).fetchall()
    times: dict[str, list[int]] = {}
    for card_id, duration in rows:
        times.setdefault(card_id, []).append(duration)
    return {card_id: values[len(values) // 2] / 1000 for card_id, values in times.items()}


def history(store, limit: int = 10) -> list[RunSummary]:
    """The latest runs, newest first. Ratings are counted from review_log (the source of truth),
    overruns from mock_questions, weakest topics from the saved report."""
    runs = store.conn.execute(
        "SELECT id, session, started_ms, finished_ms, scope, report FROM mock_runs "
        "ORDER BY started_ms DESC, id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    summaries = []
    for run_id, session, started_ms, finished_ms, scope, report in runs:
        answered, average = store.conn.execute(
            "SELECT count(*), avg(rating) FROM review_log WHERE session = ? AND source = 'mock'", (session,)
        ).fetchone()
        planned, overruns = store.conn.execute(
            "SELECT count(*), coalesce(sum(spoken_ms > target_ms), 0) FROM mock_questions WHERE run_id = ?",
            (run_id,),
        ).fetchone()
        weakest = tuple(t["topic"] for t in json.loads(report)["weakest_topics"]) if report else ()
        summaries.append(
            RunSummary(from_ms(started_ms), finished_ms is not None, scope, planned, answered,
                       None if average is None else round(average, 2), overruns, weakest)
        )
    return summaries


__all__ = ["CardRow", "PlannedQuestion", "card_rows", "RunSummary", "answer_seconds", "finish_run", "history", "record_question", "start_run"]
