"""Thresholds and limits: ``rules/default.toml`` and any file given with ``--rules``.

The defaults below are the values of ``rules/default.toml`` (a test keeps the two the
same), so the package works when installed without the repository around it.

It reads the rules file and nothing else; it must not import any other part of the package.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Protocol, TypeVar

import attrs


class _Amounted(Protocol):
    @property
    def amount(self) -> Decimal: ...  # read-only, so that named tuples (Component) qualify


_HasAmount = TypeVar("_HasAmount", bound=_Amounted)


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key."""


class TemplateError(ValueError):
    """A committee-paper template (``--docx-template``, ``[docx] template``) that cannot be
    built on; the message names the file."""


@attrs.frozen
class Threshold:
    amount: Decimal
    round_to: Decimal = Decimal(1000)
    inclusive: bool = True

    def reached(self, amount: Decimal) -> bool:
        """Is the size of ``amount``, rounded half away from zero to ``round_to``, at (or,
        when not inclusive, over) the threshold? Compared as the smallest size that
        rounds far enough, worked out once."""
        return abs(amount) >= self.bound

    def reaching(self, records: Iterable[_HasAmount]) -> list[_HasAmount]:
        """The records whose ``amount`` has ``reached`` the threshold, in the order given."""
        bound = self.bound
        return [r for r in records if abs(r.amount) >= bound]

    @functools.cached_property
    def bound(self) -> Decimal:
        # A size rounds to at least k units of round_to exactly when it is at least
        # (k - 1/2) units; k is the threshold in units, rounded up (or the next unit).
        units = self.amount / self.round_to
        k = math.ceil(units) if self.inclusive else math.floor(units) + 1
        return (Decimal(k) - Decimal("0.5")) * self.round_to


@attrs.frozen
class Limits:
    """What a workbook package may be before it is read: its unpacked sizes (zip bombs), and
    each sheet's reach (rows, columns, and cells: the grid from A1 to its last cell, which
    the reader allocates whole, and the cells it holds), declared or found."""

    max_entry_bytes: int = 1 << 30
    max_total_bytes: int = 4 << 30
    max_compression_ratio: int = 200
    max_sheet_rows: int = 1_000_000
    max_sheet_columns: int = 2_000
    max_sheet_cells: int = 10_000_000


#: The wording choices councils differ on, and what each may be.
HEADING_UNITS = ("£k", "£m")
WORDS = ("pressure/saving", "overspend/underspend", "pressure/underspend")


@attrs.frozen
class Wording:
    """How the drafted narrative says things (``[narrative]``): ``units`` of the headings'
    figures (``£k``, or ``£m`` to one decimal place), ``words`` for a positive and a
    negative variance, and how much the Word document shows before it summarises: at most
    ``docx_rows`` rows a table and ``docx_sections`` line sections."""

    units: str = "£k"
    words: str = "pressure/saving"
    docx_rows: int = 120
    docx_sections: int = 40

    @property
    def pressure(self) -> str:
        return self.words.split("/")[0]

    @property
    def saving(self) -> str:
        return self.words.split("/")[1]


#: The variance conventions ``[split] method`` may name, the default first (the
#: arithmetic is ``engine.conventions``; the rules only check the name).
SPLIT_METHODS: tuple[str, ...] = ("budget-rate", "three-way", "shapley")


