"""Problems found in card files, and the error that carries them.

Kept apart from the bank's parser so that code which only reports problems (the commands) need
not import the YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_srs.base.sanitize import one_line


@dataclass(frozen=True)
class Location:
    """A place in a card file; line and column count from 1, as editors do."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{one_line(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the cards, phrased for the person who will fix it."""

    location: Location
    message: str
    card: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        """One line, safe to print: names and values from the file are sanitised."""
        parts = [str(self.location)]
        if self.card is not None:
            parts.append(f"card {self.card}")
        if self.field is not None:
            parts.append(self.field)
        parts.append(self.message)
        return one_line(": ".join(parts))


class CardsError(Exception):
    """Raised with every problem found, so callers can report them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
