"""The records budget_monitor reads, computes and writes.

Every record is frozen (change one with ``attrs.evolve``, or ``Component``, the one
named tuple, with ``_replace``). Amounts are ``Decimal`` pounds quantised to the penny
(see ``money``); volumes, unit costs and rates are ``Decimal`` too. Input records carry
``where``: the sheet and row they came from, so that any problem found later can name
its cell.

No I/O and no arithmetic beyond a record's own sums: this is the vocabulary every
other part shares, and it imports none of them (only ``money``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Literal, NamedTuple, TypeVar, overload

import attrs

from .money import ZERO

_K = TypeVar("_K", bound=Hashable)

Level = Literal["error", "warning"]
#: ``net`` is the one side of a net-only line (one that gives only net figures).
Side = Literal["gross", "income", "net"]
Kind = Literal[
    "activity", "unit_cost", "joint", "income_activity", "income_rate", "income_joint", "item", "unexplained"
]

#: The order in which a line's components are listed. ``joint`` and ``income_joint`` come
#: only from the three-way split (see ``engine.conventions``).
KIND_ORDER: tuple[str, ...] = (
    "activity",
    "unit_cost",
    "joint",
    "income_activity",
    "income_rate",
    "income_joint",
    "item",
    "unexplained",
)

#: The kinds that are a driver's effects (the rest are items and the unexplained remainder).
DRIVER_KINDS = frozenset(("activity", "unit_cost", "joint", "income_activity", "income_rate", "income_joint"))

CATEGORIES = ("Opening", "Grant", "Corporate", "Technical", "Virement")
#: Settings ``Variance sign``: how a variance typed in the workbook is signed, and how the
#: report shows every variance. The first is the default (an overspend is positive).
VARIANCE_SIGNS = ("forecast minus budget", "budget minus forecast")
#: Settings ``Negative numbers``: how the report's workbook and Word document show a
#: negative figure (a number format; the cells stay numbers).
NEGATIVE_NUMBERS = ("minus", "brackets")
#: Settings ``Order``: portfolios, sections and lines as the sheet first gives them
#: (the default), or sorted by name.
ORDERS = ("sheet order", "by name")
RAGS = ("Red", "Amber", "Green")
STATUSES = ("Rolling Programme", "Approval to Spend", "Approval to Plan", "Preliminary Stage")
#: Where a request to carry an underspend into next year stands (the ``Roll forward`` sheet).
ROLL_FORWARD_STATUSES = ("Proposed", "Agreed", "Declined")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@attrs.frozen
class Where:
    """A place in the input workbook: ``sheet`` name as written, 1-based ``row``, and
    ``column`` letter when one cell is meant (blank for a whole row or sheet).

    ``file`` names the workbook where a report is made of several (blank when there is
    one: the report's source says which); ``str`` leaves it out, callers put it first.
    """

    sheet: str
    row: int = 0
    column: str = ""
    file: str = ""

    @property
    def cell(self) -> str:
        """``E14`` for a cell, ``14`` for a row, blank for the sheet."""
        if not self.row:
            return ""
        return f"{self.column}{self.row}"

    def at(self, column: str) -> Where:
        """The same row, at ``column``."""
        return Where(self.sheet, self.row, column, self.file)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


NOWHERE = Where("")
#: No column letters: a record made in code, not read from a sheet (never changed: it is
#: shared; a plain dict, as a record must pickle to reach a child process).
NO_COLUMNS: Mapping[str, str] = {}


def _columns() -> Mapping[str, str]:
    """The ``columns`` field of a record that may refer to Budget lines: the letter of each
    column of its sheet by key (``portfolio``, ``line``...), one mapping shared by the
    sheet's rows, so that a problem found later (a name that is not on Budget lines) names
    its cell. Not part of the record's value (equality, hashing)."""
    return attrs.field(default=NO_COLUMNS, eq=False, repr=False, kw_only=True)


def cell(where: Where, columns: Mapping[str, str], key: str) -> Where:
    """The cell of ``where``'s row in the column ``key`` (``portfolio``, ``line``) of its
    sheet, as a record's ``columns`` give it; ``where`` itself when there is no such column."""
    letter = columns.get(key)
    return where.at(letter) if letter else where


@attrs.frozen
class Problem:
    """Something wrong (``error``) or worth a look (``warning``), with where it is.

    ``code`` is a short stable name (``not-a-number``, ``unknown-line``) for tools;
    ``message`` says what was found and what was expected, for people.
    """

    level: Level
    code: str
    message: str
    where: Where = NOWHERE

    @property
    def sheet(self) -> str:
        return self.where.sheet

    @property
    def cell(self) -> str:
        return self.where.cell

    def __str__(self) -> str:
        place = str(self.where)
        return f"{place}: {self.message}" if place else self.message


def error(code: str, message: str, where: Where = NOWHERE) -> Problem:
    return Problem("error", code, message, where)


def warning(code: str, message: str, where: Where = NOWHERE) -> Problem:
    return Problem("warning", code, message, where)


def counted(n: int, one: str, many: str = "") -> str:
    """``n`` and the noun for that many, for messages: ``counted(1, "budget line")`` is
    ``1 budget line``, ``counted(2, "budget line")`` is ``2 budget lines`` (``many`` when
    the plural is not ``one`` + s), with thousands separated."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    return any(p.level == "error" for p in problems)


@attrs.frozen
class Settings:
    """The ``Settings`` sheet: free text for the report's header, and the cash units.
    ``committee``, ``meeting_date``, ``contact`` and ``recommendations`` (one per line) are
    for the Word committee paper's front block; blank ones are left out.
    ``period_where`` and ``organisation_where`` are the cells the period and the organisation
    were read from (not compared)."""

    organisation: str = ""
    period: str = ""
    title: str = ""
    units: str = "£000"
    capital_units: str = "£m"
    committee: str = ""
    meeting_date: str = ""
    contact: str = ""
    recommendations: str = ""
    period_where: Where = attrs.field(default=Where("Settings"), eq=False)
    variance_sign: str = VARIANCE_SIGNS[0]
    negative_numbers: str = NEGATIVE_NUMBERS[0]
    order: str = ORDERS[0]

    @property
    def sign(self) -> int:
        """1 where a variance is shown (and typed) as forecast minus budget, -1 where as
        budget minus forecast: a variance as shown is ``sign`` times the engine's."""
        return -1 if self.variance_sign == VARIANCE_SIGNS[1] else 1

    @property
    def by_name(self) -> bool:
        return self.order == ORDERS[1]

    organisation_where: Where = attrs.field(default=Where("Settings"), eq=False)


@attrs.frozen
class GrossIncome:
    """A gross and an income amount (income negative, a credit); ``net`` is their sum."""

    gross: Decimal = ZERO
    income: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.gross + self.income

    def __add__(self, other: GrossIncome) -> GrossIncome:
        return GrossIncome(self.gross + other.gross, self.income + other.income)

    def __sub__(self, other: GrossIncome) -> GrossIncome:
        return GrossIncome(self.gross - other.gross, self.income - other.income)

    def side(self, side: Side) -> Decimal:
        if side == "net":
            return self.gross + self.income
        return self.gross if side == "gross" else self.income


@attrs.frozen
class LineExtra:
    """The optional figures of a budget line's row, each None where not given: net
    amounts (gross + income where the sheet gives the pair), and the net figures as typed
    beside gross and income (``net_given``: net cash limit, net forecast), which must
    agree with them within the rounding, with the cells they came from."""

    budget_to_date: Decimal | None = None
    actual_to_date: Decimal | None = None
    actual_to_date_gross: Decimal | None = None
    actual_to_date_income: Decimal | None = None
    last_year_budget: Decimal | None = None
    last_year_outturn: Decimal | None = None
    net_given: tuple[tuple[str, Decimal, Where], ...] = ()


@attrs.frozen
class BudgetLine:
    """One A-Z budget line: its cash limit and forecast outturn, gross and income."""

    portfolio: str
    section: str
    line: str
    cash_limit: GrossIncome
    forecast: GrossIncome
    comment: str = ""
    where: Where = NOWHERE
    #: The part of the line's variance that recurs next year (its unexplained pressure or
    #: saving; items give their own), in pounds; None when not given.
    full_year_effect: Decimal | None = None
    #: The council's own number for the line (``1``, ``2.3``, ``4a``); blank when not given.
    ref: str = ""
    #: A net-only line gives only net figures: its net is held as ``gross`` (income zero),
    #: and every table shows it as net, its gross and income blank.
    net_only: bool = False
    #: What the line's row gives beside its cash limit and forecast (spend to date, last
    #: year); None when it gives none of them.
    extra: LineExtra | None = None
    columns: Mapping[str, str] = _columns()

    @property
    def variance(self) -> GrossIncome:
        """Forecast minus cash limit: positive is a pressure, negative an underspend."""
        return self.forecast - self.cash_limit

    @property
    def key(self) -> tuple[str, str]:
        return (self.portfolio, self.line)


@attrs.frozen
class Driver:
    """An activity driver behind a budget line (client weeks, placements...).

    Volumes are counts; unit costs and income rates are pounds per unit. The budget
    volume is the affordable level. Income rates are ``None`` where no income follows
    the volume.
    """

    line: str
    driver: str
    unit: str
    budget_volume: Decimal
    budget_unit_cost: Decimal
    forecast_volume: Decimal
    forecast_unit_cost: Decimal
    budget_income_rate: Decimal | None = None
    forecast_income_rate: Decimal | None = None
    portfolio: str = ""
    where: Where = NOWHERE
    group: str = ""
    group_where: Where = NOWHERE
    columns: Mapping[str, str] = _columns()


@attrs.frozen
class VarianceItem:
    """An explained variance with no activity data (legal costs, a contract saving...)."""

    line: str
    description: str
    amount: GrossIncome
    portfolio: str = ""
    where: Where = NOWHERE
    #: The part of the item that recurs next year, in pounds (None when not given).
    full_year_effect: Decimal | None = None
    columns: Mapping[str, str] = _columns()


@attrs.frozen
class CashLimitChange:
    """A step from the previous report's cash limit to this one's (``Opening`` is the start)."""

    portfolio: str
    line: str
    category: str
    amount: GrossIncome
    description: str = ""
    where: Where = NOWHERE
    columns: Mapping[str, str] = _columns()


@attrs.frozen
class Saving:
    """A saving built into the budget, and how its delivery stands (Red, Amber, Green)."""

    portfolio: str
    line: str
    saving: str
    amount: Decimal
    rag: str
    comment: str = ""
    where: Where = NOWHERE
    columns: Mapping[str, str] = _columns()


@attrs.frozen
class CapitalRow:
    """One capital project's cash limit and forecast for one year (amounts in pounds)."""

    portfolio: str
    project: str
    status: str
    year: str
    cash_limit: Decimal
    forecast: Decimal
    where: Where = NOWHERE
    columns: Mapping[str, str] = _columns()


@attrs.frozen
class Indicator:
    """One key activity indicator for one period: budgeted level against actual."""

    indicator: str
    unit: str
    period: str
    budget_level: Decimal | None
    actual: Decimal | None
    budget_unit_cost: Decimal | None
    actual_unit_cost: Decimal | None
    where: Where = NOWHERE


#: Polarity as written on the KPIs sheet (any case) -> ``higher`` or ``lower`` is better.
Polarity = Literal["higher", "lower"]

POLARITIES: dict[str, Polarity] = {
    "higher is better": "higher",
    "higher": "higher",
    "lower is better": "lower",
    "lower": "lower",
}
POLARITY_WORDS = ("Higher is better", "Lower is better", "Higher", "Lower")


@attrs.frozen
class KpiRow:
    """One row of the ``KPIs`` sheet: one indicator's actual and target for one period.

    ``polarity`` is ``higher`` or ``lower`` (is better); ``period`` the period as written
    (a date cell as its month); a blank ``actual`` is a period still to come, a blank
    ``target`` gives the period no rating, a blank ``minimum`` (the minimum acceptable
    level) means none is set. ``where`` is the row's Period cell."""

    indicator: str
    service_area: str
    polarity: Polarity
    unit: str
    period: str
    actual: Decimal | None
    target: Decimal | None
    minimum: Decimal | None = None
    where: Where = NOWHERE


@attrs.frozen
class Action:
    """One row of the ``Actions`` sheet: an action plan's action, its target (what, or by
    when, as written), its progress and its RAG status."""

    action: str
    target: str
    progress: str
    rag: str
    where: Where = NOWHERE


@attrs.frozen
class ManagementAction:
    """An action management has agreed to take, and its effect on the forecast: ``amount``
    is pounds of spending (negative reduces it), not yet in the forecast. ``line`` may be
    blank for an action across the portfolio. ``rag`` is how sure its delivery is."""

    portfolio: str
    line: str
    action: str
    amount: Decimal
    rag: str
    where: Where = NOWHERE
    columns: Mapping[str, str] = _columns()


#: The sides of a Subjective analysis row, as written on the sheet.
SUBJECTIVE_SIDES = ("Gross", "Income")


@attrs.frozen
class SubjectiveRow:
    """One row of the ``Subjective analysis`` sheet: a kind of spending or income
    (``subjective``: Employees, Premises, Client contributions...) on one side of a budget
    line, with its cash limit and forecast (and spend to date, None when not given)."""

    line: str
    subjective: str
    side: str  # "Gross" or "Income"
    cash_limit: Decimal
    forecast: Decimal
    actual_to_date: Decimal | None = None
    portfolio: str = ""
    where: Where = NOWHERE


@attrs.frozen
class RollForward:
    """A request to carry part of a line's underspend into next year: ``amount`` in pounds
    (positive), what it is for, and whether it is ``Proposed``, ``Agreed`` or ``Declined``.
    ``where`` is the row's Amount cell."""

    portfolio: str
    line: str
    amount: Decimal
    purpose: str
    status: str
    where: Where = NOWHERE
    columns: Mapping[str, str] = _columns()


@attrs.frozen
class Quarter:
    """Everything read from one quarterly workbook. Optional sheets that were absent
    give ``None`` (not an empty tuple, which means the sheet was there with no rows)."""

    settings: Settings
    lines: tuple[BudgetLine, ...]
    drivers: tuple[Driver, ...] | None = None
    items: tuple[VarianceItem, ...] | None = None
    changes: tuple[CashLimitChange, ...] | None = None
    savings: tuple[Saving, ...] | None = None
    capital: tuple[CapitalRow, ...] | None = None
    indicators: tuple[Indicator, ...] | None = None
    source: str = ""
    kpis: tuple[KpiRow, ...] | None = None
    actions: tuple[Action, ...] | None = None
    management_actions: tuple[ManagementAction, ...] | None = None
    subjective: tuple[SubjectiveRow, ...] | None = None
    roll_forward: tuple[RollForward, ...] | None = None


# --- results ----------------------------------------------------------------------------


class Component(NamedTuple):
    """One part of a line's variance on one side. A line's components on a side add up,
    to the penny, to its variance on that side.

    ``source`` is the driver name for driver effects, the description for items and
    blank for the unexplained remainder. ``label`` is the committee wording, made from
    these when it is shown.

    A ``NamedTuple`` rather than an attrs record like the others: a large quarter has
    hundreds of thousands of components, and a named tuple is made in a third of the
    time. It is just as immutable (``_replace`` makes a changed copy).
    """

    portfolio: str
    line: str
    source: str
    side: Side
    kind: Kind
    amount: Decimal
    where: Where = NOWHERE

    @property
    def label(self) -> str:
        """``Fostering - Client weeks - Gross - activity higher than affordable level``:
        the line, the driver (for its effects), the side, and why (an item's description)."""
        side = "Gross" if self.side == "gross" else "Income" if self.side == "income" else "Net"
        if self.kind == "item":
            return f"{self.line} - {side} - {self.source}"
        why = REASONS[self.kind][self.amount > 0]
        if self.source:
            return f"{self.line} - {self.source} - {side} - {why}"
        return f"{self.line} - {side} - {why}"


_JOINT = "joint effect of the changes in activity and unit cost"
_INCOME_JOINT = "joint effect of the changes in activity and income rate"

#: Why a driver effect or remainder arose, by kind: (for an underspend, for a pressure).
REASONS: dict[str, tuple[str, str]] = {
    "activity": ("activity lower than affordable level", "activity higher than affordable level"),
    "unit_cost": ("unit cost below affordable level", "unit cost above affordable level"),
    "income_activity": (
        "activity higher than budgeted, so more income",
        "activity lower than budgeted, so less income",
    ),
    "income_rate": ("income rate above budget", "income rate below budget"),
    "joint": (_JOINT, _JOINT),
    "income_joint": (_INCOME_JOINT, _INCOME_JOINT),
    "unexplained": ("needs an explanation", "needs an explanation"),
}


@attrs.frozen
class DriverEffect:
    """A driver's split: volume and unit-cost effects on cost, and on income that follows
    volume; ``joint`` and ``income_joint`` are the joint effects of the three-way split
    (zero under the other methods)."""

    driver: Driver
    portfolio: str
    budget_cost: Decimal
    forecast_cost: Decimal
    activity: Decimal
    unit_cost: Decimal
    income_activity: Decimal = ZERO
    income_rate: Decimal = ZERO
    joint: Decimal = ZERO
    income_joint: Decimal = ZERO

    @property
    def volume_difference(self) -> Decimal:
        return self.driver.forecast_volume - self.driver.budget_volume

    @property
    def unit_cost_difference(self) -> Decimal:
        return self.driver.forecast_unit_cost - self.driver.budget_unit_cost


@attrs.frozen
class OverThreshold:
    """The table of components at or over the threshold, in size order."""

    threshold: Decimal
    pressures: tuple[Component, ...]
    underspends: tuple[Component, ...]

    @property
    def total_pressures(self) -> Decimal:
        return sum((c.amount for c in self.pressures), ZERO)

    @property
    def total_underspends(self) -> Decimal:
        return sum((c.amount for c in self.underspends), ZERO)


@attrs.frozen
class LineTotals:
    """Budget lines added up: their cash limit, forecast and variance, gross and income."""

    cash_limit: GrossIncome
    forecast: GrossIncome
    variance: GrossIncome


def totals_by(lines: Iterable[BudgetLine], key: Callable[[BudgetLine], _K | None]) -> dict[_K, LineTotals]:
    """The lines added up by ``key`` (a line whose key is None is in no total), in the order
    first met: the one place line totals are made. Six running sums per key, added as
    ``sum`` of ``GrossIncome`` would add them (the same additions in the same order, so the
    same exact figures), without a record per addition (a report may have 100,000 lines)."""
    found: dict[_K, list[Decimal]] = {}
    for bl in lines:
        k = key(bl)
        if k is None:
            continue
        acc = found.get(k)
        if acc is None:
            acc = found[k] = [ZERO, ZERO, ZERO, ZERO, ZERO, ZERO]
        c, f = bl.cash_limit, bl.forecast
        acc[0] += c.gross
        acc[1] += c.income
        acc[2] += f.gross
        acc[3] += f.income
        acc[4] += f.gross - c.gross
        acc[5] += f.income - c.income
    return {
        k: LineTotals(GrossIncome(a[0], a[1]), GrossIncome(a[2], a[3]), GrossIncome(a[4], a[5]))
        for k, a in found.items()
    }


def line_totals(lines: Iterable[BudgetLine]) -> LineTotals:
    """All the lines added up (zeros for none)."""
    found = totals_by(lines, lambda bl: True)
    return found[True] if found else LineTotals(GrossIncome(), GrossIncome(), GrossIncome())


def portfolio_variances(lines: Iterable[BudgetLine]) -> dict[str, GrossIncome]:
    """Each portfolio's variance (forecast less cash limit), in the order first met."""
    return {pf: t.variance for pf, t in totals_by(lines, lambda bl: bl.portfolio).items()}


def _pounds(pennies: int) -> Decimal:
    return Decimal(pennies).scaleb(-2)


_R = TypeVar("_R")


class _Columns(Sequence[_R]):
    """What ``LineColumns`` and ``ComponentColumns`` share: records made one at a time as they
    are iterated, and equality with any sequence of the same records."""

    __slots__ = ()

    def __iter__(self) -> Iterator[_R]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Sequence)
            and len(other) == len(self)
            and all(a == b for a, b in zip(self, other, strict=False))
        )

    __hash__ = None  # type: ignore[assignment]


