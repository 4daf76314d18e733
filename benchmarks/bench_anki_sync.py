"""Benchmark of `srs sync-anki` (reading a collection, importing and replaying its answers).

Builds, in a temporary folder, 4 card files with 2,000 cards, imports the decks into a fresh
Anki collection with the real backend, then adds N review-log entries per card (100 by default:
200,000 answers over the last year) straight into its revlog table. Each run is a separate
process (so its peak memory is its own) that measures:

* the first sync into an empty store (copy, read, insert every answer, replay 2,000 cards);
* a second sync of the same collection (nothing new: copy, read, compare revlog ids);
* the process's peak resident memory (VmHWM on Linux).

Prints the medians over the runs.

Run: `PYTHONPATH=src python benchmarks/bench_anki_sync.py [--runs N] [--per-card N]` (needs the
`anki` package to make the collection; the measured process does not import it).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

CARDS = 2_000
FILES = 4
DAY_MS = 86_400_000


def write_cards(folder: Path) -> None:
    folder.mkdir(parents=True)
    per_file = CARDS // FILES
    for f in range(FILES):
        lines = [f"deck: 面试::基准{f}", "cards:"]
        for c in range(per_file):
            lines += [
                f"  - id: bench-{f}-{c}",
                f"    question: 第{f}组第{c}题：你如何衡量一次拉新活动的效果？",
                "    outline:",
                "      - 先定口径",
                "      - 再看分群",
                "      - 最后复盘",
            ]
        (folder / f"bench-{f}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def make_collection(root: Path, per_card: int) -> Path:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from interview_srs.anki.build import build

    build(root / "cards", root / "decks", now=1_760_000_000)
    path = root / "profile" / "collection.anki2"
    path.parent.mkdir()
    col = Collection(str(path))
    col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(root / "decks" / "interview-srs-all.apkg"),
                                 options=ImportAnkiPackageOptions())
    )
    col.close()
    rng = random.Random(1)
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    conn = sqlite3.connect(path)
    cids = [row[0] for row in conn.execute("SELECT id FROM cards")]
    rows, next_id = [], now_ms - 365 * DAY_MS
    gap_ms = 360 * DAY_MS // per_card
    for cid in cids:
        start = now_ms - rng.randint(363, 365) * DAY_MS
        for k in range(per_card):
            next_id += 1
            at = start + k * gap_ms + rng.randint(0, gap_ms // 2) + next_id % 1000
            rows.append((at, cid, -1, rng.choice([1, 3, 3, 3, 4]), 5, 3, 5000, rng.randint(2000, 30000), 1 if k else 0))
    conn.executemany("INSERT OR IGNORE INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return path


def measure(root: Path, run: int) -> dict:
    """One run in this process: two syncs into a fresh store."""
    from interview_srs.anki.sync import sync_from_anki
    from interview_srs.store.home import open_home

    collection = root / "profile" / "collection.anki2"
    now = datetime.now(timezone.utc)
    home = open_home(None, root / "cards", now, {"SRS_HOME": str(root / f"home{run}")})
    try:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            sync_from_anki(collection, home, now=now)
            times.append(time.perf_counter() - start)
        answers = home.store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    finally:
        home.store.close()
    return {"first": times[0], "second": times[1], "answers": answers, "peak_mb": peak_memory_mb()}


def peak_memory_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec (it would report
    the forking parent's), so VmHWM is read there."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (line,) = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-card", type=int, default=100, help="Anki answers per card")
    parser.add_argument("--measure", nargs=2, metavar=("ROOT", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), int(args.measure[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_cards(root / "cards")
        make_collection(root, args.per_card)
        results = [
            json.loads(subprocess.run(
                [sys.executable, __file__, "--measure", str(root), str(run)],
                check=True, capture_output=True, text=True,
            ).stdout)
            for run in range(args.runs)
        ]
    print(f"{CARDS} cards, {results[0]['answers']} answers from Anki, {args.runs} runs")
    print(f"first sync (import + replay): median {statistics.median(r['first'] for r in results):.2f} s")
    print(f"second sync (nothing new):   median {statistics.median(r['second'] for r in results):.2f} s")
    print(f"peak memory of a run:        median {statistics.median(r['peak_mb'] for r in results):.0f} MB")


if __name__ == "__main__":
    main()
