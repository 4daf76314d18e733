"""The note type and the notes: what Anki sees of a card, fixed so the same bank gives the same notes.

Anki decides what a re-import changes by comparing modification times: an incoming note
replaces the existing one only when its `mod` is newer, and the note type (templates, CSS)
only when its `mod` is newer. So the build (anki/build/) decides each note's `mod` and the
note type's; everything here is derived from the card or fixed: the note type's ids, fields,
templates and CSS, each note's GUID and HTML fields.

The note type is upgraded in place: fields are only ever added after v1's fourteen (FIELDS),
and any change to its fields, templates or CSS changes note_type_hash, for which the build gives
it a newer `mod`, so Anki updates it on import. Notes keep their GUIDs (from the card id alone),
so their reviews survive every upgrade.
"""

from __future__ import annotations

import hashlib
import html
import json

from interview_srs.bank.model import Card, DeckFile
from interview_srs.bank.placeholders import fill
from interview_srs.bank.source_refs import provenance_line


# Fixed once, never to change: Anki recognises the note type and the notes by these.
MODEL_ID = 1_736_524_801
MODEL_NAME = "interview-srs 面试卡"
GUID_NAMESPACE = "interview-srs"

# Note type v2. The first fourteen fields are v1's, in v1's order; the rest were added once, for
# everything the interview features need. `Extra` is rendered as-is at the end of the back, so a
# future section (HTML built here) needs no new field, and so no note type migration in Anki.
FIELDS = (
    "Question",
    "Situation",
    "Task",
    "Action",
    "Result",
    "Outline",
    "Assesses",
    "Pitfalls",
    "Example",
    "Deck",
    "Company",
    "Role",
    "Sources",
    "Id",
    "Followups",
    "MyAnswer",
    "AsOf",
    "SourceLine",
    "Extra",
)

# Shown on every deck's overview in Anki: whoever opens a new package over the decks first
# published (note type v1, without 追问) needs two import options once, or the notes stay old.
DECK_DESCRIPTION = (
    "interview-srs 题库。从最早发布的旧版卡组（没有“追问”栏）升级时，只需这一次：导入界面勾选"
    "“合并笔记模板”（Merge note types），“更新笔记”（Update notes）选“总是”（Always）。"
    "复习记录都会保留；之后用默认选项导入即可。标签 retired 的卡已移出题库，可搜索 tag:retired 一次删除。"
)

FRONT_TEMPLATE = """\
<div class="meta">{{#Company}}<span class="pill">{{Company}}</span>{{/Company}}\
{{#Role}}<span class="pill">{{Role}}</span>{{/Role}}</div>
<div class="question">{{Question}}</div>
"""

BACK_TEMPLATE = """\
{{FrontSide}}
<hr id="answer">
{{#MyAnswer}}<section class="mine"><h2>我的答案</h2><div>{{MyAnswer}}</div></section>{{/MyAnswer}}
{{#Assesses}}<section class="assesses"><h2>考察点</h2><div>{{Assesses}}</div></section>{{/Assesses}}
{{#Situation}}<section class="star">
<h2>STAR 框架</h2>
<div class="part"><span class="label">S 情境</span><div>{{Situation}}</div></div>
<div class="part"><span class="label">T 任务</span><div>{{Task}}</div></div>
<div class="part"><span class="label">A 行动</span><div>{{Action}}</div></div>
<div class="part"><span class="label">R 结果</span><div>{{Result}}</div></div>
</section>{{/Situation}}
{{#Outline}}<section class="outline"><h2>答题要点</h2>{{Outline}}</section>{{/Outline}}
{{#Pitfalls}}<section class="pitfalls"><h2>避坑</h2>{{Pitfalls}}</section>{{/Pitfalls}}
{{#Followups}}<section class="followups"><h2>追问</h2>{{Followups}}</section>{{/Followups}}
{{#Example}}<section class="example"><h2>范例</h2><div>{{Example}}</div></section>{{/Example}}
{{Extra}}
<div class="footer">{{#AsOf}}<span>信息核对于 {{AsOf}}</span>{{/AsOf}}\
{{#SourceLine}}<span>{{SourceLine}}</span>{{/SourceLine}}</div>
"""

