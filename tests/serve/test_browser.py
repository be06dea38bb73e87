"""The page as a person uses it: a real browser (headless Chromium, driven by Selenium)
drops the reference quarter and a broken workbook, and reads what the page shows.

Needs Chromium and ChromeDriver (Debian's ``chromium`` and ``chromium-driver``); CI
installs them and sets BUDGET_MONITOR_REQUIRE_BROWSER=1 so that this never skips there.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from budget_monitor.serve import Settings  # noqa: E402
from tests.support.paths import SAMPLE  # noqa: E402
from tests.support.series import net_variance, on_page, shown_k  # noqa: E402
from tests.support.server import Server, text_in_money_cell  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SCREENSHOTS = os.environ.get("BUDGET_MONITOR_SCREENSHOTS")  # a folder to save what the browser saw

if not (CHROMIUM and DRIVER):
    if os.environ.get("BUDGET_MONITOR_REQUIRE_BROWSER"):
        pytest.fail("Chromium and ChromeDriver are needed for the browser test", pytrace=False)
    pytest.skip("Chromium and ChromeDriver are not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(Settings(workers=2, scratch=tmp_path_factory.mktemp("scratch"))) as s:
        yield s


@pytest.fixture(scope="module")
def quarters(series_pair):
    return series_pair


def chromium(profile: Path, *, scripts: bool = True):
    """Headless Chromium as the machine allows it: no sandbox as root, none of its
    background connections (this machine's network refuses them), a fresh profile."""
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,2000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    if not scripts:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium"))
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def drop(browser, server, path: Path, previous: Path | None = None) -> str:
    """Choose ``path`` (and ``previous``, the previous report) in the form and send it;
    return the answer's status on the page."""
    browser.get(server.url + "/")
    browser.find_element(By.ID, "workbook").send_keys(str(path))
    if previous is not None:
        browser.find_element(By.ID, "previous").send_keys(str(previous))
    browser.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
    WebDriverWait(browser, 120).until(ec.presence_of_element_located((By.CSS_SELECTOR, "main[data-status]")))
    return browser.find_element(By.ID, "main").get_attribute("data-status")


def shot(browser, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(SCREENSHOTS) / name))


def resources_loaded(browser) -> list[str]:
    return browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def test_dropping_the_reference_quarter_shows_its_figures_and_downloads(browser, server):
    assert drop(browser, server, SAMPLE) == "report"
    shot(browser, "report.png")
    net = browser.find_element(By.CSS_SELECTOR, '[data-figure="variance-net"]').text
    pressures = browser.find_element(By.CSS_SELECTOR, '[data-figure="total-pressures"]').text
    assert net == "+14,703"
    assert pressures == "+19,948"
    links = browser.find_elements(By.CSS_SELECTOR, "a.download")
    hrefs = {a.get_attribute("href").rsplit("/", 1)[1]: a.get_attribute("href") for a in links}
    assert set(hrefs) == {"xlsx", "docx", "json"}
    with urllib.request.urlopen(hrefs["xlsx"]) as answer:
        body = answer.read()
        assert answer.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheet")
    assert body[:2] == b"PK"
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg.chart-bar")
    for url in resources_loaded(browser):
        assert url.startswith(server.url), url  # nothing from the internet


def test_q3_with_q2_as_the_previous_report_shows_the_movement(browser, server, quarters):
    folder, q2, q3 = quarters
    assert drop(browser, server, folder / "q3.xlsx", folder / "q2.xlsx") == "report"
    shot(browser, "movement-summary.png")
    section = browser.find_element(By.CSS_SELECTOR, "section.movement")
    browser.execute_script("arguments[0].scrollIntoView()", section)
    shot(browser, "movement.png")
    sentence = browser.find_element(By.CSS_SELECTOR, '[data-figure="moved"]').text
    before, now = shown_k(net_variance(q2)), shown_k(net_variance(q3))
    assert sentence == on_page(f"Net variance moved from {before} at 2011-12 Q2 to {now}.")
    # the bridge starts at the last report's total and ends at this one's, in £000
    figures = [t.text for t in section.find_elements(By.CSS_SELECTOR, ".bridge .chart-figure")]
    assert figures[0] == before.replace("£", "").removesuffix("k")
    assert figures[-1] == now.replace("£", "").removesuffix("k")
    moved = section.find_elements(By.CSS_SELECTOR, '[data-figure="moved-by"]')
    assert moved and all(m.text for m in moved)
    for url in resources_loaded(browser):
        assert url.startswith(server.url), url


