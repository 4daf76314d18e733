"""A cache of parsed card files, keyed by their bytes, so unchanged files are never parsed twice.

Curators edit one card and rebuild many times; parsing YAML with positions is the slowest part of
`srs check` and `srs build` on a large bank. A file whose bytes (and the parser's code) are the
same as before has the same parse result, so it is stored here as JSON, one entry per file, in the
user cache folder (`$SRS_CACHE_DIR`, else the platform's cache folder). Only files without
problems are cached: problems are always found afresh.

The cache is an optimisation and nothing more: an entry that cannot be read or written is simply
a miss, and deleting the folder at any time is safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from itertools import chain
from pathlib import Path

from interview_srs.bank import model, parse, yaml_text
from interview_srs.bank.model import STAR_PARTS, Card, DeckFile, Followup, Star
from interview_srs.base import problems
from interview_srs.base.problems import Location

APP_NAME = "interview-srs"
MAX_ENTRIES = 2_000  # beyond this the oldest entries are dropped
PRUNE_EVERY = 16  # builds between two prunings


def cache_dir(environ: dict | None = None) -> Path:
    environ = os.environ if environ is None else environ
    configured = environ.get("SRS_CACHE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "parsed"


def code_version(*modules) -> str:
    """Changes whenever the code of `modules` does, so an upgrade never reads an older result."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def parser_version() -> str:
    return code_version(model, parse, yaml_text, problems)


def entry_path(key: str, folder: Path) -> Path:
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return folder / name[:2] / f"{name}.json"


def parse_key(data: bytes) -> str:
    return _parse_key(hashlib.sha256(data).hexdigest())


def _parse_key(digest: str) -> str:
    """The key of the parse of bytes whose sha256 is `digest`."""
    return f"parsed:{parser_version()}:{digest}"


def file_identity(path: Path) -> list[int]:
    """What changes when a file is written or replaced: size, modification time, inode, device.
    A cached result about a file is used only while the file still has the identity it had."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev]


def load_value(key: str, folder: Path):
    """The JSON value stored under `key`, or None (missing, unreadable or not JSON)."""
    try:
        return json.loads(entry_path(key, folder).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: a file nested absurdly deep
        return None


def store_value(key: str, value, folder: Path) -> bool:
    """Store a JSON value; whether it was written (a failure is not an error: the cache is optional)."""
    try:
        # dumps, not dump: json.dump streams through the pure-Python encoder
        write_atomically(entry_path(key, folder), json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    except (OSError, ValueError):  # ValueError: text that UTF-8 cannot hold (a lone surrogate)
        return False
    return True


def write_atomically(target: Path, text: str) -> None:
    """Write `text` to a temporary file beside `target`, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def load(digest: str, path: Path, shown: str, folder: Path):
    """The cached DeckFile for the bytes whose sha256 is `digest`, placed at `path`/`shown`;
    None when not cached."""
    payload = load_value(_parse_key(digest), folder)
    try:
        return None if payload is None else _deck_from_json(payload, path, shown, digest)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def store(deck, folder: Path, path: Path | None = None, runs: list | None = None, reused: list | None = None) -> None:
    """Remember a successful parse, keyed by the digest of its bytes; with `path`, as the latest
    parse of that file, whose `runs` (card_pieces.py) let its next version reuse the cards that
    did not change. `reused` has the stored form of cards taken from the last parse, so they
    are not turned to data again."""
    entry = _deck_to_json(deck, reused)
    if runs is not None:
        entry["runs"] = runs
    key = _parse_key(deck.digest)
    store_value(key, entry, folder)
    if path is not None:
        store_value(_latest_key(path), key, folder)


def latest_runs(path: Path, folder: Path) -> dict[str, tuple[dict, int]]:
    """Run hash -> (card as stored, its line within the run) from the latest parse of `path`."""
    key = load_value(_latest_key(path), folder)
    entry = load_value(key, folder) if isinstance(key, str) else None
    try:
        return {digest: (card, int(relative)) for card, (digest, relative) in zip(entry["cards"], entry["runs"])}
    except (TypeError, KeyError, ValueError):
        return {}


def _latest_key(path: Path) -> str:
    return f"latest:{parser_version()}:{os.path.abspath(path)}"


