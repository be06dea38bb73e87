"""The year's end, run as a user runs it: an illustrative year (Q1, Q2, Q3 and the outturn,
made from the sample quarter) recorded in one store; the outturn report's forecast
accuracy checked against a computation of its own (integer pence, fractions); the
outturn period's spellings and place in time; the store's migration and organisations;
the ``accuracy`` command before there is an outturn."""

from __future__ import annotations

import json
import sqlite3
from fractions import Fraction

import pytest

from budget_monitor import api
from budget_monitor import model as m
from budget_monitor.inputs.quarterbook import YEAR_PERIODS, illustrative_year, write_quarter
from budget_monitor.periods import parse_period, place
from tests.support.cli import run

# --- the outturn period ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2011-12 Outturn", "Outturn 2011/12", "2011-12 Final", "outturn 2011-2012"])
def test_an_outturn_is_placed_after_everything_else_of_its_year(text):
    p = parse_period(text)
    assert p.is_outturn and p.standard == p.key == "2011-12 Outturn" and p.financial_year == 2011
    for before in ("2011-12 Q4", "March 2012", "2011-12 M12", "2011-12", "2011-12 Q1"):
        assert parse_period(before) < p and parse_period(before).ordinal < p.ordinal
    assert p < parse_period("2012-13 Q1") and p.ordinal < parse_period("April 2012").ordinal
    assert place("2011-13 Outturn") is None and place("Outturn") is None


# --- the year recorded in one store --------------------------------------------------------------


@pytest.fixture(scope="module")
def year(sample_quarter) -> dict[str, m.Quarter]:
    return illustrative_year(sample_quarter)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, year):
    """Each period's workbook reported in turn with one store; the outturn's JSON read back."""
    folder = tmp_path_factory.mktemp("year")
    store = folder / "budget-monitor.sqlite"
    results = {}
    for period, q in year.items():
        name = period.replace(" ", "-")
        write_quarter(q, folder / f"{name}.xlsx")
        results[period] = api.make_report(
            folder / f"{name}.xlsx", folder / f"{name}-report.xlsx", json=folder / f"{name}.json", history=store
        )
        assert results[period].ok, results[period].errors
    doc = json.loads((folder / "2011-12-Outturn.json").read_text(encoding="utf-8"))
    return folder, store, results, doc


def _pence(x: Fraction) -> int:
    """To the nearest penny, half away from zero (``x`` in pence)."""
    n = abs(x.numerator) * 2 + x.denominator
    r = n // (2 * x.denominator)
    return r if x >= 0 else -r


def _p(text: str) -> int:
    whole = Fraction(text) * 100
    assert whole.denominator == 1, text
    return int(whole)


