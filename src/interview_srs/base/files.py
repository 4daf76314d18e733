"""Reading a file the user named or keeps, without being stalled or flooded by what is there.

A FIFO in place of a config or a collection blocks a plain `open` forever, and /dev/zero read
whole ends in MemoryError. `read_regular` opens without blocking, refuses anything but a regular
file before reading, and reads at most a given number of bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """A folder, FIFO, socket or device where a plain file was expected."""


def open_regular(path: Path) -> int:
    """A file descriptor of the regular file at `path` (FileNotFoundError when absent)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularFile(f"{path} is not a regular file (a folder, a FIFO or a device?)")
    return fd


def read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of the regular file at `path`: a caller that gets `limit` bytes
    knows the file may be longer. Raises FileNotFoundError, NotRegularFile or another OSError."""
    fd = open_regular(path)
    try:
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(fd, min(1 << 16, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
