"""Signing in, making a report, signing out and approving it, in a real browser (headless
Chromium), as a preparer and an approver of the same council."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
pytest.importorskip("argon2")

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from budget_monitor.serve import Settings
from budget_monitor.serve.access import hash_password, load_access
from tests.serve.test_browser import chromium, drop, shot
from tests.support.paths import SAMPLE
from tests.support.server import Server


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("access")
    access = folder / "access.toml"
    access.write_text(
        f'[users.alice]\npassword = "{hash_password("alice-secret-1")}"\norganisations = ["Kent County Council"]\n'
        f'role = "preparer"\n\n[users.carol]\npassword = "{hash_password("carol-secret-3")}"\n'
        'organisations = ["Kent County Council"]\nrole = "approver"\n',
        encoding="utf-8",
    )
    users = load_access(access, passwords=True)
    settings = Settings(workers=1, scratch=folder, history=folder / "h.sqlite", auth="users", users=users)
    with Server(settings) as s:
        yield s


def sign_in(browser, server, name: str, password: str) -> None:
    browser.get(server.url + "/")
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "username")))
    assert browser.current_url.endswith("/sign-in")
    browser.find_element(By.ID, "username").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()


def test_sign_in_report_sign_out_and_approve(tmp_path_factory, signed_server):
    browser = chromium(tmp_path_factory.mktemp("chromium-access"))
    browser.set_page_load_timeout(120)
    try:
        sign_in(browser, signed_server, "alice", "wrong password")
        # the click sends the form; the answer is a new page, waited for (not there at once)
        summary = WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
        assert "Enter a user name and password that match" in summary.text
        shot(browser, "sign-in-error.png")
        browser.find_element(By.ID, "password").send_keys("alice-secret-1")
        browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
        WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "upload")))
        assert browser.find_element(By.CSS_SELECTOR, "[data-user]").text == "alice"
        assert drop(browser, signed_server, SAMPLE) == "report"
        assert "Recorded in the history as 2011-12 Q3, version 1." in browser.page_source
        browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
        WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "username")))
        browser.get(signed_server.url + "/history")
        assert browser.current_url.endswith("/sign-in")  # signed out: the recorded reports ask to sign in

        sign_in(browser, signed_server, "carol", "carol-secret-3")
        WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "upload")))
        browser.get(signed_server.url + "/history")
        row = browser.find_element(By.CSS_SELECTOR, "tr[data-status]")
        assert row.get_attribute("data-status") == "draft" and "alice" in row.text
        shot(browser, "recorded-reports.png")
        browser.find_element(By.CSS_SELECTOR, "[data-approve='2011-12 Q3/1']").click()
        # the page is loaded again after approving: a row found on the old page may be gone by the time it is read
        WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda b: b.find_element(By.CSS_SELECTOR, "tr[data-status]").get_attribute("data-status") == "approved"
        )
        assert "Approved by carol" in browser.find_element(By.CSS_SELECTOR, "tr[data-status]").text
        assert not browser.find_elements(By.CSS_SELECTOR, "[data-approve]")
    finally:
        browser.quit()
