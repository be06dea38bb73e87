"""Sign-in and access on the page: who may upload for which organisation, drafts and the
approver's button, forms from elsewhere, and the audit trail; with ``--auth users``
(passwords, a session cookie) and with ``--auth proxy`` (the user a reverse proxy names)."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import attrs
import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")
httpx = pytest.importorskip("httpx")

from budget_monitor import api  # noqa: E402
from budget_monitor.inputs.quarterbook import write_quarter  # noqa: E402
from budget_monitor.serve import Settings  # noqa: E402
from budget_monitor.serve.access import hash_password, load_access  # noqa: E402
from tests.support.series import make_q2, net_variance, on_page, shown_k  # noqa: E402
from tests.support.server import TOKEN, Server  # noqa: E402

KENT = "Kent County Council"
MEDWAY = "Medway Council"
PASSWORDS = {"alice": "alice-secret-1", "bob": "bob-secret-22", "carol": "carol-secret-333"}


def access_file(folder: Path) -> Path:
    path = folder / "access.toml"
    path.write_text(
        f"""
[users.alice]
password = "{hash_password(PASSWORDS["alice"])}"
organisations = ["{KENT}"]
role = "preparer"

[users.bob]
password = "{hash_password(PASSWORDS["bob"])}"
organisations = ["{MEDWAY}"]
role = "preparer"

