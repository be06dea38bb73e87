"""The history store: each report's results, by organisation and period, in an SQLite file.

What it keeps: a row per recorded report (organisation, period, version, when, the input
file's name and SHA-256, the variance), its budget lines and components (amounts as whole
pennies, exact), and the report's other parts (over-threshold table, cash limits, capital,
savings, indicators, management action...) as JSON text that the caller makes.

How it stays whole (as SQLite recommends for an application file):
- one transaction per report: a run killed at any point leaves the store as it was or with
  the whole new version; ``BEGIN IMMEDIATE`` takes the write lock before the version number
  is chosen, so two runs at once both land, one after the other;
- WAL journal and a busy timeout, so a second writer waits rather than fails;
- ``PRAGMA user_version`` is the schema version; numbered migrations run in one
  transaction, in place (a store is never recreated);
- foreign keys on;
- a file that is not a store, or a damaged one, raises ``StoreError`` naming it, and is
  never written to (the file's header is checked before SQLite opens it).

What it must not do: compute anything (it keeps and gives back what the engine made; the
previous report is read from here, never re-analysed), or print.
"""

from __future__ import annotations

import getpass
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import attrs

from ..engine.accuracy import Figures
from ..engine.movement import PreviousReport
from ..model import BudgetLine, Component, ComponentColumns, Driver, DriverEffect, GrossIncome, LineColumns
from ..periods import Period

#: The store's file name in the report's folder when none is given.
DEFAULT_NAME = "budget-monitor.sqlite"

#: How long a run waits for another run's write to finish, in seconds.
BUSY_TIMEOUT = 60.0

_HEADER = b"SQLite format 3\x00"

