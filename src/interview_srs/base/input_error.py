"""A bad value typed on the command line (a date, a time, a name): one line for the user.

Apart from problems.py, whose located card-file problems a review start never needs: raising or
subclassing this error does not create them.
"""

from __future__ import annotations


class InputError(ValueError):
    """A bad value on the command line (a date, a time, a name): one line for the user."""


__all__ = ["InputError"]
