"""Fuzz the card loader with mutated real card files; print outcomes per kind of mutation.

Every mutation of a real file (cards/*.yaml) must give either a deck or located problems
(file:line:col, one line each), never an exception and never a crash. The test suite runs a
bounded number of these through hypothesis (tests/test_cards.py); this script runs many more,
each batch in a child process so a crash (e.g. a segmentation fault) is counted, not fatal:

    PYTHONPATH=src python benchmarks/fuzz_loader.py [--cases 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SNIPPETS = [
    "- [", "{", "}", "]", "&a ", "*a", "!!python/object:os.system", "!!binary", "!custom", "? ", ": ", "---",
    "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "|", ">-", "'", '"', '"\\u001f"', '"\\x1b]0;t\\x07"', '"\\ud800"',
    "<<: *a", "id: Bad Id", "cards: []", "deck: ''", "question:", "- id: x\n  question: y", "\t", "\u00a0",
    "\u2028", "\x85", "\ufeff", "\x00", "\x1f", "\ufffe", "#", "@", "`", "~", "null", "1e400", "0x1F",
    "2001-12-14t21:59:43.10-05:00", "yes", "=", "- - - - - -", "[[[[[[[[", "{a: {b: {c: {d: ",
]


def byte_flips(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncation(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def line_edits(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(lines) + 1)
        kind = rng.choice(["delete", "duplicate", "swap", "insert", "indent", "dedent"])
        if kind == "delete" and at < len(lines):
            del lines[at]
        elif kind == "duplicate" and at < len(lines):
            lines.insert(at, lines[at])
        elif kind == "swap" and len(lines) > 1:
            other = rng.randrange(len(lines))
            at = min(at, len(lines) - 1)
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "insert":
            lines.insert(at, (" " * rng.randint(0, 8) + rng.choice(SNIPPETS)).encode("utf-8", "surrogatepass"))
        elif kind == "indent" and at < len(lines):
            lines[at] = b"  " + lines[at]
        elif kind == "dedent" and at < len(lines):
            lines[at] = lines[at].lstrip(b" ")
    return b"\n".join(lines)


def snippets(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(SNIPPETS) + text[at:]
    return text.encode("utf-8", "surrogatepass")


def nesting(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([10, 100, 1_000, 5_000, 6_000, 30_000])
    opener = rng.choice(["[", "{a: ", "- ", "? "])
    closer = {"[": "]", "{a: ": "}", "- ": "", "? ": ""}[opener] if rng.random() < 0.5 else ""
    line = "    question: " + opener * depth + "x" + closer * depth
    lines = data.decode("utf-8").split("\n")
    lines.insert(rng.randrange(len(lines) + 1), line)
    return "\n".join(lines).encode("utf-8")


def tags(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    tag = rng.choice(["!!python/object/apply:os.system", "!!str", "!!int", "!!map", "!!seq", "!!set", "!!omap",
                      "!x", "!<tag:yaml.org,2002:str>", "!!timestamp", "!!binary", "!!float"])
    places = [i for i, ch in enumerate(text) if ch == ":"]
    at = rng.choice(places) + 1 if places else 0
    return (text[:at] + " " + tag + text[at:]).encode("utf-8")


def encodings(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8")
    kind = rng.choice(["utf-16", "utf-16-le", "utf-32", "gb18030", "latin-1", "bom", "cr", "crlf", "nel", "ls"])
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind in ("cr", "crlf", "nel", "ls"):
        return text.replace("\n", {"cr": "\r", "crlf": "\r\n", "nel": "\x85", "ls": "\u2028"}[kind]).encode("utf-8")
    return text.encode(kind, errors="replace")


MUTATIONS = {f.__name__: f for f in (byte_flips, truncation, line_edits, snippets, nesting, tags, encodings)}


def sources() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((REPO / "cards").glob("*.yaml"))]


def outcome(data: bytes) -> str:
    """'deck', 'problems', or what went wrong ('exception: …', 'unlocated', 'multi-line')."""
    from interview_srs.bank.parse import parse_deck_file

    try:
        deck, problems = parse_deck_file(data, Path("cards/x.yaml"), "cards/x.yaml")
    except Exception as exc:  # noqa: BLE001 - counting them is the point
        return f"exception: {exc.__class__.__name__}"
    if deck is None and not problems:
        return "no deck and no problem"
    for problem in problems:
        if problem.location.line < 1 or problem.location.column < 1:
            return "unlocated"
        if "\n" in str(problem):
            return "multi-line"
    return "problems" if problems else "deck"


def _child(payload: str) -> None:
    """Run one batch: (category, seed, count) -> counts, printed as JSON."""
    category, seed, count = json.loads(payload)
    rng = random.Random(seed)
    files = sources()
    counts: collections.Counter = collections.Counter()
    for _ in range(count):
        _name, data = rng.choice(files)
        counts[outcome(MUTATIONS[category](rng, data))] += 1
    print(json.dumps(counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="mutated files per kind of mutation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=250)
    args = parser.parse_args()
    env_path = str(REPO / "src")
    print(f"{'mutation':<12} {'cases':>6} {'deck':>6} {'problems':>9}  other")
    for category in MUTATIONS:
        totals: collections.Counter = collections.Counter()
        for batch in range(0, args.cases, args.batch):
            payload = json.dumps([category, args.seed * 1_000_003 + batch, min(args.batch, args.cases - batch)])
            result = subprocess.run(
                [sys.executable, __file__, "--child", payload], capture_output=True, text=True,
                env={"PYTHONPATH": env_path},
            )
            if result.returncode != 0:
                totals[f"crash (exit {result.returncode})"] += min(args.batch, args.cases - batch)
            else:
                totals.update(json.loads(result.stdout))
        other = {k: v for k, v in totals.items() if k not in ("deck", "problems")}
        print(f"{category:<12} {sum(totals.values()):>6} {totals['deck']:>6} {totals['problems']:>9}  {other or '-'}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
