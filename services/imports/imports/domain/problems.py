"""What is wrong with an uploaded file, as values the caller can show: bad data never raises."""

from dataclasses import dataclass

WHOLE_FILE = 0  # Problem.row of a problem with the file as a whole
WHOLE_ROW = ""  # Problem.column of a problem with a whole row, or the whole file


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's row number, as Excel shows it
    column: str  # the column's name, as the sheet's header spells it
    message: str
