"""The page at the year's end: with a history store, an outturn upload after the year's
quarters shows how good the forecasts were (the chart and the table), its figures those of
the JSON it offers for download."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

from budget_monitor.inputs.quarterbook import YEAR_PERIODS, illustrative_year, write_quarter  # noqa: E402
from budget_monitor.money import display  # noqa: E402
from budget_monitor.serve import Settings  # noqa: E402
from tests.support.server import Server  # noqa: E402
from tests.support.server import upload as form_upload  # noqa: E402

LINK = re.compile(r'href="(/download/([A-Za-z0-9_-]+)/(\w+))"')


def upload(url: str, path) -> httpx.Response:
    return form_upload(url, path)


def test_an_outturn_upload_with_a_store_shows_how_good_the_forecasts_were(tmp_path, sample_quarter):
    store = tmp_path / "history.sqlite"
    paths = []
    for period, q in illustrative_year(sample_quarter).items():
        paths.append(tmp_path / (period.replace(" ", "-") + ".xlsx"))
        write_quarter(q, paths[-1])
    with Server(Settings(workers=1, scratch=tmp_path, history=store)) as s:
        for path in paths[:-1]:
            r = upload(s.url, path)
            assert r.status_code == 200, r.text[:800]
            assert "How good the year" not in r.text
        r = upload(s.url, paths[-1])
        assert r.status_code == 200, r.text[:800]
        links = {kind: href for href, _, kind in LINK.findall(r.text)}
        doc = json.loads(httpx.get(s.url + links["json"]).content)
    page = r.text.replace("&#x27;", "'")
    assert "How good the year's forecasts were (£000)" in page
    assert '<figure class="chart bars"' in page.split('class="accuracy"')[1]
    fa = doc["forecast_accuracy"]
    assert fa["periods"] == list(YEAR_PERIODS)
    # the chart's figures are the whole report's net error at each period, as shown
    for p in fa["total"]["periods"]:
        shown = display(Decimal(p["error"]["net"]))
        assert f"{shown:+,.0f}" in page.split('class="accuracy"')[1]
    table = page.split('<table class="table accuracy">')[1].split("</table>")[0]
    assert "<td>Fostering Service</td>" in table and "<td>never</td>" in table and "<td>2011-12 Q2</td>" in table
    maes = re.findall(r'data-figure="mae">([^<]*)<', table)
    assert maes[0] == f"{display(Decimal(fa['total']['mean_absolute_error']['net'])):+,.0f}"
