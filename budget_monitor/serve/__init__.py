"""The page: ``budget-monitor serve``, where a quarterly workbook is dropped in a browser.

A thin web shell over the library (``budget_monitor.api``), as the command line is: the
page takes an upload, the library reads, checks, analyses and writes, and the page shows
what it found and offers the outputs to download. ``app.py`` is the web application
(Starlette), ``jobs.py`` runs each upload in a worker process in its own temporary
folder, ``page.py`` renders the HTML and ``charts.py`` the inline SVG charts.

What this package must not do: compute, check or round a figure itself (the figures it
shows are the library's JSON report, as written); keep an upload or a report after it
has expired; fetch anything from the internet; let one person's files reach another.
"""

from __future__ import annotations

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
