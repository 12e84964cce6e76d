"""Reading an uploaded .xlsx safely and lazily, one row at a time.

The upload first passes `upload_checks` (size, zip structure, the shape of its XML). openpyxl then
parses it with defusedxml, which refuses entity declarations (`openpyxl.xml.DEFUSEDXML`); reading
refuses to start without it. openpyxl reads in read-only mode, keeping one row in memory at a time,
and with data_only: a formula gives the value Excel saved with it and is never run.

The first worksheet is read; its first non-empty row is the header; empty rows are skipped.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from defusedxml import DefusedXmlException

from imports.domain.limits import DEFAULT_LIMITS, EXCEL_MAX_ROWS, Limits
from imports.domain.problems import WHOLE_ROW, Problem
from imports.domain.upload_checks import ENTITIES_REFUSED, UNREADABLE, check_upload, refused


class UnsafeXmlParser(RuntimeError):
    """openpyxl would parse XML without defusedxml: a deployment fault, not a bad file."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel shows it
    cells: tuple[object, ...]  # values, one per column up to Limits.max_columns; None where empty


def require_defused_xml() -> None:
    parsers = (openpyxl.xml.functions.fromstring, openpyxl.xml.functions.iterparse)
    if not openpyxl.xml.DEFUSEDXML or any(not parser.__module__.startswith("defusedxml") for parser in parsers):
        raise UnsafeXmlParser("openpyxl is not parsing with defusedxml; install it and unset OPENPYXL_DEFUSEDXML")


def read_rows(content: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[SheetRow | Problem]:
    """The non-empty rows of the first worksheet, one at a time. A refusal is yielded as a Problem and ends
    the rows: then the file must not be imported, whatever rows came before."""
    require_defused_xml()
    refusal = check_upload(content, limits)
    if refusal is not None:
        yield refusal
        return
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # the bytes are a stranger's: any failure to parse them means an unreadable file
        yield _unreadable(error)
        return
    try:
        yield from _rows_of(workbook, limits)
    finally:
        workbook.close()


def _rows_of(workbook, limits: Limits) -> Iterator[SheetRow | Problem]:
    if not workbook.worksheets:
        yield refused("the workbook has no worksheet")
        return
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # a forged <dimension> would have openpyxl pad rows to its size
    values = sheet.iter_rows(min_row=1, max_col=limits.max_columns, values_only=True)
    non_empty = 0
    for number in range(1, EXCEL_MAX_ROWS + 2):
        try:
            cells = next(values, None)
        except Exception as error:  # see read_rows: a stranger's bytes
            yield _unreadable(error)
            return
        if cells is None:
            return
        if number > EXCEL_MAX_ROWS:
            yield refused(f"the sheet has rows past row {EXCEL_MAX_ROWS}, Excel's last")
            return
        if cells.count(None) == len(cells) or all(_is_blank(cell) for cell in cells):
            continue
        non_empty += 1
        if non_empty > limits.max_rows + 1:  # the header is not a data row
            yield Problem(number, WHOLE_ROW, f"the file has more than {limits.max_rows} rows; split it")
            return
        yield SheetRow(number, tuple(cells))


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _unreadable(error: BaseException | None) -> Problem:
    while error is not None:  # openpyxl wraps what the XML parser raised in a ValueError of its own
        if isinstance(error, DefusedXmlException):
            return refused(ENTITIES_REFUSED)
        error = error.__cause__ or error.__context__
    return refused(UNREADABLE)
