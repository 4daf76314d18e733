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

`--week`: the interview week of the issue. Four decks (通用 40, 小红书 40, 快手 60, 蚂蚁 60 cards),
five days of plain study, then 快手 in 6 days and 蚂蚁 in 12 days (14:00), one session a day at
10:00 with the same seeded ratings. Each morning, before the session, `srs interview list
--json`'s estimate for the day (`plan[0]`) is read; then the answers the session really asked
are counted: estimate vs actual per day, 快手's share of the session's first answers (as many as
it got that day) while it is near, and each interview's readiness at its time.

`--large [--runs N]`: bench_review.py's 10,000-card bank, without interviews and with one on
every deck: the time to the first card (a fresh `srs review` process) and, in-process, from a
rating key to the next key (answer stored, next card chosen and drawn); medians.
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


WEEK_DECKS = (("a-general", "面试::通用", "通用", 40), ("b-xhs", "面试::小红书", "小红书", 40),
              ("c-ks", "面试::快手", "快手", 60), ("d-ant", "面试::蚂蚁", "蚂蚁", 60))
WARM_UP_DAYS = 5  # plain study of every deck before the interviews are known


def write_week_cards(folder: Path) -> None:
    folder.mkdir(parents=True)
    for stem, deck, company, count in WEEK_DECKS:
        items = "".join(
            f"  - id: {stem}-{i:03d}\n    question: {company}第 {i} 题？\n    outline: [要点一, 要点二, 要点三]\n"
            for i in range(count)
        )
        (folder / f"{stem}.yaml").write_text(f"deck: {deck}\ncompany: {company}\ncards:\n{items}", "utf-8")


def interview_week(seed: int) -> dict:
    """The issue's candidate: five days of plain study, then 快手 in 6 days and 蚂蚁 in 12 (14:00),
    one session a day at 10:00. Each morning `srs interview list --json`'s estimate for the day
    is read before the session; then the session's real answers are counted."""
    import json

    from interview_srs.commands.interviews import add_command, list_command

    with tempfile.TemporaryDirectory() as tmp:
        cards, home = Path(tmp) / "cards", Path(tmp) / "home"
        write_week_cards(cards)
        home.mkdir()
        env = {"SRS_HOME": str(home), "LANG": "C"}
        rng = random.Random(seed)
        start = START - timedelta(days=WARM_UP_DAYS)
        rows = []
        for day in range(WARM_UP_DAYS + 13):
            env["SRS_NOW"] = (start + timedelta(days=day)).isoformat()
            if day == WARM_UP_DAYS:
                add_command(cards, None, "快手", (START + timedelta(days=6)).date().isoformat(), "14:00", ("面试::快手",), env)
                add_command(cards, None, "蚂蚁", (START + timedelta(days=12)).date().isoformat(), "14:00", ("面试::蚂蚁",), env)
            estimate = None
            if day >= WARM_UP_DAYS:
                plans = json.loads(list_command(cards, None, True, env))
                estimate = max(plans, key=lambda p: len(p["plan"]))["plan"][0]
            before = _log_length(home)
            keys = "".join(f"space\n{rng.choices(RATINGS, WEIGHTS)[0]}\n" for _ in range(1500))
            review(cards, None, stdin=io.StringIO(keys), stdout=io.StringIO(), environ=env)
            answered = _answers_since(home, before)
            if estimate is not None:
                ks = [card_id.startswith("c-ks") for card_id in answered]
                first = ks[: sum(ks)]
                rows.append({
                    "date": estimate["date"], "estimate": estimate["answers"], "minutes": estimate["minutes"],
                    "actual": len(answered),
                    "ks_share": sum(first) / len(first) if first and day < WARM_UP_DAYS + 7 else None,
                })
            for name, at in (("快手", START + timedelta(days=6, hours=4)), ("蚂蚁", START + timedelta(days=12, hours=4))):
                if start + timedelta(days=day) < at <= start + timedelta(days=day + 1):
                    rows.append({"readiness": name, **_readiness(home, at, name)})
        return rows


def _log_length(home: Path) -> int:
    if not (home / "store.sqlite3").exists():
        return 0
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    finally:
        conn.close()


def _answers_since(home: Path, count: int) -> list[str]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        return [r[0] for r in conn.execute("SELECT card_id FROM review_log ORDER BY id LIMIT -1 OFFSET ?", (count,))]
    finally:
        conn.close()


def _readiness(home: Path, at: datetime, name: str) -> dict:
    """Mean and lowest predicted recall (fractional days, as readiness.py) of the interview's
    cards at its time, and how many are below 95 %."""
    from interview_srs.schedule.readiness import recall_ms
    from interview_srs.schedule.scheduler import to_ms

    prefix = {"快手": "c-ks", "蚂蚁": "d-ant"}[name]
    conn = sqlite3.connect(home / "store.sqlite3")
    rows = conn.execute("SELECT state, stability, last_review_ms FROM cards WHERE id LIKE ?", (prefix + "%",)).fetchall()
    conn.close()
    recalls = [0.0 if state == 0 else recall_ms(s, last, to_ms(at)) for state, s, last in rows]
    return {"mean": sum(recalls) / len(recalls), "lowest": min(recalls), "below": sum(r < 0.95 for r in recalls)}