#: Numbered migrations: MIGRATIONS[n - 1] takes a store from version n - 1 to n.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: reports, their lines and components
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            organisation TEXT NOT NULL,
            period TEXT NOT NULL,          -- canonical: 2011-12 Q3, 2011-12 M09
            period_text TEXT NOT NULL,     -- as the workbook wrote it
            period_order INTEGER NOT NULL, -- Period.ordinal: orders periods in time
            version INTEGER NOT NULL,
            recorded_at TEXT NOT NULL,     -- ISO 8601, UTC
            input_name TEXT NOT NULL,
            input_sha256 TEXT NOT NULL,
            variance_gross INTEGER NOT NULL, -- pennies
            variance_income INTEGER NOT NULL,
            UNIQUE (organisation, period, version)
        )""",
        """CREATE TABLE lines (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            portfolio TEXT NOT NULL, section TEXT NOT NULL, line TEXT NOT NULL,
            cash_limit_gross INTEGER NOT NULL, cash_limit_income INTEGER NOT NULL,
            forecast_gross INTEGER NOT NULL, forecast_income INTEGER NOT NULL,
            comment TEXT NOT NULL,
            PRIMARY KEY (report_id, seq)
        ) WITHOUT ROWID""",
        """CREATE TABLE components (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            portfolio TEXT NOT NULL, line TEXT NOT NULL, source TEXT NOT NULL,
            side TEXT NOT NULL, kind TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (report_id, seq)
        ) WITHOUT ROWID""",
    ),
    (  # 2: the report's other parts, and finding an organisation's periods quickly
        """CREATE TABLE parts (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            body TEXT NOT NULL,            -- JSON, as the report's JSON writes that part
            PRIMARY KEY (report_id, name)
        ) WITHOUT ROWID""",
        "CREATE INDEX reports_by_period ON reports (organisation, period_order, version)",
    ),
    (  # 3: each report's drivers (volumes and unit costs as exact decimal text), for the
        # year's forecast accuracy; reports recorded before have none
        """CREATE TABLE drivers (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            portfolio TEXT NOT NULL, line TEXT NOT NULL, driver TEXT NOT NULL, unit TEXT NOT NULL,
            budget_volume TEXT NOT NULL, budget_unit_cost TEXT NOT NULL,
            forecast_volume TEXT NOT NULL, forecast_unit_cost TEXT NOT NULL,
            PRIMARY KEY (report_id, seq)
        ) WITHOUT ROWID""",
    ),
    (  # 4: who recorded each version and who approved it (a version is a draft until then),
        # and the audit trail, which no statement may change or delete
        "ALTER TABLE reports ADD COLUMN recorded_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE reports ADD COLUMN approved_by TEXT",
        "ALTER TABLE reports ADD COLUMN approved_at TEXT",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,              -- ISO 8601, UTC
            user TEXT NOT NULL,
            client TEXT NOT NULL,          -- the client's address, or where the command ran
            action TEXT NOT NULL,          -- upload, record, approve, download, forget
            file_name TEXT NOT NULL DEFAULT '',
            file_sha256 TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            period TEXT NOT NULL DEFAULT '',
            version INTEGER,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE TRIGGER audit_kept BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "CREATE TRIGGER audit_whole BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    ),
)
#: The version of a period that counts (for the movement, the trend and the year): its
#: latest approved version, or its latest draft where none is approved. ``r`` is the row.
COUNTS = (
    "r.version = coalesce((SELECT max(a.version) FROM reports a WHERE a.organisation = r.organisation"
    " AND a.period = r.period AND a.approved_at IS NOT NULL), (SELECT max(a.version) FROM reports a"
    " WHERE a.organisation = r.organisation AND a.period = r.period))"
)
#: Where a command runs, for the audit trail, when no client address is given.
HERE = "this computer"
ACTIONS = ("upload", "record", "approve", "download", "forget")
SCHEMA_VERSION = len(MIGRATIONS)
_TABLES = {"reports", "lines", "components"}


class StoreError(Exception):
    """The store cannot be used; the message names the file and says why."""


@attrs.frozen
class Recorded:
    """One recorded report, as ``history`` lists it."""

    id: int
    organisation: str
    period: str
    period_text: str
    version: int
    recorded_at: str
    input_name: str
    input_sha256: str
    variance: GrossIncome
    latest: bool = True
    recorded_by: str = ""
    approved_by: str = ""
    approved_at: str = ""

    @property
    def status(self) -> str:
        """``approved`` once an approver has approved it, else ``draft``."""
        return "approved" if self.approved_at else "draft"


@attrs.frozen
class AuditRow:
    """One row of the audit trail: when (ISO 8601, UTC), who, from where, what, on what."""

    at: str
    user: str
    client: str
    action: str
    file_name: str = ""
    file_sha256: str = ""
    organisation: str = ""
    period: str = ""
    version: int | None = None
    detail: str = ""


def _pennies(amount: Decimal) -> int:
    n = amount.scaleb(2)
    i = int(n)
    if i != n:
        raise ValueError(f"{amount} is not a whole number of pennies")
    return i


def _pounds(pennies: int) -> Decimal:
    return Decimal(pennies).scaleb(-2)


@attrs.frozen
class ReportRows:
    """A report's rows as the store keeps them (amounts in whole pennies), made before the
    store is opened or locked: ``prepare``, then ``Store.write``."""

    organisation: str
    period: Period
    period_text: str
    input_name: str
    input_sha256: str
    line_rows: list[tuple]
    comp_rows: list[tuple]
    parts: dict[str, str] | None
    variance_pennies: tuple[int, int]
    driver_rows: list[tuple] = attrs.field(factory=list)
    #: Who records it and from where, for the version and the audit trail.
    user: str = ""
    client: str = ""


def prepare(
    *,
    organisation: str,
    period: Period,
    period_text: str,
    input_name: str,
    input_sha256: str,
    lines: Sequence[BudgetLine],
    components: Iterable[Component],
    parts: dict[str, str] | None = None,
    drivers: Iterable[DriverEffect] = (),
    user: str = "",
    client: str = "",
) -> ReportRows:
    """The rows of a report to record: every amount in whole pennies (``ValueError`` for
    one that is not), and the variance, added up in pennies; each driver's volumes and
    unit costs as exact decimal text. Touches no store."""
    pennies = _pennies
    line_rows = [
        (i, bl.portfolio, bl.section, bl.line, pennies(bl.cash_limit.gross), pennies(bl.cash_limit.income),
         pennies(bl.forecast.gross), pennies(bl.forecast.income), bl.comment)
        for i, bl in enumerate(lines)
    ]  # fmt: skip
    comp_rows = [
        (i, c.portfolio, c.line, c.source, c.side, c.kind, pennies(c.amount)) for i, c in enumerate(components)
    ]
    # variance = forecast - cash limit, exact in pennies (each amount is a whole number of them)
    gross = sum(r[6] for r in line_rows) - sum(r[4] for r in line_rows)
    income = sum(r[7] for r in line_rows) - sum(r[5] for r in line_rows)
    driver_rows = [
        (i, e.portfolio, e.driver.line, e.driver.driver, e.driver.unit, str(e.driver.budget_volume),
         str(e.driver.budget_unit_cost), str(e.driver.forecast_volume), str(e.driver.forecast_unit_cost))
        for i, e in enumerate(drivers)
    ]  # fmt: skip
    return ReportRows(
        organisation,
        period,
        period_text,
        input_name,
        input_sha256,
        line_rows,
        comp_rows,
        parts,
        (gross, income),
        driver_rows,
        user,
        client,
    )


class Store:
    """An open history store. Use ``open_store`` (a context manager)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    # --- errors -------------------------------------------------------------------------

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(self.path, exc, doing)) from None

    # --- writing -------------------------------------------------------------------------

    def record(
        self,
        *,
        organisation: str,
        period: Period,
        period_text: str,
        input_name: str,
        input_sha256: str,
        lines: Sequence[BudgetLine],
        components: Iterable[Component],
        parts: dict[str, str] | None = None,
        recorded_at: str | None = None,
        before_commit: Callable[[], None] | None = None,
        _pause: Callable[[], None] | None = None,
    ) -> Recorded:
        """Record a report as the next version of (organisation, period), in one transaction.

        ``parts`` maps a part's name to its JSON text. ``before_commit`` is called inside
        the transaction, everything written, just before it commits: raising there rolls it
        back (a run records its report only once its files are written). ``_pause`` (for
        tests) is called inside the transaction, after the lines and before the components.
        """
        rows = prepare(
            organisation=organisation,
            period=period,
            period_text=period_text,
            input_name=input_name,
            input_sha256=input_sha256,
            lines=lines,
            components=components,
            parts=parts,
        )
        return self.write(rows, recorded_at=recorded_at, before_commit=before_commit, _pause=_pause)

    def write(
        self,
        rows: ReportRows,
        *,
        recorded_at: str | None = None,
        before_commit: Callable[[], None] | None = None,
        _pause: Callable[[], None] | None = None,
    ) -> Recorded:
        """Record ``rows`` (see ``prepare``) as ``record`` does, in one transaction."""
        when = recorded_at or datetime.now(UTC).isoformat(timespec="seconds")
        p = rows
        conn = self.conn
        with self._guard("recording the report"):
            conn.execute("BEGIN IMMEDIATE")
            try:
                (version,) = conn.execute(
                    "SELECT coalesce(max(version), 0) + 1 FROM reports WHERE organisation = ? AND period = ?",
                    (p.organisation, p.period.key),
                ).fetchone()
                user = p.user or local_user()
                cur = conn.execute(
                    "INSERT INTO reports (organisation, period, period_text, period_order, version, recorded_at,"
                    " input_name, input_sha256, variance_gross, variance_income, recorded_by)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (p.organisation, p.period.key, p.period_text, p.period.ordinal, version, when, p.input_name,
                     p.input_sha256, p.variance_pennies[0], p.variance_pennies[1], user),
                )  # fmt: skip
                self._audit(
                    AuditRow(when, user, p.client or HERE, "record", p.input_name, p.input_sha256, p.organisation,
                             p.period.key, version)
                )  # fmt: skip
                rid = cur.lastrowid
                conn.executemany("INSERT INTO lines VALUES (?,?,?,?,?,?,?,?,?,?)", ((rid, *r) for r in p.line_rows))
                if _pause is not None:
                    _pause()
                conn.executemany("INSERT INTO components VALUES (?,?,?,?,?,?,?,?)", ((rid, *r) for r in p.comp_rows))
                if p.driver_rows:
                    conn.executemany(
                        "INSERT INTO drivers VALUES (?,?,?,?,?,?,?,?,?,?)", ((rid, *r) for r in p.driver_rows)
                    )
                if p.parts:
                    conn.executemany(
                        "INSERT INTO parts VALUES (?,?,?)", [(rid, name, body) for name, body in p.parts.items()]
                    )
                if before_commit is not None:
                    before_commit()
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        variance = GrossIncome(_pounds(p.variance_pennies[0]), _pounds(p.variance_pennies[1]))
        return Recorded(
            rid,  # type: ignore[arg-type]
            p.organisation,
            p.period.key,
            p.period_text,
            version,
            when,
            p.input_name,
            p.input_sha256,
            variance,
            recorded_by=user,
        )

    def _audit(self, row: AuditRow) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, user, client, action, file_name, file_sha256, organisation, period, version,"
            " detail) VALUES (?,?,?,?,?,?,?,?,?,?)",
            attrs.astuple(row),
        )

    def audit(self, row: AuditRow) -> None:
        """Add ``row`` to the audit trail (its own transaction)."""
        with self._guard("adding to the audit trail"):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self._audit(row)
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def audit_trail(self, since: str = "") -> list[AuditRow]:
        """The audit trail in the order it was written, from ``since`` (ISO 8601 date or time) on."""
        with self._guard("reading the audit trail"):
            rows = self.conn.execute(
                "SELECT at, user, client, action, file_name, file_sha256, organisation, period, version, detail"
                " FROM audit WHERE at >= ? ORDER BY id",
                (since,),
            ).fetchall()
        return [AuditRow(*r) for r in rows]

    def approve(
        self, organisation: str, period: Period, version: int | None, user: str, client: str = HERE
    ) -> Recorded:
        """Approve ``version`` of (organisation, period) (its latest when None) as ``user`` (blank: this computer's),
        with its row in the audit trail, in one transaction; ``StoreError`` when there is
        no such version or it is approved already."""
        when = datetime.now(UTC).isoformat(timespec="seconds")
        conn = self.conn
        with self._guard("approving the version"):
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT version, approved_by, approved_at, input_name, input_sha256 FROM reports"
                    " WHERE organisation = ? AND period = ? AND version = coalesce(?, (SELECT max(version)"
                    " FROM reports WHERE organisation = ? AND period = ?))",
                    (organisation, period.key, version, organisation, period.key),
                ).fetchone()
                if row is None:
                    which = f"version {version} of " if version is not None else ""
                    raise StoreError(f"{self.path.name}: {which}{organisation} {period.key} is not recorded")
                number, by, at, name, digest = row
                if at:
                    raise StoreError(
                        f"{self.path.name}: version {number} of {organisation} {period.key} was approved by {by} "
                        f"at {at}"
                    )
                conn.execute(
                    "UPDATE reports SET approved_by = ?, approved_at = ? WHERE organisation = ? AND period = ?"
                    " AND version = ?",
                    (user or local_user(), when, organisation, period.key, number),
                )
                self._audit(
                    AuditRow(
                        when, user or local_user(), client, "approve", name, digest, organisation, period.key, number
                    )
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return next(r for r in self.reports(organisation, period) if r.version == number)

    def forget(self, organisation: str, period: Period, user: str = "", client: str = HERE) -> int:
        """Remove every version of (organisation, period), with a row in the audit trail
        (which keeps its own rows): how many were removed."""
        with self._guard("removing the period"):
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                n = conn.execute(
                    "DELETE FROM reports WHERE organisation = ? AND period = ?", (organisation, period.key)
                ).rowcount
                when = datetime.now(UTC).isoformat(timespec="seconds")
                self._audit(
                    AuditRow(when, user or local_user(), client, "forget", organisation=organisation,
                             period=period.key, detail=f"{n} versions removed")
                )  # fmt: skip
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return n

    # --- reading -------------------------------------------------------------------------

    def reports(self, organisation: str | None = None, period: Period | None = None) -> list[Recorded]:
        """Every recorded version, by organisation, period (in time) and version; ``latest``
        marks the version that counts for its period (``COUNTS``: the latest approved, else
        the latest draft)."""
        sql = (
            "SELECT id, organisation, period, period_text, version, recorded_at, input_name, input_sha256,"
            f" variance_gross, variance_income, {COUNTS}, recorded_by, approved_by, approved_at"
            " FROM reports r"
        )
        where, args = [], []
        if organisation is not None:
            where.append("organisation = ?")
            args.append(organisation)
        if period is not None:
            where.append("period = ?")
            args.append(period.key)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY organisation, period_order, version"
        with self._guard("reading the history"):
            rows = self.conn.execute(sql, args).fetchall()
        return [
            Recorded(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], GrossIncome(_pounds(r[8]), _pounds(r[9])), bool(r[10]),
                r[11], r[12] or "", r[13] or "",
            )
            for r in rows
        ]  # fmt: skip

    def latest_before(self, organisation: str, period: Period) -> Recorded | None:
        """The version that counts (``COUNTS``) of the latest period of ``organisation`` before ``period``."""
        with self._guard("reading the history"):
            row = self.conn.execute(
                f"SELECT id FROM reports r WHERE organisation = ? AND period_order < ? AND {COUNTS}"
                " ORDER BY period_order DESC LIMIT 1",
                (organisation, period.ordinal),
            ).fetchone()
        if row is None:
            return None
        return next(r for r in self.reports(organisation) if r.id == row[0])

    def previous_report(self, recorded: Recorded) -> PreviousReport:
        """A recorded report's lines and components, as the movement needs them: as columns
        (``LineColumns``, ``ComponentColumns``), each distinct text kept once and the
        amounts as the whole pennies stored, no record made for each row."""
        lines, comps = LineColumns(), ComponentColumns()
        texts: dict[str, str] = {}
        one = texts.setdefault
        with self._guard("reading the history"):
            cur = self.conn.execute(
                "SELECT portfolio, section, line, cash_limit_gross, cash_limit_income, forecast_gross,"
                " forecast_income, comment FROM lines WHERE report_id = ? ORDER BY seq",
                (recorded.id,),
            )
            pf_, sec_, ln_, cm_ = lines.portfolio.append, lines.section.append, lines.line.append, lines.comment.append
            cg_, ci_, fg_, fi_ = (
                lines.cash_gross.append, lines.cash_income.append, lines.fore_gross.append, lines.fore_income.append
            )  # fmt: skip
            while rows := cur.fetchmany(4096):
                for p, s, ln, cg, ci, fg, fi, cm in rows:
                    pf_(one(p, p))
                    sec_(one(s, s))
                    ln_(one(ln, ln))
                    cm_(one(cm, cm))
                    cg_(cg)
                    ci_(ci)
                    fg_(fg)
                    fi_(fi)
            cur = self.conn.execute(
                "SELECT portfolio, line, source, side, kind, amount FROM components WHERE report_id = ? ORDER BY seq",
                (recorded.id,),
            )
            pf_, ln_, src_, side_, kind_ = (
                comps.portfolio.append, comps.line.append, comps.source.append, comps.side.append, comps.kind.append
            )  # fmt: skip
            amount_ = comps.amount.append
            while rows := cur.fetchmany(4096):
                for p, ln, src, side, kind, a in rows:
                    pf_(one(p, p))
                    ln_(one(ln, ln))
                    src_(one(src, src))
                    side_(one(side, side))  # type: ignore[arg-type]
                    kind_(one(kind, kind))
                    amount_(a)
        return PreviousReport(
            recorded.organisation,
            recorded.period_text,
            "history",
            lines,
            comps,
            recorded_at=recorded.recorded_at,
            name=self.path.name,  # the store by its file name: never a server's path in a report
            version=recorded.version,
            status=recorded.status,
        )

    def parts(self, recorded: Recorded) -> dict[str, str]:
        """A recorded report's other parts: name -> JSON text."""
        with self._guard("reading the history"):
            return dict(self.conn.execute("SELECT name, body FROM parts WHERE report_id = ?", (recorded.id,)))

    def portfolio_variances(self, organisation: str) -> list[tuple[str, str, str, GrossIncome]]:
        """For the version that counts (``COUNTS``) of each recorded period of ``organisation``:
        (period, period as written, portfolio, variance), periods in time order."""
        with self._guard("reading the history"):
            rows = self.conn.execute(
                "SELECT r.period, r.period_text, l.portfolio, sum(l.forecast_gross - l.cash_limit_gross),"
                " sum(l.forecast_income - l.cash_limit_income)"
                " FROM reports r JOIN lines l ON l.report_id = r.id"
                f" WHERE r.organisation = ? AND {COUNTS}"
                " GROUP BY r.id, l.portfolio ORDER BY r.period_order, min(l.seq)",
                (organisation,),
            ).fetchall()
        return [(p, t, pf, GrossIncome(_pounds(g), _pounds(i))) for p, t, pf, g, i in rows]

    def year(
        self, organisation: str, financial_year: int
    ) -> list[tuple[Recorded, tuple[Figures, ...], tuple[Driver, ...]]]:
        """The version that counts (``COUNTS``) of each period of ``organisation`` in the financial year
        starting in April of ``financial_year``, in time order (an outturn last): each with
        its budget lines (``Figures``: names, cash limit and variance in pennies, the variance
        worked out by SQLite in whole numbers) and its drivers (none for a report recorded
        before drivers were), read as recorded."""
        low = (financial_year * 12 + 3) * 16  # April's first ordinal
        high = ((financial_year + 1) * 12 + 2) * 16 + 15  # March's last
        with self._guard("reading the history"):
            ids = {
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM reports r WHERE organisation = ? AND period_order BETWEEN ? AND ? AND {COUNTS}",
                    (organisation, low, high),
                )
            }
        found = [r for r in self.reports(organisation) if r.id in ids]
        out = []
        with self._guard("reading the history"):
            for r in found:
                lines: tuple[Figures, ...] = tuple(
                    self.conn.execute(
                        "SELECT portfolio, section, line, cash_limit_gross, cash_limit_income,"
                        " forecast_gross - cash_limit_gross, forecast_income - cash_limit_income"
                        " FROM lines WHERE report_id = ? ORDER BY seq",
                        (r.id,),
                    ).fetchall()
                )
                drivers = tuple(
                    Driver(ln, dr, unit, Decimal(bv), Decimal(bu), Decimal(fv), Decimal(fu), portfolio=p)
                    for p, ln, dr, unit, bv, bu, fv, fu in self.conn.execute(
                        "SELECT portfolio, line, driver, unit, budget_volume, budget_unit_cost, forecast_volume,"
                        " forecast_unit_cost FROM drivers WHERE report_id = ? ORDER BY seq",
                        (r.id,),
                    )
                )
                out.append((r, lines, drivers))
        return out

    def close(self) -> None:
        self.conn.close()


