"""The review store: one SQLite file holding every card's FSRS state and every answer.

Location: `--store PATH`, else `$SRS_HOME/store.sqlite3`, else `store.sqlite3` in the platform's
user data folder (e.g. `~/.local/share/interview-srs/`). `config.toml` sits next to it.

Modules
-------
Import from the module that does the work; this package itself holds only this description.

* connection.py — `Store`: opening (creating, migrating, WAL), closing, `Store.write` (the one
  write transaction); `default_store_path`. schema.py holds the migrations.
* rows.py — the values: `StoredCard`, `CardFilter`, the state columns (a schedule to and from
  them: schedule/scheduler.state_values and card_state).
* sync.py — the card files into the `cards` table (the files are parsed by the bank loader:
  home.py's `sync_cards` drives a sync). home.py also opens the store with its config.
* answers.py — `record_answer`, `undo`, `bury`, `suspend`, and the log read back as `Answer`s.
* lookups.py, queries.py — read-only: a card by id, counts, search (lookups); what the planner
  and stats read (queries). review_history.py reads the whole log, export.py writes it out.
* interviews.py, mocks.py — the interviews and mock-run tables; anki_history.py — Anki's
  answers imported and replayed; health.py — damage and busy (`StoreError` and its kinds).

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
  SQLite's corruption errors become `StoreDamaged` (one line: the file and what to do); a value
  that cannot be read becomes `StoreUnreadable`, which never advises moving the store aside;
  a write lock held elsewhere beyond the busy timeout becomes `StoreBusy` (see health.py).

Tables (schema version 7)
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
    (store/sync.py).

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
sum the last 30 days' answer times from the index alone. Migration 5 adds three, so that the
common reads need no table rows: `cards_present_deck` (present, deck, id) gives the decks
(`lookups.decks`) and every present card's deck without reading the wide card rows;
`review_log_lapses` (card_id, state_before, rating) WHERE state_before = 2 AND rating = 1, a
partial index of the forgotten answers, counts lapses and finds the leeches without walking the whole log; and
`review_log_card_time` (card_id, reviewed_ms, state_before, rating) counts each card's answers
of the last 30 days for `srs stats`. Migration 6 widens the first into `cards_deck` (present,
deck, suspended, buried_until_ms, state, due_ms, stability, last_review_ms, company, id): an
interview's review session filters every card of its decks (which it may leave out, the
predicted recall of each for the header, the company the decks name) from the index alone, and
reads table rows only for the cards it keeps. Migration 7 widens `cards_queue` likewise (present,
state, due_ms, suspended, buried_until_ms, id, deck, step, stability, difficulty, last_review_ms,
file, line) and adds step, difficulty, file and line to the end of `cards_deck`: a review
session's plan reads the cards due today, and an interview's cards, from the indexes alone,
where fetching each row would read its whole question and back. A migration that rebuilds
review_log or cards must create them again.
"""
