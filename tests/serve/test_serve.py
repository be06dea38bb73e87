"""The page over HTTP: answers, downloads, the upload limit, several people at once, and
that one person's files never reach another. (A real browser drives it in test_serve_browser.)"""

from __future__ import annotations

import io
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

from budget_monitor.serve import Settings  # noqa: E402
from budget_monitor.serve.jobs import Jobs, safe_stem  # noqa: E402
from tests.support.badbooks import good_xlsx  # noqa: E402
from tests.support.paths import SAMPLE  # noqa: E402
from tests.support.series import net_variance, on_page, shown_k  # noqa: E402
from tests.support.server import Server, session, text_in_money_cell, upload  # noqa: E402

LINK = re.compile(r'href="(/download/([A-Za-z0-9_-]+)/(\w+))"')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("scratch")
    settings = Settings(max_upload_bytes=5 * 1024 * 1024, workers=2, queue=8, scratch=scratch)
    with Server(settings) as s:
        s.scratch = scratch
        yield s


def test_the_form_works_without_script_and_loads_nothing_from_elsewhere(server):
    r = httpx.get(server.url + "/")
    assert r.status_code == 200
    html = r.text
    assert '<form id="upload" method="post" action="/report" enctype="multipart/form-data">' in html
    assert '<label for="workbook">' in html and 'id="workbook" name="workbook"' in html
    assert '<label for="rules">' in html
    # every address the page uses is on this server
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert ref.startswith(("/", "#")), ref
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    for asset in ("/static/page.css", "/static/page.js"):
        a = httpx.get(server.url + asset)
        assert a.status_code == 200 and "http" not in a.text.replace("XMLHttpRequest", "")


def test_the_reference_quarter_gives_its_figures_and_three_downloads(server):
    r = upload(server.url, SAMPLE, "kcc-scs-2011-12-q3.xlsx")
    assert r.status_code == 200, r.text[:500]
    assert 'data-figure="variance-net">+14,703<' in r.text
    assert 'data-figure="total-pressures">+19,948<' in r.text
    assert 'data-figure="total-underspends">-5,048<' in r.text
    # a warning's amount keeps its sign (a word joiner after the minus), as every amount on the page does
    assert "Safeguarding: -\u2060£135,000.00 of the income variance is not explained" in r.text
    assert "<svg" in r.text  # the chart is drawn on the page
    links = LINK.findall(r.text)
    kinds = {kind for _, _, kind in links}
    assert kinds == {"xlsx", "json", "docx"}
    assert len({token for _, token, _ in links}) == 1
    got = {kind: httpx.get(server.url + href) for href, _, kind in links}
    book = openpyxl.load_workbook(io.BytesIO(got["xlsx"].content), read_only=True)
    assert "Variances over threshold" in book.sheetnames
    assert got["xlsx"].headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="kcc-scs-2011-12-q3-report.xlsx"' in got["xlsx"].headers["content-disposition"]
    data = json.loads(got["json"].content, parse_float=Decimal)
    assert data["totals"]["variance"]["net"] == "14703000.00"
    assert got["docx"].content[:2] == b"PK"


def test_table2_on_the_page_casts(server):
    r = upload(server.url, SAMPLE)
    for table in re.findall(r'<table class="table t2">(.*?)</table>', r.text, re.S):
        body, foot = table.split("<tfoot>")
        rows = [Decimal(x.replace(",", "")) for x in re.findall(r'<td class="num">([^<]+)</td>', body)]
        total = Decimal(re.search(r'data-figure="[^"]+">([^<]+)<', foot).group(1).replace(",", ""))
        if rows:
            assert sum(rows) == total


def test_a_broken_workbook_shows_each_problem_with_its_cell(server, tmp_path):
    r = upload(server.url, text_in_money_cell(tmp_path))
    assert r.status_code == 422
    assert "no report was made" in r.text
    assert "Budget lines!D3" in r.text
    assert "&#x27;twelve&#x27; is not a number" in r.text
    assert not LINK.findall(r.text)


