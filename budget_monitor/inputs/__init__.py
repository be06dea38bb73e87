"""Writers of INPUT workbooks: ``template`` (the blank quarterly workbook people fill in,
``budget-monitor template``) and ``quarterbook`` (a quarter's records or a folder of CSV
files written as a quarterly workbook, for tests and the reference quarter).

They follow the input contract in ``read.sheets`` so that what they write reads back;
they do no arithmetic and write no reports.
"""
