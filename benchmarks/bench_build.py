"""Benchmark `srs build` on a synthetic 10,000-card bank against a bare genanki script.

Prints medians of wall time and peak memory (each run is a fresh process), their ratio, and
the time of a no-op rebuild and of a rebuild after one edit. Run:

    .venv/bin/python benchmarks/bench_build.py [--cards 10000] [--runs 5]

Targets (issues #2 and #9): full build no slower than the bare script (ratio <= 1.0) and peak
memory <= 1.2x; a rebuild with nothing changed <= 0.3 s; after editing one card <= 0.3 s;
`srs check` after editing one card <= 1 s. Full builds start with an empty cache; later runs
reuse it, as a curator's do: the one-edit check follows a check of the bank before the edit.
Peak memory is that of the largest process (a full build parses in worker processes).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

FILES = 20
CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"


def synthetic_bank(folder: Path, total: int, seed: int = 7, files: int = FILES) -> None:
    """Card files with Chinese text of realistic length: ~25-char questions, ~300-char backs."""
    rng = random.Random(seed)

    def text(low: int, high: int) -> str:
        return "".join(rng.choice(CHARS) for _ in range(rng.randint(low, high))) + "。"

    per_file = total // files
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        lines = [f"deck: 基准::公司{f:02d}::岗位", f"tags: [公司{f:02d}]", "cards:"]
        for i in range(per_file):
            lines += [f"  - id: bench-{f:02d}-{i:05d}", f"    question: {text(15, 35)}？".replace("。？", "？")]
            lines.append(f"    assesses: {text(15, 30)}")
            if i % 2:
                lines.append("    star:")
                for part in ("situation", "task", "result"):
                    lines.append(f"      {part}: {text(20, 45)}")
                lines.append("      action:")
                lines += [f"        - {text(20, 40)}" for _ in range(3)]
            else:
                lines.append("    outline:")
                lines += [f"      - {text(20, 45)}" for _ in range(5)]
            lines += ["    pitfalls:", f"      - {text(15, 30)}", "    followups:"]
            lines += [f"      - {{q: {text(10, 20)}, cue: {text(15, 30)}}}" for _ in range(2)]
            lines += ["    tags: [行为]", f'    sources: ["bench#{i}"]']
        (folder / f"company-{f:02d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")


BARE_SCRIPT = textwrap.dedent(
    """
    import html, sys, pathlib, yaml, genanki, warnings
    cards_dir, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(exist_ok=True)
    model = genanki.Model(1607392319, "bare", fields=[{"name": n} for n in
        ["Question", "Star", "Outline", "Assesses", "Pitfalls", "Id"]],
        templates=[{"name": "c", "qfmt": "{{Question}}", "afmt": "{{Star}}{{Outline}}"}])
    every = []
    for path in sorted(cards_dir.glob("*.yaml")):
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        deck = genanki.Deck(abs(hash(data["deck"])) % (1 << 40), data["deck"])
        for c in data["cards"]:
            star = c.get("star") or {}
            fields = [html.escape(c["question"]),
                      "".join(html.escape(str(v)) for v in star.values()),
                      "".join("<li>%s</li>" % html.escape(p) for p in c.get("outline", [])),
                      html.escape(c.get("assesses", "")),
                      "".join("<li>%s</li>" % html.escape(p) for p in c.get("pitfalls", [])),
                      c["id"]]
            deck.add_note(genanki.Note(model=model, fields=fields, guid=genanki.guid_for(c["id"]),
                                       tags=list(data.get("tags", [])) + c.get("tags", [])))
        every.append(deck)
        genanki.Package(deck).write_to_file(out / (path.stem + ".apkg"))
    genanki.Package(every).write_to_file(out / "all.apkg")
    """
)

# `srs` as a user runs it, the script installed beside this interpreter (the bare script, too, is
# run as a file); `python -m interview_srs` where the project is not installed.
_SCRIPT = Path(sys.executable).with_name("srs.exe" if os.name == "nt" else "srs")
SRS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "interview_srs"]

MEASURE = (
    "import resource, subprocess, sys, time;"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True);"
    "wall = time.perf_counter() - t;"
    "sys.stderr.write(r.stderr.decode()[-2000:]) if r.returncode else None;"
    "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
)


def measure(command: list[str], cache: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one fresh process; `cache` is its parse cache folder."""
    environ = dict(os.environ, SRS_CACHE_DIR=str(cache)) if cache else None
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True, env=environ
    )
    wall, rss_kib, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"command failed: {' '.join(command)}\n{out.stderr}")
    return float(wall), int(rss_kib) / 1024


