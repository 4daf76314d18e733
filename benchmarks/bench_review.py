"""Benchmark of the review half: start-up, answer persistence, stats, peak memory.

Builds, in a temporary folder, 20 card files with 10,000 cards and a store with 200,000
review-log rows (20 per card over the last year; about a tenth of the cards due today), then
measures, with medians over several runs:

* time from starting `srs review` to the first card on screen (target ≤ 0.25 s), next to
  `python -c pass` in the same run;
* time to persist one answer (state update + log row, committed; target ≤ 5 ms);
* `srs stats` and `srs stats --json` end to end (target ≤ 0.5 s);
* peak memory (max RSS) of `srs review` and `srs stats` (target ≤ 100 MB).

Run: `PYTHONPATH=src python benchmarks/bench_review.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

from interview_srs.schedule.config import Config  # noqa: E402
from interview_srs.schedule.scheduler import Schedulers, to_ms  # noqa: E402
from interview_srs.bank.sources import CardSources  # noqa: E402
from interview_srs.store import answers, lookups  # noqa: E402
from interview_srs.store.connection import Store  # noqa: E402
from interview_srs.store.home import sync_cards  # noqa: E402

CARDS = 10_000
FILES = 20
LOGS_PER_CARD = 20
NOW = datetime(2025, 6, 1, 10, 0, tzinfo=timezone.utc)
READY = "Space show answer"


def write_cards(folder: Path) -> None:
    folder.mkdir(parents=True)
    per_file = CARDS // FILES
    for f in range(FILES):
        lines = [f"deck: 面试::公司{f:02d}::岗位", f"company: 公司{f:02d}", "tags: [基准]", "cards:"]
        for i in range(per_file):
            n = f * per_file + i
            lines += [
                f"  - id: card-{n:05d}",
                f"    question: 第 {n} 题：请讲一个你用数据推动业务增长的例子，结果如何？",
                "    assesses: 数据意识与结果导向",
                "    outline:",
                "      - 背景与目标：业务阶段、核心指标和基线。",
                "      - 行动：怎样定位问题、设计方案、推动协作，做了哪些取舍。",
                "      - 结果：量化结果与复盘，下次会怎样做得更好。",
                "    pitfalls: [只讲过程不讲结果]",
            ]
        (folder / f"deck{f:02d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def fill_store(store: Store) -> None:
    """Give every card a review history and a review-state schedule (direct SQL, for speed)."""
    rng = random.Random(7)
    now_ms = to_ms(NOW)
    day = 86_400_000
    ids = [r[0] for r in store.conn.execute("SELECT id FROM cards ORDER BY id")]
    logs, states = [], []
    for card_id in ids:
        times = sorted(now_ms - rng.randrange(day, 365 * day) for _ in range(LOGS_PER_CARD))
        stability, difficulty, state, due, last = None, None, 0, None, None
        for t in times:
            rating = rng.choices((1, 2, 3, 4), (1, 2, 6, 1))[0]
            new_stability = max(0.5, (stability or 1.0) * (1.6 if rating > 1 else 0.4))
            new_difficulty = min(10.0, max(1.0, (difficulty or 5.0) + (3 - rating) * 0.3))
            new_due = t + int(new_stability * day)
            logs.append((card_id, rating, t, rng.randrange(3_000, 90_000), "terminal", None,
                         state, None, stability, difficulty, due, last,
                         2, None, new_stability, new_difficulty, new_due))
            stability, difficulty, state, due, last = new_stability, new_difficulty, 2, new_due, t
        due = now_ms + rng.randrange(-10 * day, 100 * day)
        states.append((stability, difficulty, due, last, card_id))
    with store.write() as conn:
        conn.executemany(
            "UPDATE cards SET state = 2, stability = ?, difficulty = ?, due_ms = ?, last_review_ms = ? WHERE id = ?",
            states,
        )
        conn.executemany(
            "INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, session, "
            "state_before, step_before, stability_before, difficulty_before, due_before_ms, "
            "last_review_before_ms, state_after, step_after, stability_after, difficulty_after, "
            "due_after_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            logs,
        )


def timed_run(command: list[str], env: dict, stdin: bytes = b"") -> tuple[float, int]:
    """Wall time to completion and peak RSS (KiB, from /usr/bin/time: a fresh small parent,
    so the figure is the command's own and not inherited from this process)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command], env=env,
                       input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        elapsed = time.perf_counter() - start
        return elapsed, int(report.read().split()[-1])


def _plain_run(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def time_to_first_card(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    seen = b""
    while READY.encode() not in seen:
        chunk = proc.stdout.read1(65536)
        if not chunk:
            raise SystemExit("review ended before showing a card: " + proc.stderr.read().decode())
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.stdin.write(b"q\n")
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cards_dir, home = folder / "cards", folder / "home"
        home.mkdir()
        t = time.perf_counter()
        write_cards(cards_dir)
        with Store.open(home / "store.sqlite3") as store:
            sync_cards(store, CardSources((cards_dir,), "given"), NOW)
            fill_store(store)
            count = store.conn.execute("SELECT count(*) FROM cards").fetchone()[0]
            logs = store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
            due = store.conn.execute("SELECT count(*) FROM cards WHERE due_ms < ?", (to_ms(NOW + timedelta(hours=18)),)).fetchone()[0]
        size = (home / "store.sqlite3").stat().st_size / 1e6
        print(f"store: {count} cards, {logs} review-log rows, {due} due today, {size:.1f} MB "
              f"(built in {time.perf_counter() - t:.1f} s)")
        # Bytecode is cached (in a private folder) as it is for an installed package; the
        # figure without any cache (PYTHONDONTWRITEBYTECODE, every module compiled) is printed too.
        uncached = {**os.environ, "SRS_HOME": str(home), "SRS_NOW": NOW.isoformat(),
                    "PYTHONPATH": str(SRC), "LANG": "en_US.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        env = {k: v for k, v in uncached.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        review = [sys.executable, "-m", "interview_srs", "review", "--cards", str(cards_dir)]
        stats = [sys.executable, "-m", "interview_srs", "stats", "--cards", str(cards_dir)]

        time_to_first_card(review, env)  # warm-up: writes the bytecode cache
        baseline = [_plain_run([sys.executable, "-c", "pass"], env) for _ in range(runs)]
        first = [time_to_first_card(review, env) for _ in range(runs)]
        first_uncached = [time_to_first_card(review, uncached) for _ in range(max(3, runs // 2))]
        stats_runs = [_plain_run(stats, env) for _ in range(runs)]
        json_runs = [_plain_run(stats + ["--json"], env) for _ in range(max(3, runs // 2))]
        review_rss = max(timed_run(review, env, b"q\n")[1] for _ in range(3))
        stats_rss = max(timed_run(stats, env)[1] for _ in range(3))
        json_rss = max(timed_run(stats + ["--json"], env)[1] for _ in range(3))

        with Store.open(home / "store.sqlite3") as store:
            schedulers = Schedulers(Config(fuzz=True))
            ids = [r[0] for r in store.conn.execute("SELECT id, deck FROM cards LIMIT 300")]
            durations = []
            at = NOW
            for card_id in ids:
                deck = lookups.card(store, card_id).deck
                start = time.perf_counter()
                answers.record_answer(store, card_id, 3, at, 5000,
                                      lambda before: schedulers.answer(card_id, deck, before, 3, at),
                                      session="bench")
                durations.append(time.perf_counter() - start)
        durations.sort()

        med = statistics.median
        print(f"python -c pass:              median {med(baseline) * 1000:6.1f} ms")
        print(f"srs review → first card:     median {med(first) * 1000:6.1f} ms "
              f"(min {min(first) * 1000:.1f}, max {max(first) * 1000:.1f}; "
              f"{med(first) / med(baseline):.1f}× python -c pass; target ≤ 250 ms)")
        print(f"  without a bytecode cache:  median {med(first_uncached) * 1000:6.1f} ms")
        print(f"persist one answer:          median {med(durations) * 1000:6.2f} ms, "
              f"p95 {durations[int(len(durations) * 0.95)] * 1000:.2f} ms, "
              f"max {durations[-1] * 1000:.2f} ms over {len(durations)} answers (target ≤ 5 ms)")
        print(f"srs stats:                   median {med(stats_runs) * 1000:6.1f} ms "
              f"(target ≤ 500 ms)")
        print(f"srs stats --json:            median {med(json_runs) * 1000:6.1f} ms")
        print(f"peak memory: review {review_rss / 1024:.1f} MB, "
              f"stats {stats_rss / 1024:.1f} MB, stats --json {json_rss / 1024:.1f} MB (target ≤ 100 MB)")
        print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
