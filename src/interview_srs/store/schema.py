"""The store's numbered migrations; the tables are documented in store/__init__.py.

A migration is never edited once released: add a new one at the end with the next number.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "cards, review log and card-file index",
        """
        CREATE TABLE source_files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            deck TEXT NOT NULL,
            deck_line INTEGER NOT NULL,
            deck_column INTEGER NOT NULL,
            synced_ms INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE cards (
            id TEXT PRIMARY KEY,
            deck TEXT NOT NULL,
            company TEXT NOT NULL,
            role TEXT NOT NULL,
            tags TEXT NOT NULL,
            question TEXT NOT NULL,
            back TEXT NOT NULL,
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            column INTEGER NOT NULL,
            present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
            added_ms INTEGER NOT NULL,
            state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due_ms INTEGER,
            last_review_ms INTEGER,
            suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
            buried_until_ms INTEGER
        ) STRICT;
        CREATE INDEX cards_queue ON cards (present, state, due_ms);
        CREATE INDEX cards_file ON cards (file);
        CREATE TABLE review_log (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards (id) ON UPDATE CASCADE ON DELETE RESTRICT,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_ms INTEGER NOT NULL,
            duration_ms INTEGER,
            source TEXT NOT NULL DEFAULT 'terminal' CHECK (source IN ('terminal', 'anki')),
            session TEXT,
            state_before INTEGER NOT NULL CHECK (state_before BETWEEN 0 AND 3),
            step_before INTEGER,
            stability_before REAL,
            difficulty_before REAL,
            due_before_ms INTEGER,
            last_review_before_ms INTEGER,
            state_after INTEGER NOT NULL CHECK (state_after BETWEEN 1 AND 3),
            step_after INTEGER,
            stability_after REAL NOT NULL,
            difficulty_after REAL NOT NULL,
            due_after_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX review_log_card ON review_log (card_id, id);
        CREATE INDEX review_log_time ON review_log (reviewed_ms);
        """,
    ),
    (
        2,
        "review sources: mock interviews, and Anki revlog ids for imported answers",
        """
        CREATE TABLE review_log_v2 (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards (id) ON UPDATE CASCADE ON DELETE RESTRICT,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_ms INTEGER NOT NULL,
            duration_ms INTEGER,
            source TEXT NOT NULL DEFAULT 'terminal' CHECK (source IN ('terminal', 'anki', 'mock')),
            session TEXT,
            state_before INTEGER NOT NULL CHECK (state_before BETWEEN 0 AND 3),
            step_before INTEGER,
            stability_before REAL,
            difficulty_before REAL,
            due_before_ms INTEGER,
            last_review_before_ms INTEGER,
            state_after INTEGER NOT NULL CHECK (state_after BETWEEN 1 AND 3),
            step_after INTEGER,
            stability_after REAL NOT NULL,
            difficulty_after REAL NOT NULL,
            due_after_ms INTEGER NOT NULL,
            anki_revlog_id INTEGER UNIQUE
        ) STRICT;
        INSERT INTO review_log_v2 (id, card_id, rating, reviewed_ms, duration_ms, source, session,
            state_before, step_before, stability_before, difficulty_before, due_before_ms,
            last_review_before_ms, state_after, step_after, stability_after, difficulty_after,
            due_after_ms)
        SELECT id, card_id, rating, reviewed_ms, duration_ms, source, session,
            state_before, step_before, stability_before, difficulty_before, due_before_ms,
            last_review_before_ms, state_after, step_after, stability_after, difficulty_after,
            due_after_ms
        FROM review_log;
        DROP TABLE review_log;
        ALTER TABLE review_log_v2 RENAME TO review_log;
        CREATE INDEX review_log_card ON review_log (card_id, id);
        CREATE INDEX review_log_time ON review_log (reviewed_ms);
        """,
    ),

    (
        3,
        "interviews: dated interviews the planner prepares decks for; answer-time index",
        """
        CREATE TABLE interviews (
            name TEXT PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            decks TEXT NOT NULL,
            added_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX review_log_answer_times ON review_log (reviewed_ms, card_id, duration_ms, source);
        """,
    ),
    (
        4,
        "mock interviews: runs and their questions",
        """
        CREATE TABLE mock_runs (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL UNIQUE,
            started_ms INTEGER NOT NULL,
            finished_ms INTEGER,
            scope TEXT NOT NULL,
            seconds INTEGER,
            typed INTEGER NOT NULL DEFAULT 0 CHECK (typed IN (0, 1)),
            report TEXT
        ) STRICT;
        CREATE TABLE mock_questions (
            run_id INTEGER NOT NULL REFERENCES mock_runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            card_id TEXT NOT NULL REFERENCES cards (id) ON UPDATE CASCADE ON DELETE RESTRICT,
            kind TEXT NOT NULL,
            target_ms INTEGER NOT NULL,
            spoken_ms INTEGER,
            rating INTEGER CHECK (rating BETWEEN 1 AND 4),
            review_log_id INTEGER REFERENCES review_log (id) ON DELETE SET NULL,
            followup TEXT,
            missed TEXT,
            PRIMARY KEY (run_id, position)
        ) STRICT;
        CREATE INDEX mock_runs_started ON mock_runs (started_ms);
        """,
    ),
    (
        5,
        "indexes: decks of present cards, lapses, answers per card and time",
        """
        CREATE INDEX cards_present_deck ON cards (present, deck, id);
        CREATE INDEX review_log_lapses ON review_log (card_id, state_before, rating) WHERE state_before = 2 AND rating = 1;
        CREATE INDEX review_log_card_time ON review_log (card_id, reviewed_ms, state_before, rating);
        """,
    ),
    (
        6,
        "index: a deck's cards with what plans, the review header and company lookups filter and read",
        """
        DROP INDEX cards_present_deck;
        CREATE INDEX cards_deck ON cards (
            present, deck, suspended, buried_until_ms, state, due_ms, stability, last_review_ms, company, id
        );
        """,
    ),
    (
        7,
        "indexes: the cards due, and a deck's cards, with everything a plan reads of them",
        """
        DROP INDEX cards_queue;
        CREATE INDEX cards_queue ON cards (
            present, state, due_ms, suspended, buried_until_ms, id, deck, step, stability, difficulty, last_review_ms,
            file, line
        );
        DROP INDEX cards_deck;
        CREATE INDEX cards_deck ON cards (
            present, deck, suspended, buried_until_ms, state, due_ms, stability, last_review_ms, company, id,
            step, difficulty, file, line
        );
        """,
    ),
)
