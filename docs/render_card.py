"""Render real cards with the note type the build writes, in headless Chromium, to check the look.

    python docs/render_card.py [CARD_ID ...] [--out docs] [--chromium chromium]

For each card: front and back, day and night, at 400 px (a phone) and 1000 px (desktop), as
`card-<id>-<side>-<width>-<mode>.png`. The templates are filled the way Anki does for these
simple templates ({{#Field}}…{{/Field}} sections, {{Field}}, {{FrontSide}}), the body gets
Anki's `card` class, and night mode adds `nightMode night_mode`. Needs Chromium (Debian:
`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from interview_srs.anki import notes as anki_export  # noqa: E402
from interview_srs.bank.load import load_bank  # noqa: E402

SIZES = {"400": (400, 1800), "desktop": (1000, 1300)}  # tall enough for a long STAR card


def fill(template: str, fields: dict[str, str]) -> str:
    """Anki's substitution for sections and fields (no filters, no inverted sections needed)."""
    def section(match: re.Match) -> str:
        return match.group(2) if fields.get(match.group(1), "").strip() else ""

    previous = None
    while previous != template:  # nested sections
        previous = template
        template = re.sub(r"\{\{#(\w+)\}\}(.*?)\{\{/\1\}\}", section, template, flags=re.S)
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fields.get(m.group(1), ""), template)


def page(body: str, night: bool) -> str:
    classes = "card nightMode night_mode" if night else "card"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{anki_export.CSS}</style></head><body class='{classes}'>{body}</body></html>"
    )


def render(card_ids: list[str], out: Path, chromium: str) -> list[Path]:
    bank = load_bank(ROOT / "cards")
    chosen = {card.id: (deck, card) for deck, card in bank.cards() if card.id in card_ids}
    missing = set(card_ids) - set(chosen)
    if missing:
        raise SystemExit(f"no such card: {', '.join(sorted(missing))}")
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for card_id in card_ids:
            deck, card = chosen[card_id]
            fields = dict(zip(anki_export.FIELDS, anki_export.note_fields(deck, card)))
            front = fill(anki_export.FRONT_TEMPLATE, fields)
            sides = {"front": front, "back": fill(anki_export.BACK_TEMPLATE, {**fields, "FrontSide": front})}
            for side, body in sides.items():
                for mode in ("day", "night"):
                    html_path = Path(tmp) / f"{card_id}-{side}-{mode}.html"
                    html_path.write_text(page(body, mode == "night"), "utf-8")
                    for name, (width, height) in SIZES.items():
                        target = out / f"card-{card_id}-{side}-{name}-{mode}.png"
                        subprocess.run(
                            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--hide-scrollbars", f"--user-data-dir={tmp}/profile",
                             f"--screenshot={target}", f"--window-size={width},{height}", html_path.as_uri()],
                            check=True, capture_output=True, timeout=120,
                        )
                        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("card_ids", nargs="*", default=["ant-biggest-internship-challenge"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()
    for path in render(args.card_ids, args.out, args.chromium):
        print(path)


if __name__ == "__main__":
    main()
