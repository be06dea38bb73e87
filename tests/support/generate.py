"""Synthetic quarterly budget-monitoring workbooks for benchmarks.

    python benchmarks/generate.py N OUT.xlsx [--seed S]

writes a workbook of N budget lines in the input contract's format
(shared/spec/quarterly-workbook.md): Settings (Units £000, Capital units £m),
Budget lines, Activity, Variance items, Cash limit changes, Savings, Capital and
Indicators. Names and magnitudes follow a real county-council quarter (Kent SCS
2011-12 Q3): A-Z lines of tens of thousands to tens of millions of pounds, drivers
counted in client weeks, hours, nights... with unit costs in pounds per unit.

All money is generated as integers (whole pounds) and written as numbers in £000
with up to three decimals, so every amount is an exact number of pence once read.
Volumes are integers, unit costs and income rates have two decimals. The same
N and seed give the same file, byte for byte.

The workbook is written with xlsxwriter in ``constant_memory`` mode (row by row,
no shared strings table): 100,000 lines take a few seconds.

Line names are unique within a portfolio but some repeat across portfolios (every
portfolio has a "Strategic Management & Directorate Support Budgets" line), so the
Activity and Variance items sheets carry the optional Portfolio column.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

PERIOD = "2011-12 Q3"
IN_YEAR = "2011-12"

DISTRICTS = (
    "Ashford", "Canterbury", "Dartford", "Dover", "Gravesham", "Maidstone", "Sevenoaks",
    "Shepway", "Swale", "Thanet", "Tonbridge & Malling", "Tunbridge Wells", "East Kent", "West Kent",
)  # fmt: skip

TOP_LINES = ("Strategic Management & Directorate Support Budgets", "Directorate Business Support")

# portfolio -> section -> stems of A-Z line names (unique within the portfolio)
PORTFOLIOS: dict[str, dict[str, tuple[str, ...]]] = {
    "Specialist Children's Services": {
        "Social Services for Children": (
            "Fostering Service",
            "16+ Service",
            "Adoption Service",
            "Asylum Seekers",
            "Residential Children's Services",
            "Childrens Support Services",
            "Leaving Care",
        ),
        "Services for Schools": ("Early Years & Childcare Advisory Service", "Educational Psychology Service"),
        "Safeguarding": ("Assessment of Vulnerable Children", "Safeguarding Unit", "Family Support Services"),
    },
    "Adult Social Care & Public Health": {
        "Older People": (
            "Residential Care - Older People",
            "Nursing Care - Older People",
            "Domiciliary Care - Older People",
            "Day Care - Older People",
        ),
        "Learning Disability": (
            "Supported Living - Learning Disability",
            "Residential Care - Learning Disability",
            "LD Good Day Programme",
        ),
        "Physical Disability": ("Direct Payments - Physical Disability", "Domiciliary Care - Physical Disability"),
        "Mental Health": ("Mental Health Community Support", "Mental Health Residential Care"),
        "Public Health": ("Drug & Alcohol Action Team", "Sexual Health Services", "Health Improvement"),
    },
    "Education, Learning & Skills": {
        "Special Educational Needs": (
            "SEN Home to School Transport",
            "Independent Special Schools",
            "SEN Support Services",
        ),
        "Early Years": ("Children's Centres", "Free Early Education"),
        "Skills & Employability": ("14-19 Skills", "Adult Education", "Apprenticeships"),
        "Schools' Delegated Budgets": ("Primary Schools", "Secondary Schools", "Special Schools"),
    },
    "Environment, Highways & Waste": {
        "Highways": ("Highway Maintenance", "Street Lighting", "Winter Maintenance", "Traffic Management"),
        "Waste Management": ("Waste Disposal", "Household Waste Recycling Centres", "Waste Contracts"),
        "Transport": ("Concessionary Fares", "Subsidised Bus Services", "Mainstream Home to School Transport"),
        "Planning & Environment": ("Country Parks", "Planning Applications", "Environment Management"),
    },
    "Customer & Communities": {
        "Libraries & Archives": ("Libraries", "Archives", "Mobile Libraries"),
        "Community Safety": ("Community Wardens", "Trading Standards", "Emergency Planning"),
        "Youth Service": ("Youth Service", "Youth Offending Service"),
        "Sport & Leisure": ("Sports Development", "Arts Development"),
    },
    "Regeneration & Enterprise": {
        "Economic Development": ("Business Support", "Inward Investment", "Tourism"),
        "Regeneration Projects": ("Town Centre Regeneration", "Coastal Communities"),
    },
    "Finance & Business Support": {
        "Finance": ("Financial Services", "Internal Audit", "Insurance"),
        "Property": ("Property Management", "Facilities Management", "Energy"),
        "ICT": ("ICT Services", "ICT Contracts"),
    },
    "Democracy & Partnerships": {
        "Legal Services": ("Legal Services", "Coroners"),
        "Democratic Services": ("Member Services", "Elections"),
        "Communications": ("Communications & Media", "Contact Centre"),
    },
}

# driver name, unit, budget unit cost range in pence, share of lines with income that follows volume
DRIVERS = (
    ("In House Non Related", "client weeks", (30_000, 45_000)),
    ("Independent Fostering", "client weeks", (80_000, 120_000)),
    ("Independent Sector Residential", "client weeks", (150_000, 320_000)),
    ("Residential Care", "client weeks", (40_000, 90_000)),
    ("Nursing Care", "client weeks", (50_000, 95_000)),
    ("Supported Living", "client weeks", (60_000, 180_000)),
    ("Domiciliary Care", "hours", (1_300, 2_200)),
    ("Direct Payments", "hours", (1_000, 1_600)),
    ("Day Care", "sessions", (3_000, 7_000)),
    ("Supported Lodgings", "nights", (2_500, 6_000)),
    ("Eligible Clients", "client weeks", (70_000, 140_000)),
    ("Pupils Transported", "pupil days", (800, 4_000)),
    ("Waste Tonnage", "tonnes", (4_000, 11_000)),
    ("Passenger Journeys", "journeys", (80, 250)),
    ("Contract Hours", "hours", (2_500, 6_500)),
)

COMMENTS = (
    "Activity in excess of budget",
    "Staffing pressure",
    "Increased demand for service",
    "Renegotiated contract",
    "Vacancies held pending restructure",
    "Higher than budgeted unit costs",
    "Grant income lower than assumed",
    "Legal pressure",
    "Savings delivered early",
    "Increase in clients, and increase in those ineligible for funding",
)

ITEMS = (
    "Increased costs of legal services",
    "Staffing pressure as a result of inspection",
    "Vacancy management",
    "Contract savings",
    "Team fully staffed to meet increased demand",
    "Higher than budgeted payments",
    "Additional Health income for joint funded posts",
    "Delay in implementation of restructure",
    "One-off grant",
    "Recharges to schools",
    "Running costs",
    "Agency staff cover",
)

SAVINGS = (
    "High Cost Placements", "Out of County Placements", "Procurement savings", "Management restructure",
    "Shared services", "Transport route optimisation", "Contract renegotiation", "Income generation",
    "Back office efficiencies", "Property rationalisation",
)  # fmt: skip

CAPITAL = (
    "Modernisation of Assets", "Transforming Social Care", "Mental Health SCP", "LD Good Day Programme",
    "School Basic Need", "Academy Programme", "Highway Major Enhancement", "Integrated Transport Schemes",
    "Library Modernisation", "Waste Infrastructure", "Country Parks Access", "ICT Infrastructure",
    "Property Disposals Programme", "Energy Efficiency", "Broadband Delivery",
)  # fmt: skip
STATUSES = ("Rolling Programme", "Approval to Spend", "Approval to Plan", "Preliminary Stage")
CAPITAL_YEARS = ("Prev Yrs", "2011-12", "2012-13", "2013-14", "Future Years")

INDICATORS = (
    ("Foster care provided by KCC (non related)", "client weeks", 11_000, 39_500),
    ("Independent fostering placements", "client weeks", 900, 108_000),
    ("Residential care - older people", "client weeks", 40_000, 45_000),
    ("Domiciliary care", "hours", 180_000, 1_550),
    ("Household waste", "tonnes", 180_000, 7_500),
)
PERIODS = tuple(f"{y} Q{q}" for y in ("2010-11", "2011-12") for q in (1, 2, 3, 4))


def k(pounds: int) -> float:
    """Whole pounds as the number an Excel cell holds in £000 (three decimals at most).

    ``int / int`` is correctly rounded, so the cell holds the double nearest the exact
    decimal, which reads back as exactly that decimal.
    """
    return pounds / 1000


def m(thousands: int) -> float:
    """Thousands of pounds as the number an Excel cell holds in £m (three decimals at most)."""
    return thousands / 1000


def p(pence: int) -> float:
    """Pence as pounds with two decimals (a unit cost or rate per unit)."""
    return pence / 100


def _line_name(stem: str, i: int) -> str:
    """The i-th line name built on ``stem``: the stem, then by district, then numbered."""
    if i == 0:
        return stem
    d = len(DISTRICTS)
    district = DISTRICTS[(i - 1) % d]
    team = (i - 1) // d
    return f"{stem} - {district}" if team == 0 else f"{stem} - {district} {team + 1}"


def _round_pence(pence: int) -> int:
    """Pence to whole pounds, half away from zero."""
    q, r = divmod(abs(pence), 100)
    q += r >= 50
    return q if pence >= 0 else -q


class _Sheet:
    """A worksheet written row by row with typed cells (``constant_memory`` needs rows in order)."""

    def __init__(self, book, name: str, fmt_bold, widths=()):
        self.ws = book.add_worksheet(name)
        self.bold = fmt_bold
        self.row = 0
        self.cells = 0
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)

    def header(self, names):
        ws, r = self.ws, self.row
        for j, name in enumerate(names):
            ws.write_string(r, j, name, self.bold)
        self.row += 1
        self.cells += len(names)

    def write(self, values, fmts=None):
        ws, r = self.ws, self.row
        for j, v in enumerate(values):
            if v is None or v == "":
                continue
            f = fmts[j] if fmts else None
            if isinstance(v, str):
                ws.write_string(r, j, v, f)
            else:
                ws.write_number(r, j, v, f)
            self.cells += 1
        self.row += 1

    def skip(self, n=1):
        self.row += n


def generate(n: int, path: str | Path, seed: int = 1, tag: str = "") -> dict[str, int]:
    """Write a synthetic workbook of ``n`` budget lines to ``path``; return rows per sheet.

    ``tag`` is put after every portfolio's and indicator's name (``" (3)"``), so that
    workbooks made with different tags can be one report (``benchmarks/rollup.py``)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(seed)
    ri = rng.randint
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    # --- the lines -------------------------------------------------------------------
    # Each portfolio gets a share of the lines; each line a section and a name stem.
    names = list(PORTFOLIOS)
    weights = [ri(6, 14) for _ in names]
    total_w = sum(weights)
    counts = [max(1, n * w // total_w) for w in weights]
    counts[0] += n - sum(counts)
    while counts[0] < 1:  # tiny n: take from the largest
        big = counts.index(max(counts))
        counts[big] -= 1
        counts[0] += 1
    lines = []  # (portfolio, section, line, G, I, GF, IF, comment)
    drivers = []  # (portfolio, line, driver, unit, bv, bu, fv, fu, br, fr)
    items = []  # (portfolio, line, description, gross, income)
    for portfolio, count in zip(names, counts, strict=True):
        if count <= 0:
            continue
        sections = PORTFOLIOS[portfolio]
        stems = [(s, stem) for s, group in sections.items() for stem in group]
        used = {stem: 0 for _, stem in stems}
        for i in range(count):
            if i < len(TOP_LINES) and count > 20:
                section, line = "", TOP_LINES[i]
            else:
                section, stem = stems[ri(0, len(stems) - 1)]
                line = _line_name(stem, used[stem])
                used[stem] += 1
            # gross cash limit: log-uniform from £20k to £40m, whole pounds
            gross = int(20_000 * 2000 ** (ri(0, 10_000) / 10_000))
            income = 0
            if ri(1, 100) <= 60:
                income = -(gross * ri(50, 900) // 1000)
            g_change = i_change = 0  # pence
            if ri(1, 2) == 1:  # about half the lines have one driver
                name, unit, (lo, hi) = DRIVERS[ri(0, len(DRIVERS) - 1)]
                bu = ri(lo, hi)  # pence per unit
                bv = max(1, gross * 100 * ri(300, 900) // 1000 // bu)
                fv = bv * ri(850, 1200) // 1000
                fu = bu * ri(940, 1070) // 1000
                g_change = fv * fu - bv * bu
                br = fr = None
                if ri(1, 5) == 1:  # some income follows volume (a grant per client week)
                    br = bu * ri(200, 1000) // 1000
                    fr = br * ri(950, 1030) // 1000
                    income = min(income, -((bv * br + 99) // 100))
                    i_change = -(fv * fr - bv * br)
                drivers.append(
                    (
                        portfolio,
                        line,
                        name,
                        unit,
                        bv,
                        p(bu),
                        fv,
                        p(fu),
                        None if br is None else p(br),
                        None if fr is None else p(fr),
                    )
                )
            g_items = i_items = 0
            if ri(1, 3) == 1:  # about a third of lines have one or two explained items
                for _ in range(ri(1, 2)):
                    size = ri(1_000, max(2_000, gross * 4 // 100))
                    ig = size if ri(1, 10) <= 6 else -size
                    ii = 0
                    if income and ri(1, 4) == 1:
                        ii = ri(-max(1_000, -income * 3 // 100), max(1_000, -income * 2 // 100))
                    items.append((portfolio, line, ITEMS[ri(0, len(ITEMS) - 1)], k(ig), k(ii)))
                    g_items += ig
                    i_items += ii
            # whatever the drivers and items do not explain: nothing for half the lines
            g_rest = i_rest = 0
            if ri(1, 2) == 1:
                g_rest = ri(-gross // 50, gross // 50)
                if income:
                    i_rest = ri(income // 50, -income // 50)
            gf = gross + _round_pence(g_change) + g_items + g_rest
            inf = income + _round_pence(i_change) + i_items + i_rest
            comment = COMMENTS[ri(0, len(COMMENTS) - 1)] if ri(1, 5) == 1 else ""
            lines.append((portfolio, section, line, gross, income, gf, inf, comment))

    if tag:
        lines = [(ln[0] + tag, *ln[1:]) for ln in lines]
        drivers = [(d[0] + tag, *d[1:]) for d in drivers]
        items = [(it[0] + tag, *it[1:]) for it in items]
        names = [name + tag for name in names]

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties(
        {"title": "Synthetic quarterly budget monitoring", "author": "budget_monitor benchmarks",
         "created": dt.datetime(2012, 1, 31)}
    )  # fmt: skip
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.000"})
    rate = book.add_format({"num_format": "#,##0.00"})
    count_fmt = book.add_format({"num_format": "#,##0"})
    rows: dict[str, int] = {}

    # --- Settings --------------------------------------------------------------------
    s = _Sheet(book, "Settings", bold, (16, 60))
    s.header(("Setting", "Value"))
    for key, value in (
        ("Organisation", "Synthetic County Council"),
        ("Title", f"Budget Monitoring - synthetic quarter of {n:,} budget lines"),
        ("Period", PERIOD),
        ("Units", "£000"),
        ("Capital units", "£m"),
    ):
        s.write((key, value))
    rows["Settings"] = s.row

    # --- Budget lines (a title row above the header, as people do) --------------------
    s = _Sheet(book, "Budget lines", bold, (32, 30, 55, 14, 14, 14, 14, 40))
    s.write(("Revenue budget monitoring by A-Z budget line (£000)",), None)
    s.skip()
    s.header(("Portfolio", "Section", "Budget line", "Gross cash limit", "Income cash limit",
              "Gross forecast", "Income forecast", "Comment"))  # fmt: skip
    fm = (None, None, None, money, money, money, money, None)
    for portfolio, section, line, g, i, gf, inf, comment in lines:
        s.write((portfolio, section, line, k(g), k(i), k(gf), k(inf), comment), fm)
    rows["Budget lines"] = len(lines)

    # --- Activity --------------------------------------------------------------------
    s = _Sheet(book, "Activity", bold, (32, 55, 30, 14, 12, 14, 12, 14, 12, 14))
    s.header(("Portfolio", "Budget line", "Driver", "Unit", "Budget volume", "Budget unit cost",
              "Forecast volume", "Forecast unit cost", "Budget income rate", "Forecast income rate"))  # fmt: skip
    fm = (None, None, None, None, count_fmt, rate, count_fmt, rate, rate, rate)
    for d in drivers:
        s.write(d, fm)
    rows["Activity"] = len(drivers)

    # --- Variance items ----------------------------------------------------------------
    s = _Sheet(book, "Variance items", bold, (32, 55, 50, 12, 12))
    s.header(("Portfolio", "Budget line", "Description", "Gross", "Income"))
    fm = (None, None, None, money, money)
    for it in items:
        s.write(it, fm)
    rows["Variance items"] = len(items)

    # --- Cash limit changes: an Opening row per portfolio, then changes that reconcile --
    s = _Sheet(book, "Cash limit changes", bold, (32, 55, 12, 12, 12, 60))
    s.header(("Portfolio", "Budget line", "Category", "Gross", "Income", "Description"))
    fm = (None, None, None, money, money, None)
    by_portfolio: dict[str, list[tuple]] = {}
    for ln in lines:
        by_portfolio.setdefault(ln[0], []).append(ln)
    n_changes = 0
    for portfolio, pls in by_portfolio.items():
        total_g = sum(ln[3] for ln in pls)
        total_i = sum(ln[4] for ln in pls)
        changes = []
        for _ in range(ri(3, 8)):
            ln = pls[ri(0, len(pls) - 1)]
            cat = ("Grant", "Corporate", "Technical", "Virement")[ri(0, 3)]
            amt = ri(1_000, max(2_000, ln[3] // 20))
            if cat == "Grant":
                changes.append((ln[2], cat, amt, -amt, "Additional grant funding"))
            elif cat == "Corporate":
                changes.append(("", cat, -amt if ri(0, 1) else amt, 0, "Transfer of budget to corporate services"))
            elif cat == "Technical":
                changes.append((ln[2], cat, amt, -amt if ri(0, 1) else 0, "Technical adjustment"))
            else:  # a virement between two lines nets to nothing
                other = pls[ri(0, len(pls) - 1)]
                changes.append((ln[2], cat, amt, 0, f"Virement to {ln[2]}"))
                changes.append((other[2], cat, -amt, 0, f"Virement from {other[2]}"))
        open_g = total_g - sum(c[2] for c in changes)
        open_i = total_i - sum(c[3] for c in changes)
        s.write((portfolio, "", "Opening", k(open_g), k(open_i), "Per previous report"), fm)
        for line, cat, g, i, desc in changes:
            s.write((portfolio, line, cat, k(g), k(i), desc), fm)
        n_changes += 1 + len(changes)
    rows["Cash limit changes"] = n_changes

    # --- Savings -----------------------------------------------------------------------
    s = _Sheet(book, "Savings", bold, (32, 55, 40, 12, 8, 50))
    s.header(("Portfolio", "Budget line", "Saving", "Amount", "RAG", "Comment"))
    fm = (None, None, None, money, None, None)
    n_savings = max(5, n // 100)
    for _ in range(n_savings):
        ln = lines[ri(0, len(lines) - 1)]
        rag = "Green" if ri(1, 10) <= 6 else ("Amber" if ri(1, 3) <= 2 else "Red")
        comment = {"Green": "On track", "Amber": "Partly delivered; plan in place",
                   "Red": "Unachievable due to increasing demand"}[rag]  # fmt: skip
        s.write((ln[0], ln[2] if ri(1, 10) > 1 else "", SAVINGS[ri(0, len(SAVINGS) - 1)],
                 k(ri(10_000, 2_000_000)), rag, comment), fm)  # fmt: skip
    rows["Savings"] = n_savings

    # --- Capital: a few hundred rows, £m with three decimals ---------------------------
    s = _Sheet(book, "Capital", bold, (32, 50, 20, 12, 12, 12))
    s.header(("Portfolio", "Project", "Status", "Year", "Cash limit", "Forecast"))
    fm = (None, None, None, None, money, money)
    n_capital = 0
    for j in range(90):
        portfolio = names[j % len(names)]
        project = f"{CAPITAL[j % len(CAPITAL)]} - {DISTRICTS[j // len(CAPITAL) % len(DISTRICTS)]}"
        status = STATUSES[ri(0, 3)]
        years = [y for y in CAPITAL_YEARS if y == IN_YEAR or ri(1, 3) > 1]
        limits = {y: ri(0, 15_000) for y in years}  # £000
        forecast = dict(limits)
        if "2012-13" in years and ri(1, 2) == 1:  # re-phasing into next year
            moved = ri(0, limits[IN_YEAR])
            forecast[IN_YEAR] -= moved
            forecast["2012-13"] += moved
        forecast[IN_YEAR] += ri(-limits[IN_YEAR] // 20, limits[IN_YEAR] // 20)  # a real variance
        for y in years:
            s.write((portfolio, project, status, y, m(limits[y]), m(forecast[y])), fm)
            n_capital += 1
    rows["Capital"] = n_capital

    # --- Indicators --------------------------------------------------------------------
    s = _Sheet(book, "Indicators", bold, (45, 14, 12, 12, 12, 14, 14))
    s.header(("Indicator", "Unit", "Period", "Budget level", "Actual", "Budget unit cost", "Actual unit cost"))
    fm = (None, None, None, count_fmt, count_fmt, rate, rate)
    for name, unit, level, cost in INDICATORS:
        name += tag
        for period in PERIODS:
            actual = level * ri(900, 1250) // 1000
            s.write((name, unit, period, level, actual, p(cost), p(cost * ri(950, 1050) // 1000)), fm)
    rows["Indicators"] = len(INDICATORS) * len(PERIODS)

    book.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of budget lines")
    ap.add_argument("out", type=Path, help="the .xlsx file to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tag", default="", help="put after every portfolio's and indicator's name")
    args = ap.parse_args(argv)
    import time

    t = time.perf_counter()
    rows = generate(args.n, args.out, args.seed, args.tag)
    took = time.perf_counter() - t
    print(f"{args.out}: {', '.join(f'{name} {v:,}' for name, v in rows.items())} rows; {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
