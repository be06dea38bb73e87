"""Results -> the tables a reader sees: ``tables`` (revenue: Table 1 by line, Table 2
over the threshold, the activity table) and ``schedules`` (cash limits, savings, capital,
indicators, the checks), each a ``Table`` of rows and columns with their totals; and
``narrative``, the committee's words drafted from the same figures.

No file formats here: the writers in ``write`` lay these tables out as a workbook or
JSON. Nothing here reads input or computes a figure the engine has not.
"""
