"""Check every figure of a report's JSON against the input workbook, computed independently.

    python benchmarks/verify.py IN.xlsx OUT.json [--rules FILE]

``OUT.json`` is what ``budget-monitor report IN.xlsx --json OUT.json`` wrote. This script
reads ``IN.xlsx`` itself, with python-calamine and nothing from ``budget_monitor``, works
out what the report should say from the arithmetic of the input contract
(shared/spec/quarterly-workbook.md), and compares it with the JSON, figure by figure.
It exits 0 and prints what it compared when everything matches, 1 with the first
mismatches when something does not, and 2 when the workbook cannot be read this way.

How it gets its figures, on purpose not the way the package does:

- A number cell is a binary double; the number the person typed is the shortest decimal
  that reads back as that double (``repr``), which is split into an integer and a power
  of ten: an exact rational number. ``decimal.Decimal`` is never used.
- Money (cash limits, forecasts, items, changes, savings, capital) is scaled by the
  sheet's units (``£``, ``£000`` or ``£m``) and rounded to the penny, half away from zero,
  and from then on held as a whole number of pence (a Python ``int``), so every sum is exact.
- Volumes, unit costs and income rates are ``fractions.Fraction``. A driver's activity
  effect is ``(forecast volume - budget volume) x budget unit cost`` to the penny; its
  unit-cost effect is the change in cost to the penny minus the activity effect; income
  that follows volume likewise with the sign turned over (income is a credit).
- A component is listed over the threshold when its size, rounded to ``round_to`` half
  away from zero, is at (or, when not inclusive, above) the threshold: worked out in
  whole units of ``round_to`` from the pence.
- Amounts are compared as the text the JSON holds (pounds with two decimals), so a
  wrongly written amount (``-0.00``, ``12.5``) is a mismatch too.

Lists are compared as multisets (the order of the JSON lists is the package's business),
except that the over-threshold lists must run largest first.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

from python_calamine import CalamineWorkbook

SCHEMA = "budget-monitor/report/1"
SCALES = {"£": 1, "£000": 1000, "£m": 1_000_000}
UNIT_WORDS = {
    "£": "£", "gbp": "£", "pounds": "£",
    "£000": "£000", "£000s": "£000", "£k": "£000", "000": "£000", "£000's": "£000", "thousands": "£000",
    "£m": "£m", "£million": "£m", "£millions": "£m", "£mn": "£m", "millions": "£m", "m": "£m",
}  # fmt: skip
CATEGORIES = ("Opening", "Grant", "Corporate", "Technical", "Virement")
RAGS = ("Red", "Amber", "Green")
STATUSES = ("Rolling Programme", "Approval to Spend", "Approval to Plan", "Preliminary Stage")
SHOW = 20  # mismatches printed


class Unreadable(Exception):
    """The workbook cannot be read the way this check reads it."""


# --- rules ------------------------------------------------------------------------------


class Rule:
    """A threshold: listed when round(|amount| / round_to) x round_to is at (or above) it."""

    def __init__(self, threshold: Fraction, round_to: Fraction, inclusive: bool):
        self.threshold, self.round_to, self.inclusive = threshold, round_to, inclusive
        unit = round_to * 100  # round_to in pence
        self._unit_num, self._unit_den = unit.numerator, unit.denominator
        # size_units * round_to >= threshold  <=>  size_units * a >= b, in integers
        self._a = round_to.numerator * threshold.denominator
        self._b = threshold.numerator * round_to.denominator

    def reached(self, pence: int) -> bool:
        units = half_away(abs(pence) * self._unit_den, self._unit_num)
        lhs = units * self._a
        return lhs >= self._b if self.inclusive else lhs > self._b


def load_rules(path: Path | None) -> tuple[Rule, Rule, Fraction]:
    """(revenue, capital, re-phasing list limit): the values of rules/default.toml unless
    a rules file changes them."""
    data: dict = {}
    if path is not None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))

    def amount(table: dict, key: str, default: int) -> Fraction:
        return Fraction(str(table.get(key, default)))

    rev, cap = data.get("revenue", {}), data.get("capital", {})
    revenue = Rule(amount(rev, "threshold", 100_000), amount(rev, "round_to", 1000), rev.get("inclusive", True))
    capital = Rule(amount(cap, "threshold", 250_000), amount(cap, "round_to", 1000), cap.get("inclusive", True))
    return revenue, capital, amount(cap, "rephasing_list", 1_000_000)


# --- numbers ----------------------------------------------------------------------------


def half_away(num: int, den: int) -> int:
    """num / den (den > 0) rounded to a whole number, half away from zero."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def money_text(pence: int) -> str:
    """Pence as the JSON writes pounds: ``-1234.05``."""
    q, r = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{q}.{r:02d}"


