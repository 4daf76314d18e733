"""The review store: one SQLite file holding every card's FSRS state and every answer.

Location: `--store PATH`, else `$SRS_HOME/store.sqlite3`, else `store.sqlite3` in the platform's
user data folder (e.g. `~/.local/share/interview-srs/`). `config.toml` sits next to it.

Guarantees
----------
* WAL journal, `synchronous=FULL`, foreign keys on, a 10 s busy timeout, STRICT tables.
* Every answer is one `BEGIN IMMEDIATE` transaction (card update + log insert), committed before
  the next card is shown. The card's current state is read inside that transaction and the new
  state computed from it, so two sessions answering the same card both keep their log row and
  the second answer builds on the first (compare-and-swap: `Answer.conflict` tells the caller
  its screen was stale).
* Undo deletes this session's log row and restores the stored before-state, but only if the
  card still holds that row's after-state (otherwise another session answered it since).
* Opening runs the pending numbered migrations (recorded in `schema_migrations` and in
  `PRAGMA user_version`): every one not recorded yet, in number order, even below the store's
  version (numbers were reserved per feature and some landed out of order); a store from a
  newer version is refused. Two processes creating a new store at once both succeed (the switch
  to WAL is retried: it ignores the busy timeout).
* A damaged file is never written: the first write of a run waits for `PRAGMA quick_check`, and
  SQLite errors or undecodable values become `StoreDamaged` (one line: the file and what to do);
  a write lock held elsewhere beyond the busy timeout becomes `StoreBusy` (see health.py).

Tables (schema version 4)
-------------------------
Times are INTEGER milliseconds since the Unix epoch, UTC. States: 0 new (never answered),
1 learning, 2 review, 3 relearning (fsrs's numbering, plus 0).

`schema_migrations` — one row per applied migration.
    version INTEGER PK, name TEXT, applied_ms INTEGER.

`source_files` — the card files seen, from every card source (see sources.py); a file whose size
and mtime_ns are unchanged is not read again, one whose bytes hash the same is not parsed again.
    path TEXT PK (absolute), size INTEGER, mtime_ns INTEGER, sha256 TEXT (hex),
    deck TEXT (the file's deck), deck_line/deck_column INTEGER (where `deck:` is),
    synced_ms — when the file was last read; it only grows (max + 1 if the clock went back), so
    it also orders readings: a file last read before another source's is read again
    (Store.sync).

`cards` — one row per card `id` ever seen; never deleted, so history survives edits.
    id TEXT PK (the YAML id)
    deck, company, role TEXT; tags TEXT (JSON array: file tags then card tags)
    question TEXT; back TEXT (JSON object: star {situation,task,action,result: [text]} or null,
        outline [text], assesses, pitfalls [text], example, sources [text], followups [{q, cue}],
        as_of "YYYY-MM" or "" (older rows may lack these two), draft true on an unfilled draft)
    file TEXT (absolute path of the YAML file), line/column INTEGER (where the card starts)
    present INTEGER 0/1 — 0 when the file the card was last read from no longer has it (removal
        is judged per source: cards of sources not being synced are left alone): hidden from
        review and stats, history kept; set back to 1 with its history when the id reappears
    added_ms INTEGER — first seen
    state INTEGER; step INTEGER (learning/relearning step, else NULL); stability REAL;
        difficulty REAL; due_ms INTEGER (NULL for new cards); last_review_ms INTEGER
    suspended INTEGER 0/1 — kept out of review until unsuspended
    buried_until_ms INTEGER — kept out of review until this time (NULL: not buried)

`review_log` — one row per answer, the input of FSRS parameter fitting.
    id INTEGER PK (order of recording)
    card_id TEXT → cards(id)
    rating INTEGER 1–4 (Again, Hard, Good, Easy)
    reviewed_ms INTEGER — when the answer was given
    duration_ms INTEGER — time from showing the question to the rating (NULL if unknown)
    source TEXT — 'terminal' (srs review), 'mock' (srs mock) or 'anki' (imported from Anki)
    session TEXT — the review session that wrote it (NULL for imports); undo is per session
    state_before, step_before, stability_before, difficulty_before, due_before_ms,
    last_review_before_ms — the card's state before the answer
    state_after, step_after, stability_after, difficulty_after, due_after_ms — after it
    (the after-state's last review is reviewed_ms)
    anki_revlog_id INTEGER UNIQUE — Anki's revlog id for an imported answer, or the one Anki gave
        a terminal/mock answer written to it by `srs sync-anki --write` (NULL otherwise), so
        importing the same collection twice adds nothing (migration 2). `store/anki_history.py`
        inserts Anki's answers and replays a card's history (rewriting its rows' states);
        `store/review_history.py` reads the whole log for export and optimisation.

`interviews` — interviews the planner prepares for (migration 3; SQL in store/interviews.py).
    name TEXT PK — the user's label, e.g. 快手
    at_ms INTEGER — when the interview starts (entered in the user's time zone)
    decks TEXT — JSON array of deck globs (as `srs review --deck` takes them); the decks matching
        them when the plan is made are the interview's scope
    added_ms INTEGER — when it was added

`mock_runs` — one row per `srs mock` (migration 4; queries in store/mocks.py).
    id INTEGER PK; session TEXT UNIQUE — the review_log.session of its ratings (source 'mock'),
    so the ratings given survive even if the run never finished
    started_ms, finished_ms INTEGER (NULL: stopped by a crash or kill before the report)
    scope TEXT — what was asked for: `deck:PATTERN`, `interview:NAME` or `all`
    seconds INTEGER — the --seconds given (NULL: each card's own target time)
    typed INTEGER 0/1 — --type was used
    report TEXT — JSON written at the end: {answered, overruns, average_rating,
        weakest_topics [{topic, average_rating, questions}], review_next [card id]}

`mock_questions` — the questions chosen for a run, in the order asked.
    run_id → mock_runs(id), position INTEGER (1-based), PK (run_id, position)
    card_id TEXT → cards(id); kind TEXT (opener, behavioural, scenario, business, other, closing)
    target_ms INTEGER; spoken_ms INTEGER — time until you said you had finished (NULL: not asked)
    rating INTEGER 1–4 (NULL: not rated); review_log_id → review_log(id) of that rating
    followup TEXT — the follow-up shown; missed TEXT — JSON list of the points a typed answer
        missed (NULL when not typed)

Indexes beyond the primary keys: `cards_queue` (present, state, due_ms), `cards_file` (file),
`review_log_card` (card_id, id), `review_log_time` (reviewed_ms) and, from migration 3,
`review_log_answer_times` (reviewed_ms, card_id, duration_ms, source), which lets `srs stats`
sum the last 30 days' answer times from the index alone. A migration that rebuilds review_log
must create them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from interview_srs.schedule.scheduler import CardState, from_ms, to_ms
from interview_srs.store.health import IntegrityCheck, StoreBusy, StoreDamaged, StoreError, is_busy, reading
from interview_srs.store.schema import MIGRATIONS

STORE_NAME = "store.sqlite3"
APP_NAME = "interview-srs"
BUSY_TIMEOUT_MS = 10_000
SOURCES = ("terminal", "anki", "mock")

SCHEMA_VERSION = MIGRATIONS[-1][0]

_STATE_COLUMNS = "state, step, stability, difficulty, due_ms, last_review_ms"
_CARD_COLUMNS = (
    "id, deck, company, role, tags, question, back, file, line, column, present, "
    "suspended, buried_until_ms, " + _STATE_COLUMNS
)


@dataclass(frozen=True)
class StoredCard:
    """A card as the store keeps it: what a session needs to show and schedule it."""

    id: str
    deck: str
    company: str
    role: str
    tags: tuple[str, ...]
    question: str
    back: dict
    file: str
    line: int
    column: int
    schedule: CardState
    present: bool = True
    suspended: bool = False
    buried_until: datetime | None = None


@dataclass(frozen=True)
class Answer:
    """One recorded answer (a review_log row)."""

    log_id: int
    card_id: str
    rating: int
    reviewed: datetime
    duration_ms: int | None
    before: CardState
    after: CardState
    conflict: bool = False  # the card had changed since the caller last read it


@dataclass(frozen=True)
class SyncReport:
    files_read: int = 0
    files_parsed: int = 0
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardFilter:
    """Which cards a session or stats looks at: decks (None: all) and a tag (None: any)."""

    decks: tuple[str, ...] | None = None
    tag: str | None = None

    def sql(self) -> tuple[str, list]:
        clauses, params = ["present = 1"], []
        if self.decks is not None:
            clauses.append(f"deck IN ({', '.join('?' * len(self.decks))})")
            params.extend(self.decks)
        if self.tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(cards.tags) WHERE value = ?)")
            params.append(self.tag)
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class ReviewRow:
    card_id: str
    deck: str
    rating: int
    reviewed_ms: int
    duration_ms: int | None
    state_before: int
    source: str


def default_store_path(environ: dict | None = None) -> Path:
    """`$SRS_HOME/store.sqlite3`, else the platform's user data folder."""
    environ = os.environ if environ is None else environ
    home = environ.get("SRS_HOME", "").strip()
    if home:
        return Path(home).expanduser() / STORE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_NAME


