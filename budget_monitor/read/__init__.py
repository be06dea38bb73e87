"""Reading a quarterly workbook: a file in, a ``Quarter`` of records and located problems
out. ``read_workbook(path)`` for a file, ``parse_quarter(grids)`` for grids already read.

The stages, each a module: what the file is (``kind``: format, encryption, lock file;
``bombs``: zip bombs and unsafe XML, refused before anything is unpacked), what its
structure hides (``scan``: hidden rows, merged cells, error cells, formulas), its grids
of values (``xlsx`` with python-calamine, into ``grid.Grid``), then grids -> records
(``sheets``: the contract's sheets and columns; ``cells``, ``rows``, ``settings``,
``records``; ``workbook`` puts them together).

Nothing here computes figures (that is the engine's job) or writes a file.
"""

from __future__ import annotations

from .settings import parse_units
from .sheets import SHEETS, Column, SheetSpec, header_key, sheet_key
from .workbook import parse_quarter, read_workbook

__all__ = ["SHEETS", "Column", "SheetSpec", "header_key", "parse_quarter", "parse_units", "read_workbook", "sheet_key"]
