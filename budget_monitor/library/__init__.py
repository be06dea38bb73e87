"""The library's parts, which ``api`` puts together as the one place notebooks, the
command line and the page call: ``result`` (what an analysis gives, and the library's
errors), ``analysis`` (read, check and analyse one workbook or several), ``outputs`` (the
one check of a run's outputs, and the writers), ``history`` (the history store's reports
and the year's forecast accuracy).

Nothing here prints, exits, asks questions or imports the command line or the page.
"""
