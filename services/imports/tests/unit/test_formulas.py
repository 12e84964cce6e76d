import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imports.domain.formulas import MAX_CELL_LENGTH, neutralise, restore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\0=1", "'=1"),  # NUL removed, and the text guarded
        ("\x01=1", "'=1"),  # removing a control character must not uncover a formula
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("Anna", "Anna"),
        ("a=b", "a=b"),
        ("line\nbreak", "line\nbreak"),
        ("bell\x07 and \x1f unit separator", "bell and  unit separator"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_neutralise_keeps_within_excels_cell_length():
    assert len(neutralise("x" * (MAX_CELL_LENGTH + 10))) == MAX_CELL_LENGTH


@pytest.mark.parametrize("text", ["=SUM(A1)", "+49151", "-5", "@x", "\tx", "Anna", "'quoted'", "a=b"])
def test_restore_undoes_neutralise(text):
    assert restore(neutralise(text)) == text


def test_removes_every_character_openpyxl_refuses():
    refused = [chr(code) for code in range(0x20) if ILLEGAL_CHARACTERS_RE.match(chr(code))]
    assert len(refused) == 29
    assert neutralise("a" + "".join(refused) + "b") == "ab"
