"""CSV import and export of a whole ``Dataset``: one file per table, validated down to file, line and column.

``export_dataset`` writes a directory, ``read_dataset`` reads one back (raising ``CsvValidationError``
with every problem found before returning anything), ``import_directory`` loads one into the database in
the caller's transaction. The layout is documented in ``layout``.
"""

from dispatch.csv_io.errors import CsvError, CsvValidationError
from dispatch.csv_io.export import export_dataset
from dispatch.csv_io.importer import import_directory
from dispatch.csv_io.layout import TABLES, describe_layout
from dispatch.csv_io.reader import read_dataset

__all__ = [
    "TABLES",
    "CsvError",
    "CsvValidationError",
    "describe_layout",
    "export_dataset",
    "import_directory",
    "read_dataset",
]
