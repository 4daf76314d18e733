"""Reading a pasted 面经: encodings, HTML, and every file that is refused."""

from __future__ import annotations

import os
import sys

import pytest

from interview_srs.bank.draft import MAX_BYTES, DraftError, read_source
from interview_srs.bank.draft.read import decode, html_to_text, looks_like_html, normalise

TEXT = "美团 用户运营 一面\r\n1、自我介绍\r\n2、为什么选择美团？\u3000\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_each_encoding_is_detected_and_named(tmp_path, data, encoding):
    path = tmp_path / "m.txt"
    path.write_bytes(data)
    source = read_source(path)
    assert source.encoding == encoding
    assert source.text.split("\n")[:3] == ["美团 用户运营 一面", "1、自我介绍", "2、为什么选择美团？"]


def test_line_endings_and_full_width_spaces_are_normalised_without_moving_lines():
    assert normalise("a\r\nb\rc\u3000d\n\n\ne ") == "a\nb\nc d\n\n\ne"


def test_html_drops_scripts_and_styles_breaks_blocks_and_unescapes():
    html = "<html><head><style>p{}</style><script>var x='问：坏'</script></head><body><p>问：a&amp;b？</p><li>c&nbsp;d</li></body></html>"
    assert looks_like_html(html)
    lines = [line.strip() for line in normalise(html_to_text(html)).split("\n") if line.strip()]
    assert lines == ["问：a&b？", "c d"]


def test_html_questions_keep_the_line_of_the_page_source(tmp_path):
    path = tmp_path / "p.html"
    path.write_text("<!DOCTYPE html>\n<html><body>\n<h1>美团 一面</h1>\n<p>\n为什么选美团？</p>\n</body></html>", "utf-8")
    source = read_source(path)
    assert source.was_html
    number = next(i for i, line in enumerate(source.text.split("\n"), 1) if "为什么" in line)
    assert source.line_in_file(number) == 5


def test_one_bold_tag_in_a_note_is_not_a_page():
    assert not looks_like_html("1. 说说<b>私域</b>\n2. 为什么？")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "looks binary (it holds NUL bytes)"),
        (bytes(range(128, 256)) * 8, "is not text"),
    ],
)
def test_empty_and_binary_files_are_refused_by_name(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(DraftError) as caught:
        read_source(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_html_without_text_is_refused(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><div></div><p></p><script>x</script></body></html>", "utf-8")
    with pytest.raises(DraftError, match="has no text outside its HTML tags"):
        read_source(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DraftError, match="is a folder"):
        read_source(tmp_path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(DraftError, match=r"missing\.txt: cannot read the file"):
        read_source(tmp_path / "missing.txt")


def test_a_file_of_ten_megabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES)
    with pytest.raises(DraftError, match="must be under 10 MB"):
        read_source(path)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("1. 为什么？", "utf-8")
    path.chmod(0)
    with pytest.raises(DraftError, match="cannot read the file"):
        read_source(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_is_not_a_regular_file(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(DraftError, match="is not a regular file"):
        read_source(path)


def test_decode_reports_utf8_first():
    assert decode("问：为什么？".encode()) == ("问：为什么？", "utf-8")