class LineColumns(_Columns[BudgetLine]):
    """Budget lines held as columns, the way the history store gives them back: the texts
    in lists (each distinct text once), the amounts in whole pennies in arrays of 64-bit
    integers. A ``BudgetLine`` is made only when one is asked for; the movement reads the
    columns themselves. 100,000 lines take about 6 MB instead of about 80 MB as records."""

    __slots__ = ("portfolio", "section", "line", "comment", "cash_gross", "cash_income", "fore_gross", "fore_income")

    def __init__(self) -> None:
        self.portfolio: list[str] = []
        self.section: list[str] = []
        self.line: list[str] = []
        self.comment: list[str] = []
        self.cash_gross, self.cash_income = array("q"), array("q")
        self.fore_gross, self.fore_income = array("q"), array("q")

    def __len__(self) -> int:
        return len(self.line)

    @overload
    def __getitem__(self, i: int) -> BudgetLine: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[BudgetLine]: ...
    def __getitem__(self, i: int | slice) -> BudgetLine | Sequence[BudgetLine]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        p = _pounds
        return BudgetLine(
            self.portfolio[i],
            self.section[i],
            self.line[i],
            GrossIncome(p(self.cash_gross[i]), p(self.cash_income[i])),
            GrossIncome(p(self.fore_gross[i]), p(self.fore_income[i])),
            self.comment[i],
        )


