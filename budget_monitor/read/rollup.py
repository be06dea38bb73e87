"""Several quarterly workbooks -> one quarter: a directorate's report from its services'.

``combine(parts)`` takes each workbook's name and records, read as usual, and gives one
``Quarter`` holding all their portfolios, with the problems found in combining them.
The engine then analyses the combined quarter once, as it would one workbook.

What it must not do: open files, do the report's arithmetic, or reword what the reader
found. It decides only what belongs to the combining (docs/several-workbooks.md):

- every record and problem keeps the name of its workbook (``Where.file``, see ``tag``);
- the periods must agree: an error on each workbook whose period differs from the first's;
- a portfolio may come from one workbook only, and so may an indicator's period: an
  error naming both workbooks;
- a driver or item that names no portfolio refers to a line of its own workbook;
- the organisation is the first one named (a warning on a workbook that names another);
- the title is the one given, else the workbooks' own when they agree, else none (a
  warning asking for one);
- each workbook's amounts were read in its own units, so units may differ; the combined
  units are the common ones, or ``mixed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ..model import Problem, Quarter, Settings, Where, cell, error, warning
from ..periods import place

#: The units of a combined quarter whose workbooks gave different ones.
MIXED = "mixed"

_PARTS = (
    "drivers",
    "items",
    "changes",
    "savings",
    "capital",
    "indicators",
    "kpis",
    "actions",
    "roll_forward",
    "subjective",
    "management_actions",
)


def _tagged_where(where: Where, name: str) -> Where:
    return Where(where.sheet, where.row, where.column, name)


def tag_problems(problems: Iterable[Problem], name: str) -> list[Problem]:
    """``problems`` with ``name`` as the file of each one's place (one that names a file keeps it)."""
    return [p if p.where.file else Problem(p.level, p.code, p.message, _tagged_where(p.where, name)) for p in problems]


def _tag_records(records: tuple | None, name: str) -> tuple | None:
    if records is None:
        return None
    evolve = attrs.evolve
    return tuple([evolve(r, where=_tagged_where(r.where, name)) for r in records])


def tag(quarter: Quarter, name: str) -> Quarter:
    """The same quarter with ``name`` as the file of every record's place, so that what
    the engine finds about a record names the workbook it came from."""
    parts: dict[str, Any] = {field: _tag_records(getattr(quarter, field), name) for field in _PARTS}
    return attrs.evolve(quarter, lines=_tag_records(quarter.lines, name) or (), source=name, **parts)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same_period(a: str, b: str) -> bool:
    """The same period however written (``2004/5 Q2`` and ``Q2 2004-05``)."""
    pa, pb = place(a), place(b)
    return pa == pb if pa is not None and pb is not None else _norm(a) == _norm(b)


def _settings_where(name: str) -> Where:
    return Where("Settings", file=name)


def _periods(parts: Sequence[tuple[str, Quarter]]) -> list[Problem]:
    first_name, first = parts[0]
    want = first.settings.period
    out = []
    for name, q in parts[1:]:
        got = q.settings.period
        if _same_period(got, want):
            continue
        said = f"the period is '{got}'" if got.strip() else "no period is given"
        theirs = f"'{want}'" if want.strip() else "not given"
        out.append(
            error(
                "period-differs",
                f"{said}, but {first_name}'s is {theirs}; the workbooks of one report must be for the same period",
                attrs.evolve(q.settings.period_where, file=name) if got.strip() else _settings_where(name),
            )
        )
    return out


def _portfolio_places(q: Quarter) -> Iterable[tuple[str, Where]]:
    """Every portfolio a workbook names, with the first place it is named."""
    for bl in q.lines:
        yield bl.portfolio, cell(bl.where, bl.columns, "portfolio")
    for field in ("changes", "savings", "capital", "drivers", "items", "management_actions"):
        for r in getattr(q, field) or ():
            if r.portfolio:
                yield r.portfolio, cell(r.where, r.columns, "portfolio")


def _portfolios(parts: Sequence[tuple[str, Quarter]]) -> list[Problem]:
    owner: dict[str, tuple[str, Where]] = {}  # portfolio ignoring case -> workbook, first place
    out = []
    for name, q in parts:
        mine: dict[str, tuple[str, Where]] = {}
        for portfolio, where in _portfolio_places(q):
            key = _norm(portfolio)
            if key and key not in mine:
                mine[key] = (portfolio, where)
        for key, (portfolio, where) in mine.items():
            if key in owner:
                other, place = owner[key]
                out.append(
                    error(
                        "portfolio-in-two-workbooks",
                        f"the portfolio '{portfolio}' is also in {other} ({place}); "
                        "a portfolio may come from one workbook only",
                        where,
                    )
                )
        for key, (_, where) in mine.items():
            owner.setdefault(key, (name, where))
    return out


def _indicators(parts: Sequence[tuple[str, Quarter]]) -> list[Problem]:
    owner: dict[tuple[str, str], tuple[str, Where]] = {}
    out = []
    for name, q in parts:
        mine: dict[tuple[str, str], Any] = {}
        for i in q.indicators or ():
            mine.setdefault((_norm(i.indicator), _norm(i.period)), i)
        for key, i in mine.items():
            if key in owner:
                other, place = owner[key]
                out.append(
                    error(
                        "indicator-in-two-workbooks",
                        f"the indicator '{i.indicator}' for {i.period} is also in {other} ({place}); "
                        "an indicator's period may come from one workbook only",
                        i.where.at(""),
                    )
                )
            else:
                owner[key] = (name, i.where)
    return out