def _explain(path: Path, exc: sqlite3.DatabaseError, doing: str) -> str:
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return f"{path}: the history store is busy (another run has held it for over {BUSY_TIMEOUT:.0f} s); try again"
    if "malformed" in text or "not a database" in text or "corrupt" in text or "no such table" in text:
        return (
            f"{path}: the history store is damaged ({text}) while {doing}; it was not changed. "
            "Restore it from a backup, or name another store with --history"
        )
    return f"{path}: the history store cannot be used ({text}) while {doing}; it was not changed"


def check_file(path: Path) -> None:
    """Raise ``StoreError`` unless ``path`` is absent, empty or looks like an SQLite file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a history store; name a file") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the history store ({exc.strerror or exc})") from None
    # An empty file is a new store (SQLite's own view; another run may have just created it).
    if head and head != _HEADER:
        raise StoreError(
            f"{path}: is not a budget-monitor history store (not an SQLite database); it was left as it is. "
            "Name another file with --history"
        )


def open_store(path: Path | str, create: bool = True) -> Store:
    """Open (and, with ``create``, make) the store at ``path``; an older store is brought up
    to date in place either way (``MIGRATIONS``).

    Raises ``StoreError`` when the file is not a store, is damaged, is from a newer
    version of budget-monitor, or cannot be opened; it is then left untouched.
    """
    path = Path(path)
    check_file(path)
    exists = path.exists()
    if not exists and not create:
        raise StoreError(f"{path}: there is no history store here")
    if not exists and not path.parent.is_dir():
        raise StoreError(f"{path}: the folder {path.parent} does not exist")
    if not exists:
        _create_private(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the history store ({exc})") from None
    store = Store(path, conn)
    try:
        with store._guard("opening the store"):
            _schema_ready(conn, path, create)
    except BaseException:
        conn.close()
        raise
    return store


def _create_private(path: Path) -> None:
    """Make the store's file readable and writable by its owner only (0600), before SQLite
    opens it (an empty file is a new store to SQLite, which gives its journal files the
    same mode); another run may have just made it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"{path}: cannot make the history store ({exc.strerror or exc})") from None
    os.close(fd)