class ComponentColumns(_Columns[Component]):
    """Components held as columns (texts in lists, amounts in whole pennies), as
    ``LineColumns`` holds lines; a ``Component`` is made only when one is asked for."""

    __slots__ = ("portfolio", "line", "source", "side", "kind", "amount")

    def __init__(self) -> None:
        self.portfolio: list[str] = []
        self.line: list[str] = []
        self.source: list[str] = []
        self.side: list[Side] = []
        self.kind: list[str] = []  # a Kind
        self.amount = array("q")

    def __len__(self) -> int:
        return len(self.amount)

    @overload
    def __getitem__(self, i: int) -> Component: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Component]: ...
    def __getitem__(self, i: int | slice) -> Component | Sequence[Component]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return Component(
            self.portfolio[i],
            self.line[i],
            self.source[i],
            self.side[i],
            self.kind[i],  # type: ignore[arg-type]
            _pounds(self.amount[i]),
        )


@attrs.frozen
class PreviousReport:
    """The report movement is measured from: its lines and components as recorded.

    ``source`` is ``history`` (read from the history store) or ``file`` (``--previous``);
    ``name`` is the store or file it came from; ``recorded_at`` when it was recorded
    (ISO 8601, UTC; blank for a file); ``version`` its version in the store, and
    ``status`` whether it is ``approved`` or a ``draft`` (none of its period's versions is
    approved; blank for a file).
    """

    organisation: str
    period: str
    source: Literal["history", "file"]
    lines: Sequence[BudgetLine]  # a tuple, or ``LineColumns`` when read from the store
    components: Sequence[Component]  # likewise ``ComponentColumns``
    recorded_at: str = ""
    name: str = ""
    version: int | None = None
    status: str = ""

    @property
    def variance(self) -> GrossIncome:
        return sum((bl.variance for bl in self.lines), GrossIncome())

    def portfolio_variances(self) -> dict[str, GrossIncome]:
        """Each portfolio's variance, in the order of the lines."""
        return portfolio_variances(self.lines)