@attrs.frozen
class Rules:
    revenue: Threshold = Threshold(Decimal(100_000))
    capital: Threshold = Threshold(Decimal(250_000))
    rephasing_list: Decimal = Decimal(1_000_000)
    limits: Limits = Limits()
    narrative: Wording = Wording()
    #: A KPI that misses its target by at most this fraction of the target is Amber.
    kpi_tolerance: Decimal = Decimal("0.10")
    #: How a driver's variance is split into activity and unit-cost effects (and income alike).
    split_method: str = SPLIT_METHODS[0]
    #: A line or component is listed on the Movement sheet when it moved by this much.
    movement: Threshold = Threshold(Decimal(100_000))
    #: ``[revenue] rounding``: a remainder (a line's unexplained variance, a net that
    #: differs from its gross and income, subjective rows against their line) no larger
    #: than this, in pounds, is rounding, not a variance; None: one unit of the sheet's
    #: ``Units`` (£1,000 for £000).
    rounding: Decimal | None = None

    def rounding_for(self, units: str) -> Decimal:
        """The rounding tolerance for a sheet in ``units`` (``£``, ``£000``, ``£m``)."""
        if self.rounding is not None:
            return self.rounding
        return {"£": Decimal(1), "£m": Decimal(1_000_000)}.get(units, Decimal(1000))

    #: The council's Word template the committee paper is built on (``[docx] template``;
    #: a relative path is taken from the rules file's folder). None: the built-in look.
    docx_template: Path | None = None
    #: A forecast is within tolerance of the outturn when its net error is at most this
    #: fraction of the line's net cash limit (``[accuracy] tolerance``).
    accuracy_tolerance: Decimal = Decimal("0.01")


_KNOWN = {
    "revenue": {"threshold", "round_to", "inclusive", "rounding"},
    "capital": {"threshold", "round_to", "inclusive", "rephasing_list"},
    "limits": {
        "max_entry_bytes",
        "max_total_bytes",
        "max_compression_ratio",
        "max_sheet_rows",
        "max_sheet_columns",
        "max_sheet_cells",
    },
    "narrative": {"units", "words", "docx_rows", "docx_sections"},
    "kpi": {"amber_tolerance"},
    "split": {"method"},
    "movement": {"threshold", "round_to", "inclusive"},
    "docx": {"template"},
    "accuracy": {"tolerance"},
}


def _docx_template(path: Path, table: dict[str, object]) -> Path | None:
    """``[docx] template``: a .docx file, relative to the rules file's folder ("" for none)."""
    value = table.get("template", "")
    if value == "":
        return None  # the built-in look
    if not isinstance(value, str) or not value.strip().lower().endswith(".docx"):
        raise RulesError(f"{path}: docx.template = {value!r}: expected the path of a Word template ending in .docx")
    return path.parent / Path(value.strip()).expanduser()


