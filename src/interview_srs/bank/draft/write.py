"""Draft cards as a card file: the YAML text, and writing it without ever replacing a file.

The text is built as plain data and dumped by PyYAML, so any question the writer quotes, colons,
`#` and all, comes back unchanged. Every card says `draft: true`: it holds the interviewer's
wording and a skeleton, not an answer, until the candidate fills it.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from interview_srs.bank.draft.errors import DraftError

MAX_ID_LENGTH = 64  # the bank's limit (cards.MAX_ID_LENGTH)
PENDING_CUE = "（待填）"


@dataclass(frozen=True)
class DraftCard:
    """One card to write: the question, its skeleton and where it came from."""

    id: str
    question: str
    kind: str  # skeleton kind: experience, scenario, knowledge, motivation, intro, reverse
    star: dict | None
    outline: tuple[str, ...]
    followups: tuple[str, ...]
    source: str  # "meituan-mianjing.txt#L12"
    notes: tuple[str, ...] = ()
    example: str = ""  # an answer the 面经 gives, labelled as the source's
    tags: tuple[str, ...] = ()


_KIND_TAGS = {
    "experience": "行为", "scenario": "情景", "knowledge": "业务", "motivation": "动机", "intro": "开场", "reverse": "反问",
}


def card_data(card: DraftCard) -> dict:
    """The card as the mapping the bank's YAML format writes."""
    data: dict = {"id": card.id, "draft": True, "question": card.question}
    if card.star is not None:
        data["star"] = dict(card.star)
    else:
        data["outline"] = list(card.outline)
    if card.followups:
        data["followups"] = [{"q": q, "cue": PENDING_CUE} for q in card.followups]
    if card.example:
        data["example"] = f"（面经原文的回答，仅供参考，不是你的答案）{card.example}"
    if card.notes:
        data["context"] = "面经原文：" + "；".join(card.notes)
    tags = tuple(dict.fromkeys((_KIND_TAGS.get(card.kind, ""),) + card.tags))
    data["tags"] = [t for t in tags if t]
    data["sources"] = [card.source]
    return data


def card_file_text(deck: str, company: str, role: str, cards: list[DraftCard], origin: str) -> str:
    """The whole card file: deck header, then the cards; `origin` names the 面经 files."""
    header: dict = {"deck": deck}
    if company:
        header["company"] = company
    if role:
        header["role"] = role
    tags = [_tag(t) for t in (company, role) if t and _tag(t)]
    if tags:
        header["tags"] = tags
    header["source"] = f"草稿，由 srs draft 从 {origin} 生成；每张卡 draft: true，核对后填写再去掉"
    header["cards"] = [card_data(card) for card in cards]
    text = yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return "# 草稿：问题取自面经原文，骨架待填（draft: true）\n" + text


def _tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def make_id(prefix: str, number: int, taken: set[str]) -> str:
    """`<prefix>-<number>` that satisfies the bank's id rules and is not in `taken`."""
    prefix = re.sub(r"[^a-z0-9]+", "-", prefix.lower()).strip("-") or "draft"
    prefix = prefix[: MAX_ID_LENGTH - 8].strip("-")
    candidate, extra = f"{prefix}-{number}", 1
    while candidate in taken:
        extra += 1
        candidate = f"{prefix}-{number}-{extra}"
    taken.add(candidate)
    return candidate


def file_stem(company_slug: str, source_stem: str) -> str:
    """`<company>-<ascii part of the input's name>`, e.g. "meituan-mianjing"; ascii only. An input
    already named after the company is not named twice ("meituan-numbered", not
    "meituan-meituan-numbered")."""
    words = [w for w in re.split(r"[^a-z0-9]+", source_stem.lower()) if w]
    slug = [w for w in re.split(r"[^a-z0-9]+", company_slug.lower()) if w]
    if slug and words[: len(slug)] == slug:
        words = words[len(slug):]
    return "-".join(slug + words)[:48].strip("-") or "draft"


def write_new_file(out_dir: Path, stem: str, text_for) -> Path:
    """Write `text_for(final_stem)` to `<stem>.yaml`, or `<stem>-2.yaml`, … whichever is free.

    The text is written to a temporary file beside it first and then linked into place: a file
    that exists, even one created a moment ago by someone else, is never replaced.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DraftError(f"{out_dir}: cannot create the folder: {exc.strerror or exc}") from None
    for attempt in range(1, 1000):
        name = stem if attempt == 1 else f"{stem}-{attempt}"
        target = out_dir / f"{name}.yaml"
        if target.exists():
            continue
        data = text_for(name).encode("utf-8")
        try:
            handle, temp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:
            raise DraftError(f"{out_dir}: cannot write the draft: {exc.strerror or exc}") from None
        try:
            os.link(temp, target)  # fails if the name was taken meanwhile
        except FileExistsError:
            os.unlink(temp)
            continue
        except OSError:  # a file system without hard links: the check above is all we have
            if target.exists():
                os.unlink(temp)
                continue
            os.replace(temp, target)
            return target
        os.unlink(temp)
        return target
    raise DraftError(f"{out_dir}: {stem}.yaml and 998 numbered copies exist already")
