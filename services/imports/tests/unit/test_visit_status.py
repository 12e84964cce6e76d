import pytest

from imports.domain.cells import CellError
from imports.domain.visit_status import status_by_number, status_by_text


@pytest.mark.parametrize(
    ("number", "text", "code"),
    [(-1, "No-Show", "no_show"), (0, "Pending", "pending"), (1, "Arrived", "arrived"), (2, "Confirmed", "confirmed")],
)
def test_the_seeds_statuses(number, text, code):
    assert status_by_number(number).code == code
    assert status_by_number(str(number)).code == code
    assert status_by_number(float(number)).code == code
    assert status_by_text(text).code == code
    assert status_by_text(f" {text} ").code == code


@pytest.mark.parametrize("value", [None, "", "  "])
def test_empty_status_is_none(value):
    assert status_by_number(value) is None
    assert status_by_text(value) is None


@pytest.mark.parametrize("value", [3, -2, 0.5, "Arrived", True])
def test_unknown_status_number(value):
    with pytest.raises(CellError, match=r"expected -1 \(No-Show\), 0 \(Pending\), 1 \(Arrived\) or 2 \(Confirmed\)"):
        status_by_number(value)


@pytest.mark.parametrize("value", ["arrived", "No show", "NoShow", "Cancelled", 1])
def test_status_text_must_be_spelled_exactly(value):
    with pytest.raises(CellError, match="expected exactly No-Show, Pending, Arrived or Confirmed"):
        status_by_text(value)
