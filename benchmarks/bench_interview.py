"""Preparing a 60-card deck for an interview 10 days away: three ways compared.

One `srs review` session a day at 10:00 Beijing time (driven in-process through stdin, with
`SRS_NOW` set day by day), the same seeded ratings (Again 10 %, Hard 15 %, Good 65 %, Easy 10 %),
the interview on day 10 at 14:00. For each way, prints the answers given and the lowest and mean
FSRS predicted recall of the cards at the interview time, computed with fsrs from the stored
states, plus how many cards were not answered in the last two days:

* plain FSRS — `srs review` with no interview (new_per_day 20);
* interview mode — `srs interview add` first, then plain `srs review`;
* no final pass — the same with `final_pass_days = 0`: bring-forward alone reaches the target;
* daily cramming — `srs review --ahead` with every new card allowed: the whole deck every day.

Run: `PYTHONPATH=src python benchmarks/bench_interview.py [--seeds N]`: a Markdown table of
medians over the seeds (and the worst seed's lowest recall).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import fsrs  # noqa: E402

from interview_srs.commands.review import review  # noqa: E402

CARDS = 60
DAYS = 10
START = datetime.fromisoformat("2026-11-23T10:00:00+08:00")
INTERVIEW = START + timedelta(days=DAYS, hours=4)
RATINGS, WEIGHTS = (1, 2, 3, 4), (0.1, 0.15, 0.65, 0.1)


def write_cards(folder: Path) -> None:
    folder.mkdir(parents=True)
    items = "".join(
        f"  - id: ks-{i:03d}\n    question: 快手第 {i} 题？\n    outline: [要点一, 要点二, 要点三]\n"
        for i in range(CARDS)
    )
    (folder / "ks.yaml").write_text(f"deck: 面试::快手\ncompany: 快手\ncards:\n{items}", "utf-8")


def simulate(way: str, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cards, home = Path(tmp) / "cards", Path(tmp) / "home"
        write_cards(cards)
        home.mkdir()
        env = {"SRS_HOME": str(home), "LANG": "C", "SRS_NOW": START.isoformat()}
        if way == "no final pass":
            (home / "config.toml").write_text("final_pass_days = 0\n", "utf-8")
        if way in ("interview mode", "no final pass"):
            from interview_srs.commands.interviews import add_command

            add_command(cards, None, "快手", INTERVIEW.date().isoformat(), "14:00", (), env)
        rng = random.Random(seed)
        for day in range(DAYS + 1):
            env["SRS_NOW"] = (START + timedelta(days=day)).isoformat()
            keys = "".join(f"space\n{rng.choices(RATINGS, WEIGHTS)[0]}\n" for _ in range(1000))
            options = {"ahead": True, "new": CARDS} if way == "daily cramming" else {}
            review(cards, None, stdin=io.StringIO(keys), stdout=io.StringIO(), environ=env, **options)
        conn = sqlite3.connect(home / "store.sqlite3")
        answers = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
        stored = conn.execute("SELECT state, stability, difficulty, last_review_ms FROM cards").fetchall()
        conn.close()
    at = INTERVIEW.astimezone(timezone.utc)
    scheduler = fsrs.Scheduler()
    recalls, missed = [], 0
    for state, stability, difficulty, last_ms in stored:
        if state == 0:
            recalls.append(0.0)
            missed += 1
            continue
        last = datetime.fromtimestamp(last_ms / 1000, timezone.utc)
        card = fsrs.Card(state=fsrs.State(state), stability=stability, difficulty=difficulty,
                         due=at, last_review=last)
        recalls.append(scheduler.get_card_retrievability(card, at))
        missed += last < at - timedelta(days=2)
    return {"answers": answers, "lowest": min(recalls), "mean": sum(recalls) / len(recalls), "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("SRS_NOW", None)
    print(f"{CARDS} cards, interview in {DAYS} days at 14:00, one session a day, medians over {args.seeds} seeds")
    print(f"| way | answers | lowest recall (worst seed) | mean recall | cards not answered in the last 2 days | s/run |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for way in ("plain FSRS", "interview mode", "no final pass", "daily cramming"):
        runs, seconds = [], []
        for seed in range(args.seeds):
            started = time.perf_counter()
            runs.append(simulate(way, seed))
            seconds.append(time.perf_counter() - started)
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        worst = min(r["lowest"] for r in runs)
        print(f"| {way} | {med['answers']:.0f} | {med['lowest']:.3f} ({worst:.3f}) | {med['mean']:.3f} | "
              f"{med['missed']:.0f} | {statistics.median(seconds):.1f} |")


if __name__ == "__main__":
    main()
