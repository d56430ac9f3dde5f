"""Query result output: the writer contract (:mod:`app.formats.table`), the non-VOTable
writers (CSV, TSV, FITS, Parquet) and the format registry (:mod:`app.formats.registry`).

The registry is not imported here: it imports the VOTable writer, which imports this
package's helpers, and importing it from the package would make that a cycle.
"""

from __future__ import annotations

from app.formats.table import ResultField, ResultTable, arrow_schema, arrow_type

__all__ = ["ResultField", "ResultTable", "arrow_schema", "arrow_type"]
