from hypothesis import given
from hypothesis import strategies as st

from styrkort.core.text import normalise_line, normalise_text, paragraphs


def test_no_break_and_narrow_spaces_become_plain_and_trailing_blanks_go():
    assert normalise_line("2\u00a0181,8\u202fmkr.\u00a0 ") == "2 181,8 mkr."


def test_inner_spacing_is_kept_verbatim():
    assert normalise_line("till  de dirketiv") == "till  de dirketiv"


def test_crlf_and_blank_edges():
    assert normalise_text("\r\nA \r\n\r\nB\r\n\r\n") == "A\n\nB"
    assert paragraphs("A\nB\n\n\nC") == ["A\nB", "C"]


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
