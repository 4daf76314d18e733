"""Benchmark of `srs sync-anki` (reading a collection, importing and replaying its answers).

Builds, in a temporary folder, 4 card files with 2,000 cards, imports the decks into a fresh
Anki collection with the real backend, then adds 20 review-log entries per card (40,000, over
the last year) straight into its revlog table. Measures, with medians over several runs:

* the first sync into an empty store (copy, read, insert 40,000 answers, replay 2,000 cards);
* a second sync of the same collection (nothing new: copy, read, compare revlog ids).

Run: `PYTHONPATH=src python benchmarks/bench_anki_sync.py [--runs N]` (needs the `anki` package).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

from interview_srs.anki.sync import sync_from_anki  # noqa: E402
from interview_srs.anki.build import build  # noqa: E402
from interview_srs.store.home import open_home  # noqa: E402

CARDS = 2_000
FILES = 4
REVIEWS_PER_CARD = 20
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


def make_collection(root: Path) -> Path:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

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
    for cid in cids:
        start = now_ms - rng.randint(200, 365) * DAY_MS
        for k in range(REVIEWS_PER_CARD):
            next_id += 1
            at = start + k * 9 * DAY_MS + rng.randint(0, DAY_MS) + next_id % 1000
            rows.append((at, cid, -1, rng.choice([1, 3, 3, 3, 4]), 5, 3, 5000, rng.randint(2000, 30000), 1 if k else 0))
    conn.executemany("INSERT OR IGNORE INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return path


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_cards(root / "cards")
        collection = make_collection(root)
        first, second = [], []
        for run in range(args.runs):
            environ = {"SRS_HOME": str(root / f"home{run}")}
            home = open_home(None, root / "cards", datetime.now(timezone.utc), environ)
            try:
                first.append(timed(lambda: sync_from_anki(collection, home)))
                second.append(timed(lambda: sync_from_anki(collection, home)))
                answers = home.store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
            finally:
                home.store.close()
        print(f"{CARDS} cards, {answers} answers from Anki, {args.runs} runs")
        print(f"first sync (import + replay): median {statistics.median(first):.2f} s")
        print(f"second sync (nothing new):   median {statistics.median(second):.2f} s")


if __name__ == "__main__":
    main()