def prune(folder: Path, keep: int = MAX_ENTRIES) -> None:
    """Drop the least recently written entries beyond `keep` (called after a build)."""
    try:
        entries = list(folder.glob("??/*.json"))
        if len(entries) <= keep:
            return  # the usual case, without a stat of every entry
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def prune_now_and_then(folder: Path, every: int = PRUNE_EVERY) -> None:
    """`prune` after every `every`-th call: listing a full cache costs a one-card rebuild more
    than the rest of its bookkeeping, and each rebuild adds only a few entries."""
    counter = folder / "prune-counter"
    try:
        count = int(counter.read_text("ascii")) + 1
    except (OSError, ValueError):
        count = every  # no counter yet: prune, and start counting
    try:
        write_atomically(counter, str(0 if count >= every else count))
    except OSError:
        pass
    if count >= every:
        prune(folder)


def _deck_to_json(deck, reused: list | None = None) -> dict:
    reused = reused or [None] * len(deck.cards)
    return {
        "deck": deck.deck,
        "company": deck.company,
        "role": deck.role,
        "tags": list(deck.tags),
        "source": deck.source,
        "documents": list(deck.documents),
        "at": [deck.location.line, deck.location.column],
        "cards": [
            {**stored, "at": [card.location.line, card.location.column]} if stored is not None else {
                "at": [card.location.line, card.location.column],
                **{key: value for key, value in card.content().items() if value not in ("", [], None)},
            }
            for card, stored in zip(deck.cards, reused)
        ],
    }


def card_from_json(item: dict, shown: str, line: int | None = None):
    """A card as `_deck_to_json` stores it, at `line` if given (a card moved within its file);
    KeyError, TypeError, ValueError or AttributeError when the entry is not one (damaged, or from
    elsewhere)."""

    stored_line, column = item["at"]
    star = item.get("star")
    if star:
        star = Star(*(_listed(star, name) for name in STAR_PARTS))
        require_text(chain(star.situation, star.task, star.action, star.result))
    outline, pitfalls, tags, sources, related = (
        _listed(item, key) for key in ("outline", "pitfalls", "tags", "sources", "related")
    )
    followups = tuple(Followup(f["q"], f["cue"]) for f in _listed(item, "followups"))
    card = Card(
        id=item["id"],
        question=item["question"],
        location=Location(shown, int(stored_line if line is None else line), int(column)),
        star=star or None,
        outline=outline,
        assesses=item.get("assesses", ""),
        pitfalls=pitfalls,
        example=item.get("example", ""),
        tags=tags,
        sources=sources,
        followups=followups,
        as_of=item.get("as_of", ""),
        related=related,
        draft=item.get("draft", False),
        context=item.get("context", ""),
        retired=item.get("retired", ""),
    )
    if type(card.draft) is not bool:
        raise TypeError("draft is not true or false")
    require_text((card.id, card.question, card.assesses, card.example, card.as_of, card.context, card.retired, *outline, *pitfalls, *tags, *sources, *related,
               *chain.from_iterable((f.q, f.cue) for f in followups)))
    return card


def _listed(item: dict, key: str) -> tuple:
    """The list stored under `key` as a tuple (empty when absent); TypeError for anything else
    (text would otherwise be taken for a list of its characters)."""
    value = item.get(key, [])
    if type(value) is not list:
        raise TypeError(f"{key} is not a list")
    return tuple(value)


def require_text(texts) -> None:
    """For values read back from the cache: TypeError unless every item is text, and
    UnicodeEncodeError (a ValueError) for a lone surrogate, which JSON can hold and no card
    file can (printing or storing it would fail). One C-level pass over all of them."""
    "".join(texts).encode("utf-8")


def _deck_from_json(payload: dict, path: Path, shown: str, digest: str):

    line, column = payload["at"]
    tags, documents = payload["tags"], payload["documents"]
    if type(tags) is not list or type(documents) is not list or type(payload["cards"]) is not list:
        raise TypeError("not a stored deck")
    require_text((payload["deck"], payload["company"], payload["role"], payload["source"], *tags, *documents))
    return DeckFile(
        path=path,
        display_path=shown,
        deck=payload["deck"],
        cards=tuple(card_from_json(item, shown) for item in payload["cards"]),
        location=Location(shown, int(line), int(column)),
        company=payload["company"],
        role=payload["role"],
        tags=tuple(tags),
        source=payload["source"],
        documents=tuple(documents),
        digest=digest,
    )
