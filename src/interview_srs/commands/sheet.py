"""`srs sheet`: the sheet of review/sheet.py as one self-contained HTML page (print CSS for A4,
CJK fonts, no colour needed, readable on a phone) or as Markdown; to standard output or, with
--out, to that file only: written through a temporary file beside it and renamed, and never over
anything but a regular file.

Every card and answer text is HTML-escaped (in Markdown too, so a viewer never runs it)."""

from __future__ import annotations

import html
import os
import stat
import sys
from pathlib import Path

from interview_srs.store import lookups
from interview_srs.base.input_error import InputError
from interview_srs.review.sheet import Sheet, SheetCard
from interview_srs.terminal.texts import Texts
from interview_srs.schedule.scheduler import local_time

CSS = """\
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body {
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 16px; line-height: 1.55; color: #111; background: #fff;
  max-width: 46em; margin: 0 auto; padding: 12px 14px;
}
header { border-bottom: 2px solid #111; margin-bottom: 6px; }
h1 { font-size: 21px; margin: 0 0 2px; }
header p { margin: 0 0 6px; color: #444; font-size: 13px; }
section { border-bottom: 1px solid #bbb; padding: 8px 0 10px; break-inside: avoid; page-break-inside: avoid; }
h2 { font-size: 17px; margin: 0 0 2px; }
.meta { color: #555; font-size: 12.5px; margin: 0 0 4px; }
h3 { font-size: 13px; margin: 6px 0 2px; color: #333; }
ul, ol { margin: 2px 0; padding-left: 1.3em; }
li { margin: 1px 0; }
.star { list-style: none; padding-left: 0; }
.star li b { display: inline-block; min-width: 4em; }
.metric { margin: 4px 0; font-weight: 600; }
.mine { border-left: 3px solid #111; padding: 0 0 0 8px; margin: 4px 0; }
.mine p, .mine h3, .mine h4, .mine h5, .mine h6 { margin: 2px 0; }
.cue { color: #444; }
@media print {
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  h1 { font-size: 15pt; }
  h2 { font-size: 11.5pt; }
}
"""


class SheetError(InputError):
    """The sheet cannot be made or written; the message is for the user."""


def sheet_command(cards_dir: Path | None, store_path: Path | None, *, interview: str | None, deck: str | None,
                  out: Path | None, fmt: str = "html", answers_dir: Path | None = None,
                  environ: dict | None = None) -> str | None:
    """Build and render the sheet; written to `out` (the message to print returned), else the
    text itself returned for standard output."""
    from interview_srs.personal.answers import Personal
    from interview_srs.review.mock_questions import MockError, interview_filter
    from interview_srs.review.openers import interview_company
    from interview_srs.review.sheet import build_sheet
    from interview_srs.schedule.scheduler import now
    from interview_srs.store.rows import CardFilter
    from interview_srs.store.health import reading
    from interview_srs.store.home import card_filter, open_home
    from interview_srs.terminal.texts import texts_for

    if out is not None:
        refuse_unsafe(out)
    at = now(environ)
    home = open_home(store_path, cards_dir, at, environ)
    try:
        with reading(home.store.path):
            decks = card_filter(home.store, deck, None).decks if deck is not None else None
            moment, title = at, deck or ""
            company = interview_company(home.store, decks if decks is not None else lookups.decks(home.store))
            if interview is not None:
                from interview_srs.review.upcoming import load_interviews

                try:
                    chosen = set(interview_filter(home.store, interview).decks)
                except MockError as error:
                    raise SheetError(str(error)) from None
                company = interview_company(home.store, chosen)  # the interview's, whatever --deck narrows
                decks = tuple(sorted(chosen if decks is None else chosen & set(decks)))
                moment = next(i.at for i in load_interviews(home.store) if i.name == interview)
                title = interview
            filt = CardFilter(decks=decks)
            sheet = build_sheet(home.store, filt, Personal(answers_dir or home.store.path.parent), title, moment,
                                company, lambda name: home.config.for_deck(name).parameters)
            zone = home.zone
    finally:
        home.store.close()
    texts = texts_for(environ)
    text = render_markdown(sheet, texts, zone) if fmt == "md" else render_html(sheet, texts, zone)
    if out is None:
        return text
    from interview_srs.base import output_set

    refuse_unsafe(out)
    try:
        output_set.write_text(out, text)
    except OSError as error:
        raise SheetError(f"cannot write {out}: {error.strerror or error}") from None
    return f"Wrote {out} ({len(sheet.cards)} cards, weakest first)."


