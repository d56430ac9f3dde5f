"""Query result output: the non-VOTable writers (CSV, TSV, FITS, Parquet) and the
format registry (:mod:`app.formats.registry`). The result contract they write from is
:mod:`app.result_table`.

The registry is not imported here: it imports the VOTable writer, which imports this
package's helpers, and importing it from the package would make that a cycle.
"""