def test_not_a_workbook_and_no_file_are_refused_with_the_form(server, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    r = upload(server.url, other)
    assert r.status_code == 400 and "is not a workbook" in r.text and 'id="upload"' in r.text
    client, token = session(server.url)
    with closing(client):
        r = client.post("/report", data={"rules": "", "csrf": token}, files={"x": ("", b"", "text/plain")})
    assert r.status_code == 400 and "Choose the quarterly workbook" in r.text


def test_a_name_from_the_upload_is_text_not_markup(server, tmp_path):
    r = upload(server.url, text_in_money_cell(tmp_path), name="<img src=x onerror=alert(1)>.xlsx")
    assert "<img src=x" not in r.text
    assert "&lt;img src=x onerror=alert(1)&gt;.xlsx" in r.text


def test_an_upload_over_the_limit_is_refused_before_it_is_read_and_the_page_still_answers(server):
    limit = 5 * 1024 * 1024
    sent = 0

    def body():
        nonlocal sent
        chunk = b"\0" * (1024 * 1024)
        for _ in range(300):  # 300 MB, if the server read it all
            sent += len(chunk)
            yield chunk

    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="huge.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()

    def stream():
        yield head
        yield from body()
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {"content-type": f"multipart/form-data; boundary={boundary}", "content-length": str(300 * 1024 * 1024)}
    try:
        r = httpx.post(server.url + "/report", content=stream(), headers=headers, timeout=60)
        assert r.status_code == 413 and "too large" in r.text
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass  # the server may close the connection on a sender that goes on sending
    assert sent < 300 * 1024 * 1024  # it was not read to the end
    # a body that does not say its size is cut off at the limit
    headers.pop("content-length")
    sent = 0
    try:
        r = httpx.post(server.url + "/report", content=stream(), headers=headers, timeout=60)
        assert r.status_code == 413
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass
    assert sent <= limit + 2 * 1024 * 1024 or sent < 300 * 1024 * 1024
    assert httpx.get(server.url + "/").status_code == 200


def test_six_uploads_at_once_each_get_their_own_answer(server, tmp_path):
    broken = text_in_money_cell(tmp_path)
    plan = [(SAMPLE, f"good-{i}.xlsx") for i in range(3)] + [(broken, f"bad-{i}.xlsx") for i in range(3)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda p: upload(server.url, *p), plan))
    tokens = set()
    for (_, name), r in zip(plan, answers, strict=True):
        assert name in r.text
        if name.startswith("good"):
            assert r.status_code == 200 and "+14,703" in r.text
            links = LINK.findall(r.text)
            assert f'download="{name[:-5]}-report.xlsx"' in r.text
            tokens |= {token for _, token, _ in links}
        else:
            assert r.status_code == 422 and "Budget lines!D3" in r.text
    assert len(tokens) == 3


def test_downloads_are_only_for_their_token(server):
    r = upload(server.url, SAMPLE)
    href, token, kind = LINK.findall(r.text)[0]
    assert httpx.get(server.url + href).status_code == 200
    other = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert httpx.get(f"{server.url}/download/{other}/{kind}").status_code == 404
    assert httpx.get(f"{server.url}/download/{token}/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert httpx.get(f"{server.url}/download/short/{kind}").status_code == 404


def test_no_upload_is_kept_after_the_answer(server, tmp_path):
    upload(server.url, SAMPLE)
    upload(server.url, text_in_money_cell(tmp_path))
    kept = [p.name for p in server.scratch.rglob("*") if p.is_file()]
    assert not [n for n in kept if n.startswith(("input", "previous"))], kept


def test_reports_expire(tmp_path):
    jobs = Jobs(keep_seconds=0, root=tmp_path)
    job = jobs.new()
    (job.folder / "x-report.xlsx").write_bytes(b"PK")
    time.sleep(0.01)
    assert jobs.get(job.token) is None
    assert not job.folder.exists()
    jobs.close()
    assert not jobs.root.exists()


def test_download_names_are_safe():
    assert safe_stem("..\\..\\evil name<>.xlsx") == "evil name_"
    assert safe_stem("Q3 2011-12.xlsx") == "Q3 2011-12"
    assert safe_stem(".xlsx") == "workbook"


def test_a_busy_page_says_so(tmp_path):
    settings = Settings(workers=1, queue=0, scratch=tmp_path)
    with Server(settings) as s, ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: upload(s.url, SAMPLE), range(4)))
    codes = sorted(r.status_code for r in answers)
    assert 200 in codes
    assert all(c in (200, 503) for c in codes)
    for r in answers:
        if r.status_code == 503:
            assert "The page is busy" in r.text and r.headers["retry-after"] == "30"


