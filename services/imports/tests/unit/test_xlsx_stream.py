import io
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from imports.domain.export import write_sheet
from imports.domain.xlsx_stream import write_workbook


def test_a_workbook_openpyxl_reads_in_both_modes():
    stream = io.BytesIO()
    rows = [["Anna & <Bob>", 1, Decimal("-0.50"), False, datetime(2027, 3, 28, 2, 59)], [None, None, "x"]]
    assert write_workbook(stream, "Bookings & more", "dd.mm.yyyy hh:mm", ["A", "B", "C", "D", "E"], rows) == 2
    for read_only in (False, True):
        book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()), read_only=read_only)
        assert book.sheetnames == ["Bookings & more"]
        read = [row + (None,) * (5 - len(row)) for row in book.active.iter_rows(values_only=True)]  # no trailing cells
        assert read == [
            ("A", "B", "C", "D", "E"),
            ("Anna & <Bob>", 1, -0.5, False, datetime(2027, 3, 28, 2, 59)),
            (None, None, "x", None, None),
        ]


def test_every_minute_of_a_day_comes_back_as_written():
    moments = [datetime(2026, 10, 25) + timedelta(minutes=minute) for minute in range(24 * 60)]
    stream = io.BytesIO()
    write_sheet(stream, ["When"], ([moment] for moment in moments))
    sheet = openpyxl.load_workbook(stream, read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == moments


def test_the_parts_a_workbook_needs_and_text_never_a_formula():
    stream = io.BytesIO()
    write_sheet(stream, ["Name"], [["=1+1"], ["plain"]])
    with zipfile.ZipFile(stream) as archive:
        assert set(archive.namelist()) == {
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet1.xml",
        }  # fmt: skip
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and sheet.count('t="inlineStr"') == 3


def test_a_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "export.xlsx"

    def rows():
        yield ["fine"]
        raise RuntimeError("the bookings service went away")

    with pytest.raises(RuntimeError):
        write_sheet(str(path), ["Name"], rows())
    assert not path.exists()


def test_many_rows_are_written_in_pieces():
    stream = io.BytesIO()
    count = write_sheet(stream, ["Number", "Name"], ([number, f"client {number}"] for number in range(30_000)))
    assert count == 30_000
    rows = openpyxl.load_workbook(stream, read_only=True).active.iter_rows(min_row=2, values_only=True)
    assert all(row == (number, f"client {number}") for number, row in enumerate(rows))