CSS = """\
.card {
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 18px;
  line-height: 1.6;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
  max-width: 42em;
  margin: 0 auto;
  padding: 16px 14px 12px;
}
.meta { margin-bottom: 8px; }
.pill {
  display: inline-block; font-size: 13px; padding: 0 8px; margin-right: 6px;
  border-radius: 10px; background: #eef2f7; color: #57606a;
}
.question { font-size: 22px; font-weight: 600; }
h2 { font-size: 17px; font-weight: 700; margin: 16px 0 6px; color: #0969da; }
.part { margin: 4px 0; }
.part .label { font-size: 15px; font-weight: 700; color: #8250df; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 14px 0 4px; }
ul, ol { margin: 4px 0; padding-left: 1.4em; }
li { margin: 2px 0; }
.pitfalls h2 { color: #cf222e; }
.mine div { border-left: 3px solid #1a7f37; padding: 4px 10px; }
.mine h2 { color: #1a7f37; }
.followups .cue { color: #57606a; }
.example div { background: #f6f8fa; border-left: 3px solid #d0d7de; padding: 6px 10px; }
.footer { margin-top: 18px; padding-top: 8px; border-top: 1px solid #eaeef2; font-size: 13px; color: #6e7781; }
.footer:empty { display: none; }
.footer span + span::before { content: " · "; }
.nightMode .card, .night_mode .card, .card.nightMode, .card.night_mode {
  color: #e6edf3; background-color: #0d1117;
}
.nightMode .pill, .night_mode .pill { background: #21262d; color: #8b949e; }
.nightMode h2, .night_mode h2 { color: #58a6ff; }
.nightMode .mine h2, .night_mode .mine h2 { color: #3fb950; }
.nightMode .followups .cue, .night_mode .followups .cue { color: #8b949e; }
.nightMode .part .label, .night_mode .part .label { color: #d2a8ff; }
.nightMode .pitfalls h2, .night_mode .pitfalls h2 { color: #ff7b72; }
.nightMode .example div, .night_mode .example div { background: #161b22; border-color: #30363d; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #30363d; }
.nightMode .footer, .night_mode .footer { color: #8b949e; border-top-color: #21262d; }
"""


def note_type_hash() -> str:
    """Changes exactly when the note type's look changes, which is when its `mod` must move."""
    payload = json.dumps([MODEL_NAME, FIELDS, FRONT_TEMPLATE, BACK_TEMPLATE, CSS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def note_type():
    """The genanki model (imported here: a build with nothing to do never needs genanki)."""
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "面试题", "qfmt": FRONT_TEMPLATE, "afmt": BACK_TEMPLATE}],
        css=CSS,
    )


def deck_id(deck_name: str) -> int:
    """Stable across builds and machines; below 2**53 so every Anki client holds it exactly."""
    digest = hashlib.sha256(f"interview-srs deck:{deck_name}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % (1 << 52) + (1 << 30)


def note_guid(card_id: str) -> str:
    """From the card id only, so editing a card's text updates the same Anki note.

    The same value as genanki.guid_for(GUID_NAMESPACE, card_id), the first release's GUIDs,
    computed here so that a rebuild that only patches packages never imports genanki.
    """
    number = int.from_bytes(hashlib.sha256(f"{GUID_NAMESPACE}__{card_id}".encode("utf-8")).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, len(_BASE91))
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


# Anki's base-91 alphabet for GUIDs, as genanki.util has it.
_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def _paragraph(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _bullets(items: tuple[str, ...], tag: str = "ul") -> str:
    if not items:
        return ""
    return f"<{tag}>" + "".join(f"<li>{_paragraph(item)}</li>" for item in items) + f"</{tag}>"


def _star_part(items: tuple[str, ...]) -> str:
    return _paragraph(items[0]) if len(items) == 1 else _bullets(items)


def _followups(card: Card) -> str:
    if not card.followups:
        return ""
    items = "".join(
        f"<li><div class=\"q\">{_paragraph(f.q)}</div><div class=\"cue\">{_paragraph(f.cue)}</div></li>"
        for f in card.followups
    )
    return f"<ul>{items}</ul>"


def note_fields(deck: DeckFile, card: Card, my_answer_html: str = "") -> list[str]:
    """The card as HTML-escaped field values, in the order of FIELDS.

    `my_answer_html` is the user's own answer, already rendered to safe HTML; only personal
    packages carry one (the shared decks leave the field empty). The card's text names the
    deck's company where it says `{公司}` (bank/placeholders.py; "贵公司" when the file has none).
    """
    star = card.star
    company = html.escape(deck.company)
    text = [
        _paragraph(card.question),
        _star_part(star.situation) if star else "",
        _star_part(star.task) if star else "",
        _star_part(star.action) if star else "",
        _star_part(star.result) if star else "",
        _bullets(card.outline, "ol"),
        _paragraph(card.assesses),
        _bullets(card.pitfalls),
        _paragraph(card.example),
    ]
    return [fill(field, company) for field in text] + [
        html.escape(deck.deck),
        html.escape(deck.company),
        html.escape(deck.role),
        html.escape("、".join(card.sources)),
        html.escape(card.id),
        fill(_followups(card), company),
        my_answer_html,
        html.escape(card.as_of),
        html.escape(provenance_line(card.sources, card.related)),
        _retired_line(card.retired),
    ]


def _retired_line(reason: str) -> str:
    """What a retired note says on its back (the Extra field), so a user who meets it in Anki
    knows it left the bank, why, and how to remove every such note at once."""
    if not reason:
        return ""
    return (
        f'<div class="retired">这张卡已移出题库：{html.escape(reason)}'
        "（在 Anki 的浏览器里搜索 <code>tag:retired</code> 可一次选中并删除这些卡）</div>"
    )


def fields_text(fields) -> str:
    return "\x1f".join(fields)


def tags_text(tags) -> str:
    return f" {' '.join(tags)} " if tags else ""