# --- the previous report and the history store ------------------------------------------------


def upload_with_previous(
    url: str, path: Path, previous: Path, name: str | None = None, previous_name: str | None = None
):
    client, token = session(url)
    with closing(client), open(path, "rb") as fh, open(previous, "rb") as ph:
        files = {
            "workbook": (name or path.name, fh, "application/octet-stream"),
            "previous": (previous_name or previous.name, ph, "application/octet-stream"),
        }
        return client.post("/report", files=files, data={"csrf": token})


@pytest.fixture(scope="module")
def quarters(series_pair):
    return series_pair


def test_a_previous_report_uploaded_gives_the_movement_on_the_page_and_in_every_download(server, quarters):
    from tests.support.series import check_movement

    folder, q2, q3 = quarters
    r = upload_with_previous(server.url, folder / "q3.xlsx", folder / "q2.xlsx", previous_name="Q2 2011-12.xlsx")
    assert r.status_code == 200, r.text[:800]
    sentence = f"Net variance moved from {shown_k(net_variance(q2))} at 2011-12 Q2 to {shown_k(net_variance(q3))}."
    # on the page each figure's sign is joined to it (a word joiner): a line cannot end between them
    said = re.search(r'data-figure="moved">([^<]*)<', r.text).group(1)
    assert said == sentence.replace("+£", "+\u2060£").replace("-£", "-\u2060£")
    assert "+£" not in said and "-£" not in said and len(re.findall("[+-]\u2060£", said)) == 2
    assert "from Q2 2011-12.xlsx" in r.text
    assert '<figure class="chart bridge"' in r.text
    # the largest movements, each at least the threshold (£100k), in size order
    moved = [Decimal(x.replace(",", "")) for x in re.findall(r'data-figure="moved-by">([^<]+)<', r.text)]
    table = r.text.split('<table class="table moved">')[1].split("</table>")[0]
    lines_part, comps_part = table.split("Components (by driver")
    for part in (lines_part, comps_part):
        got = [abs(Decimal(x.replace(",", ""))) for x in re.findall(r'data-figure="moved-by">([^<]+)<', part)]
        # ordered by the exact movement, each shown as this report less the last as shown (so within £1k)
        assert got and all(a >= b - 1 for a, b in zip(got, got[1:], strict=False)) and min(got) >= 99
    assert len(moved) >= 2
    links = {kind: href for href, _, kind in LINK.findall(r.text)}
    doc = json.loads(httpx.get(server.url + links["json"]).content)
    assert doc["previous"]["source"] == "file" and doc["previous"]["period"] == "2011-12 Q2"
    check_movement(doc, q2, q3)  # every line and component, to the penny
    book = openpyxl.load_workbook(io.BytesIO(httpx.get(server.url + links["xlsx"]).content))
    assert "Movement" in book.sheetnames
    summary = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value)
    assert sentence[:-1] in summary
    import docx

    paper = docx.Document(io.BytesIO(httpx.get(server.url + links["docx"]).content))
    said = [para.text.replace("\u2060", "") for para in paper.paragraphs]
    assert "Appendix 3: Movement since the last report, 2011-12 Q2 (£000)" in said
    assert any(f"moved from {shown_k(net_variance(q2))} at 2011-12 Q2 to" in x for x in said)


def test_without_a_previous_report_the_page_says_so_in_one_line(server):
    r = upload(server.url, SAMPLE)
    assert r.status_code == 200
    assert 'data-figure="no-previous">No previous report, so no movement: upload last quarter' in r.text
    assert "bridge" not in r.text and "Recorded in the history" not in r.text


def test_problems_in_the_previous_report_are_named_by_its_file(server, quarters, tmp_path):
    folder, *_ = quarters
    r = upload_with_previous(server.url, folder / "q3.xlsx", text_in_money_cell(tmp_path), previous_name="last.xlsx")
    assert r.status_code == 422
    assert (
        "last.xlsx: Budget lines!D3: Gross cash limit: &#x27;twelve&#x27; is not a number" in r.text
    )  # the command line's words
    assert "<h1>Problems in last.xlsx</h1>" in r.text
    assert "<td>last.xlsx</td><td>Budget lines</td><td>D3</td>" in r.text
    assert not LINK.findall(r.text)
    bad_json = tmp_path / "last.json"
    bad_json.write_text('{"not": "a report"')
    r = upload_with_previous(server.url, folder / "q3.xlsx", bad_json)
    assert r.status_code == 422 and "last.json: " in r.text and "Traceback" not in r.text


