"""The pager over rendered lines: what fits is shown whole, what does not scrolls under pinned lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interview_srs.terminal.pager import Screen, scrolled, split_header, view

STATUS = "{first}-{last}/{total}"


def screen(body: int) -> Screen:
    return Screen(("deck",), tuple(f"b{i}" for i in range(1, body + 1)), ("", "ratings", "keys"))


def test_a_screen_that_fits_is_shown_whole_without_a_status_line():
    shown = view(screen(5), 20, 0, STATUS)
    assert shown.lines == ("deck", "b1", "b2", "b3", "b4", "b5", "", "ratings", "keys")
    assert not shown.scrolls
    assert view(screen(50), None, 7, STATUS).lines == screen(50).top + screen(50).body + screen(50).bottom


def test_a_tall_screen_keeps_header_and_keys_and_shows_a_window_of_the_body():
    shown = view(screen(20), 10, 3, STATUS)
    assert shown.lines == ("deck", "b4", "b5", "b6", "b7", "b8", "4-8/20", "", "ratings", "keys")
    assert view(screen(20), 10, 99, STATUS).offset == 15  # clamped: the last line shows at the bottom


def test_scroll_keys():
    tall = screen(20)
    assert scrolled(tall, 10, 3, "j") == 4 and scrolled(tall, 10, 3, "up") == 2
    assert scrolled(tall, 10, 0, "k") == 0
    assert scrolled(tall, 10, 0, "pgdn") == 4 and scrolled(tall, 10, 2, "pgup") == 0


def test_split_header_takes_the_lines_before_the_first_blank():
    assert split_header(["deck", "counts", "", "question"]) == (["deck", "counts"], ["", "question"])
    assert split_header(["question"]) == ([], ["question"])


@given(st.integers(0, 60), st.integers(5, 40), st.integers(-5, 80))
def test_the_view_never_exceeds_the_height_and_keeps_the_pinned_lines(body, height, offset):
    page = screen(body)
    shown = view(page, height, offset, STATUS)
    assert len(shown.lines) <= max(height, len(page.top) + len(page.bottom) + 2)
    assert shown.lines[: len(page.top)] == page.top and shown.lines[-len(page.bottom):] == page.bottom
    assert 0 <= shown.offset <= max(0, body - 1)
