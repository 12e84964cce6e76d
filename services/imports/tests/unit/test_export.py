import io
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest
from builders import COLOUR, CONTEXT, CUT, MARIA, SHAVE
from openpyxl.worksheet._writer import ALL_TEMP_FILES

from imports.domain.bookings_sheet import read_bookings
from imports.domain.export import BOOKINGS_EXPORT_COLUMNS, ExportedBooking, write_bookings, write_sheet

DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\0=1", "\x01=1+1"]


def exported(**changes) -> ExportedBooking:
    fields = {
        "starts_at": datetime(2016, 1, 4, 10, 30),
        "staff_member_id": MARIA,
        "phone": "+12123445678",
        "client_name": "Anna Smirnova",
        "staff_member_name": "Maria Petrova",
        "duration_minutes": 45,
        "service_ids": [CUT, COLOUR],
        "service_names": ["Haircut", "Colouring"],
        "prices": [2550, 0],
        "discount": 500,
        "comment": "first visit",
        "visit_status": "arrived",
        "created_at": datetime(2015, 12, 30, 18, 5),
        "created_by": "Olga (administrator)",
        "source": "online",
        "payment_status": "paid in full",
        "deleted": False,
    }
    return ExportedBooking(**{**fields, **changes})


def load(stream: io.BytesIO) -> list[list[openpyxl.cell.Cell]]:
    stream.seek(0)
    return [list(row) for row in openpyxl.load_workbook(stream).active.iter_rows()]


def test_no_cell_can_run_as_a_formula():
    stream = io.BytesIO()
    write_sheet(stream, ["=Header", "Plain"], [[text, "fine"] for text in DANGEROUS])
    rows = load(stream)
    assert all(cell.data_type != "f" for row in rows for cell in row)
    assert [cell.value for cell in rows[0]] == ["'=Header", "Plain"]
    assert [row[0].value for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil","x")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\n=1",  # XML reads a carriage return as a line feed
        "'=1",
        "'=1+1",
    ]


def test_openpyxl_alone_would_have_written_formulas():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["=1+1"])
    stream = io.BytesIO()
    workbook.save(stream)
    assert load(stream)[0][0].data_type == "f"


def test_characters_openpyxl_refuses_are_removed_not_raised():
    stream = io.BytesIO()
    write_sheet(stream, ["Comment"], [["bell\x07 nul\x00 esc\x1b ok"], ["tab\tand\nnewline"]])
    assert [row[0].value for row in load(stream)[1:]] == ["bell nul esc ok", "tab\tand\nnewline"]


def test_values_keep_their_types():
    stream = io.BytesIO()
    moment = datetime(2016, 1, 4, 10, 30)
    write_sheet(stream, ["a", "b", "c", "d", "e"], [[7, Decimal("25.5"), True, None, moment]])
    row = load(stream)[1]
    assert [cell.value for cell in row] == [7, 25.5, True, None, moment]
    assert row[4].number_format == "dd.mm.yyyy hh:mm"


def test_refuses_what_it_cannot_write_faithfully_and_leaves_no_temporary_file():
    left_before = set(ALL_TEMP_FILES)
    with pytest.raises(ValueError, match="naive"):
        write_sheet(io.BytesIO(), ["a"], [["fine"], [datetime(2016, 1, 4, tzinfo=UTC)]])
    with pytest.raises(TypeError, match="float"):
        write_sheet(io.BytesIO(), ["a"], [[25.5]])
    assert set(ALL_TEMP_FILES) == left_before


def test_writes_to_a_path(tmp_path):
    path = tmp_path / "export.xlsx"
    assert write_sheet(str(path), ["Name"], iter([["Anna"], ["Bob"]])) == 2
    assert [row[0].value for row in openpyxl.load_workbook(path).active.iter_rows()] == ["Name", "Anna", "Bob"]


def test_streams_rows_without_holding_them():
    def peak_while_writing(count: int) -> int:
        rows = ([index, f"client {index % 100}", Decimal(index) / 100] for index in range(count))
        tracemalloc.start()
        try:
            write_sheet(io.BytesIO(), ["Number", "Name", "Amount"], rows)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_while_writing(1_000), peak_while_writing(10_000)
    # the output itself grows (a BytesIO here); each row of it compresses to a few bytes
    assert (large - small) / 9_000 < 100, (small, large)


def test_bookings_export_has_the_import_columns_then_its_own():
    stream = io.BytesIO()
    assert write_bookings(stream, [exported(deleted=True, comment="=cmd")]) == 1
    header, row = ([cell.value for cell in cells] for cells in load(stream))
    assert header == list(BOOKINGS_EXPORT_COLUMNS)
    assert row == [
        datetime(2016, 1, 4, 10, 30),
        MARIA,
        "12123445678",  # E.164 without its plus: the seed's form, and no formula trigger
        "Anna Smirnova",
        "Maria Petrova",
        2700,
        f"{CUT},{COLOUR}",
        "Haircut##Colouring",
        "25.50#0.00",
        5,
        "'=cmd",
        1,
        "Arrived",
        datetime(2015, 12, 30, 18, 5),
        "Olga (administrator)",
        "online",
        "arrived",
        "paid in full",
        "Yes",
    ]


@pytest.mark.parametrize("visit_status", ["no_show", "pending", "arrived", "confirmed"])
def test_an_export_imports_again_as_the_same_bookings(visit_status):
    bookings = [
        exported(visit_status=visit_status),
        exported(
            starts_at=datetime(2016, 1, 5, 9, 0),
            service_ids=[SHAVE],
            service_names=["Shave"],
            prices=[1999],
            discount=0,
            comment="-5% next time; =no formula",
            phone="+49 151 23456789",
        ),
    ]
    stream = io.BytesIO()
    write_bookings(stream, iter(bookings))
    sheet = read_bookings(stream.getvalue(), CONTEXT)
    assert sheet.problems == []
    assert [
        (
            record.starts_at,
            record.staff_member_id,
            record.client_name,
            record.duration_minutes,
            record.service_ids,
            record.service_names,
            record.prices,
            record.discount,
            record.comment,
            record.visit_status,
        )
        for record in sheet.records
    ] == [
        (
            booking.starts_at,
            booking.staff_member_id,
            booking.client_name,
            booking.duration_minutes,
            list(booking.service_ids),
            list(booking.service_names),
            list(booking.prices),
            booking.discount,
            booking.comment,
            booking.visit_status,
        )
        for booking in bookings
    ]
    assert [record.phone for record in sheet.records] == ["12123445678", "+49 151 23456789"]
