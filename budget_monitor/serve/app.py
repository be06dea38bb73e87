"""The web application: routes, the upload limit, security headers, and the worker pool.

``create_app(settings)`` gives a Starlette (ASGI) application:

- ``GET /`` the upload form; ``POST /report`` analyses an upload and answers with the
  report's page or the problems; ``GET /download/{token}/{kind}`` one of the outputs;
  ``/static/`` the page's own stylesheet and script (nothing is fetched from elsewhere).
- An upload larger than ``Settings.max_upload_bytes`` is refused (413) before the body is
  read when it says its size, and as soon as it passes the limit when it does not.
- Uploads are analysed in ``Settings.workers`` worker processes, so that one large
  workbook does not hold up the page; at most ``Settings.queue`` more wait their turn,
  and beyond that the page answers at once that it is busy (503): the count is taken and
  raised in one step, before anything is read. Each worker has a memory ceiling
  (``Settings.worker_memory_mb``) and the page reads with ``Settings.limits`` where they
  are lower than the rules'; a worker that dies (a workbook that asked for too much) is
  replaced, with its pool, and the next upload is answered.
- A request whose body stops arriving for ``Settings.read_timeout`` seconds, or has not
  all arrived after ten times that, is answered 408.
- Who may use it (``auth.Gate``): without ``Settings.auth`` anyone who reaches it; with
  ``users`` those who sign in, with ``proxy`` those a reverse proxy names, each for the
  organisations the access file gives. Every form carries the session's CSRF token; a
  POST whose ``Origin`` is not one of ``Settings.allowed_hosts`` is refused (403), and so
  is any request for another host (400). Nothing that shows figures is cached
  (``Cache-Control: no-store`` on every answer but the static files).

What this module must not do: analyse or render itself (``jobs``, ``page``), or serve a
file that is not one of a job's outputs.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import secrets
import shutil
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rules import Limits
from . import page
from .access import User
from .auth import Gate, client_of
from .jobs import OUTPUTS, Jobs, run_job, safe_stem, start_worker, warm

STATIC = Path(__file__).parent / "static"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
PREVIOUS_SUFFIXES = WORKBOOK_SUFFIXES | {".json"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" with a form it
    # posts, and the Origin check could not tell the page's own forms from another site's.
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


#: The page's own limits on what an upload may unpack to and how far its sheets may reach,
#: used where they are lower than the rules' (the command line reads what its user
#: trusts; the page, what anyone who can reach it sends).
PAGE_LIMITS = Limits(
    max_entry_bytes=256 << 20,
    max_total_bytes=512 << 20,
    max_compression_ratio=100,
    max_sheet_rows=500_000,
    max_sheet_columns=1_000,
    max_sheet_cells=5_000_000,
)


@dataclass(frozen=True)
class Settings:
    """How the page runs. ``rules_dir``: a folder of rules files (``*.toml``) offered in the
    form besides the built-in thresholds."""

    max_upload_bytes: int = 50 * 1024 * 1024
    workers: int = 2
    queue: int = 8
    keep_minutes: float = 15
    rules_dir: Path | None = None
    scratch: Path | None = None
    #: The history store (SQLite) each report is recorded in, and the previous report comes
    #: from when none is uploaded; None keeps nothing after answering.
    history: Path | None = None
    #: Each worker's memory ceiling (address space, MB; 0 for none).
    worker_memory_mb: int = 2048
    #: The page's own ``[limits]``, used where they are lower than the rules'.
    limits: Limits = field(default_factory=lambda: PAGE_LIMITS)
    #: Seconds a request's body may stop arriving before it is answered 408.
    read_timeout: float = 30.0
    #: "" (anyone who reaches the page), "users" (sign-in) or "proxy" (the user_header's name).
    auth: str = ""
    #: The access file's users (``access.load_access``), with ``auth``.
    users: dict[str, User] | None = None
    user_header: str = "X-Remote-User"
    #: The host names the page answers to (the Host header), and the origins a form may come from.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")

    @property
    def limit_mb(self) -> int:
        return max(1, round(self.max_upload_bytes / (1024 * 1024)))


class TooLarge(Exception):
    """The request body passed the upload limit."""


class TooSlow(Exception):
    """The request body stopped arriving (``Settings.read_timeout``)."""


class Guard:
    """ASGI middleware: the upload limit, the body's read timeout, and the security headers
    on every answer."""

    def __init__(self, app: ASGIApp, limit: int, read_timeout: float = 30.0, hosts: tuple[str, ...] = ()):
        self.app = app
        self.limit = limit
        self.read_timeout = read_timeout
        self.hosts = {h.strip("[]").casefold() for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = SECURITY_HEADERS if static else SECURITY_HEADERS + [(b"cache-control", b"no-store")]
                headers = [(k, v) for k, v in message.get("headers", []) if static or k.lower() != b"cache-control"]
                message["headers"] = headers + extra
            await send(message)

        headers = dict(scope["headers"])
        if self.hosts and _hostname(headers.get(b"host", b"").decode("latin-1")) not in self.hosts:
            await PlainTextResponse("This page does not answer to that host name.", 400)(scope, receive, send)
            return
        if scope["method"] == "POST" and b"origin" in headers:
            origin = headers[b"origin"].decode("latin-1")
            if origin == "null" or _hostname(origin.split("://", 1)[-1]) not in self.hosts:
                page_403 = HTMLResponse(
                    page.message_page(
                        "The form did not come from this page",
                        "Forms are taken only from this page itself. Go back to it, reload it and send the form again.",
                        status="refused-403",
                    ),
                    status_code=403,
                )
                await page_403(scope, receive, send_with_headers)
                return

        if scope["method"] == "POST":
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.limit):
                await too_large(self.limit)(scope, receive, send_with_headers)
                return
            seen = 0
            deadline = time.monotonic() + 10 * self.read_timeout

            async def counted() -> Message:
                nonlocal seen
                wait = min(self.read_timeout, deadline - time.monotonic())
                try:
                    message = await asyncio.wait_for(receive(), max(wait, 0.001))
                except TimeoutError:
                    raise TooSlow from None
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > self.limit:
                        raise TooLarge
                return message

            await self.app(scope, counted, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _hostname(host: str) -> str:
    """``budgets.example:8000`` -> ``budgets.example``; ``[::1]:8000`` -> ``::1``."""
    host = host.strip().casefold()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def too_slow() -> Response:
    return HTMLResponse(
        page.message_page(
            "The upload took too long",
            "The file stopped arriving before it was all sent. Try again; a large workbook on a slow "
            "connection may need saving without what it does not need.",
            status="too-slow",
        ),
        status_code=408,
        headers={"connection": "close"},
    )


def too_large(limit: int) -> Response:
    mb = max(1, round(limit / (1024 * 1024)))
    return HTMLResponse(
        page.message_page(
            "The file is too large",
            f"This page takes files of up to {mb} MB. Save the workbook without what it does not need "
            "(pictures, other sheets) or ask for the limit to be raised.",
            status="too-large",
        ),
        status_code=413,
        headers={"connection": "close"},
    )


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The page's ASGI application (serve it with uvicorn: ``budget-monitor serve``)."""
    cfg = settings or Settings()
    state: dict[str, Any] = {}
    gate = Gate(cfg.auth, cfg.users, cfg.user_header, cfg.history)

    limits = attrs.asdict(cfg.limits)

    def new_pool() -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            cfg.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(cfg.worker_memory_mb,),
        )
        for _ in range(cfg.workers):
            pool.submit(warm)  # every worker started, the library loaded, before the first upload
        return pool

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["jobs"] = Jobs(cfg.keep_minutes * 60, cfg.scratch)
        state["pool"] = new_pool()
        state["waiting"] = 0
        sweeper = asyncio.create_task(_sweep(state["jobs"]))
        try:
            yield
        finally:
            sweeper.cancel()
            state["pool"].shutdown(wait=False, cancel_futures=True)
            state["jobs"].close()

    def takes_previous() -> bool:
        """Whether the library compares with a previous report (``analyse(..., previous=)``)."""
        import inspect

        from .. import api

        return "previous" in inspect.signature(api.analyse).parameters

    def rules_files() -> list[str]:
        if cfg.rules_dir is None or not cfg.rules_dir.is_dir():
            return []
        return sorted(p.name for p in cfg.rules_dir.glob("*.toml"))

    def form_page(request: Request, error: str = "", status_code: int = 200) -> Response:
        session, user, answer = gate.identify(request)
        if answer is not None:
            return answer
        body = page.form(
            rules_files(),
            limit_mb=cfg.limit_mb,
            error=error,
            previous=takes_previous(),
            history=cfg.history is not None,
            csrf=session.csrf,
        )
        html = gate.layout("Make the monitoring report", body, session, user, history=cfg.history is not None)
        return gate.remember(HTMLResponse(html, status_code=status_code), session, request)

    async def home(request: Request) -> Response:
        return form_page(request)

    async def report(request: Request) -> Response:
        # Counted and raised in one step, with no await between: twenty uploads at once
        # cannot all see room for themselves.
        if state["waiting"] >= cfg.workers + cfg.queue:
            return HTMLResponse(
                page.message_page(
                    "The page is busy",
                    "Several reports are being made at the moment. Try again in a minute.",
                    status="busy",
                ),
                status_code=503,
                headers={"retry-after": "30"},
            )
        state["waiting"] += 1
        try:
            return await make(request)
        finally:
            state["waiting"] -= 1

    async def make(request: Request) -> Response:
        jobs: Jobs = state["jobs"]
        session, user, refusal = gate.identify(request)
        if refusal is not None:
            return refusal
        try:
            form = await request.form(max_files=2, max_fields=5)
        except TooLarge:
            return too_large(cfg.max_upload_bytes)
        except TooSlow:
            return too_slow()
        except Exception:  # noqa: BLE001 - a malformed upload is the sender's problem, said plainly
            return form_page(request, "The upload could not be read: send the form again.", 400)
        forged = gate.forged(session, form)
        if forged is not None:
            return forged
        upload = form.get("workbook")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return form_page(request, "Choose the quarterly workbook to upload.", 400)
        name = Path(upload.filename.replace("\\", "/")).name
        suffix = Path(name).suffix.lower()
        if suffix not in WORKBOOK_SUFFIXES:
            return form_page(request, f"{name} is not a workbook: choose an .xlsx, .xlsm or .ods file.", 400)
        previous = form.get("previous")
        has_previous = isinstance(previous, UploadFile) and bool(previous.filename)
        rules_name = str(form.get("rules") or "")
        rules_path: str | None = None
        if rules_name:
            if rules_name not in rules_files():
                return form_page(request, f"There are no thresholds called {rules_name}.", 400)
            assert cfg.rules_dir is not None
            rules_path = str(cfg.rules_dir / rules_name)
        job = jobs.new()
        job.stem = safe_stem(name)
        job.owner = user.name if user is not None else session.token
        # Under its own name (made safe) in a folder of its own: the history records the name.
        workbook = job.folder / "input" / (job.stem + suffix)
        workbook.parent.mkdir(mode=0o700)
        await _save(upload, workbook)
        previous_path = previous_label = None
        if has_previous and not takes_previous():
            jobs.drop(job)
            return form_page(
                request, "This version cannot compare with a previous report: upload the workbook alone.", 400
            )
        if has_previous:
            assert isinstance(previous, UploadFile) and previous.filename
            previous_label = Path(previous.filename.replace("\\", "/")).name
            p_suffix = Path(previous_label).suffix.lower()
            if p_suffix not in PREVIOUS_SUFFIXES:
                jobs.drop(job)
                return form_page(request, f"{previous_label} is not a workbook or a JSON report.", 400)
            previous_path = job.folder / "previous" / (safe_stem(previous_label) + p_suffix)
            previous_path.parent.mkdir(mode=0o700)
            await _save(previous, previous_path)
        await form.close()
        pool = state["pool"]
        try:
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(
                pool,
                run_job,
                str(job.folder),
                str(workbook),
                name,
                None if previous_path is None else str(previous_path),
                previous_label,
                rules_path,
                job.stem,
                None if cfg.history is None else str(cfg.history),
                limits,
                {
                    "user": user.name if user is not None else "",
                    "client": client_of(request),
                    "organisations": list(user.organisations) if user is not None else None,
                },
            )
        except BrokenProcessPool:
            # A worker died (a workbook that asked for more memory than its ceiling): a new
            # pool takes the next upload; this one is answered.
            if state["pool"] is pool:
                state["pool"] = new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            jobs.drop(job)
            return HTMLResponse(
                page.message_page(
                    "The report could not be made",
                    "Reading the workbook needed more than this page allows, and it was stopped. Nothing was kept. "
                    "Check the workbook with budget-monitor check on your own computer.",
                ),
                status_code=500,
            )
        except Exception:  # noqa: BLE001 - a failed worker must not take the page down
            jobs.drop(job)
            return HTMLResponse(
                page.message_page("Something went wrong", "The report could not be made. Nothing was kept."),
                status_code=500,
            )
        finally:
            for path in (workbook, previous_path):
                if path is not None:
                    shutil.rmtree(path.parent, ignore_errors=True)
        about = answer.get("input") or {}
        job.about = {"file_name": name, "file_sha256": about.get("sha256", ""),
                     "organisation": about.get("organisation", ""), "period": about.get("period", "")}  # fmt: skip
        errors = sum(1 for p in answer["problems"] if p["level"] == "error")
        detail = "report made" if answer["ok"] else f"refused: {errors} errors" if errors else "refused"
        if not answer.get("store"):
            await gate.audit(request, user, "upload", **job.about, detail=detail)
        if answer.get("store"):
            jobs.drop(job)
            return HTMLResponse(
                page.message_page(
                    "The history store cannot be used",
                    f"{answer['store']}. No report was made and the store was not changed: "
                    "ask whoever runs this page to name a history store that can be used.",
                    status="store",
                ),
                status_code=500,
            )
        if not answer["ok"]:
            jobs.drop(job)
            files = [name] + ([previous_label] if previous_label else [])
            return HTMLResponse(
                gate.layout(
                    f"Problems in {name}",
                    page.problems_page(name, answer["problems"], files),
                    session,
                    user,
                    status="problems",
                    history=cfg.history is not None,
                ),
                status_code=422,
            )
        job.outputs = answer["outputs"]
        body = page.report_page(
            name,
            job.token,
            job.outputs,
            answer["json"],
            answer["problems"],
            movement=answer.get("movement"),
            history=answer.get("history"),
            has_store=cfg.history is not None,
        )
        return HTMLResponse(
            gate.layout(f"Report for {name}", body, session, user, status="report", history=cfg.history is not None),
            headers={"cache-control": "no-store"},
        )

    async def download(request: Request) -> Response:
        session, user, refusal = gate.identify(request)
        if refusal is not None:
            return refusal
        job = state["jobs"].get(request.path_params["token"])
        kind = request.path_params["kind"]
        owner = user.name if user is not None else session.token
        if job is None or kind not in job.outputs or (cfg.auth and not secrets.compare_digest(job.owner, owner)):
            return HTMLResponse(
                page.message_page(
                    "That download is not here",
                    "Reports are kept for a short while after they are made, for the person who made them. "
                    "Upload the workbook again to make it afresh.",
                ),
                status_code=404,
            )
        file = job.outputs[kind]
        await gate.audit(request, user, "download", **job.about, detail=OUTPUTS[kind][0])
        return FileResponse(
            job.folder / file,
            media_type=OUTPUTS[kind][2],
            filename=file,
            headers={"cache-control": "no-store"},
        )

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/report", report, methods=["POST"]),
            Route("/report", form_page, methods=["GET"]),
            Route("/download/{token}/{kind}", download),
            Route("/sign-in", gate.sign_in_form, methods=["GET"]),
            Route("/sign-in", gate.sign_in, methods=["POST"]),
            Route("/sign-out", gate.sign_out, methods=["POST"]),
            Route("/history", gate.versions, methods=["GET"]),
            Route("/approve", gate.approve, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    return Guard(app, cfg.max_upload_bytes, cfg.read_timeout, cfg.allowed_hosts)


async def _save(upload: UploadFile, target: Path) -> None:
    await upload.seek(0)
    with open(target, "wb") as fh:
        while chunk := await upload.read(1024 * 1024):
            fh.write(chunk)


async def _sweep(jobs: Jobs) -> None:
    while True:
        await asyncio.sleep(30)
        jobs.expire()