def show_number(x: Fraction | None) -> str:
    if x is None:
        return "blank"
    d = x.denominator
    for k in range(19):
        if 10**k % d == 0:
            n = abs(x.numerator) * (10**k // d)
            s = str(n).rjust(k + 1, "0")
            s = s if k == 0 else f"{s[:-k]}.{s[-k:]}"
            return f"-{s}" if x < 0 else s
    return str(x)


def _text_number(s: str) -> tuple[int, int]:
    """A number written as text, as the input contract allows: ``1,234.50``, ``(1,234)``, ``-``, ``£1,234``."""
    t = "".join(s.replace("\u2212", "-").replace("\u2013", "-").split())
    if t in ("", "-"):
        return 0, 1
    negative = False
    t = t.replace("£", "")
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    if t.endswith("-") and len(t) > 1:
        negative, t = not negative, t[:-1]
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", t):
        t = t.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", t):
        raise ValueError(f"'{s}' is not a number")
    f = Fraction(t)
    if negative:
        f = -f
    return f.numerator, f.denominator


def rational(value: object) -> tuple[int, int] | None:
    """A cell's number as (numerator, denominator), exact; None when the cell is blank.

    A float is read as the shortest decimal that gives back the same double (``repr``):
    ``1234.567`` is 1234567 / 1000.
    """
    t = type(value)
    if t is float:
        if value.is_integer():  # type: ignore[union-attr]
            return int(value), 1  # type: ignore[arg-type]
        s = repr(value)
        if "e" in s or "n" in s:  # 1e-05, 1.5e+16; inf and nan fail here
            f = Fraction(s)
            return f.numerator, f.denominator
        whole, _, frac = s.partition(".")
        return int(whole + frac), 10 ** len(frac)
    if t is int:
        return value, 1  # type: ignore[return-value]
    if value is None or value == "":
        return None
    if t is str:
        if not value.strip():  # type: ignore[union-attr]
            return None
        return _text_number(value)  # type: ignore[arg-type]
    raise ValueError(f"found {value!r}; expected a number")


def pence(value: object, scale: int) -> int:
    """A money cell in the sheet's units as whole pence, half away from zero; blank is zero."""
    r = rational(value)
    if r is None:
        return 0
    n, d = r
    return half_away(n * scale * 100, d)


def exact(value: object) -> Fraction | None:
    r = rational(value)
    return None if r is None else Fraction(*r)


def penny(x: Fraction) -> int:
    """An amount in pounds as whole pence, half away from zero."""
    p = x * 100
    return half_away(p.numerator, p.denominator)


# --- the workbook -----------------------------------------------------------------------

_UNIT_MARKS = re.compile(r"\([^)]*\)|£\s*'?\s*(000s?|m|k|bn)?'?s?|'000s?", re.IGNORECASE)


def header_key(value: object) -> str:
    """``Gross cash limit (£'000s)`` -> ``grosscashlimit``."""
    if value is None:
        return ""
    return re.sub(r"[^0-9a-z]+", "", _UNIT_MARKS.sub(" ", str(value)).casefold())


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _blank(row: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


class Book:
    def __init__(self, path: Path):
        self.path = path
        self.wb = CalamineWorkbook.from_path(str(path))
        self.names = {n.strip().casefold(): n for n in self.wb.sheet_names}

    def rows(self, name: str) -> tuple[str, int, list[list[object]]] | None:
        """(sheet name as written, row number of the first row, rows) or None."""
        real = self.names.get(name.casefold())
        if real is None:
            return None
        sheet = self.wb.get_sheet_by_name(real)
        start = getattr(sheet, "start", None) or (0, 0)
        return real, start[0] + 1, sheet.to_python()

    def table(
        self,
        name: str,
        columns: dict[str, tuple[str, ...]],
        required: Iterable[str],
        one_of: Sequence[Sequence[str]] = (),
    ):
        """The records of a sheet: yields (row number, {column: cell}) after its header row.

        ``columns`` maps each column to the header keys that name it."""
        got = self.rows(name)
        if got is None:
            return None
        sheet, first, rows = got
        required = list(required)
        for i, row in enumerate(rows[:50]):
            keys = [header_key(v) for v in row]
            index: dict[str, int] = {}
            for j, k in enumerate(keys):
                for col, names in columns.items():
                    if k in names:
                        index.setdefault(col, j)
                        break
            if all(c in index for c in required) and (not one_of or any(all(c in index for c in g) for g in one_of)):
                return sheet, self._records(rows, i + 1, first, index)
        raise Unreadable(f"{self.path}: sheet '{sheet}': no header row naming {', '.join(required)}")

    @staticmethod
    def _records(rows, start: int, first: int, index: dict[str, int]):
        for i in range(start, len(rows)):
            row = rows[i]
            if _blank(row):
                continue
            yield first + i, {c: (row[j] if j < len(row) else None) for c, j in index.items()}


def _keys(*headers: str) -> tuple[str, ...]:
    return tuple(header_key(h) for h in headers)


LINE_COLUMNS = {
    "portfolio": _keys("Portfolio"),
    "section": _keys("Section"),
    "line": _keys("Budget line", "A-Z budget line", "Budget line name", "Line"),
    "gcl": _keys("Gross cash limit"),
    "icl": _keys("Income cash limit"),
    "gf": _keys("Gross forecast"),
    "if": _keys("Income forecast"),
    "gv": _keys("Gross variance"),
    "iv": _keys("Income variance"),
    "comment": _keys("Comment", "Comments", "Reason"),
}
ACTIVITY_COLUMNS = {
    "portfolio": _keys("Portfolio"),
    "line": _keys("Budget line"),
    "driver": _keys("Driver"),
    "unit": _keys("Unit"),
    "bv": _keys("Budget volume", "Affordable volume", "Affordable level"),
    "bu": _keys("Budget unit cost"),
    "fv": _keys("Forecast volume"),
    "fu": _keys("Forecast unit cost"),
    "br": _keys("Budget income rate"),
    "fr": _keys("Forecast income rate"),
}
ITEM_COLUMNS = {
    "portfolio": _keys("Portfolio"),
    "line": _keys("Budget line"),
    "description": _keys("Description"),
    "gross": _keys("Gross"),
    "income": _keys("Income"),
}
CHANGE_COLUMNS = {
    "portfolio": _keys("Portfolio"),
    "line": _keys("Budget line"),
    "category": _keys("Category"),
    "gross": _keys("Gross"),
    "income": _keys("Income"),
    "description": _keys("Description"),
}
SAVING_COLUMNS = {
    "portfolio": _keys("Portfolio"),
    "line": _keys("Budget line"),
    "saving": _keys("Saving"),
    "amount": _keys("Amount"),
    "rag": _keys("RAG", "RAG status", "Status"),
    "comment": _keys("Comment"),
}
CAPITAL_COLUMNS = {
    "portfolio": _keys("Portfolio"),
    "project": _keys("Project"),
    "status": _keys("Status"),
    "year": _keys("Year"),
    "cash_limit": _keys("Cash limit"),
    "forecast": _keys("Forecast"),
}
INDICATOR_COLUMNS = {
    "indicator": _keys("Indicator"),
    "unit": _keys("Unit"),
    "period": _keys("Period"),
    "budget_level": _keys("Budget level"),
    "actual": _keys("Actual"),
    "budget_unit_cost": _keys("Budget unit cost"),
    "actual_unit_cost": _keys("Actual unit cost"),
}


def _choice(value: object, choices: Sequence[str]) -> str | None:
    t = text(value).casefold()
    return next((c for c in choices if c.casefold() == t), None)


def _year(value: object) -> str | None:
    t = text(value)
    m = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", t)
    if m:
        start, end = int(m.group(1)), m.group(2)
        return f"{start}-{end[-2:]}" if int(end[-2:]) == (start + 1) % 100 else None
    key = re.sub(r"[^a-z]", "", t.casefold())
    if key in ("prevyrs", "previousyears", "prevyears", "prioryears"):
        return "Prev Yrs"
    if key in ("futureyears", "futureyrs", "later", "lateryears"):
        return "Future Years"
    return None


def _cell(sheet: str, row: int, what: str, fn, *args):
    try:
        return fn(*args)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise Unreadable(f"{sheet} row {row}, {what}: {exc}") from None


# --- what the report should say ---------------------------------------------------------


class Expected:
    """Everything the JSON should hold, worked out from the workbook."""

    def __init__(self, path: Path, rules: tuple[Rule, Rule, Fraction]):
        self.revenue_rule, self.capital_rule, self.rephasing_limit = rules
        book = Book(path)
        self.notes: list[str] = []
        self._settings(book)
        self._lines(book)
        self._drivers(book)
        self._items(book)
        self._remainders()
        self._cash_limits(book)
        self._savings(book)
        self._capital(book)
        self._indicators(book)

    # settings
    def _settings(self, book: Book) -> None:
        self.organisation = self.period = self.title = ""
        units, capital_units = "£000", "£m"
        got = book.rows("Settings")
        if got is not None:
            sheet, first, rows = got
            names = {"organisation": "organisation", "organization": "organisation", "period": "period",
                     "title": "title", "units": "units", "capitalunits": "capital_units"}  # fmt: skip
            for i, row in enumerate(rows):
                if not row:
                    continue
                field = names.get(header_key(row[0]))
                if field is None:
                    continue
                value = text(row[1]) if len(row) > 1 else ""
                if field in ("units", "capital_units"):
                    if not value:
                        continue
                    unit = UNIT_WORDS.get(re.sub(r"[\s'’]", "", value).casefold())
                    if unit is None:
                        raise Unreadable(f"{sheet} row {first + i}: units '{value}'")
                    if field == "units":
                        units = unit
                    else:
                        capital_units = unit
                else:
                    setattr(self, field, value)
        self.units, self.capital_units = units, capital_units
        self.scale, self.capital_scale = SCALES[units], SCALES[capital_units]

    # budget lines
    def _lines(self, book: Book) -> None:
        got = book.table(
            "Budget lines", LINE_COLUMNS, ("portfolio", "line", "gcl", "icl"), one_of=(("gf", "if"), ("gv", "iv"))
        )
        if got is None:
            raise Unreadable(f"{book.path}: no Budget lines sheet")
        sheet, records = got
        s = self.scale
        # (portfolio, line) -> [section, comment, gross limit, income limit, gross forecast, income forecast]
        self.lines: dict[tuple[str, str], list] = {}
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.by_portfolio_line: dict[tuple[str, str], tuple[str, str]] = {}
        skipped = 0
        for row, r in records:
            portfolio, line = text(r["portfolio"]), text(r["line"])
            if not (portfolio and line):
                skipped += 1
                continue
            key_cf = (portfolio.casefold(), line.casefold())
            if key_cf in self.by_portfolio_line:
                skipped += 1  # a line given twice: the first counts
                continue
            gcl = _cell(sheet, row, "gross cash limit", pence, r["gcl"], s)
            icl = _cell(sheet, row, "income cash limit", pence, r["icl"], s)
            if "gf" in r and "if" in r:
                gf = _cell(sheet, row, "gross forecast", pence, r["gf"], s)
                inf = _cell(sheet, row, "income forecast", pence, r["if"], s)
            else:
                gf = gcl + _cell(sheet, row, "gross variance", pence, r["gv"], s)
                inf = icl + _cell(sheet, row, "income variance", pence, r["iv"], s)
            key = (portfolio, line)
            self.lines[key] = [text(r.get("section")), text(r.get("comment")), gcl, icl, gf, inf]
            self.by_portfolio_line[key_cf] = key
            self.by_name[line.casefold()].append(key)
        if skipped:
            self.notes.append(f"{skipped} Budget lines rows without a portfolio and line, or given twice, left out")
        self.components: list[tuple] = []  # (portfolio, line, source, side, kind, pence)
        self.explained: dict[tuple[str, str], list[int]] = {}

    def resolve(self, portfolio: str, line: str) -> tuple[str, str] | None:
        if portfolio:
            return self.by_portfolio_line.get((portfolio.casefold(), line.casefold()))
        found = self.by_name.get(line.casefold(), ())
        return found[0] if len(found) == 1 else None

    def _explain(self, key: tuple[str, str], source: str, side: str, kind: str, amount: int) -> None:
        if not amount:
            return
        self.components.append((key[0], key[1], source, side, kind, amount))
        acc = self.explained.get(key)
        if acc is None:
            acc = self.explained[key] = [0, 0]
        acc[side == "income"] += amount

    # drivers
    def _drivers(self, book: Book) -> None:
        self.drivers: list[tuple] = []
        got = book.table("Activity", ACTIVITY_COLUMNS, ("line", "driver", "bv", "bu", "fv", "fu"))
        if got is None:
            return
        sheet, records = got
        unresolved = 0
        zero = Fraction(0)
        for row, r in records:
            line, name = text(r["line"]), text(r["driver"])
            br = _cell(sheet, row, "budget income rate", exact, r.get("br"))
            fr = _cell(sheet, row, "forecast income rate", exact, r.get("fr"))
            if not (line and name) or (br is None) != (fr is None):
                unresolved += 1
                continue
            key = self.resolve(text(r.get("portfolio")), line)
            if key is None:
                unresolved += 1
                continue
            bv = _cell(sheet, row, "budget volume", exact, r["bv"]) or zero
            bu = _cell(sheet, row, "budget unit cost", exact, r["bu"]) or zero
            fv = _cell(sheet, row, "forecast volume", exact, r["fv"]) or zero
            fu = _cell(sheet, row, "forecast unit cost", exact, r["fu"]) or zero
            activity = penny((fv - bv) * bu)
            unit_cost = penny(fv * fu - bv * bu) - activity
            income_activity = income_rate = 0
            if br is not None:
                # income is a credit: more volume at a budgeted rate is more (negative) income
                income_activity = penny(-(fv - bv) * br)
                income_rate = penny(bv * br - fv * fr) - income_activity
            self.drivers.append(
                (key[0], key[1], name, text(r.get("unit")), bv, fv, bu, fu, br, fr,
                 activity, unit_cost, income_activity, income_rate)
            )  # fmt: skip
            self._explain(key, name, "gross", "activity", activity)
            self._explain(key, name, "gross", "unit_cost", unit_cost)
            self._explain(key, name, "income", "income_activity", income_activity)
            self._explain(key, name, "income", "income_rate", income_rate)
        if unresolved:
            self.notes.append(f"{unresolved} Activity rows refer to no single budget line, or are incomplete; left out")

    # explained items
    def _items(self, book: Book) -> None:
        got = book.table("Variance items", ITEM_COLUMNS, ("line", "description", "gross"))
        if got is None:
            return
        sheet, records = got
        s = self.scale
        unresolved = 0
        for row, r in records:
            line, description = text(r["line"]), text(r["description"])
            key = self.resolve(text(r.get("portfolio")), line) if line and description else None
            if key is None:
                unresolved += 1
                continue
            self._explain(key, description, "gross", "item", _cell(sheet, row, "gross", pence, r["gross"], s))
            self._explain(key, description, "income", "item", _cell(sheet, row, "income", pence, r.get("income"), s))
        if unresolved:
            self.notes.append(f"{unresolved} Variance items rows refer to no single budget line; left out")

    # unexplained remainders, totals, the over-threshold table
    def _remainders(self) -> None:
        tg = ti = fg = fi = 0
        for key, (_, _, gcl, icl, gf, inf) in self.lines.items():
            tg, ti, fg, fi = tg + gcl, ti + icl, fg + gf, fi + inf
            eg, ei = self.explained.get(key, (0, 0))
            rest_g = gf - gcl - eg
            rest_i = inf - icl - ei
            if rest_g:
                self.components.append((key[0], key[1], "", "gross", "unexplained", rest_g))
            if rest_i:
                self.components.append((key[0], key[1], "", "income", "unexplained", rest_i))
        self.totals = {"cash_limit": (tg, ti), "forecast": (fg, fi), "variance": (fg - tg, fi - ti)}
        reached = self.revenue_rule.reached
        self.pressures = [c for c in self.components if c[5] > 0 and reached(c[5])]
        self.underspends = [c for c in self.components if c[5] < 0 and reached(c[5])]
        self.unexplained_total = sum(c[5] for c in self.components if c[4] == "unexplained")

        def k(rows, explained_only):
            return sum(half_away(c[5], 100_000) for c in rows if not (explained_only and c[4] == "unexplained"))

        self.shown = {
            "total_pressures": k(self.pressures, False),
            "total_underspends": k(self.underspends, False),
            "explained_pressures": k(self.pressures, True),
            "explained_underspends": k(self.underspends, True),
        }

    # cash limits
    def _cash_limits(self, book: Book) -> None:
        self.cash_limits = None
        got = book.table("Cash limit changes", CHANGE_COLUMNS, ("portfolio", "line", "category", "gross", "income"))
        if got is None:
            return
        sheet, records = got
        s = self.scale
        names: dict[str, str] = {}
        lines_total: dict[str, list[int]] = {}
        for (portfolio, _), rec in self.lines.items():
            cf = portfolio.casefold()
            names.setdefault(cf, portfolio)
            t = lines_total.setdefault(cf, [0, 0])
            t[0] += rec[2]
            t[1] += rec[3]
        rows: dict[str, list[tuple]] = defaultdict(list)
        for row, r in records:
            portfolio, category = text(r["portfolio"]), _choice(r["category"], CATEGORIES)
            if not portfolio or category is None or portfolio.casefold() not in names:
                continue
            g = _cell(sheet, row, "gross", pence, r["gross"], s)
            i = _cell(sheet, row, "income", pence, r["income"], s)
            rows[portfolio.casefold()].append((category, text(r["line"]), g, i, text(r.get("description"))))
        portfolios, changes = [], []
        for cf, rs in rows.items():
            openings = [c for c in rs if c[0] == "Opening"]
            if len(openings) != 1:
                self.notes.append(f"Cash limit changes: '{names[cf]}' has {len(openings)} Opening rows; left out")
                continue
            og, oi = openings[0][2], openings[0][3]
            moves = [c for c in rs if c[0] != "Opening"]
            rg = og + sum(c[2] for c in moves)
            ri = oi + sum(c[3] for c in moves)
            lg, li = lines_total[cf]
            portfolios.append((names[cf], (og, oi), (rg, ri), (lg, li), (lg - rg, li - ri)))
            changes += [(names[cf], c[0], c[1], c[4], c[2], c[3]) for c in moves]
        total = [(sum(p[j][0] for p in portfolios), sum(p[j][1] for p in portfolios)) for j in (1, 2, 3, 4)]
        self.cash_limits = {"portfolios": portfolios, "changes": changes, "total": total}

    # savings
    def _savings(self, book: Book) -> None:
        self.savings = None
        got = book.table("Savings", SAVING_COLUMNS, ("portfolio", "saving", "amount", "rag"))
        if got is None:
            return
        sheet, records = got
        items = []
        for row, r in records:
            portfolio, saving, rag = text(r["portfolio"]), text(r["saving"]), _choice(r["rag"], RAGS)
            if not (portfolio and saving) or rag is None:
                continue
            amount = _cell(sheet, row, "amount", pence, r["amount"], self.scale)
            items.append((portfolio, text(r.get("line")), saving, rag, text(r.get("comment")), amount))
        by_rag = {rag: sum(x[5] for x in items if x[3] == rag) for rag in RAGS}
        self.savings = {"items": items, "by_rag": by_rag}

    # capital
    def _capital(self, book: Book) -> None:
        self.capital = None
        got = book.table(
            "Capital", CAPITAL_COLUMNS, ("portfolio", "project", "status", "year", "cash_limit", "forecast")
        )
        if got is None:
            return
        m = re.search(r"(\d{4})\s*[-/]\s*(\d{2,4})", self.period)
        if not m:
            self.notes.append("Capital: no financial year in Period; not compared")
            return
        in_year = f"{m.group(1)}-{m.group(2)[-2:]}"
        sheet, records = got
        s = self.capital_scale
        projects: dict[tuple[str, str], dict] = {}
        for row, r in records:
            portfolio, project = text(r["portfolio"]), text(r["project"])
            status, year = _choice(r["status"], STATUSES), _year(r["year"])
            if not (portfolio and project) or status is None or year is None:
                continue
            cl = _cell(sheet, row, "cash limit", pence, r["cash_limit"], s)
            fc = _cell(sheet, row, "forecast", pence, r["forecast"], s)
            p = projects.get((portfolio.casefold(), project.casefold()))
            if p is None:
                p = projects[(portfolio.casefold(), project.casefold())] = {
                    "portfolio": portfolio, "project": project, "status": status, "years": {}
                }  # fmt: skip
            p["years"].setdefault(year, (cl, fc))  # a year given twice: the first row counts

        def order(y: str) -> tuple:
            return (0, "") if y == "Prev Yrs" else (2, "") if y == "Future Years" else (1, y)

        out = []
        for p in projects.values():
            years = p["years"]
            cl, fc = years.get(in_year, (0, 0))
            total_cl = sum(v[0] for v in years.values())
            total_fc = sum(v[1] for v in years.values())
            variance, real = fc - cl, total_fc - total_cl
            by_year = tuple(
                (y, money_text(a), money_text(b)) for y, (a, b) in sorted(years.items(), key=lambda t: order(t[0]))
            )
            out.append((p["portfolio"], p["project"], p["status"], cl, fc, variance, real, variance - real,
                        total_cl, total_fc, by_year))  # fmt: skip
        limit = self.rephasing_limit
        self.capital = {
            "year": in_year,
            "projects": out,
            "over_threshold": [x for x in out if self.capital_rule.reached(x[5])],
            "rephasing": [x for x in out if abs(Fraction(x[7], 100)) > limit],
        }

    # indicators
    def _indicators(self, book: Book) -> None:
        self.indicators = None
        got = book.table("Indicators", INDICATOR_COLUMNS, ("indicator", "period", "budget_level", "actual"))
        if got is None:
            return
        sheet, records = got
        out = []
        for row, r in records:
            name, period = text(r["indicator"]), text(r["period"])
            if not (name and period):
                continue
            nums = tuple(
                _cell(sheet, row, k, exact, r.get(k))
                for k in ("budget_level", "actual", "budget_unit_cost", "actual_unit_cost")
            )
            out.append((name, text(r.get("unit")), period) + nums)
        self.indicators = out


# --- comparing --------------------------------------------------------------------------


class Comparison:
    def __init__(self) -> None:
        self.mismatches: list[str] = []
        self.count = 0  # mismatches, all of them
        self.compared: Counter[str] = Counter()

    def fail(self, message: str) -> None:
        self.count += 1
        if len(self.mismatches) < SHOW:
            self.mismatches.append(message)

    def value(self, what: str, expected: object, got: object) -> None:
        self.compared["figures"] += 1
        if expected != got:
            self.fail(f"{what}: expected {expected!r}, the JSON has {got!r}")

    def gin(self, what: str, expected: tuple[int, int], got: object) -> None:
        g, i = expected
        want = {"gross": money_text(g), "income": money_text(i), "net": money_text(g + i)}
        if not isinstance(got, dict):
            self.fail(f"{what}: expected {want}, the JSON has {got!r}")
            return
        for side in ("gross", "income", "net"):
            self.value(f"{what}.{side}", want[side], got.get(side))

    def multiset(self, what: str, expected: Iterable[tuple], got: Iterable[tuple], key_len: int, fields: Sequence[str]):
        """Compare two lists of records, each (key..., value...), as multisets; mismatches
        are reported per key, with the fields that differ where both sides have the key."""
        want, have = Counter(expected), Counter(got)
        n = sum(want.values())
        self.compared[what] += n
        self.compared["figures"] += n * len(fields)
        if want == have:
            return
        missing, extra = want - have, have - want
        by_key: dict[tuple, tuple[list, list]] = {}
        for rec, c in missing.items():
            by_key.setdefault(rec[:key_len], ([], []))[0].extend([rec[key_len:]] * c)
        for rec, c in extra.items():
            by_key.setdefault(rec[:key_len], ([], []))[1].extend([rec[key_len:]] * c)
        for key, (w, h) in by_key.items():
            label = f"{what} {' / '.join(map(_show, key))}"
            if len(w) == 1 and len(h) == 1:
                diffs = [
                    f"{f} expected {_show(a)}, JSON {_show(b)}"
                    for f, a, b in zip(fields, w[0], h[0], strict=True)
                    if a != b
                ]
                self.fail(f"{label}: {'; '.join(diffs)}")
            elif w and not h:
                self.fail(f"{label}: expected {len(w)} more ({_fields(fields, w[0])}), not in the JSON")
            elif h and not w:
                self.fail(f"{label}: in the JSON {len(h)} more ({_fields(fields, h[0])}), not expected")
            else:
                self.fail(
                    f"{label}: expected {[_fields(fields, x) for x in w]}, JSON {[_fields(fields, x) for x in h]}"
                )


def _show(x: object) -> str:
    if isinstance(x, Fraction):
        return show_number(x)
    if isinstance(x, str):
        return repr(x) if x == "" else x
    return repr(x) if not isinstance(x, tuple) else str(x)


def _fields(fields: Sequence[str], values: tuple) -> str:
    return ", ".join(f"{f} {_show(v)}" for f, v in zip(fields, values, strict=True))


def _number(s: object) -> Fraction | None | str:
    """A number the JSON gives as text (a volume, a unit cost) as an exact Fraction."""
    if s is None:
        return None
    try:
        return Fraction(str(s))
    except ValueError:
        return f"not a number: {s!r}"


def _component_json(c: dict) -> tuple:
    return (c.get("portfolio"), c.get("line"), c.get("source"), c.get("side"), c.get("kind"),
            c.get("amount"), c.get("needs_explanation"))  # fmt: skip


def _component_expected(c: tuple) -> tuple:
    return c[:5] + (money_text(c[5]), c[4] == "unexplained")


COMPONENT_FIELDS = ("amount", "needs_explanation")


def compare(exp: Expected, report: dict) -> Comparison:
    cmp = Comparison()
    cmp.value("schema", SCHEMA, report.get("schema"))
    cmp.value("organisation", exp.organisation, report.get("organisation"))
    cmp.value("period", exp.period, report.get("period"))
    cmp.value("title", exp.title, report.get("title"))
    cmp.value("source_units", exp.units, report.get("source_units"))

    # lines
    want = []
    for (portfolio, line), (section, comment, gcl, icl, gf, inf) in exp.lines.items():
        figures = []
        for g, i in ((gcl, icl), (gf, inf), (gf - gcl, inf - icl)):
            figures += [money_text(g), money_text(i), money_text(g + i)]
        want.append((portfolio, line, section, comment, *figures))
    have = []
    for x in report.get("lines", ()):
        figures = [
            x.get(part, {}).get(side)
            for part in ("cash_limit", "forecast", "variance")
            for side in ("gross", "income", "net")
        ]
        have.append((x.get("portfolio"), x.get("line"), x.get("section"), x.get("comment"), *figures))
    line_fields = ("section", "comment") + tuple(
        f"{part} {side}" for part in ("cash_limit", "forecast", "variance") for side in ("gross", "income", "net")
    )
    cmp.multiset("lines", want, have, 2, line_fields)

    # totals
    totals = report.get("totals", {})
    for part, gi in exp.totals.items():
        cmp.gin(f"totals.{part}", gi, totals.get(part))

    # drivers
    want = [d[:3] + (d[3], *d[4:10], *(money_text(a) for a in d[10:])) for d in exp.drivers]
    have = [
        (x.get("portfolio"), x.get("line"), x.get("driver"), x.get("unit"),
         _number(x.get("budget_volume")), _number(x.get("forecast_volume")),
         _number(x.get("budget_unit_cost")), _number(x.get("forecast_unit_cost")),
         _number(x.get("budget_income_rate")), _number(x.get("forecast_income_rate")),
         x.get("activity"), x.get("unit_cost"), x.get("income_activity"), x.get("income_rate"))
        for x in report.get("drivers", ())
    ]  # fmt: skip
    cmp.multiset(
        "drivers", want, have, 3,
        ("unit", "budget_volume", "forecast_volume", "budget_unit_cost", "forecast_unit_cost",
         "budget_income_rate", "forecast_income_rate", "activity", "unit_cost", "income_activity", "income_rate"),
    )  # fmt: skip

    # components
    cmp.multiset(
        "components",
        map(_component_expected, exp.components),
        map(_component_json, report.get("components", ())),
        5,
        COMPONENT_FIELDS,
    )
    cmp.value("unexplained", money_text(exp.unexplained_total), report.get("unexplained"))

    # over the threshold
    ot = report.get("over_threshold", {})
    rule = exp.revenue_rule
    cmp.value("over_threshold.threshold", money_text(penny(rule.threshold)), ot.get("threshold"))
    for name, rows in (("pressures", exp.pressures), ("underspends", exp.underspends)):
        listed = ot.get(name, [])
        cmp.multiset(
            f"over_threshold.{name}", map(_component_expected, rows), map(_component_json, listed), 5, COMPONENT_FIELDS
        )
        cmp.value(f"over_threshold.total_{name}", money_text(sum(c[5] for c in rows)), ot.get(f"total_{name}"))
        sizes = [_pence_of(c.get("amount")) for c in listed]
        for j in range(1, len(sizes)):
            if sizes[j - 1] is not None and sizes[j] is not None and abs(sizes[j]) > abs(sizes[j - 1]):
                later, earlier = listed[j].get("amount"), listed[j - 1].get("amount")
                cmp.fail(f"over_threshold.{name}: not largest first at position {j + 1} ({later} after {earlier})")
                break
    shown = ot.get("shown_in_thousands", {})
    for key, v in exp.shown.items():
        cmp.value(f"over_threshold.shown_in_thousands.{key}", str(v), shown.get(key))

    # the warnings for unexplained remainders over the threshold
    checks = report.get("checks", [])
    n_unexplained = sum(1 for c in exp.pressures + exp.underspends if c[4] == "unexplained")
    cmp.value("checks: 'unexplained' warnings", n_unexplained, sum(1 for c in checks if c.get("code") == "unexplained"))
    exp.n_warnings = sum(1 for c in checks if c.get("level") == "warning")
    exp.n_errors = sum(1 for c in checks if c.get("level") == "error")

    # cash limits
    if exp.cash_limits is None:
        cmp.value("cash_limits present", False, "cash_limits" in report)
    else:
        cl = report.get("cash_limits", {})
        for name, gi in zip(("opening", "revised", "lines_total", "difference"), exp.cash_limits["total"], strict=True):
            cmp.gin(f"cash_limits.{name}", gi, cl.get(name))
        cmp.multiset(
            "cash limit changes",
            [c[:4] + (money_text(c[4]), money_text(c[5])) for c in exp.cash_limits["changes"]],
            [(c.get("portfolio"), c.get("category"), c.get("line"), c.get("description"), c.get("gross"),
              c.get("income")) for c in cl.get("changes", ())],
            4,
            ("gross", "income"),
        )  # fmt: skip
        parts = ("opening", "revised", "lines_total", "difference")

        def flat(gis) -> tuple:
            return tuple(money_text(v) for g, i in gis for v in (g, i, g + i))

        def flat_json(x: dict) -> tuple:
            return tuple(x.get(p, {}).get(s) for p in parts for s in ("gross", "income", "net"))

        cmp.multiset(
            "cash limit portfolios",
            [(p[0],) + flat(p[1:]) for p in exp.cash_limits["portfolios"]],
            [(x.get("portfolio"),) + flat_json(x) for x in cl.get("portfolios", ())],
            1,
            tuple(f"{p} {s}" for p in parts for s in ("gross", "income", "net")),
        )

    # savings
    if exp.savings is None:
        cmp.value("savings present", False, "savings" in report)
    else:
        sv = report.get("savings", {})
        for rag, v in exp.savings["by_rag"].items():
            cmp.value(f"savings.by_rag.{rag}", money_text(v), sv.get("by_rag", {}).get(rag))
        cmp.multiset(
            "savings",
            [x[:5] + (money_text(x[5]),) for x in exp.savings["items"]],
            [(x.get("portfolio"), x.get("line"), x.get("saving"), x.get("rag"), x.get("comment"), x.get("amount"))
             for x in sv.get("items", ())],
            5,
            ("amount",),
        )  # fmt: skip

    # capital
    if exp.capital is None:
        cmp.value("capital present", False, "capital" in report)
    else:
        cap = report.get("capital", {})
        cmp.value("capital.year", exp.capital["year"], cap.get("year"))
        fields = ("status", "cash_limit", "forecast", "variance", "real_variance", "rephasing",
                  "total_cash_limit", "total_forecast", "by_year")  # fmt: skip

        def want_project(x: tuple) -> tuple:
            return x[:3] + tuple(money_text(v) for v in x[3:10]) + (x[10],)

        def have_project(x: dict) -> tuple:
            by_year = tuple((y.get("year"), y.get("cash_limit"), y.get("forecast")) for y in x.get("by_year", ()))
            return (x.get("portfolio"), x.get("project")) + tuple(x.get(f) for f in fields[:-1]) + (by_year,)

        for name, key in (
            ("projects", "projects"),
            ("over_threshold", "over_threshold"),
            ("rephasing_over_1m", "rephasing"),
        ):
            cmp.multiset(
                f"capital.{name}", map(want_project, exp.capital[key]), map(have_project, cap.get(name, ())), 2, fields
            )

    # indicators
    if exp.indicators is not None:
        cmp.multiset(
            "indicators",
            exp.indicators,
            [(x.get("indicator"), x.get("unit"), x.get("period"), _number(x.get("budget_level")),
              _number(x.get("actual")), _number(x.get("budget_unit_cost")), _number(x.get("actual_unit_cost")))
             for x in report.get("indicators", ())],
            3,
            ("budget_level", "actual", "budget_unit_cost", "actual_unit_cost"),
        )  # fmt: skip
    return cmp


_AMOUNT = re.compile(r"-?\d+\.\d\d")


def _pence_of(s: object) -> int | None:
    if not isinstance(s, str) or not _AMOUNT.fullmatch(s):
        return None
    whole, _, frac = s.lstrip("-").partition(".")
    p = int(whole) * 100 + int(frac)
    return -p if s.startswith("-") else p


# --- the command ------------------------------------------------------------------------


def verify(
    workbook: Path | str, report_json: Path | str, rules: Path | str | None = None
) -> tuple[Expected, Comparison]:
    exp = Expected(Path(workbook), load_rules(None if rules is None else Path(rules)))
    with open(report_json, encoding="utf-8") as fh:
        report = json.load(fh)
    return exp, compare(exp, report)


def summary(exp: Expected, cmp: Comparison) -> str:
    c = cmp.compared
    over = c["over_threshold.pressures"] + c["over_threshold.underspends"]
    parts = [
        f"{c['lines']:,} lines",
        f"{c['drivers']:,} drivers",
        f"{c['components']:,} components",
        (
            f"{over:,} over the threshold ({c['over_threshold.pressures']:,} pressures, "
            f"{c['over_threshold.underspends']:,} underspends)"
        ),
    ]
    if exp.cash_limits is not None:
        parts.append(f"{c['cash limit portfolios']:,} cash-limit reconciliations ({c['cash limit changes']:,} changes)")
    if exp.savings is not None:
        parts.append(f"{c['savings']:,} savings")
    if exp.capital is not None:
        parts.append(f"{c['capital.projects']:,} capital projects")
    if exp.indicators is not None:
        parts.append(f"{c['indicators']:,} indicator rows")
    return ", ".join(parts) + f"; {c['figures']:,} values compared in all"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workbook", type=Path, help="the input workbook (.xlsx)")
    ap.add_argument("json", type=Path, help="the JSON the report command wrote for it")
    ap.add_argument("--rules", type=Path, help="the rules file the report was made with (default: the default rules)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        exp, cmp = verify(args.workbook, args.json, args.rules)
    except Unreadable as exc:
        print(f"verify: cannot read the workbook this way: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:  # a file missing, or not JSON
        print(f"verify: {exc}", file=sys.stderr)
        return 2
    took = time.perf_counter() - t0
    for note in exp.notes:
        print(f"note: {note}")
    checks = f"the report's checks: {exp.n_errors:,} errors, {exp.n_warnings:,} warnings"
    if cmp.count:
        print(f"{cmp.count:,} mismatches between {args.json} and an independent computation from {args.workbook}:")
        for m in cmp.mismatches:
            print(f"  {m}")
        if cmp.count > len(cmp.mismatches):
            print(f"  ... and {cmp.count - len(cmp.mismatches):,} more")
        print(f"compared: {summary(exp, cmp)}; {checks}; {took:.1f} s")
        return 1
    print(f"{args.json} matches an independent computation from {args.workbook}:")
    print(f"  {summary(exp, cmp)}: all match; {checks}; {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