def _variances(q: m.Quarter) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(portfolio, line) -> (gross, income, net variance) in pence, and the net cash limit."""
    out = {}
    for bl in q.lines:
        g = _p(str(bl.forecast.gross)) - _p(str(bl.cash_limit.gross))
        i = _p(str(bl.forecast.income)) - _p(str(bl.cash_limit.income))
        out[(bl.portfolio, bl.line)] = (g, i, g + i)
    return out


def test_every_error_bias_and_mean_absolute_error_is_an_independent_computation(recorded, year):
    _, _, _, doc = recorded
    fa = doc["forecast_accuracy"]
    assert fa["final"] is True and fa["against"] == "2011-12 Outturn" and fa["periods"] == list(YEAR_PERIODS)
    quarters = [year[p] for p in YEAR_PERIODS]
    var = [_variances(q) for q in quarters]
    outturn = var[-1]
    cash = {(bl.portfolio, bl.line): _p(str(bl.cash_limit.net)) for bl in quarters[-1].lines}
    seen = set()
    checked = 0
    for entry in fa["lines"]:
        key = (entry["portfolio"], entry["line"])
        seen.add(key)
        if key not in outturn:
            assert entry["status"] == "gone" and entry["periods"] == [] and entry["bias"] is None
            continue
        errors = [
            tuple(var[k][key][s] - outturn[key][s] for s in range(3)) for k in range(3) if key in var[k]
        ]  # fmt: skip
        periods = [YEAR_PERIODS[k] for k in range(3) if key in var[k]]
        assert [p["period"] for p in entry["periods"]] == periods
        for point, err in zip(entry["periods"], errors, strict=True):
            assert tuple(_p(point["error"][s]) for s in ("gross", "income", "net")) == err
            if not cash[key]:  # a line with no net cash limit: within only when exact
                assert point["share_of_cash_limit"] is None and point["within_tolerance"] == (err[2] == 0)
                continue
            share = Fraction(err[2], abs(cash[key]))
            assert Fraction(point["share_of_cash_limit"]) == Fraction(_pence(share * 10**6), 10**6)
            assert point["within_tolerance"] == (abs(share) <= Fraction(1, 100))
        n = len(errors)
        for s, side in enumerate(("gross", "income", "net")):
            assert _p(entry["bias"][side]) == _pence(Fraction(sum(e[s] for e in errors), n))
            assert _p(entry["mean_absolute_error"][side]) == _pence(Fraction(sum(abs(e[s]) for e in errors), n))
        checked += 1
    assert seen == set().union(*var) and checked == len(outturn)
    # listed by mean absolute error, largest first
    maes = [Fraction(e["mean_absolute_error"]["net"]) for e in fa["lines"] if e["mean_absolute_error"]]
    assert maes == sorted(maes, reverse=True)


def test_the_portfolio_and_the_whole_report_are_measured_on_their_own_totals(recorded, year):
    _, _, _, doc = recorded
    fa = doc["forecast_accuracy"]
    totals = [sum(v[2] for v in _variances(year[p]).values()) for p in YEAR_PERIODS]
    errors = [t - totals[-1] for t in totals[:-1]]
    assert [_p(x["error"]["net"]) for x in fa["total"]["periods"]] == errors
    assert _p(fa["total"]["bias"]["net"]) == _pence(Fraction(sum(errors), 3))
    assert _p(fa["total"]["mean_absolute_error"]["net"]) == _pence(Fraction(sum(map(abs, errors)), 3))
    (portfolio,) = fa["portfolios"]
    assert portfolio["periods"] == fa["total"]["periods"]


def test_the_first_period_within_tolerance_is_right_on_lines_built_to_converge(recorded):
    _, _, _, doc = recorded
    first = {e["line"]: e["first_within_tolerance"] for e in doc["forecast_accuracy"]["lines"]}
    assert first["Fostering Service"] == "2011-12 Q2"
    assert first["Residential Children's Services"] == "2011-12 Q3"
    assert first["Assessment of Vulnerable Children"] is None
    assert first["Adoption Service"] == "2011-12 Q2"  # its cash limit was lower at Q1
    assert first["Safeguarding"] == "2011-12 Q1"


def test_a_line_new_during_the_year_and_one_gone_before_the_outturn_say_so(recorded):
    _, _, _, doc = recorded
    lines = {e["line"]: e for e in doc["forecast_accuracy"]["lines"]}
    new = lines["Integrated Looked After Children's Service"]
    assert new["status"] == "new" and "new at 2011-12 Q2" in new["note"]
    assert [p["period"] for p in new["periods"]] == ["2011-12 Q2", "2011-12 Q3"]
    gone = lines["Closed Residential Unit"]
    assert gone["status"] == "gone" and gone["outturn"] is None and gone["periods"] == []
    assert "gone before 2011-12 Outturn" in gone["note"] and gone["first_within_tolerance"] is None


def test_each_driver_is_set_against_the_outturns(recorded, year):
    _, _, _, doc = recorded
    drivers = doc["forecast_accuracy"]["drivers"]
    out = {(d.line, d.driver): d for d in year[YEAR_PERIODS[-1]].drivers}
    assert {(d["line"], d["driver"]) for d in drivers} == set(out)
    for entry in drivers:
        o = out[(entry["line"], entry["driver"])]
        ov, ou = Fraction(o.forecast_volume), Fraction(o.forecast_unit_cost)
        for point in entry["periods"]:
            q = year[point["period"]]
            d = next(x for x in q.drivers if (x.line, x.driver) == (o.line, o.driver))
            fv, fu = Fraction(d.forecast_volume), Fraction(d.forecast_unit_cost)
            assert Fraction(point["volume_error"]) == fv - ov and Fraction(point["unit_cost_error"]) == fu - ou
            cost = _pence(fv * fu * 100) - _pence(ov * ou * 100)
            volume = _pence((fv - ov) * ou * 100)
            assert (_p(point["cost_error"]), _p(point["volume_effect"])) == (cost, volume)
            assert _p(point["unit_cost_effect"]) == cost - volume
    fostering = next(e for e in drivers if e["driver"] == "In House Non Related")
    assert Fraction(fostering["periods"][0]["volume_error"]) == -4500


def test_the_outturn_report_has_the_year_and_accuracy_sheets_and_says_so(recorded):
    folder, _, results, doc = recorded
    import openpyxl

    book = openpyxl.load_workbook(folder / "2011-12-Outturn-report.xlsx", read_only=True)
    assert {"Year", "Forecast accuracy"} <= set(book.sheetnames)
    q3 = openpyxl.load_workbook(folder / "2011-12-Q3-report.xlsx", read_only=True)
    assert "Forecast accuracy" not in q3.sheetnames and "Year" not in q3.sheetnames
    words = " ".join(
        str(c) for row in book["Forecast accuracy"].iter_rows(values_only=True) for c in row if isinstance(c, str)
    )
    assert "The 2011-12 Q1 forecast understated the outturn by £489k, mostly Fostering Service volumes." in words
    assert "Forecasts never came within 1% of the cash limit for Assessment of Vulnerable Children" in words
    keys = list(doc)  # after every key a quarter's report has (the management action was last)
    assert keys.index("forecast_accuracy") == keys.index("management_action") + 1


def test_without_an_outturn_the_command_measures_against_the_latest_period_and_says_so(tmp_path, recorded):
    folder, store, _, _ = recorded
    copy = tmp_path / "h.sqlite"
    with sqlite3.connect(store) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    api.forget_period(copy, "2011-12 Outturn")
    done = run("accuracy", "--history", str(copy), "--year", "2011-12", "--json", str(tmp_path / "a.json"))
    assert done.returncode == 0, done.stderr
    assert "measured against the latest period recorded (2011-12 Q3), not an outturn" in done.stdout
    fa = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["forecast_accuracy"]
    assert fa["final"] is False and fa["against"] == "2011-12 Q3"
    fostering = next(e for e in fa["lines"] if e["line"] == "Fostering Service")
    assert [_p(p["error"]["net"]) for p in fostering["periods"]] == [-248000000, -23000000]
    missing = run("accuracy", "--history", str(copy), "--year", "2010-11")
    assert missing.returncode == 2 and "nothing of the year 2010-11 is recorded" in missing.stderr


def test_a_store_with_two_organisations_keeps_their_years_apart(tmp_path, year):
    import attrs

    store = tmp_path / "h.sqlite"
    for org in ("Kent County Council", "Medway Council"):
        for period in YEAR_PERIODS[1:3]:
            q = year[period]
            q = attrs.evolve(q, settings=attrs.evolve(q.settings, organisation=org))
            if org == "Medway Council":
                q = attrs.evolve(q, lines=q.lines[:3], drivers=None, items=None, savings=None, management_actions=None)
            path = tmp_path / f"{org[:4]}-{period[-2:]}.xlsx"
            write_quarter(q, path)
            assert api.make_report(path, tmp_path / f"{path.stem}-r.xlsx", history=store).ok
    with pytest.raises(api.HistoryError, match="recorded for 2 organisations"):
        api.year_accuracy(store, "2011-12")
    medway = api.year_accuracy(store, "2011-12", "Medway Council")
    kent = api.year_accuracy(store, "2011-12", "Kent County Council")
    assert len(medway.lines) == 3 and len(kent.lines) > 3 and medway.organisation == "Medway Council"


def test_a_store_of_the_older_schema_migrates_in_place_and_its_reports_count(tmp_path, year):
    from budget_monitor.store import SCHEMA_VERSION
    from budget_monitor.store.history import MIGRATIONS

    store = tmp_path / "old.sqlite"
    q1 = tmp_path / "q1.xlsx"
    write_quarter(year[YEAR_PERIODS[0]], q1)
    assert api.make_report(q1, tmp_path / "q1-r.xlsx", history=store).ok
    # make it as the version before drivers were kept wrote it (schema 2: before migrations 3 and 4)
    with sqlite3.connect(store) as conn:
        conn.execute("DROP TABLE drivers")
        conn.execute("DROP TABLE audit")
        for column in ("recorded_by", "approved_by", "approved_at"):
            conn.execute(f"ALTER TABLE reports DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 2")
    assert len(MIGRATIONS) == 4
    inode = store.stat().st_ino
    out = tmp_path / "out.xlsx"
    write_quarter(year[YEAR_PERIODS[-1]], out)
    result = api.make_report(out, tmp_path / "out-r.xlsx", history=store)
    assert result.ok and store.stat().st_ino == inode
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    acc = result.report.accuracy
    assert acc.periods == ("2011-12 Q1", "2011-12 Outturn")
    fostering = next(x for x in acc.lines if x.line == "Fostering Service")
    assert fostering.points[0].error.net == -2400000
    # the old report had no drivers recorded: its drivers have no point for Q1
    assert all(not d.points for d in acc.drivers)


def test_the_accuracy_tolerance_is_a_rules_key(tmp_path):
    from budget_monitor.rules import RulesError, parse_rules

    assert parse_rules("[accuracy]\ntolerance = 0.05\n").accuracy_tolerance == Fraction(5, 100)
    with pytest.raises(RulesError, match="accuracy.tolerance"):
        parse_rules("[accuracy]\ntolerance = 2\n")


def test_an_outturn_workbook_may_head_its_forecast_columns_outturn(tmp_path, year):
    import openpyxl

    plain, path = tmp_path / "plain.xlsx", tmp_path / "out.xlsx"
    write_quarter(year[YEAR_PERIODS[-1]], plain, title_rows=False)
    book = openpyxl.load_workbook(plain)
    ws = book["Budget lines"]
    headers = [c.value for c in ws[1]]
    for cell in ws[1]:
        if cell.value in ("Gross forecast", "Income forecast"):
            cell.value = cell.value.replace("forecast", "outturn")
    book.save(path)
    assert "Gross forecast" in headers and "Gross outturn" in [
        c.value for c in openpyxl.load_workbook(path)["Budget lines"][1]
    ]
    result, before = api.analyse(path), api.analyse(plain)
    assert result.ok and result.errors == ()
    assert [(bl.line, bl.forecast) for bl in result.lines] == [(bl.line, bl.forecast) for bl in before.lines]


def test_no_sentence_of_the_outturn_report_says_forecast_of_the_outturn(recorded):
    """The outturn report's own words are in the outturn tense; only the year's-end parts,
    which speak of each earlier period's forecast, say "forecast"."""
    import docx
    import openpyxl

    folder, _, results, doc = recorded
    said = [t for e in doc["narrative"] if e["kind"] != "accuracy" for t in (e["heading"], *e["paragraphs"])]
    assert said and [t for t in said if "forecast" in t.lower()] == []
    assert "The outturn shows a net pressure of £7,819k" in " ".join(said)
    accuracy = {t for e in doc["narrative"] if e["kind"] == "accuracy" for t in (e["heading"], *e["paragraphs"])}
    book = openpyxl.load_workbook(folder / "2011-12-Outturn-report.xlsx", read_only=True)
    found = [
        (ws.title, c)
        for ws in book.worksheets
        if ws.title not in ("Forecast accuracy", "Year")
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str) and "forecast" in c.lower() and c not in accuracy
    ]
    assert found == []
    api.write_docx(results["2011-12 Outturn"], folder / "outturn.docx")
    word = docx.Document(str(folder / "outturn.docx"))
    texts = [p.text for p in word.paragraphs]
    end = texts.index("How good the year's forecasts were")
    cells = [c.text for t in word.tables[:-1] for row in t.rows for c in row.cells]  # the last is the accuracy table
    assert [t for t in texts[:end] + cells if "forecast" in t.lower()] == []
    # a quarter still says forecast
    q3 = json.loads((folder / "2011-12-Q3.json").read_text(encoding="utf-8"))
    assert any("The forecast shows" in t for e in q3["narrative"] for t in e["paragraphs"])