def list_card_files(cards_dir: Path) -> list[Path]:
    """The card files under `cards_dir` (card_paths.card_files: no YAML import needed)."""
    from interview_srs.bank.card_paths import card_files

    return card_files(cards_dir)


class Store:
    """An open store. Use `Store.open(path)`; close it (or use it as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._check: IntegrityCheck | None = None  # must pass before the first write (health.py)
        self._sound = True  # False until an existing file's integrity check has passed

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, check_in_background: bool = False) -> Store:
        """Open (creating and migrating as needed). An existing file is checked for damage
        before its first write; `check_in_background` starts that check at once, in a thread,
        for callers that will write later (a review session), so that nobody waits for it."""
        path = Path(path)
        if sqlite3.sqlite_version_info < (3, 37, 0):
            raise StoreError(
                f"SQLite {sqlite3.sqlite_version} is too old; the store needs 3.37 or newer"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            existed = path.is_file() and path.stat().st_size > 0
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store {path}: {_reason(exc)}") from None
        store = cls(conn, path)
        try:
            with reading(path):
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA foreign_keys = ON")
                if existed:
                    conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # "not a database"?
                    store._sound = False
                    if check_in_background:
                        store._check = IntegrityCheck(path)
                mode = _switch_to_wal(conn)
                if mode.lower() != "wal":
                    raise StoreError(f"cannot switch the store {path} to WAL mode (got {mode})")
                conn.execute("PRAGMA synchronous = FULL")
                store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} has schema version {version}, newer than this "
                f"interview-srs understands ({SCHEMA_VERSION}); upgrade interview-srs"
            )
        if version == SCHEMA_VERSION and not self._missing_migrations():
            return
        with self.write():
            # another process may have migrated meanwhile
            if self.schema_version() == 0:
                self.conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL"
                    ") STRICT"
                )
            missing = self._missing_migrations()
            for number, name, script in MIGRATIONS:
                if number not in missing:
                    continue
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)",
                    (number, name, to_ms(datetime.now().astimezone())),
                )
                self.conn.execute(f"PRAGMA user_version = {max(number, self.schema_version())}")

    def _missing_migrations(self) -> set[int]:
        """Migrations not recorded in schema_migrations. Numbers were reserved per feature and
        landed out of order (4 before 3), so a store may lack one below its version."""
        if self.schema_version() == 0:
            return {number for number, _name, _script in MIGRATIONS}
        applied = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        return {number for number, _name, _script in MIGRATIONS} - applied

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        if self._check is not None:
            self._check.cancel()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE so it never has to be retried.

        The first write of a run waits for the integrity check (nothing is written into a damaged
        store); a lock held elsewhere beyond the busy timeout raises StoreBusy.
        """
        if not self._sound:
            check = self._check or IntegrityCheck(self.path)
            self._check = None
            check.wait()
            self._sound = True
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise StoreBusy(self.path) from None
            raise
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- syncing with cards/ -----------------------------------------------------------------

    def sync(self, folders, at: datetime, owns: Callable[[str], bool] | None = None) -> SyncReport:
        """Bring the cards table in line with the YAML files in `folders` (one folder or several);
        raise cards.CardsError on bad cards.

        Unchanged files (same size and mtime_ns) are not read; files whose bytes hash the same
        are not parsed. Cards are matched by id, so edited cards keep their history.

        Removal is judged per source: only files that `owns` (default: lying in one of
        `folders`) count as gone when they are missing, and a card is hidden (present = 0) only
        when the file it was last read from no longer has it. Cards from other sources (another
        checkout, your own cards folder when you review a checkout) are left alone. A card that
        moved between sources follows the file that was read last; a file whose last reading is
        older than another source's is read again, so switching sources back and forth always
        shows the current folder's version, and a hidden card reappears with its history.
        """
        roots = [Path(folders)] if isinstance(folders, (str, Path)) else [Path(f) for f in folders]
        resolved = [root.resolve() for root in roots]
        if owns is None:
            owns = lambda key: any(Path(key).is_relative_to(root) for root in resolved)  # noqa: E731
        paths: list[Path] = []
        for root in roots:
            if not root.is_dir():
                _raise_cards_error(root)  # "cards folder not found"
            paths.extend(list_card_files(root))
        if not paths:
            _raise_cards_error(roots[0])  # "no card files (*.yaml) in this folder"
        current = {}
        for path in paths:
            try:
                stat = path.stat()
            except OSError as exc:  # removed since listed, or unreadable
                raise _unreadable(path, exc) from None
            current[str(path.resolve())] = (path, stat.st_size, stat.st_mtime_ns)
        indexed = {
            row[0]: row
            for row in self.conn.execute(
                "SELECT path, size, mtime_ns, sha256, deck, deck_line, deck_column, synced_ms "
                "FROM source_files"
            )
        }
        # Read last by another source than this one: read again (see the docstring).
        elsewhere = max((row[7] for key, row in indexed.items() if key not in current), default=None)
        reread = {
            key for key in current
            if key in indexed and elsewhere is not None and indexed[key][7] < elsewhere
        }
        stale = [
            key for key, (_p, size, mtime) in current.items()
            if key not in indexed or indexed[key][1:3] != (size, mtime) or key in reread
        ]
        removed = [key for key in indexed if key not in current and owns(key)]
        if not stale and not removed:
            return SyncReport()
        return self._resync(current, indexed, stale, removed, at, reread)

    def _resync(self, current, indexed, stale, removed, at: datetime, reread=frozenset()) -> SyncReport:
        from interview_srs.bank import model, parse, rules
        from interview_srs.base.problems import CardsError, Location

        contents: dict[str, tuple[bytes, str]] = {}
        to_parse: list[str] = []
        touched: list[str] = []
        for key in stale:
            try:
                data = current[key][0].read_bytes()
            except OSError as exc:
                raise _unreadable(current[key][0], exc) from None
            digest = hashlib.sha256(data).hexdigest()
            contents[key] = (data, digest)
            if key in indexed and indexed[key][3] == digest and key not in reread:
                touched.append(key)
            else:
                to_parse.append(key)
        problems = []
        parsed: dict[str, model.DeckFile] = {}
        for key in to_parse:
            path = current[key][0]
            deck, file_problems = parse.parse_deck_file(
                contents[key][0], path, model.display_name(path)
            )
            problems.extend(file_problems)
            if deck is not None:
                parsed[key] = deck
        decks = [
            parsed[key] if key in parsed else self._stub_deck(key, current[key][0], indexed[key])
            for key in sorted(current, key=lambda k: current[k][0])
            if key in parsed or key not in to_parse
        ]
        problems.extend(rules.cross_file_problems(decks))
        if problems:
            raise CardsError(
                sorted(problems, key=lambda p: (p.location.path, p.location.line, p.location.column))
            )
        return self._apply_sync(parsed, contents, current, touched, removed, at)

    def _stub_deck(self, key: str, path: Path, index_row):
        """A DeckFile standing in for an unchanged file: ids and places, for cross-file checks."""
        from interview_srs.bank import model
        from interview_srs.base.problems import Location

        shown = model.display_name(path)
        cards = tuple(
            model.Card(
                id=row[0], question=row[1], location=Location(shown, row[2], row[3])
            )
            for row in self.conn.execute(
                "SELECT id, question, line, column FROM cards WHERE file = ? AND present = 1 "
                "ORDER BY line",
                (key,),
            )
        )
        return model.DeckFile(
            path=path,
            display_path=shown,
            deck=index_row[4],
            cards=cards,
            location=Location(shown, index_row[5], index_row[6]),
        )

    def _apply_sync(self, parsed, contents, current, touched, removed, at) -> SyncReport:
        now_ms = to_ms(at)
        added, updated, hidden, restored = [], [], [], []
        with self.write() as conn:
            # synced_ms only grows, even when the clock (SRS_NOW) goes back: it orders the readings.
            last = conn.execute("SELECT max(synced_ms) FROM source_files").fetchone()[0]
            synced_ms = now_ms if last is None else max(now_ms, last + 1)
            before = {
                row[0]: row[1:]
                for row in conn.execute(
                    "SELECT id, present, deck, company, role, tags, question, back, file, line, column "
                    "FROM cards"
                )
            }
            seen: set[str] = set()
            for key, deck in parsed.items():
                for card in deck.cards:
                    seen.add(card.id)
                    values = _card_text(deck, card, key)
                    old = before.get(card.id)
                    if old is None:
                        conn.execute(
                            "INSERT INTO cards (id, deck, company, role, tags, question, back, file, "
                            "line, column, present, added_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                            (card.id, *values, now_ms),
                        )
                        added.append(card.id)
                        continue
                    if old[0] == 0:
                        restored.append(card.id)
                    elif tuple(old[1:7]) != values[:6]:
                        updated.append(card.id)
                    if old[0] == 0 or tuple(old[1:]) != values:
                        conn.execute(
                            "UPDATE cards SET deck = ?, company = ?, role = ?, tags = ?, question = ?, "
                            "back = ?, file = ?, line = ?, column = ?, present = 1 WHERE id = ?",
                            (*values, card.id),
                        )
            gone_files = list(parsed) + removed
            for key in gone_files:
                for (card_id,) in conn.execute(
                    "SELECT id FROM cards WHERE file = ? AND present = 1", (key,)
                ).fetchall():
                    if card_id not in seen:
                        conn.execute("UPDATE cards SET present = 0 WHERE id = ?", (card_id,))
                        hidden.append(card_id)
            for key in removed:
                conn.execute("DELETE FROM source_files WHERE path = ?", (key,))
            for key in list(parsed) + touched:
                _path, size, mtime = current[key]
                deck = parsed.get(key)
                if deck is None:
                    conn.execute(
                        "UPDATE source_files SET size = ?, mtime_ns = ?, synced_ms = ? WHERE path = ?",
                        (size, mtime, synced_ms, key),
                    )
                    continue
                conn.execute(
                    "INSERT INTO source_files (path, size, mtime_ns, sha256, deck, deck_line, "
                    "deck_column, synced_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO "
                    "UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                    "sha256 = excluded.sha256, deck = excluded.deck, deck_line = excluded.deck_line, "
                    "deck_column = excluded.deck_column, synced_ms = excluded.synced_ms",
                    (key, size, mtime, contents[key][1], deck.deck, deck.location.line,
                     deck.location.column, synced_ms),
                )
        return SyncReport(
            files_read=len(contents),
            files_parsed=len(parsed),
            added=tuple(added),
            updated=tuple(updated),
            hidden=tuple(sorted(set(hidden))),
            restored=tuple(restored),
        )

    # -- reading cards ------------------------------------------------------------------------

    def card(self, card_id: str) -> StoredCard:
        row = self.conn.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise StoreError(f"no card with id '{card_id}' in the store")
        return _stored_card(row)

    def state(self, card_id: str) -> CardState:
        row = self.conn.execute(f"SELECT {_STATE_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise StoreError(f"no card with id '{card_id}' in the store")
        return _state(row)

    def decks(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT deck FROM cards WHERE present = 1 ORDER BY deck")]

    def _available(self, filt: CardFilter, at: datetime) -> tuple[str, list]:
        where, params = filt.sql()
        return (
            where + " AND suspended = 0 AND (buried_until_ms IS NULL OR buried_until_ms <= ?)",
            params + [to_ms(at)],
        )

    def due_count(self, filt: CardFilter, at: datetime, before: datetime) -> int:
        """Cards (not new) that will be due before `before`, counting buried ones as of then."""
        where, params = self._available(filt, before)
        return self.conn.execute(
            f"SELECT count(*) FROM cards WHERE {where} AND state > 0 AND due_ms < ?",
            params + [to_ms(before)],
        ).fetchone()[0]

    # -- answering -----------------------------------------------------------------------------

    def record_answer(
        self,
        card_id: str,
        rating: int,
        at: datetime,
        duration_ms: int | None,
        schedule: Callable[[CardState], CardState],
        *,
        session: str | None = None,
        expected: CardState | None = None,
        source: str = "terminal",
    ) -> Answer:
        """Apply one answer in one transaction: new state from the card's current state, plus a
        log row. `schedule` maps the before-state to the after-state."""
        if rating not in (1, 2, 3, 4):
            raise StoreError(f"rating must be 1, 2, 3 or 4 (got {rating})")
        if source not in SOURCES:
            raise StoreError(f"source must be one of {', '.join(SOURCES)} (got {source})")
        at_ms = to_ms(at)
        with self.write() as conn:
            row = conn.execute(f"SELECT {_STATE_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
            if row is None:
                raise StoreError(f"no card with id '{card_id}' in the store")
            before = _state(row)
            after = schedule(before)
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, "
                "last_review_ms = ? WHERE id = ?",
                (*_state_values(after), card_id),
            )
            cursor = conn.execute(
                "INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, session, "
                "state_before, step_before, stability_before, difficulty_before, due_before_ms, "
                "last_review_before_ms, state_after, step_after, stability_after, difficulty_after, "
                "due_after_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (card_id, rating, at_ms, duration_ms, source, session,
                 *_state_values(before), *_state_values(after)[:5]),
            )
        return Answer(
            log_id=cursor.lastrowid,
            card_id=card_id,
            rating=rating,
            reviewed=from_ms(at_ms),
            duration_ms=duration_ms,
            before=before,
            after=after,
            conflict=expected is not None and expected != before,
        )

    def undo(self, answer: Answer, session: str | None) -> CardState:
        """Remove `answer` and give the card back its before-state; returns that state."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT id FROM review_log WHERE id = ? AND card_id = ? AND session IS ?",
                (answer.log_id, answer.card_id, session),
            ).fetchone()
            if row is None:
                raise StoreError("that answer is no longer in the store")
            current = conn.execute(
                f"SELECT {_STATE_COLUMNS} FROM cards WHERE id = ?", (answer.card_id,)
            ).fetchone()
            if _state(current) != answer.after:
                raise StoreError(
                    f"card '{answer.card_id}' was answered in another session since; "
                    "undo that answer there first"
                )
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due_ms = ?, "
                "last_review_ms = ? WHERE id = ?",
                (*_state_values(answer.before), answer.card_id),
            )
            conn.execute("DELETE FROM review_log WHERE id = ?", (answer.log_id,))
        return answer.before

    def bury(self, card_id: str, until: datetime | None) -> datetime | None:
        """Keep a card out of review until `until` (None: unbury); returns the previous value."""
        with self.write() as conn:
            row = conn.execute("SELECT buried_until_ms FROM cards WHERE id = ?", (card_id,)).fetchone()
            if row is None:
                raise StoreError(f"no card with id '{card_id}' in the store")
            conn.execute(
                "UPDATE cards SET buried_until_ms = ? WHERE id = ?",
                (to_ms(until) if until else None, card_id),
            )
        return from_ms(row[0]) if row[0] is not None else None

    def suspend(self, card_id: str, suspended: bool = True) -> None:
        with self.write() as conn:
            if conn.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id)).rowcount == 0:
                raise StoreError(f"no card with id '{card_id}' in the store")

    # -- history and stats ---------------------------------------------------------------------

    def log(self, card_id: str | None = None) -> list[Answer]:
        """Review log rows in recording order (all cards, or one)."""
        sql = (
            "SELECT id, card_id, rating, reviewed_ms, duration_ms, state_before, step_before, "
            "stability_before, difficulty_before, due_before_ms, last_review_before_ms, state_after, "
            "step_after, stability_after, difficulty_after, due_after_ms FROM review_log"
        )
        rows = (
            self.conn.execute(sql + " WHERE card_id = ? ORDER BY id", (card_id,))
            if card_id is not None
            else self.conn.execute(sql + " ORDER BY id")
        )
        return [
            Answer(
                log_id=r[0], card_id=r[1], rating=r[2], reviewed=from_ms(r[3]), duration_ms=r[4],
                before=_state(r[5:11]), after=_state((*r[11:16], r[3])),
            )
            for r in rows
        ]

    def stat_cards(self, filt: CardFilter) -> list[tuple]:
        """(id, deck, state, step, stability, difficulty, due_ms, last_review_ms, suspended,
        buried_until_ms) for every present card matching `filt`."""
        where, params = filt.sql()
        return self.conn.execute(
            "SELECT id, deck, state, step, stability, difficulty, due_ms, last_review_ms, suspended, "
            f"buried_until_ms FROM cards WHERE {where} ORDER BY deck, file, line, id",
            params,
        ).fetchall()

    def reviews_since(self, filt: CardFilter, since: datetime) -> list[ReviewRow]:
        where, params = filt.sql()
        return [
            ReviewRow(*r)
            for r in self.conn.execute(
                "SELECT review_log.card_id, cards.deck, rating, reviewed_ms, duration_ms, "
                "state_before, source FROM review_log JOIN cards ON cards.id = review_log.card_id "
                f"WHERE reviewed_ms >= ? AND {where} ORDER BY reviewed_ms",
                [to_ms(since)] + params,
            )
        ]

    def review_counts(self, filt: CardFilter, starts: list[datetime]) -> list[tuple]:
        """Answers per (day, deck) between starts[0] and starts[-1], days split at `starts`:
        (day index, deck, answers, answers to review-state cards, of which not Again)."""
        where, params = filt.sql()
        bounds = [to_ms(s) for s in starts]
        case = " ".join(f"WHEN reviewed_ms < {b} THEN {i}" for i, b in enumerate(bounds[1:]))
        return self.conn.execute(
            f"SELECT CASE {case} END AS day, cards.deck, count(*), "
            "sum(state_before = 2), sum(state_before = 2 AND rating > 1) "
            "FROM review_log JOIN cards ON cards.id = review_log.card_id "
            f"WHERE reviewed_ms >= ? AND reviewed_ms < ? AND {where} GROUP BY day, cards.deck",
            [bounds[0], bounds[-1]] + params,
        ).fetchall()

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def _raise_cards_error(folder: Path) -> None:
    """Raise the CardsError that loading `folder` gives (the card loader, and YAML, are only
    imported when something is wrong or a file changed: start-up time)."""
    from interview_srs.bank.load import load_bank

    load_bank(folder)


def _card_text(deck, card, key: str) -> tuple:
    content = card.content()
    names = ("star", "outline", "assesses", "pitfalls", "example", "sources", "followups", "as_of", "draft")
    back = {name: content[name] for name in names if name in content}  # "draft" only on a draft card
    return (
        deck.deck,
        deck.company,
        deck.role,
        json.dumps(list(deck.tags_for(card)), ensure_ascii=False),
        card.question,
        json.dumps(back, ensure_ascii=False),
        key,
        card.location.line,
        card.location.column,
    )


def _stored_card(row) -> StoredCard:
    return StoredCard(
        id=row[0],
        deck=row[1],
        company=row[2],
        role=row[3],
        tags=tuple(json.loads(row[4])),
        question=row[5],
        back=json.loads(row[6]),
        file=row[7],
        line=row[8],
        column=row[9],
        present=bool(row[10]),
        suspended=bool(row[11]),
        buried_until=from_ms(row[12]) if row[12] is not None else None,
        schedule=_state(row[13:19]),
    )


def _state(row) -> CardState:
    state, step, stability, difficulty, due, last = row
    return CardState(
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_ms(due) if due is not None else None,
        last_review=from_ms(last) if last is not None else None,
    )


def _state_values(state: CardState) -> tuple:
    return (
        state.state,
        state.step,
        state.stability,
        state.difficulty,
        to_ms(state.due) if state.due is not None else None,
        to_ms(state.last_review) if state.last_review is not None else None,
    )


def _unreadable(path: Path, error: OSError) -> Exception:
    from interview_srs.bank.model import display_name
    from interview_srs.base.problems import CardsError, Location, Problem

    reason = error.strerror or str(error)
    return CardsError([Problem(Location(display_name(path), 1, 1), f"cannot read the file: {reason}")])


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """`PRAGMA journal_mode = WAL`, retried: unlike other statements it does not wait for the
    busy timeout, so two processes creating a new store at once would otherwise fail."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _statements(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Answer",
    "CardFilter",
    "ReviewRow",
    "Store",
    "StoreBusy",
    "StoreDamaged",
    "StoreError",
    "StoredCard",
    "SyncReport",
    "default_store_path",
    "list_card_files",
]