[users.carol]
password = "{hash_password(PASSWORDS["carol"])}"
organisations = ["{KENT}"]
role = "approver"
""",
        encoding="utf-8",
    )
    return path


def signed_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120)
    form = client.get("/sign-in")
    token = TOKEN.search(form.text).group(1)
    r = client.post("/sign-in", data={"csrf": token, "username": name, "password": PASSWORDS[name]})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text[:300]
    return client


def token_of(client: httpx.Client, path: str = "/") -> str:
    return TOKEN.search(client.get(path).text).group(1)


def send(client: httpx.Client, path: Path, **extra) -> httpx.Response:
    token = token_of(client)
    with open(path, "rb") as fh:
        return client.post(
            "/report", files={"workbook": (path.name, fh, "application/octet-stream")}, data={"csrf": token, **extra}
        )


@pytest.fixture(scope="module")
def books(tmp_path_factory, sample_quarter):
    """Kent's Q2 (two versions with different figures) and Q3, and Medway's Q3."""
    folder = tmp_path_factory.mktemp("books")
    q3 = sample_quarter
    q2a = make_q2(q3)
    first = q2a.lines[0]
    q2b = attrs.evolve(
        q2a,
        lines=(attrs.evolve(first, forecast=attrs.evolve(first.forecast, gross=first.forecast.gross + 500_000)),)
        + q2a.lines[1:],
    )
    medway = attrs.evolve(q3, settings=attrs.evolve(q3.settings, organisation=MEDWAY))
    for name, q in (("q2a", q2a), ("q2b", q2b), ("q3", q3), ("medway-q3", medway)):
        write_quarter(q, folder / f"{name}.xlsx")
    return folder, q2a, q2b, q3


def test_signed_in_users_their_organisations_drafts_approval_and_the_audit_trail(tmp_path, books):
    folder, q2a, q2b, q3 = books
    store = tmp_path / "history.sqlite"
    users = load_access(access_file(tmp_path), passwords=True)
    settings = Settings(workers=2, scratch=tmp_path, history=store, auth="users", users=users)
    with Server(settings) as s:
        # without signing in: the form asks to sign in, a post is refused
        assert httpx.get(s.url + "/").headers.get("location") == "/sign-in"
        assert httpx.post(s.url + "/report", data={"csrf": "x"}).status_code == 401
        with closing(httpx.Client(base_url=s.url, timeout=60)) as stranger:
            token = token_of(stranger, "/sign-in")
            wrong = stranger.post("/sign-in", data={"csrf": token, "username": "alice", "password": "guess"})
            assert wrong.status_code == 401 and "There is a problem" in wrong.text
            assert "Enter a user name and password that match" in wrong.text
            assert "bm_session" not in wrong.headers.get("set-cookie", "")

        alice, bob, carol = (signed_in(s.url, n) for n in ("alice", "bob", "carol"))
        with closing(alice), closing(bob), closing(carol):
            cookie = alice.cookies["bm_session"]
            r = alice.get("/")
            assert 'data-user="alice"' in r.text and r.headers["cache-control"] == "no-store"
            # A records Kent's Q2 twice: two drafts
            for name in ("q2a", "q2b"):
                r = send(alice, folder / f"{name}.xlsx")
                assert r.status_code == 200, r.text[:500]
            assert [(x.version, x.status, x.recorded_by) for x in api.history_reports(store)] == [
                (1, "draft", "alice"),
                (2, "draft", "alice"),
            ]
            # B (Medway) uploads Kent's workbook: refused at its Organisation cell, nothing recorded
            r = send(bob, folder / "q3.xlsx")
            assert r.status_code == 422
            assert "Settings!B1" in r.text and "you may make reports for Medway Council only" in r.text
            # B's own report shows none of Kent's figures: no previous report from Kent's history
            r = send(bob, folder / "medway-q3.xlsx")
            assert r.status_code == 200, r.text[:500]
            assert KENT not in r.text and "the history holds no earlier report of Medway Council" in r.text
            assert len(api.history_reports(store)) == 3
            # a cross-site form post without the token changes nothing; nor does one with a foreign Origin
            with open(folder / "q3.xlsx", "rb") as fh:
                forged = httpx.post(
                    s.url + "/report",
                    files={"workbook": ("q3.xlsx", fh, "application/octet-stream")},
                    cookies={"bm_session": cookie},
                )
            assert forged.status_code == 403
            evil = httpx.post(
                s.url + "/approve",
                data={
                    "csrf": token_of(carol, "/history"),
                    "organisation": KENT,
                    "period": "2011-12 Q2",
                    "version": "1",
                },
                cookies={"bm_session": carol.cookies["bm_session"]},
                headers={"origin": "https://evil.example"},
            )
            assert evil.status_code == 403
            assert len(api.history_reports(store)) == 3
            assert all(x.status == "draft" for x in api.history_reports(store))
            # a preparer has no approve button and cannot approve
            assert "Approve version" not in alice.get("/history").text
            refused = alice.post(
                "/approve",
                data={"csrf": token_of(alice), "organisation": KENT, "period": "2011-12 Q2", "version": "1"},
            )
            assert refused.status_code == 403
            # C approves version 1 (not the latest) with the button's form
            page = carol.get("/history").text
            assert 'data-approve="2011-12 Q2/1"' in page and 'data-status="draft"' in page
            r = carol.post(
                "/approve",
                data={
                    "csrf": token_of(carol, "/history"),
                    "organisation": KENT,
                    "period": "2011-12 Q2",
                    "version": "1",
                },
            )
            assert r.status_code == 303
            listed = {x.version: x for x in api.history_reports(store, KENT)}
            assert listed[1].status == "approved" and listed[1].approved_by == "carol" and listed[1].latest
            assert listed[2].status == "draft" and not listed[2].latest
            # A's Q3: the movement is from the approved version 1, not the later draft
            r = send(alice, folder / "q3.xlsx")
            assert r.status_code == 200, r.text[:500]
            assert on_page(f"moved from {shown_k(net_variance(q2a))} at 2011-12 Q2") in r.text
            assert shown_k(net_variance(q2a)) != shown_k(net_variance(q2b))
            assert "from the history (version 1, recorded " in r.text and "a draft" not in r.text
            link = re.search(r'href="(/download/[^"]+/json)"', r.text).group(1)
            assert alice.get(link).status_code == 200
            assert bob.get(link).status_code == 404  # a download is for whoever made the report
    trail = api.audit_trail(store)
    steps = [(a.action, a.user, a.organisation, a.version) for a in trail]
    assert ("record", "alice", KENT, 1) in steps and ("record", "alice", KENT, 2) in steps
    assert ("upload", "bob", KENT, None) in steps  # the refused upload, with the organisation it named
    assert ("approve", "carol", KENT, 1) in steps
    assert ("download", "alice", KENT, None) in steps
    assert [a.action for a in trail if a.user == "carol"] == ["approve"]
    assert all(a.client == "127.0.0.1" and a.at for a in trail)
    refused_row = next(a for a in trail if a.user == "bob" and a.organisation == KENT)
    assert refused_row.detail.startswith("refused") and refused_row.file_name == "q3.xlsx"
    assert len(refused_row.file_sha256) == 64


def test_behind_a_proxy_the_user_is_the_header(tmp_path, books):
    folder, *_ = books
    users = load_access(access_file(tmp_path), passwords=False)
    settings = Settings(workers=1, scratch=tmp_path, auth="proxy", users=users, user_header="X-Remote-User")
    with Server(settings) as s:
        assert httpx.get(s.url + "/").status_code == 401
        assert httpx.get(s.url + "/", headers={"X-Remote-User": "mallory"}).status_code == 403
        with closing(httpx.Client(base_url=s.url, timeout=120, headers={"X-Remote-User": "bob"})) as bob:
            r = bob.get("/")
            assert r.status_code == 200 and 'data-user="bob"' in r.text
            refused = send(bob, folder / "q3.xlsx")
            assert refused.status_code == 422 and "Settings!B1" in refused.text
            assert send(bob, folder / "medway-q3.xlsx").status_code == 200
        # the session is the header's user's: another user's header with it is not that session
        with closing(httpx.Client(base_url=s.url, timeout=120, headers={"X-Remote-User": "alice"})) as alice:
            token = token_of(alice)
            alice.headers["X-Remote-User"] = "bob"
            with open(folder / "medway-q3.xlsx", "rb") as fh:
                r = alice.post(
                    "/report",
                    files={"workbook": ("m.xlsx", fh, "application/octet-stream")},
                    data={"csrf": token},
                )
            assert r.status_code == 403


def test_a_host_name_not_allowed_is_refused(tmp_path):
    with Server(Settings(workers=1, scratch=tmp_path, allowed_hosts=("budgets.example",))) as s:
        assert httpx.get(s.url + "/").status_code == 400
        assert httpx.get(s.url + "/", headers={"host": "budgets.example:8000"}).status_code == 200
