"""Start-up of `srs review`, `srs stats` and `srs --help`, next to the floor, with the first
card's time broken into phases — so that a regression is seen in the run that brings it.

The store is bench_review.py's (10,000 cards in 20 files, 200,000 answers over the last year,
about a tenth of the cards due). Each round runs, interleaved:

* the floor: `python -c pass`, and a ten-line script that opens the same store with sqlite3 and
  prints the first due card (what no review tool can beat); and the stack, `python -c "import
  click, sqlite3, pathlib, dataclasses, json"`: what the project's fixed choices cost before any
  of its own code runs;
* `srs review` until the first card's keys line is on screen (also with an interview on every
  deck, in a copy of the store), `srs stats`, `srs stats --json` and `srs --help`, for this checkout and for each `--compare SRC` folder (another checkout's
  src/, each with its own copy of the store, built by the last checkout named and migrated by
  the others: a newer schema is refused by an older version);
* startup_phases.py: the same first card in one process, its time split into imports, store
  (open and card sync), SQL, planning, rendering and other; interpreter is what is left of the
  time to the first card (starting the process and the interpreter, reading the pipe).

Medians over the rounds, with each figure's ratio to the floor script measured in the same
run. `--instructions` also counts, under valgrind (callgrind), the instructions each first card
takes (to_first_card.py stops the count there), the floor and the stack: the same on every run
whatever else the machine is doing, so two versions compare exactly where the times are noisy. The machine's load average is printed before and after: these figures are only
comparable between runs on a quiet machine; within one run the interleaving keeps them fair.

`--installed SRS` instead measures an installed `srs` (e.g. from the wheel, in its own venv)
on its bundled bank, run from an empty folder after a fortnight of daily sessions (made first
through that `srs`): the first card and `srs --help`. Give it twice to compare two installs.

Run: `PYTHONPATH=src python benchmarks/bench_startup.py [--runs N] [--compare OTHER/src]
[--keep DIR] [--instructions]` or `python benchmarks/bench_startup.py --installed VENV/bin/srs [--installed …]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(SRC))

import bench_review  # noqa: E402  (same folder: the store's cards and answers, its clock)

# the first card's keys line: now, and in versions from before interview mode
READY = (bench_review.READY.encode(), b"Space/Enter show answer")
# What the fixed stack costs before a line of interview-srs runs: click (the CLI), sqlite3, and
# what every module of ours uses (pathlib, frozen dataclasses, json).
STACK = "import click, sqlite3, pathlib, dataclasses, json"
STACK_LABEL = "the stack alone (imports)"
PHASES = ("interpreter", "imports", "store", "SQL", "planning", "rendering", "other")
FLOOR = '''import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
row = conn.execute(
    "SELECT id, deck, question FROM cards WHERE present = 1 AND suspended = 0 "
    "AND state = 2 AND due_ms < ? ORDER BY due_ms LIMIT 1",
    (int(sys.argv[2]),),
).fetchone()
print(row[1])
print(row[2])
print(row[0])
'''


BUILD = """import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
try:
    from interview_srs.bank.sources import CardSources
    from interview_srs.store.connection import Store
    from interview_srs.store.home import sync_cards
    sync = lambda store, cards, at: sync_cards(store, CardSources((cards,), "given"), at)
except ImportError:  # a checkout from before the packages by concern
    from interview_srs.store import Store
    sync = lambda store, cards, at: store.sync(cards, at)
sys.path.insert(0, sys.argv[2])
import bench_review
folder = Path(sys.argv[3])
bench_review.write_cards(folder / "cards")
(folder / "home").mkdir()
with Store.open(folder / "home" / "store.sqlite3") as store:
    sync(store, folder / "cards", bench_review.NOW)
    bench_review.fill_store(store)
"""


def build_store(folder: Path, src: Path) -> None:
    """bench_review's store, built by the checkout whose src/ is `src` with that checkout's own
    benchmarks/bench_review.py (the same cards and answers): an older version cannot open a
    newer one's store."""
    own = src.parent / "benchmarks"
    subprocess.run([sys.executable, "-c", BUILD, str(src), str(own if own.is_dir() else HERE), str(folder)], check=True)


