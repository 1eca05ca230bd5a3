"""Bounds on everything read from outside: ids, tables, workbooks, archives, YAML.

Parsers that read uploads raise `LimitExceeded` (a ValueError, so callers that already treat
ValueError as "unreadable" refuse it the same way) when a bound is passed.
"""

# Every id column is `Integer`: int4 on PostgreSQL (SQLite would take 64 bits).
ID_MAX = 2**31 - 1
# A page number in a listing (offset = page × size must stay within int8).
PAGE_MAX = 100_000
AUDIT_EXPORT_MAX = 50_000  # audit events in one download: the newest first

# Tables (CSV or the first sheet of an XLSX workbook).
TABLE_MAX_LINES = 20_000  # lines of a CSV file, blank ones included
TABLE_FIELD_MAX = 10_000  # characters in one CSV field
TABLE_LINE_MAX = 100_000  # characters in one CSV line

# Archives (ZIP uploads and XLSX workbooks, which are ZIP files).
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNPACKED = 100 * 1024 * 1024
XLSX_MAX_UNPACKED = 20 * 1024 * 1024  # a roster or unit table is tiny; more is a zip bomb
ZIP_MAX_RATIO = 200  # unpacked : packed, for entries bigger than ZIP_RATIO_FROM
ZIP_RATIO_FROM = 1024 * 1024

# YAML content files.
YAML_MAX_BYTES = 1024 * 1024
YAML_MAX_DEPTH = 40  # nesting of lists and mappings
YAML_MAX_ALIASES = 100  # aliases of plain values only: bounded, never an expansion


class LimitExceeded(ValueError):
    """Input passed one of the bounds above, or could not be parsed within them."""
