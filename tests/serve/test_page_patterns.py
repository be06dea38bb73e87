"""The page's GOV.UK patterns, read from the HTML it sends: an error summary with the
error also on its field, "Error: " in the title, warnings in the same table as errors,
and nothing said twice."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")

from budget_monitor import api
from budget_monitor.serve import page
from tests.support.paths import SAMPLE

ERROR = "The selected file must be a workbook (.xlsx, .xlsm or .ods)"


def test_an_error_is_summarised_shown_on_its_field_and_named_in_the_title():
    body = page.form([], limit_mb=50, error=ERROR)
    html = page.layout("Make the monitoring report", body)
    assert "<title>Error: Make the monitoring report – " in html
    assert f'<ul><li><a href="#workbook">{ERROR}</a></li></ul>' in html  # the summary links to the field
    field = re.search(r'<div class="field drop field-error" id="drop">.*?</div>', html, re.S).group(0)
    assert (
        f'<p class="error-message" id="workbook-error"><span class="visually-hidden">Error:</span> {ERROR}</p>' in field
    )
    assert 'aria-describedby="workbook-hint workbook-error"' in field
    plain = page.layout("Make the monitoring report", page.form([], limit_mb=50))
    assert "<title>Make the monitoring report – " in plain and "field-error" not in plain


def test_warnings_are_in_the_same_table_as_errors_and_nothing_is_said_twice():
    result = api.analyse(SAMPLE)
    problems = [
        {"level": p.level, "file": "q3.xlsx", "place": str(p.where), "sheet": p.where.sheet, "cell": p.where.cell,
         "message": p.message}
        for p in result.warnings
    ]  # fmt: skip
    html = page.report_page("q3.xlsx", "t", {"xlsx": "q3-report.xlsx"}, result.to_json(), problems)
    warnings = re.search(r'<details class="warnings">.*?</details>', html, re.S).group(0)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', warnings)
    assert headers == ["Level", "File", "Sheet", "Cell", "What was found"]
    errors_page = page.problems_page("q3.xlsx", [{**problems[0], "level": "error"}])
    assert re.findall(r'<th scope="col">([^<]+)</th>', errors_page) == headers
    assert "Safeguarding - Income - needs an explanation</td>" in html
    assert "needs an explanation <strong>(needs an explanation)</strong>" not in html