def local_user() -> str:
    """The name of whoever runs this command, for the audit trail and a version's recorder."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _schema_ready(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    """Check the schema and bring it up to date. Another run may be making or migrating the
    same store at this moment: the schema is read in one snapshot, and where SQLite answers
    "locked" at once (as it does, rather than wait, where waiting could deadlock) this tries
    again, for up to ``BUSY_TIMEOUT`` seconds."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.01
    while True:
        try:
            _schema_ready_once(conn, path, create)
            return
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, 0.5)


def _schema_ready_once(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    conn.execute("BEGIN")  # one snapshot: another run's migration is seen whole or not at all
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
    if version == 0 and tables:
        raise StoreError(f"{path}: is an SQLite database but not a budget-monitor history store; it was left as it is")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: the history store was written by a newer budget-monitor (schema {version}, "
            f"this one knows up to {SCHEMA_VERSION}); it was left as it is"
        )
    if version and not _TABLES <= tables:
        raise StoreError(f"{path}: the history store is damaged (tables missing); it was left as it is")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if version < SCHEMA_VERSION:
        conn.execute("PRAGMA journal_mode = WAL")
        _migrate(conn)
    elif conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # in WAL: durable at checkpoints, never corrupt


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date in one transaction (another run may have done it first)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for n in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[n]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def store_at(path: Path | str, create: bool = True) -> Iterator[Store]:
    """``open_store`` as a context manager that closes it."""
    store = open_store(path, create)
    try:
        yield store
    finally:
        store.close()