CHART_GEOMETRY = r"""
const out = [];
for (const li of document.querySelectorAll('figure.chart li')) {
  const label = li.querySelector('.chart-label'), figure = li.querySelector('.chart-figure');
  const bar = li.querySelector('svg.chart-bar');
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const style = getComputedStyle(label);
  out.push({label: label.textContent, figure: figure.textContent, labelBox: box(label), figureBox: box(figure),
            barBox: box(bar), size: parseFloat(style.fontSize), figureSize: parseFloat(getComputedStyle(figure).fontSize),
            line: parseFloat(style.lineHeight)});
}
const charts = [...document.querySelectorAll('figure.chart')].map(e => e.getBoundingClientRect().right);
// each signed figure of the movement sentence: on how many lines it is drawn
const moved = document.querySelector('[data-figure="moved"]').firstChild, figures = [];
for (const m of moved.textContent.matchAll(/[+-]\u2060?£[\d,]+k/g)) {
  const range = document.createRange();
  range.setStart(moved, m.index);
  range.setEnd(moved, m.index + m[0].length);
  figures.push([m[0], new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]);
}
return {rows: out, width: document.documentElement.clientWidth, charts: charts, figures: figures,
        scroll: document.documentElement.scrollWidth};
"""


def test_the_charts_read_at_a_phone_width_with_every_name_whole(browser, server, quarters):
    """At 390 pixels wide the charts' names are whole (wrapping, not cut), as large as the
    page's text, each above its bar with its figure beside it, a sign never apart from its
    figure, and neither the form nor the report (its warnings and movement tables) runs off
    the side."""
    folder, _, q3 = quarters
    browser.set_window_size(390, 2000)
    try:
        browser.get(server.url + "/")
        form = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert form[0] <= form[1]  # the form fits: nothing to scroll sideways to
        assert drop(browser, server, folder / "q3.xlsx", folder / "q2.xlsx") == "report"
        for n, chart in enumerate(browser.find_elements(By.CSS_SELECTOR, "figure.chart")):
            browser.execute_script("arguments[0].scrollIntoView()", chart)
            shot(browser, f"phone-chart-{n}.png")
        seen = browser.execute_script(CHART_GEOMETRY)
    finally:
        browser.set_window_size(1280, 2000)
    assert seen["width"] <= 400 and len(seen["charts"]) == 2 and max(seen["charts"]) <= seen["width"]
    assert seen["scroll"] <= seen["width"]  # no table or chart runs off the side of the page
    rows = seen["rows"]
    labels = [r["label"] for r in rows]
    names = {line.line for line in q3.lines}
    assert {label for label in labels if label in names} and not any("…" in label for label in labels)
    assert (
        "Residential Children's Services - Independent Sector - Gross - activity higher than affordable level" in labels
    )
    wrapped = 0
    for r in rows:
        left, top, right, bottom = r["labelBox"]
        f_left, f_top, f_right, f_bottom = r["figureBox"]
        assert r["size"] >= 16 and r["figureSize"] >= 16, r
        assert 0 <= left and right <= seen["width"] and f_right <= seen["width"], r
        assert f_left >= right and f_bottom - f_top < 1.5 * r["line"], r  # beside the name, on one line
        assert r["barBox"][1] >= bottom - 0.5 and r["barBox"][2] <= seen["width"], r  # the bar below the name
        wrapped += bottom - top > 1.5 * r["line"]
    assert wrapped >= 3  # long names go on to a second line
    assert len(seen["figures"]) == 2 and all(lines == 1 for _, lines in seen["figures"]), seen["figures"]


def test_dropping_a_broken_workbook_shows_the_problem_with_its_cell(browser, server, tmp_path):
    assert drop(browser, server, text_in_money_cell(tmp_path)) == "problems"
    shot(browser, "problems.png")
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert "no report was made" in summary
    assert "Budget lines!D3" in summary and "'twelve' is not a number" in summary
    assert not browser.find_elements(By.CSS_SELECTOR, "a.download")


def test_the_form_works_with_scripts_off(tmp_path_factory, server):
    driver = chromium(tmp_path_factory.mktemp("noscript"), scripts=False)
    try:
        assert drop(driver, server, SAMPLE) == "report"
        assert driver.find_element(By.CSS_SELECTOR, '[data-figure="variance-net"]').text == "+14,703"
        assert driver.current_url.endswith("/report")  # a plain form post, not the script's
    finally:
        driver.quit()