def refuse_unsafe(out: Path) -> None:
    """Only a regular file (not a link, folder or device) is replaced; the temporary file lives
    beside it, so nothing is written outside the chosen path's folder."""
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise SheetError(f"cannot write {out}: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        raise SheetError(f"{out} exists and is not a regular file; choose another --out")


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def subtitle(sheet: Sheet, texts: Texts, zone) -> str:
    moment = local_time(sheet.at, zone)
    return texts.sheet_subtitle.format(count=len(sheet.cards), at=f"{moment:%Y-%m-%d %H:%M}")


def recall_text(card: SheetCard, texts: Texts) -> str:
    return texts.sheet_recall.format(recall=f"{card.recall:.0%}") if card.seen else texts.sheet_never


def render_html(sheet: Sheet, texts: Texts, zone=None) -> str:
    from interview_srs.personal.answers import to_html

    title = texts.sheet_title.format(title=sheet.title)
    parts = [
        "<!doctype html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{_escape(title)}</h1><p>{_escape(subtitle(sheet, texts, zone))}</p></header>",
    ]
    for number, card in enumerate(sheet.cards, start=1):
        parts.append(f'<section id="{_escape(card.card_id)}">')
        parts.append(f"<h2>{number}. {_escape(card.question)}</h2>")
        parts.append(f'<p class="meta">{_escape(recall_text(card, texts))} · {_escape(card.deck)} · '
                     f"{_escape(card.card_id)}</p>")
        if card.star:
            parts.append('<ul class="star">' + "".join(
                f"<li><b>{_escape(label)}</b> {_escape(text)}</li>" for label, text in card.points) + "</ul>")
        elif card.points:
            parts.append("<ol>" + "".join(f"<li>{_escape(text)}</li>" for _label, text in card.points) + "</ol>")
        if card.metrics:
            parts.append(f'<p class="metric">{_escape(texts.sheet_metric)}：'
                         + "；".join(_escape(m) for m in card.metrics) + "</p>")
        if card.mine is not None:
            parts.append(f'<h3>{_escape(texts.mine)}</h3><div class="mine">{to_html(card.mine)}</div>')
        if card.followups:
            parts.append(f"<h3>{_escape(texts.followups)}</h3><ul>" + "".join(
                f'<li>{_escape(q)} <span class="cue">→ {_escape(cue)}</span></li>' for q, cue in card.followups)
                + "</ul>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def render_markdown(sheet: Sheet, texts: Texts, zone=None) -> str:
    def md(text: str) -> str:
        return html.escape(" ".join(text.split()), quote=False)

    lines = [f"# {md(texts.sheet_title.format(title=sheet.title))}", "", md(subtitle(sheet, texts, zone))]
    for number, card in enumerate(sheet.cards, start=1):
        lines += ["", f"## {number}. {md(card.question)}", "", f"*{md(recall_text(card, texts))} · {md(card.deck)} · "
                  f"{md(card.card_id)}*", ""]
        if card.star:
            lines += [f"- **{md(label)}** {md(text)}" for label, text in card.points]
        else:
            lines += [f"{label} {md(text)}" for label, text in card.points]
        if card.metrics:
            lines += ["", f"**{md(texts.sheet_metric)}**：" + "；".join(md(m) for m in card.metrics)]
        if card.mine is not None:
            lines += ["", f"**{md(texts.mine)}**", ""]
            lines += [f"> {html.escape(line, quote=False)}".rstrip() for line in card.mine.splitlines()]
        if card.followups:
            lines += ["", f"**{md(texts.followups)}**", ""]
            lines += [f"- {md(q)} → {md(cue)}" for q, cue in card.followups]
    return "\n".join(lines) + "\n"


def run_sheet(cards_dir: Path | None, store_path: Path | None, **options) -> None:
    import click

    from interview_srs.base.sanitize import printable
    from interview_srs.commands.output import echo, library_errors

    text = library_errors(lambda: sheet_command(cards_dir, store_path, **options))
    if options.get("out") is None:  # a file or pipe gets the page as made; a terminal no control sequences
        click.echo(printable(text) if sys.stdout.isatty() else text, nl=False)
    else:
        echo(text)


__all__ = ["CSS", "SheetError", "refuse_unsafe", "render_html", "render_markdown", "run_sheet", "sheet_command"]
