import io
import time
import tracemalloc
import zipfile
from datetime import datetime

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
import pytest
from builders import MAIN_NS, SHEET_XML, inline_row, sheet_xml, with_part, xlsx, zip_of
from defusedxml import EntitiesForbidden

from imports.domain.limits import DEFAULT_LIMITS, Limits
from imports.domain.problems import WHOLE_FILE, Problem
from imports.domain.upload_checks import check_upload
from imports.domain.workbook import SheetRow, UnsafeXmlParser, read_rows, require_defused_xml

MEGABYTE = 1024 * 1024


def rows_of(content: bytes, limits: Limits = DEFAULT_LIMITS) -> list[SheetRow | Problem]:
    return list(read_rows(content, limits))


def refusal(content: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    items = rows_of(content, limits)
    assert len(items) == 1 and isinstance(items[0], Problem), items
    assert (items[0].row, items[0].column) == (WHOLE_FILE, "")
    return items[0].message


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    assert openpyxl.xml.functions.fromstring.__module__.startswith("defusedxml")
    require_defused_xml()


def test_reading_refuses_to_start_without_defusedxml(monkeypatch):
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(UnsafeXmlParser):
        rows_of(xlsx([["Name"]]))


def test_reads_values_with_spreadsheet_row_numbers_skipping_empty_rows():
    content = xlsx([[None], ["Name", "Phone"], [], ["Anna", 12123445678], [" ", None], ["Bob", datetime(2016, 1, 4)]])
    rows = rows_of(content)
    assert [(row.number, row.cells[:2]) for row in rows] == [
        (2, ("Name", "Phone")),
        (4, ("Anna", 12123445678)),
        (6, ("Bob", datetime(2016, 1, 4))),
    ]
    assert all(len(row.cells) == Limits().max_columns for row in rows)


def test_formulas_are_read_as_their_cached_values_never_evaluated():
    rows = rows_of(xlsx([["Name"], ["=1+1"]]))
    assert rows == [SheetRow(1, ("Name", *[None] * 63))]


def test_cells_past_the_last_column_read_are_not_read():
    rows = rows_of(xlsx([["a", "b", "c"]]), Limits(max_columns=2))
    assert rows[0].cells == ("a", "b")


def test_refuses_a_file_larger_than_the_limit():
    content = xlsx([["Name"], ["Anna"]])
    assert "larger than" in refusal(content, Limits(max_file_bytes=len(content) - 1))
    assert check_upload(content, Limits(max_file_bytes=len(content))) is None


def test_the_default_file_limit_is_ten_megabytes():
    assert "larger than 10 MB" in refusal(b"PK" + b"\0" * (10 * MEGABYTE))


@pytest.mark.parametrize(
    "content",
    [b"", b"Name;Phone\nAnna;12123445678\n", b"%PDF-1.4 not a workbook", b"PK\x03\x04 truncated"],
)
def test_refuses_what_is_not_a_zip(content):
    assert refusal(content) == "the file is not an .xlsx workbook"


def test_refuses_a_zip_that_is_not_a_workbook():
    assert refusal(zip_of({"hello.txt": b"hello"})) == "the file is not a readable .xlsx workbook"


def test_refuses_a_zip_bomb_by_its_compression_ratio():
    bomb = zip_of({"xl/worksheets/sheet1.xml": b"\0" * (5 * MEGABYTE)})
    assert len(bomb) < 10 * 1024
    assert "compressed suspiciously well" in refusal(bomb)


def test_refuses_a_workbook_that_unpacks_past_the_limit():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("big.xml", "w") as member:
        for _ in range(101):
            member.write(b"\0" * MEGABYTE)
    assert "unpacks to more than 100 MB" in refusal(stream.getvalue())


def test_refuses_large_total_inflation_even_at_modest_ratios():
    members = {f"part{index}.xml": bytes(range(256)) * 4096 for index in range(3)}  # 1 MB each, ratio < 200
    assert "unpacks to more than 2 MB" in refusal(zip_of(members), Limits(max_uncompressed_bytes=2 * MEGABYTE))


def test_refuses_too_many_parts():
    members = {f"part{index}.xml": b"x" for index in range(501)}
    assert "more than 500 parts" in refusal(zip_of(members))


def test_refuses_two_parts_of_one_name():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("xl/workbook.xml", b"first")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("xl/workbook.xml", b"second")
    assert refusal(stream.getvalue()) == "the workbook has two parts of the same name"


def test_refuses_an_encrypted_zip():
    content = bytearray(zip_of({"xl/workbook.xml": b"ciphertext"}, zipfile.ZIP_STORED))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        content[content.index(signature) + flag_offset] |= 0x1
    assert refusal(bytes(content)) == "the workbook is encrypted"


def test_refuses_more_data_rows_than_the_limit_and_stops_there():
    content = xlsx([["Name"], *[[f"client {index}"] for index in range(4)]])
    assert [row.number for row in rows_of(content, Limits(max_rows=4))] == [1, 2, 3, 4, 5]
    *rows, problem = rows_of(content, Limits(max_rows=3))
    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert problem == Problem(5, "", "the file has more than 3 rows; split it")


def test_the_default_row_limit_is_twenty_thousand():
    content = xlsx([["Name"], *[[index] for index in range(20_001)]])
    items = rows_of(content)
    assert items[-1] == Problem(20_002, "", "the file has more than 20000 rows; split it")
    assert len(items) == 20_002


def test_rows_are_read_one_at_a_time_not_held():
    def peak_while_reading(rows: int) -> int:
        content = xlsx([["Number", "Amount"], *[[index, index / 100] for index in range(rows)]])
        tracemalloc.start()
        try:
            for _ in read_rows(content):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_while_reading(1_000), peak_while_reading(15_000)
    # openpyxl keeps an emptied XML element per parsed row (~50 bytes); a row held as values takes over 500
    assert (large - small) / 14_000 < 150, (small, large)


def test_refuses_more_row_elements_than_the_limit_even_empty_ones():
    rows = "".join(f'<row r="{number}"/>' for number in range(1, 12))
    content = with_part(xlsx([["x"]]), SHEET_XML, sheet_xml(rows))
    assert refusal(content, Limits(max_row_elements=10)) == "the workbook has more than 10 rows, empty or not"
    assert check_upload(content, Limits(max_row_elements=11)) is None


def test_a_forged_dimension_does_not_pad_rows():
    content = with_part(
        xlsx([["x"]]),
        SHEET_XML,
        sheet_xml(inline_row(1, "Name")).replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'),
    )
    started = time.monotonic()
    assert rows_of(content) == [SheetRow(1, ("Name", *[None] * 63))]
    assert time.monotonic() - started < 2


def test_refuses_rows_past_excels_last_row():
    content = with_part(xlsx([["x"]]), SHEET_XML, sheet_xml(inline_row(1, "Name") + inline_row(1_048_577, "late")))
    *rows, problem = rows_of(content)
    assert [row.number for row in rows] == [1]
    assert problem == Problem(WHOLE_FILE, "", "the sheet has rows past row 1048576, Excel's last")


@pytest.mark.timeout(10)
def test_refuses_a_row_wider_than_excel_allows_before_openpyxl_builds_it():
    row = '<row r="1">' + "<c/>" * 16_385 + "</row>"
    assert refusal(with_part(xlsx([["x"]]), SHEET_XML, sheet_xml(row))) == (
        "a row of the workbook has more than 16384 cells, Excel's limit"
    )


@pytest.mark.timeout(10)
def test_refuses_more_cells_than_the_limit_whatever_their_namespace_prefix():
    rows = "".join(f'<x:row r="{number}"><x:c/><x:c/></x:row>' for number in range(1, 7))
    sheet = f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'.encode()
    content = with_part(xlsx([["x"]]), SHEET_XML, sheet)
    assert refusal(content, Limits(max_cells=11)) == "the workbook has more than 11 cells"
    assert check_upload(content, Limits(max_cells=12)) is None


def test_refuses_more_shared_strings_than_the_limit():
    strings = "".join(f"<si><t>{index}</t></si>" for index in range(6))
    shared = f'<sst xmlns="{MAIN_NS}">{strings}</sst>'.encode()
    content = with_part(xlsx([["x"]]), "xl/sharedStrings.xml", shared)
    assert refusal(content, Limits(max_cells=5)) == "the workbook has more than 5 shared strings"


def test_counts_cells_in_utf16_parts_too():
    row = '<?xml version="1.0" encoding="UTF-16"?>' + sheet_xml('<row r="1">' + "<c/>" * 16_385 + "</row>").decode()
    content = with_part(
        xlsx([["x"]]), SHEET_XML, row.replace('<?xml version="1.0" encoding="UTF-8"?>', "").encode("utf-16")
    )
    assert "more than 16384 cells" in refusal(content)


def test_counts_cells_in_a_sheet_whatever_its_part_is_named():
    row = '<row r="1">' + "<c/>" * 16_385 + "</row>"
    content = with_part(xlsx([["x"]]), "xl/worksheets/sheet1.bin", sheet_xml(row))
    assert "more than 16384 cells" in refusal(content)


def test_parts_that_are_not_xml_are_allowed():
    content = with_part(xlsx([["Name"]]), "xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert check_upload(content) is None
    assert [row.cells[0] for row in rows_of(content)] == ["Name"]


def test_refuses_a_part_that_is_not_well_formed_xml():
    assert refusal(with_part(xlsx([["x"]]), SHEET_XML, b"<worksheet><sheetData>")) == (
        "the file is not a readable .xlsx workbook"
    )


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{level} "{("&lol" + str(level - 1) + ";") * 10}">' for level in range(2, 10)).replace(
        "&lol1;", "&lol;"
    )
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("doctype", "entity"), [(BILLION_LAUGHS, "&lol9;"), (EXTERNAL_ENTITY, "&secret;")])
def test_refuses_xml_entities_in_a_sheet(doctype, entity):
    content = with_part(xlsx([["x"]]), SHEET_XML, sheet_xml(inline_row(1, entity), doctype))
    items = rows_of(content)
    assert items == [Problem(WHOLE_FILE, "", "the workbook declares XML entities or a DTD, which are refused")]
    assert "root:" not in repr(items)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "docProps/core.xml"])
def test_refuses_xml_entities_in_the_workbooks_other_parts(part):
    content = xlsx([["Name"], ["Anna"]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        original = archive.read(part).decode()
    root = original.index("<", original.index("?>") + 2 if original.startswith("<?") else 0)
    root_name = original[root + 1 :].split()[0]
    attacked = original[:root] + BILLION_LAUGHS.replace("worksheet", root_name, 1) + original[root:]
    assert refusal(with_part(content, part, attacked.encode())) == (
        "the workbook declares XML entities or a DTD, which are refused"
    )


@pytest.mark.timeout(10)
def test_openpyxl_itself_refuses_entities_should_a_dtd_pass_the_checks():
    content = with_part(xlsx([["x"]]), SHEET_XML, sheet_xml(inline_row(1, "&lol9;"), BILLION_LAUGHS))
    with pytest.raises(ValueError) as raised:
        openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    assert isinstance(raised.value.__cause__, EntitiesForbidden)


def test_stops_reading_when_the_caller_stops():
    content = xlsx([["Name"], ["Anna"], ["Bob"]])
    rows = read_rows(content)
    assert next(rows).number == 1
    rows.close()
    with pytest.raises(StopIteration):
        next(rows)