def first_card(command: list[str], env: dict, cwd: Path | None = None) -> float:
    """Seconds from starting `command` to the first card's keys line on its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    seen = b""
    while not any(marker in seen for marker in READY):
        chunk = proc.stdout.read1(65536)
        if not chunk:
            raise SystemExit(f"{command} ended before showing a card: " + proc.stderr.read().decode())
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.communicate(b"q\n")
    return elapsed


def finished(command: list[str], env: dict, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def phases(command: list[str], env: dict, out: Path) -> dict[str, float]:
    wall = first_card(command, {**env, "SRS_PHASES_OUT": str(out)})
    spent = json.loads(out.read_text())
    return {"interpreter": wall - spent.pop("total"), **spent}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def measure_bank(runs: int, compare: list[Path], keep: Path | None, instructions: bool = False) -> None:
    folder = keep or Path(tempfile.mkdtemp(prefix="bench-startup-"))
    trees = {"this": SRC, **{f"compare{i + 1}": Path(src).resolve() for i, src in enumerate(compare)}}
    if not (folder / "home" / "store.sqlite3").exists():
        started = time.perf_counter()
        build_store(folder, list(trees.values())[-1])
        print(f"store built in {time.perf_counter() - started:.1f} s")
    cards, store = folder / "cards", folder / "home" / "store.sqlite3"
    due_before = bench_review.to_ms(bench_review.NOW + timedelta(hours=18))
    floor_script = folder / "floor.py"
    floor_script.write_text(FLOOR)
    base_env = {**os.environ, "SRS_NOW": bench_review.NOW.isoformat(), "LANG": "en_US.UTF-8"}
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)  # measured as installed: bytecode cached
    envs = {}
    for name, src in trees.items():
        home = folder / f"home-{name}"
        if not home.exists():  # each version migrates its own copy
            shutil.copytree(folder / "home", home)
        envs[name] = {**base_env, "SRS_HOME": str(home), "PYTHONPATH": str(src),
                      "PYTHONPYCACHEPREFIX": str(folder / f"pycache-{name}")}
    interview_envs = {}
    day = (bench_review.NOW + timedelta(days=5)).date().isoformat()
    for name, env in envs.items():
        home = folder / f"home-{name}-interview"
        interview_envs[name] = {**env, "SRS_HOME": str(home)}
        if not home.exists():
            shutil.copytree(env["SRS_HOME"], home)
            added = subprocess.run([sys.executable, "-m", "interview_srs", "interview", "add", "全部", day, "--time",
                                    "14:00", "--deck", "面试::*", "--cards", str(cards)], env=interview_envs[name],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if added.returncode != 0:  # a version from before interview mode
                shutil.rmtree(home)
        if not home.exists():
            interview_envs[name] = None
    py = sys.executable
    results: dict[str, list[float]] = {"python -c pass": [], "floor script": [], STACK_LABEL: []}
    breakdown: dict[str, dict[str, list[float]]] = {name: {p: [] for p in PHASES} for name in trees}
    for name, env in envs.items():  # warm-up: migrations, bytecode caches
        first_card([py, "-m", "interview_srs", "review", "--cards", str(cards)], env)
        if interview_envs[name]:
            first_card([py, "-m", "interview_srs", "review", "--cards", str(cards)], interview_envs[name])
        finished([py, "-m", "interview_srs", "stats", "--cards", str(cards)], env)
    print(f"load average before: {load()}; cpus {os.cpu_count()}; python {sys.version.split()[0]}; {runs} rounds")
    for _ in range(runs):
        results["python -c pass"].append(finished([py, "-c", "pass"], base_env))
        results["floor script"].append(finished([py, str(floor_script), str(store), str(due_before)], base_env))
        results[STACK_LABEL].append(finished([py, "-c", STACK], base_env))
        for name, env in envs.items():
            srs = [py, "-m", "interview_srs"]
            timings = {
                "srs review → first card": first_card(srs + ["review", "--cards", str(cards)], env),
                "  with an interview on every deck": first_card(srs + ["review", "--cards", str(cards)],
                                                                interview_envs[name]) if interview_envs[name] else None,
                "srs stats": finished(srs + ["stats", "--cards", str(cards)], env),
                "srs stats --json": finished(srs + ["stats", "--json", "--cards", str(cards)], env),
                "srs --help": finished(srs + ["--help"], env),
            }
            for figure, value in timings.items():
                if value is not None:
                    results.setdefault(f"{figure} [{name}]", []).append(value)
            if not (trees[name] / "interview_srs" / "terminal" / "screen.py").exists():
                continue  # startup_phases.py times the modules of the packages by concern
            split = phases([py, str(HERE / "startup_phases.py"), "review", "--cards", str(cards)], env,
                           folder / f"phases-{name}.json")
            for phase, value in split.items():
                breakdown[name][phase].append(value)
    print(f"load average after:  {load()}")
    floor = ms(results["floor script"])
    print(f"\n{'figure (median, ms)':34} {'ms':>8} {'× floor':>8}   trees: " +
          ", ".join(f"{n} = {s}" for n, s in trees.items()))
    for figure, values in results.items():
        print(f"{figure:34} {ms(values):8.1f} {ms(values) / floor:8.2f}")
    for name in (name for name in trees if interview_envs[name]):
        alone = ms(results[f"srs review → first card [{name}]"])
        print(f"first card with an interview on every deck ÷ without [{name}]: "
              f"{ms(results[f'  with an interview on every deck [{name}]']) / alone:.2f}")
    split = [name for name in trees if breakdown[name]["imports"]]
    print("\nfirst card, by phase (median of each phase, ms):")
    print(f"{'phase':12}" + "".join(f"{name:>12}" for name in split))
    for phase in PHASES:
        print(f"{phase:12}" + "".join(f"{ms(breakdown[name][phase]):12.1f}" for name in split))
    print(f"{'(sum)':12}" + "".join(
        f"{sum(ms(breakdown[name][p]) for p in PHASES):12.1f}" for name in split))
    if instructions:
        count_instructions(trees, envs, interview_envs, [py, str(floor_script), str(store), str(due_before)],
                           base_env, cards)
    if keep is None:
        shutil.rmtree(folder)


def count_instructions(trees: dict, envs: dict, interview_envs: dict, floor: list[str], base_env: dict,
                       cards: Path) -> None:
    """Instructions (valgrind --tool=callgrind) of the floor, the stack and each first card."""
    if shutil.which("valgrind") is None:
        print("\n--instructions: valgrind is not installed")
        return

    def count(command: list[str], env: dict) -> int:
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                              env={**env, "PYTHONHASHSEED": "0"}, input=b"q\n", capture_output=True)
        return int(done.stderr.decode().rsplit("Collected : ", 1)[1].split()[0])

    py = sys.executable
    review = [py, str(HERE / "to_first_card.py"), "review", "--cards", str(cards)]
    counts = {"python -c pass": count([py, "-c", "pass"], base_env), "floor script": count(floor, base_env),
              STACK_LABEL: count([py, "-c", STACK], base_env)}
    for name in trees:
        counts[f"srs review → first card [{name}]"] = count(review, envs[name])
        if interview_envs[name]:
            counts[f"  with an interview on every deck [{name}]"] = count(review, interview_envs[name])
    print(f"\n{'instructions (millions)':34} {'M':>8} {'× floor':>8}")
    for figure, value in counts.items():
        print(f"{figure:34} {value / 1e6:8.1f} {value / counts['floor script']:8.2f}")
    for name in (name for name in trees if interview_envs[name]):
        print(f"first card with an interview on every deck ÷ without [{name}], in instructions: "
              f"{counts[f'  with an interview on every deck [{name}]'] / counts[f'srs review → first card [{name}]']:.2f}")


def fortnight(srs: Path, env: dict, cwd: Path) -> None:
    """Fourteen daily sessions through `srs` itself: every card it offers answered (space, then
    a rating from a fixed cycle), up to 40 a day."""
    ratings = "3 3 2 3 4 3 1 3 3 2".split()
    for day in range(14):
        at = bench_review.NOW + timedelta(days=day - 14)
        keys = "".join(f" \n{ratings[(day + i) % len(ratings)]}\n" for i in range(40)) + "q\n"
        subprocess.run([str(srs), "review"], env={**env, "SRS_NOW": at.isoformat()}, cwd=cwd,
                       input=keys.encode(), stdout=subprocess.DEVNULL, check=True)


def measure_installed(runs: int, installs: list[Path]) -> None:
    """The bundled bank through installed `srs` executables, each with its own fortnight."""
    folder = Path(tempfile.mkdtemp(prefix="bench-installed-"))
    empty = folder / "empty"
    empty.mkdir()
    base_env = {**os.environ, "SRS_NOW": bench_review.NOW.isoformat(), "LANG": "en_US.UTF-8"}
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    base_env.pop("PYTHONPATH", None)
    envs = {}
    for i, srs in enumerate(installs):
        envs[srs] = {**base_env, "SRS_HOME": str(folder / f"home{i}")}
        fortnight(srs, envs[srs], empty)
        first_card([str(srs), "review"], envs[srs], empty)
    floor_script = folder / "floor.py"
    floor_script.write_text(FLOOR)
    due_before = str(bench_review.to_ms(bench_review.NOW + timedelta(hours=18)))
    python = installs[0].parent / "python"
    results: dict[str, list[float]] = {"python -c pass": [], "floor script": []}
    print(f"load average before: {load()}; cpus {os.cpu_count()}; {runs} rounds")
    for _ in range(runs):
        results["python -c pass"].append(finished([str(python), "-c", "pass"], base_env, empty))
        results["floor script"].append(finished(
            [str(python), str(floor_script), str(folder / "home0" / "store.sqlite3"), due_before], base_env, empty))
        for srs, env in envs.items():
            results.setdefault(f"first card [{srs}]", []).append(first_card([str(srs), "review"], env, empty))
            results.setdefault(f"srs --help [{srs}]", []).append(finished([str(srs), "--help"], env, empty))
    print(f"load average after:  {load()}")
    floor = ms(results["floor script"])
    for figure, values in results.items():
        print(f"{figure:60} {ms(values):8.1f} ms {ms(values) / floor:6.2f}× floor")
    shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare", action="append", default=[], metavar="SRC",
                        help="another checkout's src/ folder, measured in the same rounds")
    parser.add_argument("--keep", type=Path, help="build the store here once and reuse it")
    parser.add_argument("--installed", action="append", type=Path, default=[], metavar="SRS",
                        help="an installed srs executable: the bundled bank after a fortnight")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each first card's instructions under valgrind (exact where times are noisy)")
    args = parser.parse_args()
    if args.installed:
        measure_installed(args.runs, args.installed)
    else:
        measure_bank(args.runs, args.compare, args.keep, args.instructions)


if __name__ == "__main__":
    main()
