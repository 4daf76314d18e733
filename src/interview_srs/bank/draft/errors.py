"""The one error the draft library raises: a message for a person, naming the file it is about.

The CLI turns it into `Error: …` and exit 1; the library never prints.
"""

from __future__ import annotations


class DraftError(Exception):
    """Why a 面经 could not be drafted (bad file, no questions, no company or role)."""
