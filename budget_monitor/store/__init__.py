"""The history store (SQLite): record a report, list and forget them, find the previous one.

See ``history`` for how it stays whole. Nothing here computes figures.
"""

from .history import (
    DEFAULT_NAME,
    SCHEMA_VERSION,
    AuditRow,
    Recorded,
    ReportRows,
    Store,
    StoreError,
    check_file,
    open_store,
    prepare,
    store_at,
)

__all__ = [
    "DEFAULT_NAME",
    "AuditRow",
    "SCHEMA_VERSION",
    "ReportRows",
    "Recorded",
    "Store",
    "StoreError",
    "check_file",
    "open_store",
    "prepare",
    "store_at",
]
