"""The export format (SPEC section 6), in one place for the exporter and the importer: the
JSON document's name and version, the CSV columns, the file names, and the formula-injection
escaping with its exact reversal."""

import datetime
import re

FORMAT_NAME = "spends-tracker"
FORMAT_VERSION = 1

CSV_COLUMNS = (
    "id", "product_name", "price", "currency_code", "status", "purchase_date", "retailer",
    "brand", "serial_number", "model_number", "order_number", "notes", "warranty_start",
    "warranty_end", "warranty_type", "warranty_status", "warranty_provider", "warranty_notes",
    "created_at", "updated_at",
)  # fmt: skip

# A spreadsheet runs a cell beginning with one of = + - @ (or a tab or carriage return before
# one) as a formula. Such a cell is written with a leading apostrophe. So that the import can
# remove exactly the apostrophes the export added, a cell that already begins with apostrophes
# followed by one of these gets one more: "=1" <-> "'=1", "'=1" <-> "''=1"; "'Tis" stays as is.
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
# The characters such a cell can begin with.
_ESCAPE_STARTS = frozenset("'=+-@\t\r")


def escape_cell(text: str) -> str:
    # The first test is the cheap one: an export writes every cell of every row.
    return f"'{text}" if text[:1] in _ESCAPE_STARTS and _NEEDS_ESCAPE.match(text) else text


def unescape_cell(text: str) -> str:
    # The first test is the cheap one: an import reads every cell of every row.
    return text[1:] if text[:1] == "'" and _ESCAPED.match(text) else text


def export_filename(extension: str, today: datetime.date) -> str:
    """`spends-export-YYYY-MM-DD.json` (or `.csv`), dated in the owner's time zone."""
    return f"spends-export-{today.isoformat()}.{extension}"
