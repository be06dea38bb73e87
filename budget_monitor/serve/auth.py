"""Who is asking, and whether they may: sign-in and sign-out, the session cookie, the CSRF
token of every form, the versions page and its approve button, and the audit trail's rows
for what happens on the page.

``Gate`` answers, for each request, with its session and its user, or with the answer to
give instead: without ``--auth`` everyone is the same anonymous user (a session all the
same, for the forms' CSRF token); with ``--auth users`` the session's signed-in user (a
page asks to sign in, anything else is 401); with ``--auth proxy`` the user named by the
header the authenticating reverse proxy sets (none: 401; one not in the access file: 403).

What this module must not do: make a report, or trust a header or a form field it has not
checked; a session and a password live only in memory (``access``).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from . import page
from .access import Session, Sessions, User, check_password

COOKIE = "bm_session"


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class Gate:
    def __init__(self, auth: str, users: dict[str, User] | None, user_header: str, history: Path | None):
        self.auth = auth
        self.users = users or {}
        self.header = user_header
        self.history = history
        self.sessions = Sessions()

    # --- who is asking ----------------------------------------------------------------------

    def identify(self, request: Request) -> tuple[Session, User | None, Response | None]:
        """The request's session and user, or the answer to give instead of the page."""
        session = self.sessions.get(request.cookies.get(COOKIE))
        if self.auth == "proxy":
            name = request.headers.get(self.header, "").strip()
            if not name:
                return self._anonymous(session), None, refused(401, "Sign in first", PROXY_401)
            user = self.users.get(name)
            if user is None:
                return self._anonymous(session), None, refused(403, "You cannot use this page", NOT_LISTED)
            if session is None or session.user != name:
                session = self.sessions.new(name)
            return session, user, None
        if self.auth == "users":
            user = self.users.get(session.user or "") if session is not None else None
            if session is None or user is None:
                if request.method == "GET":
                    return self._anonymous(session), None, RedirectResponse("/sign-in", status_code=303)
                return self._anonymous(session), None, refused(401, "Sign in first", SIGN_IN_AGAIN)
            return session, user, None
        return self._anonymous(session), None, None

    def _anonymous(self, session: Session | None) -> Session:
        return session if session is not None and session.user is None else self.sessions.new(None)

    def remember(self, response: Response, session: Session, request: Request) -> Response:
        """Set the session cookie on ``response`` unless the request carried it already."""
        if request.cookies.get(COOKIE) != session.token:
            response.set_cookie(
                COOKIE,
                session.token,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response

    @staticmethod
    def forged(session: Session, form: Any) -> Response | None:
        """403 unless the form carries the session's CSRF token."""
        token = form.get("csrf")
        if isinstance(token, str) and secrets.compare_digest(token, session.csrf):
            return None
        return refused(403, "The form has expired", EXPIRED)

    # --- sign-in and sign-out ------------------------------------------------------------------

    async def sign_in_form(self, request: Request) -> Response:
        session = self.sessions.get(request.cookies.get(COOKIE))
        session = self._anonymous(session)
        return self.remember(HTMLResponse(page.layout("Sign in", sign_in(session.csrf))), session, request)

    async def sign_in(self, request: Request) -> Response:
        session = self.sessions.get(request.cookies.get(COOKIE))
        form = await request.form(max_files=0, max_fields=4)
        if session is None or self.forged(session, form) is not None:
            return refused(403, "The form has expired", EXPIRED)
        name = str(form.get("username") or "").strip()
        password = str(form.get("password") or "")
        user = self.users.get(name)
        if not await run_in_threadpool(check_password, user, password):
            body = sign_in(session.csrf, error="Enter a user name and password that match", username=name)
            return HTMLResponse(page.layout("Error: Sign in", body, status="sign-in-failed"), status_code=401)
        self.sessions.end(session.token)
        signed = self.sessions.new(name)  # a new token on signing in: one seen before cannot be used
        return self.remember(RedirectResponse("/", status_code=303), signed, request)

    async def sign_out(self, request: Request) -> Response:
        session = self.sessions.get(request.cookies.get(COOKIE))
        if session is not None:
            form = await request.form(max_files=0, max_fields=2)
            if self.forged(session, form) is not None:
                return refused(403, "The form has expired", EXPIRED)
            self.sessions.end(session.token)
        answer = RedirectResponse("/sign-in" if self.auth == "users" else "/", status_code=303)
        answer.delete_cookie(COOKIE, path="/")
        return answer

    # --- the versions page and approving -------------------------------------------------------

    async def versions(self, request: Request) -> Response:
        session, user, answer = self.identify(request)
        if answer is not None:
            return answer
        if self.history is None or not self.history.exists():
            body = "<h1>Recorded reports</h1><p>Nothing has been recorded yet.</p>"
            return self.remember(HTMLResponse(self.layout("Recorded reports", body, session, user)), session, request)
        rows = await run_in_threadpool(self._reports, user)
        body = versions_table(rows, user, session.csrf, self.auth != "")
        return self.remember(HTMLResponse(self.layout("Recorded reports", body, session, user)), session, request)

    def _reports(self, user: User | None) -> list[Any]:
        from ..store import store_at

        assert self.history is not None
        with store_at(self.history, create=False) as store:
            found = store.reports()
        return [r for r in found if user is None or user.may_see(r.organisation)]

    async def approve(self, request: Request) -> Response:
        session, user, answer = self.identify(request)
        if answer is not None:
            return answer
        form = await request.form(max_files=0, max_fields=6)
        forged = self.forged(session, form)
        if forged is not None:
            return forged
        org, period, version = (str(form.get(k) or "") for k in ("organisation", "period", "version"))
        if user is None or not user.approver or not user.may_see(org) or self.history is None:
            return refused(403, "You cannot approve this report", NOT_APPROVER)
        from ..periods import PeriodError, parse_period
        from ..store import StoreError, store_at

        def approve() -> None:
            assert self.history is not None
            with store_at(self.history, create=False) as store:
                store.approve(org, parse_period(period), int(version), user.name, client_of(request))

        try:
            await run_in_threadpool(approve)
        except (StoreError, PeriodError, ValueError) as exc:
            message = str(exc).removeprefix(f"{self.history.name}: ")
            return HTMLResponse(page.message_page("The version was not approved", message), status_code=409)
        return RedirectResponse("/history", status_code=303)

    def layout(self, title: str, body: str, session: Session, user: User | None, **kw: Any) -> str:
        return page.layout(title, body, account=self.account(session, user), **kw)

    def account(self, session: Session, user: User | None) -> str:
        """The header's line: who is signed in, the recorded reports, and signing out."""
        links = '<a href="/history">Recorded reports</a>' if self.history is not None else ""
        if user is None:
            return f'<div class="account">{links}</div>' if links else ""
        out = ""
        if self.auth == "users":
            out = (
                '<form method="post" action="/sign-out" class="inline">'
                f'<input type="hidden" name="csrf" value="{escape(session.csrf)}">'
                '<button type="submit" class="link">Sign out</button></form>'
            )
        return (
            f'<div class="account">Signed in as <strong data-user="{escape(user.name)}">{escape(user.name)}</strong>'
            f" ({escape(user.role)}) {links} {out}</div>"
        )

    # --- the audit trail ----------------------------------------------------------------------

    async def audit(self, request: Request, user: User | None, action: str, **row: Any) -> None:
        """A row of the audit trail for what ``user`` did from ``request``'s address (with a store)."""
        if self.history is None:
            return
        from ..store import AuditRow, store_at

        entry = AuditRow(
            datetime.now(UTC).isoformat(timespec="seconds"),
            user.name if user is not None else "anonymous",
            client_of(request),
            action,
            **row,
        )

        def add() -> None:
            assert self.history is not None
            with store_at(self.history) as store:
                store.audit(entry)

        await run_in_threadpool(add)


PROXY_401 = (
    "This page is reached through the council's sign-in: open it from there. (The proxy in front of it did not "
    "say who you are.)"
)
NOT_LISTED = "You are signed in, but not on this page's access list. Ask whoever runs it to add you."
SIGN_IN_AGAIN = "Your session has ended. Sign in again, then send the form again."
EXPIRED = "The form has expired, or did not come from this page. Go back, reload the page and send it again."
NOT_APPROVER = "Only an approver for the report's organisation can approve it."


def refused(status: int, title: str, message: str) -> Response:
    return HTMLResponse(page.message_page(title, message, status=f"refused-{status}"), status_code=status)


def sign_in(csrf: str, error: str = "", username: str = "") -> str:
    """The sign-in form (GOV.UK pattern: an error summary above, the message by the field)."""
    summary = inline = ""
    invalid = ""
    if error:
        summary = (
            '<div class="error-summary" role="alert" tabindex="-1" data-module="error-summary">'
            f'<h2>There is a problem</h2><ul><li><a href="#username">{escape(error)}</a></li></ul></div>'
        )
        inline = f'<p class="error-message" id="username-error"><span class="visually-hidden">Error:</span> {escape(error)}</p>'
        invalid = ' aria-invalid="true" aria-describedby="username-error"'
    return f"""{summary}
<h1>Sign in</h1>
<form method="post" action="/sign-in" novalidate>
<input type="hidden" name="csrf" value="{escape(csrf)}">
<div class="field{" field-error" if error else ""}">
<label for="username">User name</label>
{inline}<input type="text" id="username" name="username" autocomplete="username" spellcheck="false"
 value="{escape(username)}"{invalid}>
</div>
<div class="field">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
</div>
<button type="submit" class="button">Sign in</button>
</form>
"""


def versions_table(rows: list[Any], user: User | None, csrf: str, signed: bool) -> str:
    """The recorded versions the user may see, each draft or approved; an approver's button."""
    if not rows:
        return "<h1>Recorded reports</h1><p>Nothing you may see has been recorded yet.</p>"
    out = [
        "<h1>Recorded reports</h1>",
        (
            "<p>A recorded version is a draft until an approver approves it. The movement of the next report is "
            "measured from the latest approved version of the period before, or its latest draft where none is "
            "approved. * marks the version that counts.</p>"
        ),
        (
            '<table class="table versions"><thead><tr><th scope="col">Organisation</th><th scope="col">Period</th>'
            '<th scope="col">Version</th><th scope="col">Status</th><th scope="col">Recorded (UTC)</th>'
            '<th scope="col">By</th><th scope="col">Input</th><th scope="col"></th></tr></thead><tbody>'
        ),
    ]
    for r in rows:
        status = f"Approved by {r.approved_by}" if r.status == "approved" else "Draft"
        button = ""
        if signed and user is not None and user.approver and r.status == "draft":
            button = (
                '<form method="post" action="/approve" class="inline">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
                f'<input type="hidden" name="organisation" value="{escape(r.organisation)}">'
                f'<input type="hidden" name="period" value="{escape(r.period)}">'
                f'<input type="hidden" name="version" value="{r.version}">'
                f'<button type="submit" class="button secondary" data-approve="{escape(r.period)}/{r.version}">'
                f"Approve version {r.version}</button></form>"
            )
        out.append(
            f'<tr data-status="{r.status}"><td>{escape(r.organisation)}</td><td>{escape(r.period_text)}</td>'
            f"<td>{r.version}{'*' if r.latest else ''}</td><td>{escape(status)}</td>"
            f"<td>{escape(r.recorded_at.replace('T', ' ')[:16])}</td><td>{escape(r.recorded_by)}</td>"
            f"<td>{escape(r.input_name)}</td><td>{button}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)