def _own_lines(parts: Sequence[tuple[str, Quarter]]) -> tuple[list[tuple[str, Quarter]], list[Problem]]:
    """Drivers and items that name no portfolio are meant for a line of their own workbook:
    where the line's name is in several portfolios of the whole report but one of their
    workbook, they get that portfolio; one that names a line only another workbook has
    is an error (and left out, so that it does not explain another workbook's line)."""
    where_named: dict[str, set[tuple[int, str]]] = {}  # line ignoring case -> (workbook, portfolio)
    for k, (_, q) in enumerate(parts):
        for bl in q.lines:
            where_named.setdefault(bl.line.casefold(), set()).add((k, bl.portfolio))
    out_parts = []
    problems: list[Problem] = []
    for k, (name, q) in enumerate(parts):
        changed: dict[str, Any] = {}
        for field, what in (("drivers", "driver"), ("items", "item")):
            records = getattr(q, field)
            if not records:
                continue
            kept = []
            touched = False
            for r in records:
                named = where_named.get(r.line.casefold()) if not r.portfolio else None
                if named is None or len({p for _, p in named}) < 2 and all(j == k for j, _ in named):
                    kept.append(r)
                    continue
                own = {p for j, p in named if j == k}
                touched = True
                if len(own) == 1:
                    kept.append(attrs.evolve(r, portfolio=own.pop()))
                elif own:
                    kept.append(r)  # ambiguous within its own workbook: the engine says so
                else:
                    others = sorted({parts[j][0] for j, _ in named})
                    label = r.driver if what == "driver" else r.description
                    problems.append(
                        error(
                            "line-in-other-workbook",
                            f"{what} '{label}' refers to the budget line '{r.line}', which is not on this "
                            f"workbook's Budget lines but on {' and '.join(others)}'s; a workbook's drivers and "
                            "items refer to its own lines",
                            r.where,
                        )
                    )
            if touched:
                changed[field] = tuple(kept)
        out_parts.append((name, attrs.evolve(q, **changed) if changed else q))
    return out_parts, problems


def _one(values: Iterable[str]) -> list[str]:
    """The distinct non-blank values, as first written, in order (ignoring case and spacing)."""
    seen: dict[str, str] = {}
    for v in values:
        if v.strip():
            seen.setdefault(_norm(v), v)
    return list(seen.values())


def _settings(parts: Sequence[tuple[str, Quarter]], title: str | None) -> tuple[Settings, list[Problem]]:
    problems: list[Problem] = []
    organisations = _one(q.settings.organisation for _, q in parts)
    organisation = organisations[0] if organisations else ""
    first_named = next((n for n, q in parts if q.settings.organisation.strip()), "")
    for name, q in parts:
        org = q.settings.organisation
        if org.strip() and _norm(org) != _norm(organisation):
            problems.append(
                warning(
                    "organisation-differs",
                    f"the organisation is '{org}', but {first_named}'s is '{organisation}'; "
                    f"the report is for '{organisation}'",
                    attrs.evolve(q.settings.organisation_where, file=name),
                )
            )
    if title is None:
        titles = _one(q.settings.title for _, q in parts)
        title = titles[0] if len(titles) == 1 else ""
        if len(titles) > 1:
            named = ", ".join(f"'{q.settings.title}' ({n})" for n, q in parts if q.settings.title.strip())
            problems.append(
                warning(
                    "title-differs",
                    f"the workbooks have different titles ({named}), so the report has none; give it one (--title)",
                    _settings_where(parts[0][0]),
                )
            )
    units = {q.settings.units for _, q in parts}
    capital_units = {q.settings.capital_units for _, q in parts}
    first = parts[0][1].settings
    # Each workbook's variances were read in its own sign; the report shows them in the first's.
    for name, q in parts[1:]:
        if q.settings.variance_sign != first.variance_sign:
            problems.append(
                warning(
                    "variance-sign-differs",
                    f"Variance sign is '{q.settings.variance_sign}' here but '{first.variance_sign}' in "
                    f"{parts[0][0]}; each workbook's variances are read in its own sign and the report shows "
                    f"them all as '{first.variance_sign}'",
                    _settings_where(name),
                )
            )
    return (
        Settings(
            organisation=organisation,
            period=first.period,
            title=title,
            units=first.units if len(units) == 1 else MIXED,
            capital_units=first.capital_units if len(capital_units) == 1 else MIXED,
            variance_sign=first.variance_sign,
            negative_numbers=first.negative_numbers,
            order=first.order,
            committee=first.committee,
            meeting_date=first.meeting_date,
            contact=first.contact,
            recommendations=first.recommendations,
        ),
        problems,
    )


def combine(parts: Sequence[tuple[str, Quarter]], title: str | None = None) -> tuple[Quarter | None, list[Problem]]:
    """One quarter of all the workbooks' records, and the problems of combining them.

    ``parts`` are each workbook's name and records, in the order given, with their places
    already naming the workbook (``tag``). The quarter is None when the workbooks cannot
    be one report (periods that differ, a portfolio or an indicator's period in two):
    the problems say why. ``title``, when given, names the whole.
    """
    if not parts:
        raise ValueError("no workbooks to combine")
    problems = _periods(parts) + _portfolios(parts) + _indicators(parts)
    if problems:
        return None, problems
    parts, more = _own_lines(parts)
    settings, said = _settings(parts, title)
    problems += more + said
    combined: dict[str, tuple | None] = {}
    for field in _PARTS:
        given = [getattr(q, field) for _, q in parts]
        present = [records for records in given if records is not None]
        combined[field] = tuple(r for records in present for r in records) if present else None
    lines = tuple(bl for _, q in parts for bl in q.lines)
    source = ", ".join(name for name, _ in parts)
    return Quarter(settings=settings, lines=lines, source=source, **combined), problems
