"""Text that a spreadsheet would run as a formula, made safe with a leading ``'``.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return runs as a
formula when a CSV file is opened in a spreadsheet (CSV injection); every CSV writer of
estimates puts a ``'`` before such text. This module loads no pandas, so that
``estimates parse`` can use it.

>>> safe_cell("=HYPERLINK(1)"), safe_cell("5 tanks"), safe_cell(-1.0)
("'=HYPERLINK(1)", '5 tanks', -1.0)
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "safe_cell"]

#: what a formula starts with
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value`, with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