def test_the_frames_carry_the_years_accuracy_as_the_json_does(recorded):
    pytest.importorskip("pandas")
    _, _, results, doc = recorded
    f = results["2011-12 Outturn"].frames()
    fa = doc["forecast_accuracy"]
    assert list(f.accuracy["line"]) == [e["line"] for e in fa["lines"]]
    json_points = [(e["line"], p["period"], p["error"]["net"]) for e in fa["lines"] for p in e["periods"]]
    frame_points = list(
        zip(f.accuracy_periods["line"], f.accuracy_periods["period"], f.accuracy_periods["error_net"], strict=True)
    )
    assert [(a, b, str(c)) for a, b, c in frame_points] == json_points
    assert [str(x) if x is not None else None for x in f.accuracy["mean_absolute_error_net"]] == [
        e["mean_absolute_error"]["net"] if e["mean_absolute_error"] else None for e in fa["lines"]
    ]
    assert len(f.accuracy_drivers) == sum(len(d["periods"]) for d in fa["drivers"])
    assert list(f.accuracy_portfolios["portfolio"])[-1] == "Total"


def test_hostile_line_names_stay_text_in_the_years_sheets_and_charts(tmp_path, year):
    import zipfile

    import attrs

    hostile = "=SUM(1+1)*cmd|' /C calc'!A0 Annex!B2"
    store = tmp_path / "h.sqlite"
    for period in (YEAR_PERIODS[0], YEAR_PERIODS[-1]):
        q = year[period]
        rename = {"Fostering Service": hostile}
        q = attrs.evolve(
            q,
            lines=tuple(attrs.evolve(bl, line=rename.get(bl.line, bl.line)) for bl in q.lines),
            drivers=tuple(attrs.evolve(d, line=rename.get(d.line, d.line)) for d in q.drivers),
            items=tuple(attrs.evolve(i, line=rename.get(i.line, i.line)) for i in q.items),
        )
        path = tmp_path / ("out.xlsx" if period == YEAR_PERIODS[-1] else "q1.xlsx")
        write_quarter(q, path)
        result = api.make_report(path, tmp_path / f"{path.stem}-r.xlsx", history=store)
        assert result.ok, result.errors
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "out-r.xlsx")
    for sheet in ("Year", "Forecast accuracy"):
        cells = [c for row in book[sheet].iter_rows() for c in row if isinstance(c.value, str) and "calc" in c.value]
        assert cells and all(c.data_type == "s" for c in cells), sheet
    with zipfile.ZipFile(tmp_path / "out-r.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    assert charts and not any("<c:f>Annex" in x or "'Annex'" in x for x in charts)


def test_a_roll_up_of_several_workbooks_has_the_years_accuracy_by_portfolio(tmp_path, year):
    """Two portfolios from two workbooks each period, recorded as one report; the outturn's
    accuracy has both portfolios, each measured on its own lines."""
    import attrs

    store = tmp_path / "h.sqlite"
    for period in (YEAR_PERIODS[1], YEAR_PERIODS[-1]):
        q = year[period]
        other = attrs.evolve(
            q,
            lines=tuple(attrs.evolve(bl, portfolio="Adult Services") for bl in q.lines[:4]),
            drivers=None,
            items=None,
            changes=None,
            savings=None,
            capital=None,
            indicators=None,
            kpis=None,
        )
        a, b = tmp_path / f"a-{period[-2:]}.xlsx", tmp_path / f"b-{period[-2:]}.xlsx"
        write_quarter(q, a)
        write_quarter(other, b)
        result = api.make_report([a, b], tmp_path / f"r-{period[-2:]}.xlsx", history=store)
        assert result.ok, result.errors
    acc = result.report.accuracy
    assert acc is not None and [p.portfolio for p in acc.portfolios] == [
        "Adult Services",
        "Specialist Children's Services",
    ]
    adults = acc.portfolios[0]
    expected = sum((bl.variance for bl in year[YEAR_PERIODS[1]].lines[:4]), m.GrossIncome()) - sum(
        (bl.variance for bl in year[YEAR_PERIODS[-1]].lines[:4]), m.GrossIncome()
    )
    assert adults.points[0].error == expected


def test_the_outturn_json_streams_as_the_dict_defines_it(recorded, tmp_path):
    """The streamed JSON (what --json writes) is byte for byte json.dumps of report_dict,
    forecast_accuracy included, and the accuracy command's JSON is that object alone."""
    from budget_monitor.write.json_out import report_dict, report_json
    from budget_monitor.write.year_json import accuracy_dict, write_accuracy_file

    _, _, results, _ = recorded
    report = results["2011-12 Outturn"].report
    assert report_json(report) == json.dumps(report_dict(report), ensure_ascii=False, separators=(",", ":")) + "\n"
    write_accuracy_file(report.accuracy, tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8")) == {
        "forecast_accuracy": json.loads(json.dumps(accuracy_dict(report.accuracy)))
    }


def test_a_net_only_outturn_may_head_its_column_net_outturn(tmp_path, year):
    """A net-only council's outturn: Net cash limit and Net outturn read as Net forecast."""
    import openpyxl

    plain, path = tmp_path / "plain.xlsx", tmp_path / "net.xlsx"
    out = year[YEAR_PERIODS[-1]]
    write_quarter(out, plain, title_rows=False)
    book = openpyxl.load_workbook(plain)
    ws = book["Budget lines"]
    headers = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    net_cl, net_out = len(headers) + 1, len(headers) + 2
    ws.cell(1, net_cl).value, ws.cell(1, net_out).value = "Net cash limit", "Net outturn"
    for r in range(2, ws.max_row + 1):
        gcl, icl = ws.cell(r, col["Gross cash limit"]).value, ws.cell(r, col["Income cash limit"]).value
        gf, inc = ws.cell(r, col["Gross forecast"]).value, ws.cell(r, col["Income forecast"]).value
        if r == 2:  # one line given net only
            for h in ("Gross cash limit", "Income cash limit", "Gross forecast", "Income forecast"):
                ws.cell(r, col[h]).value = None
            ws.cell(r, net_cl).value, ws.cell(r, net_out).value = gcl + icl, gf + inc
    book.save(path)
    result = api.analyse(path)
    assert result.errors == (), result.errors
    first = next(bl for bl in result.lines if bl.line == ws.cell(2, col["Budget line"]).value)
    line = next(bl for bl in out.lines if bl.line == first.line)
    assert first.variance.net == line.variance.net