def week_report(seeds: int) -> None:
    print(f"\nInterview week: 通用 40, 小红书 40, 快手 60, 蚂蚁 60 cards; {WARM_UP_DAYS} days of plain study, "
          f"then 快手 in 6 days and 蚂蚁 in 12 (14:00); one session a day at 10:00; seeds {seeds}")
    for seed in range(seeds):
        print(f"\nseed {seed}\n| day | estimated answers | ~min | actual answers | error "
              "| 快手's share of the session's first N answers (N: its answers that day) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for row in interview_week(seed):
            if "readiness" in row:
                print(f"| {row['readiness']} at the interview | readiness {row['mean']:.3f} | | lowest {row['lowest']:.3f} "
                      f"| below 95 %: {row['below']} | |")
                continue
            error = (row["estimate"] - row["actual"]) / row["actual"] if row["actual"] else 0.0
            share = "" if row["ks_share"] is None else f"{row['ks_share']:.0%}"
            print(f"| {row['date']} | {row['estimate']} | {row['minutes']} | {row['actual']} | {error:+.0%} | {share} |")


def large_bank(runs: int) -> None:
    """bench_review.py's bank (10,000 cards in 20 decks, 200,000 answers): the time from starting
    `srs review` to the first card without interviews and with one interview on every deck, and
    in-process, the time from reading a rating key to reading the next key (answer stored, next
    card chosen and drawn), with and without the interview."""
    import shutil

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_review import NOW as BANK_NOW, fill_store, time_to_first_card, write_cards

    from interview_srs.bank.sources import CardSources
    from interview_srs.commands.interviews import add_command
    from interview_srs.store.connection import Store
    from interview_srs.store.home import sync_cards

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cards, home = folder / "cards", folder / "home"
        home.mkdir()
        write_cards(cards)
        with Store.open(home / "store.sqlite3") as store:
            sync_cards(store, CardSources((cards,), "given"), BANK_NOW)
            fill_store(store)
        shutil.copytree(home, folder / "home-interview")
        as_installed = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        envs = {
            label: {**as_installed, "SRS_HOME": str(folder / name), "SRS_NOW": BANK_NOW.isoformat(),
                    "LANG": "en_US.UTF-8", "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"),
                    "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
            for label, name in (("no interview", "home"), ("an interview on every deck", "home-interview"))
        }
        day = (BANK_NOW + timedelta(days=5)).date().isoformat()
        add_command(cards, None, "全部", day, "14:00", ("面试::*",), envs["an interview on every deck"])
        command = [sys.executable, "-m", "interview_srs", "review", "--cards", str(cards)]
        samples: dict[str, list[float]] = {label: [] for label in envs}
        for label, env in envs.items():
            time_to_first_card(command, env)  # warm-up
        for _ in range(runs):  # alternated, so a busy machine weighs on both alike
            for label, env in envs.items():
                samples[label].append(time_to_first_card(command, env))
        figures = {label: (statistics.median(samples[label]), _per_answer(cards, env, 60)) for label, env in envs.items()}
    base = figures["no interview"][0]
    for label, (first, per_answer) in figures.items():
        print(f"{label}: first card median {first * 1000:.0f} ms ({first / base:.2f}× without); "
              f"rating → next card median {statistics.median(per_answer) * 1000:.1f} ms "
              f"(p90 {sorted(per_answer)[int(len(per_answer) * 0.9)] * 1000:.1f} ms, {len(per_answer)} answers)")


def _per_answer(cards: Path, env: dict, answers: int) -> list[float]:
    """In-process: seconds from reading each rating key to reading the next key."""
    from interview_srs.commands.review import review

    stamps: list[tuple[str, float]] = []

    class Keys(io.StringIO):
        def readline(self, *args):
            line = super().readline(*args)
            stamps.append((line, time.perf_counter()))
            return line

    review(cards, None, stdin=Keys("space\n3\n" * answers + "q\n"), stdout=io.StringIO(), environ=dict(env))
    return [later - at for (key, at), (_next, later) in zip(stamps, stamps[1:]) if key == "3\n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--week", action="store_true", help="Only the interview-week estimate-vs-actual table.")
    parser.add_argument("--large", action="store_true", help="Only the 10,000-card timings (first card, next card).")
    parser.add_argument("--runs", type=int, default=5, help="Runs of the first-card timing (--large).")
    args = parser.parse_args()
    os.environ.pop("SRS_NOW", None)
    if args.week:
        week_report(args.seeds)
        return
    if args.large:
        large_bank(args.runs)
        return
    print(f"{CARDS} cards, interview in {DAYS} days at 14:00, one session a day, medians over {args.seeds} seeds")
    print("| way | answers | lowest recall (worst seed) | mean recall | cards not answered in the last 2 days | s/run |")
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
