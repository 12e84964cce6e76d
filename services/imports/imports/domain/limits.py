"""How much of an upload is read at most. Parameters with sane defaults, each refused with a Problem."""

from dataclasses import dataclass

MEGABYTE = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 10 * MEGABYTE
    max_uncompressed_bytes: int = 100 * MEGABYTE  # all parts together, as inflated
    max_members: int = 500
    max_compression_ratio: int = 200  # for parts over a megabyte; zip bombs reach about 1000
    max_cells: int = 2_000_000  # cell elements in all sheets, and shared strings, each
    max_rows: int = 20_000  # data rows: not the header, not empty rows
    max_row_elements: int = 100_000  # rows in the sheets' XML, empty or not; openpyxl keeps ~50 bytes of each
    max_columns: int = 64  # cells to the right of this column are not read


DEFAULT_LIMITS = Limits()