def test_a_previous_report_that_cannot_be_the_one_before_is_refused_naming_it(server, quarters):
    folder, *_ = quarters
    r = upload_with_previous(server.url, folder / "q3.xlsx", folder / "q3.xlsx", "q3.xlsx", "last.xlsx")
    assert r.status_code == 422
    assert "last.xlsx: the previous report is the input q3.xlsx itself (the same contents)" in r.text
    r = upload_with_previous(server.url, folder / "q2.xlsx", folder / "q3.xlsx", "q2.xlsx", "next.xlsx")
    assert r.status_code == 422
    assert "next.xlsx: the previous report is for 2011-12 Q3, after this report&#x27;s 2011-12 Q2" in r.text


def test_the_history_store_records_each_report_and_gives_the_previous_one(tmp_path, quarters):
    from budget_monitor import api

    folder, q2, q3 = quarters
    store = tmp_path / "history.sqlite"
    with Server(Settings(workers=2, scratch=tmp_path, history=store)) as s:
        form = httpx.get(s.url + "/").text
        assert "latest earlier report recorded in this server" in form
        r2 = upload(s.url, folder / "q2.xlsx")
        assert r2.status_code == 200, r2.text[:800]
        assert "Recorded in the history as 2011-12 Q2, version 1." in r2.text
        assert (
            "No previous report, so no movement: the history holds no earlier report of Kent County Council" in r2.text
        )
        r3 = upload(s.url, folder / "q3.xlsx")
        assert r3.status_code == 200, r3.text[:800]
        assert (
            on_page(f"moved from {shown_k(net_variance(q2))} at 2011-12 Q2 to {shown_k(net_variance(q3))}.") in r3.text
        )
        assert "from the history (version 1, recorded " in r3.text
        # several uploads at once are all recorded
        with ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda _: upload(s.url, folder / "q3.xlsx"), range(2)))
        assert [b.status_code for b in both] == [200, 200]
        assert {re.search(r"version (\d)\.", b.text).group(1) for b in both} == {"3", "2"}
    listed = api.history_reports(store)
    assert [(x.period_text, x.version, x.input_name) for x in listed] == [
        ("2011-12 Q2", 1, "q2.xlsx"), ("2011-12 Q3", 1, "q3.xlsx"), ("2011-12 Q3", 2, "q3.xlsx"),
        ("2011-12 Q3", 3, "q3.xlsx"),
    ]  # fmt: skip
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".xlsx"]  # no upload kept


def test_a_history_store_that_is_not_one_is_named_and_kept(tmp_path):
    from typer.testing import CliRunner

    from budget_monitor.cli import app

    store = tmp_path / "history.sqlite"
    store.write_text("Portfolio,Line\n")
    with Server(Settings(workers=1, scratch=tmp_path, history=store)) as s:
        r = upload(s.url, SAMPLE)
    assert r.status_code == 500
    # the store by its file name: a page never shows where on the server it is
    assert "The history store cannot be used" in r.text and "history.sqlite: " in r.text
    assert str(tmp_path) not in r.text
    assert "not a budget-monitor history store" in r.text and not LINK.findall(r.text)
    assert store.read_text() == "Portfolio,Line\n"
    said = CliRunner().invoke(app, ["serve", "--history", str(store)])
    assert said.exit_code == 2 and str(store) in said.output and "not a budget-monitor history store" in said.output
    assert "--no-history" not in said.output  # serve has no such option


def test_a_period_that_cannot_be_placed_is_the_same_error_as_on_the_command_line(server, tmp_path):
    from tests.support.cli import run

    def vague(wb, ws):
        settings = wb.add_worksheet("Settings")
        settings.write_row(0, 0, ["Period", "Third quarter"])

    path = good_xlsx(tmp_path, "vague.xlsx", vague)
    r = upload(server.url, path)
    assert r.status_code == 422 and not LINK.findall(r.text)
    checked = run("check", str(path), "--no-history")
    assert checked.returncode == 1
    said = next(line for line in checked.stderr.splitlines() if "Settings!B1" in line)
    message = said.split("Settings!B1: ", 1)[1]
    assert "Third quarter" in message and message.replace("'", "&#x27;") in r.text
