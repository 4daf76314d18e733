"""The package container: a valid zip, and the same bytes whether chunks are reused or not."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.anki.build import chunked_zip


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_package_holds_the_collection_and_an_empty_media_list(tmp_path):
    data = "面试".encode("utf-8") * 700_000  # larger than one chunk
    package = tmp_path / "p.apkg"
    layout = chunked_zip.write(package, write_bytes(tmp_path / "c.anki2", data))
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["collection.anki2", "media"]
        assert archive.read("collection.anki2") == data
        assert archive.read("media") == b"{}"
        info = archive.getinfo("collection.anki2")
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.compress_type == zipfile.ZIP_DEFLATED
    assert len(layout.chunk_sizes) == -(-len(data) // chunked_zip.CHUNK)


def test_only_the_chunks_that_changed_are_compressed_again(tmp_path, monkeypatch):
    old = bytes(range(256)) * (5 * chunked_zip.CHUNK // 256) + b"tail"  # six chunks
    before = write_bytes(tmp_path / "old.anki2", old)
    layout = chunked_zip.write(tmp_path / "old.apkg", before)
    new = bytearray(old)
    new[3 * chunked_zip.CHUNK + 10] ^= 0xFF
    after = write_bytes(tmp_path / "new.anki2", bytes(new))
    compressed = []
    real = chunked_zip.deflate_chunk
    monkeypatch.setattr(chunked_zip, "deflate_chunk", lambda chunk: compressed.append(chunk) or real(chunk))
    previous = chunked_zip.Previous(before, tmp_path / "old.apkg", layout)
    chunked_zip.write(tmp_path / "patched.apkg", after, previous)
    assert [c for c in compressed if c != b"{}"] == [bytes(new[3 * chunked_zip.CHUNK : 4 * chunked_zip.CHUNK])]
    chunked_zip.write(tmp_path / "fresh.apkg", after)
    assert (tmp_path / "patched.apkg").read_bytes() == (tmp_path / "fresh.apkg").read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    old=st.binary(max_size=200),
    new=st.binary(max_size=200),
    chunk=st.integers(1, 40),
)
def test_reusing_chunks_gives_the_bytes_of_a_fresh_write(tmp_path_factory, old, new, chunk):
    """Any previous collection, any new one, any chunk size: the same zip, which unzips to `new`."""
    folder = tmp_path_factory.mktemp("zip")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunked_zip, "CHUNK", chunk)
        before = write_bytes(folder / "old.anki2", old)
        layout = chunked_zip.write(folder / "old.apkg", before)
        after = write_bytes(folder / "new.anki2", new)
        chunked_zip.write(folder / "reused.apkg", after, chunked_zip.Previous(before, folder / "old.apkg", layout))
        chunked_zip.write(folder / "fresh.apkg", after)
    assert (folder / "reused.apkg").read_bytes() == (folder / "fresh.apkg").read_bytes()
    with zipfile.ZipFile(folder / "reused.apkg") as archive:
        assert archive.read("collection.anki2") == new
        assert archive.getinfo("collection.anki2").CRC == zlib.crc32(new)


def test_a_layout_from_elsewhere_is_refused():
    with pytest.raises(ValueError):
        chunked_zip.Layout.from_dict({"data_offset": -1, "chunk_sizes": [3], "chunk": 8})
    with pytest.raises(ValueError):
        chunked_zip.Layout.from_dict({"data_offset": 47, "chunk_sizes": ["3"], "chunk": 8})
    with pytest.raises(KeyError):  # from before chunks had a recorded size
        chunked_zip.Layout.from_dict({"data_offset": 47, "chunk_sizes": [3, 4]})
    assert chunked_zip.Layout.from_dict({"data_offset": 47, "chunk_sizes": [3, 4], "chunk": 8}).chunk_sizes == (3, 4)


def test_a_package_written_with_another_chunk_size_is_compressed_afresh(tmp_path, monkeypatch):
    data = bytes(range(256)) * 4000
    before = write_bytes(tmp_path / "old.anki2", data)
    with pytest.MonkeyPatch.context() as other:
        other.setattr(chunked_zip, "CHUNK", 1000)
        layout = chunked_zip.write(tmp_path / "old.apkg", before)
    chunked_zip.write(tmp_path / "reused.apkg", before, chunked_zip.Previous(before, tmp_path / "old.apkg", layout))
    chunked_zip.write(tmp_path / "fresh.apkg", before)
    assert (tmp_path / "reused.apkg").read_bytes() == (tmp_path / "fresh.apkg").read_bytes()