def _compile_package() -> None:
    """Write the package's .pyc files, as installing it does, so that no run measures compiling
    it from source (a checkout run with PYTHONDONTWRITEBYTECODE=1 would, every time)."""
    import compileall

    import interview_srs

    compileall.compile_dir(Path(interview_srs.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=FILES, help="card files the cards are spread over")
    args = parser.parse_args()
    _compile_package()
    srs = [*SRS, "build"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cards = root / "cards"
        synthetic_bank(cards, args.cards, files=args.files)
        bare = root / "bare.py"
        bare.write_text(BARE_SCRIPT, "utf-8")
        check = [*SRS, "check", "--cards", str(cards)]
        ours, theirs, noop, one_edit, check_cold, check_warm, check_question = [], [], [], [], [], [], []
        for run in range(args.runs):
            out = root / f"decks-{run}"
            cache = root / f"cache-{run}"  # a full build starts with an empty parse cache
            ours.append(measure([*srs, "--cards", str(cards), "--out", str(out)], cache))
            theirs.append(measure([sys.executable, "-W", "ignore", str(bare), str(cards), str(root / f"bare-{run}")]))
            noop.append(measure([*srs, "--cards", str(cards), "--out", str(out)], cache))
            first = cards / "company-00.yaml"
            first.write_text(first.read_text("utf-8").replace("    assesses: ", "    assesses: 改", 1), "utf-8")
            one_edit.append(measure([*srs, "--cards", str(cards), "--out", str(out)], cache))
            check_cold.append(measure(check, root / f"check-cache-{run}"))
            measure(check, cache)  # the check before the edit, as in the curation loop
            first.write_text(first.read_text("utf-8").replace("    assesses: ", "    assesses: 又", 1), "utf-8")
            check_warm.append(measure(check, cache))
            first.write_text(first.read_text("utf-8").replace("    question: ", "    question: 改", 1), "utf-8")
            check_question.append(measure(check, cache))

        def median(rows: list[tuple[float, float]], i: int) -> float:
            return statistics.median(r[i] for r in rows)

        def line(label: str, rows: list[tuple[float, float]], target: str = "") -> None:
            """Median time and peak, and the fastest and slowest run: the spread says how
            noisy the machine was while these were measured."""
            times = [r[0] for r in rows]
            print(
                f"{label:<23} {median(rows, 0):7.3f} s   peak {median(rows, 1):6.1f} MiB"
                f"   (runs {min(times):.3f}-{max(times):.3f} s){target}"
            )

        print(f"synthetic bank: {args.cards} cards in {args.files} files; {args.runs} runs, medians; srs run as {' '.join(SRS)}")
        line("srs build (full)", ours)
        line("bare genanki script", theirs)
        print(f"ratio srs/bare          {median(ours, 0) / median(theirs, 0):7.2f} x  (target <= 1.0)")
        line("srs build, no change", noop, "  target <= 0.3 s")
        line("srs build, one edit", one_edit, "  target <= 0.3 s")
        line("srs check, cold cache", check_cold)
        line("srs check, one edit", check_warm, "  target <= 1 s")
        line("  ... of a question", check_question, "  target <= 1 s")
        print(f"memory ratio srs/bare   {median(ours, 1) / median(theirs, 1):7.2f} x  (target <= 1.2)")

if __name__ == "__main__":
    main()
