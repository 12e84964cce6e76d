"""A one-sheet .xlsx written as a stream: the sheet's XML goes into the zip row by row, so memory stays
flat however many rows there are.

openpyxl's write-only mode streams too, but without lxml it serialises each cell through a pure
Python XML tree, about 17 microseconds a cell: 100,000 bookings (1.9 million cells) took 33 s. A
workbook needs only a handful of fixed parts, and cells of three kinds (inline text, numbers,
booleans; a date is a number with the date style), so they are written here directly: 5 s. Text
is always an inline string: a cell written here is never a formula.
"""

import itertools
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

DATE_STYLE = 1  # index in cellXfs below

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name={title} sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode={date_format}/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"
_FLUSH_AT = 256 * 1024  # characters of sheet XML gathered before they go to the compressor


def write_workbook(
    target: str | BinaryIO, title: str, date_format: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write the header, then rows of text, whole numbers, Decimals, booleans, naive datetimes (in
    `date_format`) and None; the caller has made text XML-safe. Returns the number of rows under the header."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(title=quoteattr(title)))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES.format(date_format=quoteattr(date_format)))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            return _write_rows(sheet, itertools.chain([header], rows)) - 1


def _write_rows(sheet: BinaryIO, rows: Iterable[Sequence[object]]) -> int:
    letters: list[str] = []
    pending = [_SHEET_START]
    size = 0
    count = 0
    for count, row in enumerate(rows, start=1):
        if len(row) > len(letters):
            letters = [get_column_letter(index + 1) for index in range(len(row))]
        cells = "".join(_cell(f"{letters[index]}{count}", value) for index, value in enumerate(row))
        pending.append(f'<row r="{count}">{cells}</row>')
        size += len(pending[-1])
        if size >= _FLUSH_AT:
            sheet.write("".join(pending).encode())
            pending, size = [], 0
    pending.append(_SHEET_END)
    sheet.write("".join(pending).encode())
    return count


def _cell(reference: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{reference}"><v>{value:f}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{reference}" s="{DATE_STYLE}"><v>{to_excel(value)!r}</v></c>'
    raise TypeError(f"cannot write a {type(value).__name__}")
