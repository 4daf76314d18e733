"""interview-srs: curated interview questions as Anki decks and FSRS reviews in the terminal."""

__version__ = "0.1.0"
