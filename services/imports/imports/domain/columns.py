"""A sheet's columns: the header a file must begin with, each data row's cells by column name, and the
walk over a file that turns rows into records and Problems.

The header must name the sheet's columns in order (case and spacing do not matter). Further columns
are allowed only if the sheet lists them as ignored (an export's own columns, so that an export can be
imported again) or if their header is empty and so are their cells.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from openpyxl.utils import get_column_letter

from imports.domain.cells import CellError, comparable, is_empty
from imports.domain.keys import file_key
from imports.domain.limits import DEFAULT_LIMITS, Limits
from imports.domain.problems import WHOLE_FILE, WHOLE_ROW, Problem
from imports.domain.workbook import SheetRow, read_rows

Record = TypeVar("Record")
Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class Layout:
    columns: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    record: str = "row"  # what a row is, for messages: "booking", "service", "client"

    def position(self, problem: Problem) -> int:
        """Where the problem's column stands, to report a row's problems from left to right."""
        return self.columns.index(problem.column) if problem.column in self.columns else len(self.columns)

    def header_problems(self, header: SheetRow) -> list[Problem]:
        problems = []
        for index, expected in enumerate(self.columns):
            found = header.cells[index] if index < len(header.cells) else None
            if is_empty(found) or comparable(str(found)) != comparable(expected):
                shown = "nothing" if is_empty(found) else repr(str(found).strip())
                problems.append(
                    Problem(
                        header.number, expected, f"column {_letter(index)} must be headed {expected!r}, not {shown}"
                    )
                )
        ignored = {comparable(name) for name in self.ignored}
        for index in range(len(self.columns), len(header.cells)):
            found = header.cells[index]
            if not is_empty(found) and comparable(str(found)) not in ignored:
                message = f"column {_letter(index)} is not one of: " + ", ".join(self.columns)
                problems.append(Problem(header.number, str(found).strip(), message))
        return problems


class RowCells:
    """One data row's cells by column name; collects the problems of the cells it parses."""

    def __init__(self, row: SheetRow, layout: Layout):
        self.number = row.number
        self.problems: list[Problem] = []
        self._values = dict(zip(layout.columns, row.cells, strict=False))

    def value(self, column: str) -> object:
        return self._values.get(column)

    def parse(self, column: str, parser: Callable[..., Parsed], **options) -> Parsed | None:
        """The parsed value, or None with a Problem recorded against the column."""
        try:
            return parser(self.value(column), **options)
        except CellError as error:
            self.report(column, str(error))
            return None

    def failed(self, *columns: str) -> bool:
        return any(problem.column in columns for problem in self.problems)

    def report(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))


@dataclass(frozen=True)
class ParsedSheet(Generic[Record]):
    """A whole file read: import it only if there are no problems."""

    file_key: str  # sha256 of the uploaded bytes: the same file uploaded twice has the same key
    records: list[Record]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_sheet(
    sheet_rows: Iterable[SheetRow | Problem],
    layout: Layout,
    parse_row: Callable[[RowCells], Record | None],
    identity: Callable[[Record], Hashable],
) -> Iterator[Record | Problem]:
    """Records and Problems, row by row. A record whose identity an earlier row had is reported, not repeated."""
    rows = iter(sheet_rows)
    header = next(rows, None)
    if not isinstance(header, SheetRow):
        yield header if header is not None else Problem(WHOLE_FILE, WHOLE_ROW, "the sheet is empty")
        yield from rows
        return
    problems = layout.header_problems(header)
    if problems:
        yield from problems
        return
    unnamed = [index for index in range(len(layout.columns), len(header.cells)) if is_empty(header.cells[index])]
    first_rows: dict[Hashable, int] = {}
    any_row = False
    for row in rows:
        if isinstance(row, Problem):
            yield row
            continue
        any_row = True
        cells = RowCells(row, layout)
        for index in unnamed:
            if index < len(row.cells) and not is_empty(row.cells[index]):
                cells.report(f"column {_letter(index)}", "has a value but no header")
        record = parse_row(cells)
        yield from sorted(cells.problems, key=layout.position)
        if record is None or cells.problems:
            continue
        first = first_rows.setdefault(identity(record), row.number)
        if first != row.number:
            yield Problem(row.number, WHOLE_ROW, f"the same {layout.record} as row {first}")
        else:
            yield record
    if not any_row:
        yield Problem(header.number + 1, WHOLE_ROW, f"there is no {layout.record} under the header")


def read_sheet(
    content: bytes,
    parse: Callable[[Iterable[SheetRow | Problem]], Iterator[Record | Problem]],
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedSheet[Record]:
    records, problems = [], []
    for item in parse(read_rows(content, limits)):
        (problems if isinstance(item, Problem) else records).append(item)
    return ParsedSheet(file_key(content), records, problems)


def _letter(index: int) -> str:
    return get_column_letter(index + 1)
