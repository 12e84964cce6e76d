"""The checks an upload passes before openpyxl sees it: size, zip structure, and the shape of its XML.

zipfile never inflates a part past the size the central directory declares, and openpyxl reads through
zipfile too, so the declared sizes checked here bound what parsing can inflate. Within that bound a
hostile sheet could still hold one row of millions of cells, which openpyxl builds in memory at once,
or millions of shared strings, which it loads whole; so every part is first streamed through expat,
counting elements without building anything, and refused past Excel's own limits or Limits.max_cells.
That pass also refuses any DTD, before openpyxl's defusedxml would.
"""

import io
import zipfile
from xml.parsers import expat

from imports.domain.limits import DEFAULT_LIMITS, EXCEL_MAX_COLUMNS, MEGABYTE, Limits
from imports.domain.problems import WHOLE_FILE, WHOLE_ROW, Problem

ENTITIES_REFUSED = "the workbook declares XML entities or a DTD, which are refused"
NOT_A_WORKBOOK = "the file is not an .xlsx workbook"
UNREADABLE = "the file is not a readable .xlsx workbook"

_ENCRYPTED = 0x1
_XML_SUFFIXES = (".xml", ".rels")
_CHUNK = 64 * 1024


class _Refused(Exception):
    pass


def refused(message: str) -> Problem:
    return Problem(WHOLE_FILE, WHOLE_ROW, message)


def check_upload(content: bytes, limits: Limits = DEFAULT_LIMITS) -> Problem | None:
    """Why the bytes are refused before openpyxl parses them, or None."""
    if len(content) > limits.max_file_bytes:
        return refused(f"the file is larger than {_in_megabytes(limits.max_file_bytes)}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return refused(NOT_A_WORKBOOK)
    with archive:
        try:
            _check_members(archive.infolist(), limits)
            _check_xml_shapes(archive, limits)
        except _Refused as refusal:
            return refused(str(refusal))
        except Exception:  # the bytes are a stranger's: any failure to inflate or parse them means an unreadable file
            return refused(UNREADABLE)
    return None


def _check_members(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise _Refused(f"the workbook has more than {limits.max_members} parts")
    if len({member.filename for member in members}) != len(members):
        raise _Refused("the workbook has two parts of the same name")
    if any(member.flag_bits & _ENCRYPTED for member in members):
        raise _Refused("the workbook is encrypted")
    if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise _Refused(f"the workbook unpacks to more than {_in_megabytes(limits.max_uncompressed_bytes)}")
    for member in members:
        if member.file_size > MEGABYTE and member.file_size > limits.max_compression_ratio * member.compress_size:
            raise _Refused(f"the part {member.filename!r} is compressed suspiciously well (a zip bomb?)")


def _check_xml_shapes(archive: zipfile.ZipFile, limits: Limits) -> None:
    shape = _Shape(limits)
    for member in archive.infolist():
        try:
            _scan(archive, member, shape)
        except expat.ExpatError:
            # Every part is scanned, since a sheet may hide under any name; parts that are not XML at all
            # (images, a VBA project) stop expat at once, and would stop openpyxl just as soon.
            if member.filename.casefold().endswith(_XML_SUFFIXES):
                raise


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, shape: "_Shape") -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = shape.count
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _Shape:
    """Counts rows, cells and shared strings as expat meets them."""

    def __init__(self, limits: Limits):
        self._limits = limits
        self._rows = self._cells = self._cells_in_row = self._strings = 0

    def count(self, name: str, attributes: object) -> None:
        local_name = name.rpartition(" ")[2]
        if local_name == "row":
            self._rows += 1
            self._cells_in_row = 0
            if self._rows > self._limits.max_row_elements:
                raise _Refused(f"the workbook has more than {self._limits.max_row_elements} rows, empty or not")
        elif local_name == "c":
            self._cells += 1
            self._cells_in_row += 1
            if self._cells_in_row > EXCEL_MAX_COLUMNS:
                raise _Refused(f"a row of the workbook has more than {EXCEL_MAX_COLUMNS} cells, Excel's limit")
            if self._cells > self._limits.max_cells:
                raise _Refused(f"the workbook has more than {self._limits.max_cells} cells")
        elif local_name == "si":
            self._strings += 1
            if self._strings > self._limits.max_cells:
                raise _Refused(f"the workbook has more than {self._limits.max_cells} shared strings")


def _refuse_doctype(*declaration: object) -> None:
    raise _Refused(ENTITIES_REFUSED)


def _in_megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g} MB"
