"""The .apkg container: a zip whose collection is deflated in independent 256 KiB chunks.

Compressing the collection is the slowest step of writing a large package. Deflated in
independent chunks (each ends with a full flush, so none refers to bytes before it, as pigz
does), the compressed bytes of a chunk depend only on that chunk's bytes. So a rebuild that
changed a few pages of a 20 MB collection recompresses two or three chunks and copies the rest
from the previous package. Either way the zip's bytes depend only on the collection's bytes:
fixed dates, order and permissions, no data descriptors.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A rebuild recompresses each chunk a change touches (SQLite's header page always changes):
# small chunks keep that to milliseconds, and deflate's 32 KiB window makes them cost no size.
CHUNK = 1 << 18
# Level 1 is ~3x faster than the default and only ~5% larger on these text-heavy collections.
LEVEL = 1
COLLECTION = "collection.anki2"
MEDIA = "media"
_FINAL_BLOCK = b"\x03\x00"  # an empty, final fixed-Huffman block: ends the deflate stream
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest date a zip can hold
_DOS_TIME = 0
_VERSION = 20  # 2.0: deflate
_MADE_BY = (3 << 8) | _VERSION  # Unix, so the permissions below are read
_PERMISSIONS = 0o644 << 16
_LIMIT = 0xFFFF_FFFF  # without zip64, sizes and offsets are 32-bit


class PackageTooLarge(ValueError):
    """A collection of 4 GiB or more, which a zip without zip64 cannot hold."""


@dataclass(frozen=True)
class Layout:
    """Where each chunk's compressed bytes lie in a written package: what a rebuild reuses."""

    data_offset: int  # where the collection's compressed bytes start in the zip
    chunk_sizes: tuple[int, ...]  # compressed size of each chunk, in order
    chunk: int  # uncompressed bytes per chunk: a layout is only reused with the same CHUNK

    def to_dict(self) -> dict:
        return {"data_offset": self.data_offset, "chunk_sizes": list(self.chunk_sizes), "chunk": self.chunk}

    @classmethod
    def from_dict(cls, data: dict) -> Layout:
        offset, sizes, chunk = data["data_offset"], data["chunk_sizes"], data["chunk"]
        if not (
            type(offset) is int and offset >= 0 and type(chunk) is int and chunk > 0
            and all(type(s) is int and s > 0 for s in sizes)
        ):
            raise ValueError("not a package layout")
        return cls(offset, tuple(sizes), chunk)


@dataclass(frozen=True)
class Previous:
    """The package a rebuild starts from: its collection as it was, its zip and their layout."""

    collection: Path
    package: Path
    layout: Layout


def deflate_chunk(data: bytes) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def _reusable(previous: Previous | None) -> Iterator[tuple[bytes, int, int] | None]:
    """For each chunk of the previous collection: (its bytes, compressed offset, size)."""
    if previous is None or previous.layout.chunk != CHUNK:
        return
    offset = previous.layout.data_offset
    for chunk, size in zip(_chunks(previous.collection), previous.layout.chunk_sizes):
        yield chunk, offset, size
        offset += size


def write(zip_path: Path, collection: Path, previous: Previous | None = None) -> Layout:
    """Write the package at `zip_path` holding `collection` and an empty media list.

    A chunk whose bytes equal the same chunk of `previous` is copied from its package rather
    than compressed again; the result is the same bytes either way. One chunk is held at a
    time. Chunks are compressed here, one after another: a build writes several packages side
    by side, so more threads per package would only hold more memory.
    """
    crc, total, sizes = 0, 0, []
    old = _reusable(previous)
    with open(zip_path, "wb") as target, (open(previous.package, "rb") if previous else _NoFile()) as old_package:
        header = _local_header(COLLECTION, 0, 0, 0)
        target.write(header)  # rewritten below, once the sizes and checksum are known
        for chunk in _chunks(collection):
            crc = zlib.crc32(chunk, crc)
            total += len(chunk)
            before = next(old, None)
            if before is not None and before[0] == chunk:
                old_package.seek(before[1])
                data = old_package.read(before[2])
            else:
                data = deflate_chunk(chunk)
            sizes.append(len(data))
            target.write(data)
        target.write(_FINAL_BLOCK)
        compressed = sum(sizes) + len(_FINAL_BLOCK)
        if total > _LIMIT or compressed > _LIMIT:
            raise PackageTooLarge(f"{collection}: {total} bytes is more than a package can hold")
        entries = [(COLLECTION, crc, compressed, total, 0)]
        target.seek(0)
        target.write(_local_header(COLLECTION, crc, compressed, total))
        target.seek(len(header) + compressed)
        media = deflate_chunk(b"{}") + _FINAL_BLOCK
        media_offset = len(header) + compressed
        media_header = _local_header(MEDIA, zlib.crc32(b"{}"), len(media), 2)
        target.write(media_header + media)
        entries.append((MEDIA, zlib.crc32(b"{}"), len(media), 2, media_offset))
        directory = b"".join(_central_header(*entry) for entry in entries)
        directory_offset = media_offset + len(media_header) + len(media)
        target.write(directory)
        target.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), directory_offset, 0)
        )
    return Layout(data_offset=len(header), chunk_sizes=tuple(sizes), chunk=CHUNK)


def _local_header(name: str, crc: int, compressed: int, size: int) -> bytes:
    encoded = name.encode("ascii")
    return struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, _VERSION, 0, zlib.DEFLATED, _DOS_TIME, _DOS_DATE, crc, compressed, size,
        len(encoded), 0,
    ) + encoded


def _central_header(name: str, crc: int, compressed: int, size: int, offset: int) -> bytes:
    encoded = name.encode("ascii")
    return struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, 0, zlib.DEFLATED, _DOS_TIME, _DOS_DATE, crc,
        compressed, size, len(encoded), 0, 0, 0, 0, _PERMISSIONS, offset,
    ) + encoded


class _NoFile:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