def _wording(path: Path, table: dict[str, object]) -> Wording:
    values: dict[str, object] = {}
    for key, allowed in (("units", HEADING_UNITS), ("words", WORDS)):
        if key in table:
            value = table[key]
            if value not in allowed:
                quoted = ", ".join(f'"{a}"' for a in allowed)
                raise RulesError(f"{path}: narrative.{key} = {value!r}: expected one of {quoted}")
            values[key] = value
    for key in ("docx_rows", "docx_sections"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RulesError(f"{path}: narrative.{key} = {value!r}: expected a positive whole number")
            values[key] = value
    return Wording(**values)  # type: ignore[arg-type]


def _fraction(path: Path, key: str, value: object) -> Decimal:
    """A fraction from 0 to 1: a TOML decimal (``0.10``, read as the digits written, never
    as a binary float) or a quoted one."""
    if isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as the same float: what was typed
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        text = str(value).strip()
    else:
        text = ""
    try:
        fraction = Decimal(text)
    except ArithmeticError:
        fraction = Decimal("NaN")
    if not fraction.is_finite() or not 0 <= fraction <= 1:
        raise RulesError(f"{path}: {key} = {value!r}: expected a fraction from 0 to 1, such as 0.10 for 10%")
    return fraction


def _split_method(path: Path, table: dict[str, object]) -> str:
    method = table.get("method", SPLIT_METHODS[0])
    if not isinstance(method, str) or method.strip().casefold() not in SPLIT_METHODS:
        allowed = ", ".join(f'"{m}"' for m in SPLIT_METHODS)
        raise RulesError(f"{path}: split.method = {method!r}: unknown split method; expected one of {allowed}")
    return method.strip().casefold()


def _decimal(path: Path, key: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or isinstance(value, str) and not value.strip():
        # TOML floats are refused: a threshold is money and money is never binary.
        raise RulesError(f"{path}: {key} = {value!r}: expected a whole number of pounds or a quoted decimal")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise RulesError(f"{path}: {key} = {value!r}: expected a number") from None
    if not amount.is_finite():  # "NaN", "Infinity": Decimal reads them, no threshold is one
        raise RulesError(f"{path}: {key} = {value!r}: expected a number of pounds, such as 100000")
    if amount <= 0:
        raise RulesError(f"{path}: {key} = {value!r}: expected a positive amount")
    return amount


def _threshold(path: Path, name: str, table: dict[str, object], default: Threshold) -> Threshold:
    inclusive = table.get("inclusive", default.inclusive)
    if not isinstance(inclusive, bool):
        raise RulesError(f"{path}: {name}.inclusive = {inclusive!r}: expected true or false")
    return Threshold(
        _decimal(path, f"{name}.threshold", table["threshold"]) if "threshold" in table else default.amount,
        _decimal(path, f"{name}.round_to", table["round_to"]) if "round_to" in table else default.round_to,
        inclusive,
    )


def parse_rules(text: str, path: Path = Path("<rules>")) -> Rules:
    import tomllib  # only a rules file is read: the built-in rules are the defaults below

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML: {exc}") from None
    for section, value in data.items():
        if section not in _KNOWN or not isinstance(value, dict):
            raise RulesError(f"{path}: unknown section [{section}]; expected one of {', '.join(_KNOWN)}")
        unknown = set(value) - _KNOWN[section]
        if unknown:
            raise RulesError(
                f"{path}: unknown key {section}.{sorted(unknown)[0]}; expected one of {', '.join(sorted(_KNOWN[section]))}"
            )
    base = Rules()
    revenue = data.get("revenue", {})
    capital = data.get("capital", {})
    limits = data.get("limits", {})
    limit_values = {}
    for key in _KNOWN["limits"]:
        if key in limits:
            value = limits[key]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise RulesError(f"{path}: limits.{key} = {value!r}: expected a positive whole number")
            limit_values[key] = value
    return Rules(
        revenue=_threshold(path, "revenue", revenue, base.revenue),
        capital=_threshold(path, "capital", capital, base.capital),
        rephasing_list=_decimal(path, "capital.rephasing_list", capital["rephasing_list"])
        if "rephasing_list" in capital
        else base.rephasing_list,
        limits=attrs.evolve(base.limits, **limit_values),
        narrative=_wording(path, data.get("narrative", {})),
        kpi_tolerance=_fraction(path, "kpi.amber_tolerance", data["kpi"]["amber_tolerance"])
        if "amber_tolerance" in data.get("kpi", {})
        else base.kpi_tolerance,
        split_method=_split_method(path, data.get("split", {})),
        movement=_threshold(path, "movement", data.get("movement", {}), base.movement),
        rounding=_rounding(path, revenue["rounding"]) if "rounding" in revenue else None,
        docx_template=_docx_template(path, data.get("docx", {})),
        accuracy_tolerance=_fraction(path, "accuracy.tolerance", data["accuracy"]["tolerance"])
        if "tolerance" in data.get("accuracy", {})
        else base.accuracy_tolerance,
    )


def _rounding(path: Path, value: object) -> Decimal | None:
    """``[revenue] rounding``: ``"unit"`` (one unit of the sheet's Units: None), or pounds,
    zero or more (zero: every remainder is a variance)."""
    if isinstance(value, str) and value.strip().casefold() == "unit":
        return None
    if value == 0 and not isinstance(value, bool):
        return Decimal(0)
    if isinstance(value, str) and not value.strip().replace(".", "", 1).isdigit():
        raise RulesError(f'{path}: revenue.rounding = {value!r}: expected "unit" or a number of pounds, such as 1000')
    return _decimal(path, "revenue.rounding", value)


def load_rules(path: Path | None) -> Rules:
    """The rules in ``path``, or the defaults when ``path`` is None."""
    if path is None:
        return Rules()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise RulesError(f"{path}: the rules file is not UTF-8 text") from None
    return parse_rules(text, Path(path))
