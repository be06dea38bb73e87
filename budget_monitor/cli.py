"""The ``budget-monitor`` command: parse, call one library function, print, exit.

Exit status: 0 done (warnings are printed), 1 the input has errors (each printed as
``IN.xlsx: Sheet!Cell: message``; nothing is written), 2 a usage error (a history store
that cannot be used among them, whatever is wrong with it), 3 an internal error (a short
message says where the details were written).

Heavy modules are imported inside the commands so that ``--help`` stays quick.

It must not compute, check or format figures itself: that is the library's job
(``api``); it never reads or writes a workbook but through it.
"""

from __future__ import annotations

import atexit
import gc
import sys
from pathlib import Path

import typer

from .cli_params import adjust_typer

adjust_typer()  # help naming types as a reader would; values converted without pydantic

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Budget monitoring: a quarterly workbook in, a monitoring report workbook (and JSON) out.\n\n"
    "Example: budget-monitor report workbooks/kcc-scs-2011-12-q3.xlsx",
)


EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def _version(value: bool) -> None:
    if value:
        version = getattr(sys.modules[__package__ or "budget_monitor"], "__version__", "unknown")
        typer.echo(f"budget-monitor {version}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    pass


#: The report command prints this many warnings at most (all are in the Checks sheet).
MAX_WARNINGS_SHOWN = 50


def _say(text: str) -> None:
    _echo(text, err=True)


def _echo(text: str, err: bool = False) -> None:
    """Print ``text``, with any control character in it (from a workbook, a store) made harmless."""
    from .textsafe import printable

    typer.echo(printable(text), err=err)


def _show(label: str, problems) -> None:
    """Print each problem as ``FILE: Sheet!Cell: [warning: ]message`` (the file it names, else ``label``)."""
    for p in problems:
        place = str(p.where)
        file = p.where.file or label
        prefix = f"{file}: {place}: " if place else f"{file}: "
        tag = "" if p.level == "error" else "warning: "
        _say(f"{prefix}{tag}{p.message}")


def _usage(message: str) -> typer.Exit:
    _say(f"budget-monitor: {message}")
    return typer.Exit(EXIT_USAGE)


def _load_rules(rules: Path | None):
    from .api import RulesError, load_rules

    try:
        return load_rules(rules)
    except RulesError as exc:
        raise _usage(str(exc)) from None


def _label(workbooks: list[Path]) -> str:
    return str(workbooks[0]) if len(workbooks) == 1 else "budget-monitor"


def _count(problems) -> None:
    from .model import counted

    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    _say(f"{counted(errors, 'error')}, {counted(warnings, 'warning')}")


def _failed(label: str, result, nothing_written: bool = False) -> typer.Exit:
    """Print every problem of a result with errors; exit 1, or 2 when a history store
    cannot be used (a file that is not one, another application's database, a damaged one)."""
    from .series import UNUSABLE_STORE

    _show(label, result.problems)
    _count(result.problems)
    if nothing_written:
        _say("budget-monitor: no report was written: correct the errors above and run the report again")
    return typer.Exit(EXIT_USAGE if any(p.code == UNUSABLE_STORE for p in result.errors) else EXIT_INPUT)


@app.command()
def report(
    workbooks: list[Path] = typer.Argument(
        ...,
        metavar="WORKBOOK",
        help="The quarterly workbook (.xlsx or .xlsm); several make one report of all their portfolios.",
    ),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="Where to write the report workbook [default: next to the input, with -report; needed for several].",
    ),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the results as JSON here."),
    rules: Path | None = typer.Option(
        None, "--rules", help="A rules file (TOML) with thresholds [default: built in, as rules/default.toml]."
    ),
    docx_path: Path | None = typer.Option(
        None,
        "--docx",
        help="Also write the committee paper here (.docx, A4): summary, recommendations, the reasons for "
        "variance in numbered paragraphs, the tables as appendices.",
    ),
    docx_template: Path | None = typer.Option(
        None,
        "--docx-template",
        help="The council's committee-paper template (.docx) to build the paper on: its styles, page set-up, "
        "header, footer and logo are kept [default: the rules' [docx] template, else the built-in look].",
    ),
    title: str | None = typer.Option(
        None, "--title", help="The report's title [default: the workbooks' Settings Title]."
    ),
    history: Path | None = typer.Option(
        None,
        "--history",
        help="The history store (SQLite) to record the report in and find the last one in "
        "[default: budget-monitor.sqlite beside the report].",
    ),
    no_history: bool = typer.Option(False, "--no-history", help="Record nothing and read no history."),
    previous: Path | None = typer.Option(
        None,
        "--previous",
        help="The previous report to measure the movement from: a quarterly workbook or a JSON report written by "
        "--json, of the same organisation and an earlier period [default: the latest earlier period in the history].",
    ),
    previous_any: bool = typer.Option(
        False,
        "--previous-any",
        help="Compare with a --previous report of the same or a later period too (a warning, not an error).",
    ),
) -> None:
    """Write the monitoring report for a quarterly workbook, or one report for several, and
    record it in the history store, with the movement since the last report.

    Example: budget-monitor report q3.xlsx --json q3.json --docx q3.docx

    Example: budget-monitor report scs.xlsx asc.xlsx -o directorate.xlsx
    """
    from . import api
    from .model import counted
    from .progress import Progress

    rule_set = _load_rules(rules)
    if output is None and len(workbooks) > 1:
        raise _usage("several workbooks make one report: name it with -o/--output (e.g. -o directorate.xlsx)")
    out = output if output is not None else workbooks[0].with_name(f"{workbooks[0].stem}-report.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise _usage(f"{out}: the report is an Excel workbook; give an output name ending in .xlsx")
    if docx_path is not None and docx_path.suffix.lower() != ".docx":
        raise _usage(f"{docx_path}: the committee paper is a Word document; give a name ending in .docx")
    if docx_template is not None and docx_path is None:
        raise _usage("--docx-template is the template of the Word paper: give --docx too (e.g. --docx q3-paper.docx)")
    if docx_template is not None:  # over the rules' [docx] template
        import attrs

        rule_set = attrs.evolve(rule_set, docx_template=docx_template)
    if docx_path is not None:
        from .rules import TemplateError
        from .write.word import check_template

        try:
            check_template(rule_set.docx_template)
        except TemplateError as exc:
            raise _usage(f"{exc}; no report was written") from None
    if history is not None and no_history:
        raise _usage("--history and --no-history cannot be used together")
    from .store import DEFAULT_NAME

    store = None if no_history else (history if history is not None else out.parent / DEFAULT_NAME)
    if previous_any and previous is None:
        raise _usage("--previous-any says a --previous report of the same or a later period is meant: give --previous")
    if previous is not None and not previous.is_file():
        raise _usage(f"{previous}: the previous report does not exist (give a quarterly workbook or a --json report)")
    label = _label(workbooks)
    progress = Progress(api.steps(len(workbooks), json_path is not None, docx_path is not None))
    try:
        result = api.make_report(
            workbooks,
            out,
            json=json_path,
            docx=docx_path,
            rules=rule_set,
            title=title,
            progress=progress.step,
            previous=previous,
            history=store,
            previous_any=previous_any,
        )
    except api.OutputError as exc:
        progress.close()
        _show(exc.target, exc.problems)
        raise typer.Exit(EXIT_USAGE) from None
    except api.HistoryError as exc:
        progress.close()
        _say(f"budget-monitor: {exc}")
        _say(f"{out}: the report was written but not recorded in the history")
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as exc:  # disk full, a file locked by another program...
        progress.close()
        _say(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        raise typer.Exit(EXIT_USAGE) from None
    progress.close()
    if not result.ok:
        raise _failed(label, result, nothing_written=True)
    warnings = result.warnings
    _show(label, warnings[:MAX_WARNINGS_SHOWN])
    if len(warnings) > MAX_WARNINGS_SHOWN:
        _say(
            f"{label}: ... and {counted(len(warnings) - MAX_WARNINGS_SHOWN, 'more warning')}: "
            "every one is on the report's Checks sheet"
        )
    ot = result.checked().over_threshold
    prev = result.previous
    since = ""
    if prev is not None:
        source = prev.name
        if prev.source == "history":
            draft = ", a draft: no version of that period is approved" if prev.status == "draft" else ""
            source = f"the history, version {prev.version}{draft}"
        since = f"; movement since {prev.period or 'the previous report'} (from {source})"
    elif store is not None or previous is not None:
        since = "; no previous report, so no movement"
    recorded = result.recorded
    _echo(
        f"{out}: {counted(len(result.lines), 'budget line')}; {counted(len(ot.pressures), 'pressure')} and "
        f"{counted(len(ot.underspends), 'underspend')} over the threshold; {counted(len(warnings), 'warning')}"
        + (f"; JSON in {json_path}" if json_path is not None else "")
        + (f"; Word document in {docx_path}" if docx_path is not None else "")
        + since
        + (f"; recorded in {store} as {recorded.period} version {recorded.version}" if recorded is not None else "")
    )


@app.command()
def check(
    workbooks: list[Path] = typer.Argument(
        ..., metavar="WORKBOOK", help="The quarterly workbook to check; several are checked as one report."
    ),
    rules: Path | None = typer.Option(None, "--rules", help="A rules file (TOML)."),
    history: Path | None = typer.Option(
        None,
        "--history",
        help="The history store report would use, checked too [default: budget-monitor.sqlite beside the workbook].",
    ),
    no_history: bool = typer.Option(False, "--no-history", help="Check the workbook alone."),
) -> None:
    """Read and validate a quarterly workbook without writing anything.

    Prints every problem with its sheet and cell, as report would (a period the history
    cannot place, a store that cannot be used, included); exit 0 when there are no errors.

    Example: budget-monitor check q3.xlsx
    """
    from . import api
    from .store import DEFAULT_NAME

    if history is not None and no_history:
        raise _usage("--history and --no-history cannot be used together")
    rule_set = _load_rules(rules)
    label = _label(workbooks)
    store = None if no_history else (history if history is not None else workbooks[0].parent / DEFAULT_NAME)
    result = api.analyse(workbooks, rule_set, history=store)
    if not result.ok:
        raise _failed(label, result)
    _show(label, result.problems)
    _count(result.problems)
    _echo(f"{' and '.join(map(str, workbooks))}: no errors")


@app.command()
def template(
    output: Path = typer.Argument(..., help="Where to write the blank quarterly workbook (.xlsx)."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
) -> None:
    """Write a blank quarterly workbook with every sheet and column, drop-downs and notes.

    Example: budget-monitor template q4.xlsx
    """
    from .inputs.template import write_template

    if output.suffix.lower() != ".xlsx":
        raise _usage(f"{output}: give a name ending in .xlsx")
    try:
        write_template(output, overwrite=force)
    except FileExistsError:
        raise _usage(f"{output}: already exists; choose another name or pass --force") from None
    except OSError as exc:
        raise _usage(f"{output}: cannot write ({exc.strerror or exc})") from None
    _echo(f"{output}: blank quarterly workbook written")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on (this machine only, by default)."),
    port: int = typer.Option(8000, "--port", help="The port to listen on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the browser."),
    max_upload_mb: int = typer.Option(50, "--max-upload-mb", min=1, help="The largest upload taken, in MB."),
    workers: int = typer.Option(2, "--workers", min=1, help="How many workbooks are analysed at once."),
    rules_dir: Path | None = typer.Option(None, "--rules-dir", help="A folder of rules files offered in the form."),
    history: Path | None = typer.Option(
        None,
        "--history",
        help="A history store (SQLite) to record each report in and take the previous report from when "
        "none is uploaded [default: none; the page keeps nothing after answering].",
    ),
    auth: str | None = typer.Option(
        None,
        "--auth",
        help="Who may use the page: 'users' (each signs in with a password from the --access file) or 'proxy' "
        "(an authenticating reverse proxy in front sets the user's name in --user-header) [default: anyone who "
        "can reach it].",
    ),
    access: Path | None = typer.Option(
        None,
        "--access",
        help="The access file (TOML): each user's organisations, role and (with --auth users) password.",
    ),
    user_header: str = typer.Option(
        "X-Remote-User", "--user-header", help="With --auth proxy: the request header holding the user's name."
    ),
    allowed_hosts: list[str] = typer.Option(
        [], "--allowed-host", help="A host name the page answers to (repeat for more) [default: the --host]."
    ),
) -> None:
    """Serve the page where a quarterly workbook is dropped in a browser.

    Needs the serve extra: pip install "budget-monitor[serve]".

    Example: budget-monitor serve --open

    Example: budget-monitor serve --host 0.0.0.0 --allowed-host budgets.council.example --auth users --access access.toml --history reports/budget-monitor.sqlite
    """
    gc.enable()  # the page runs for long: its garbage is collected (``main`` stops the collector)
    try:
        import uvicorn

        from .serve import Settings, create_app
    except ImportError:
        raise _usage('the page needs the serve extra: pip install "budget-monitor[serve]"') from None
    if rules_dir is not None and not rules_dir.is_dir():
        raise _usage(f"{rules_dir}: no such folder")
    local = host in LOCAL_HOSTS
    users = _access(auth, access, user_header)
    if not local and auth is None:
        if history is not None:
            raise _usage(
                f"--history with --host {host} needs --auth: without it anyone who can reach the page could read "
                "and record any organisation's reports. Give --auth users or --auth proxy with --access, or "
                "--host 127.0.0.1"
            )
        _say(
            f"budget-monitor: WARNING: listening on {host}: anyone who can reach this machine on port {port} "
            "can upload workbooks and read the reports made from them. Use --host 127.0.0.1 to keep it to this "
            "machine, or --auth with --access to say who may use it."
        )
    if history is not None:
        _check_history(history)
    hosts = tuple(allowed_hosts) or _default_hosts(host)
    if not allowed_hosts and not local:
        _say(f"budget-monitor: the page answers to the host names {', '.join(hosts)} (--allowed-host names others)")
    settings = Settings(
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        workers=workers,
        rules_dir=rules_dir,
        history=history,
        auth=auth or "",
        users=users,
        user_header=user_header,
        allowed_hosts=hosts,
    )
    url = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}/"
    _say(f"budget-monitor: the page is at {url} (Ctrl+C stops it)")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


#: The addresses that keep the page to this machine.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _default_hosts(host: str) -> tuple[str, ...]:
    """The host names the page answers to without --allowed-host: the address it listens on,
    or, listening on every address, this machine's names; and the local names."""
    if host in ("0.0.0.0", "::", ""):
        import socket

        return tuple(dict.fromkeys((socket.gethostname(), socket.getfqdn(), *LOCAL_HOSTS)))
    return tuple(dict.fromkeys((host, *LOCAL_HOSTS)))


def _access(auth: str | None, access: Path | None, user_header: str):
    """The users of the access file for ``--auth`` (None without it)."""
    if auth is None:
        if access is not None:
            raise _usage("--access is read with --auth users or --auth proxy")
        return None
    if auth not in ("users", "proxy"):
        raise _usage(f"--auth {auth}: expected users or proxy")
    if access is None:
        raise _usage(f"--auth {auth} needs --access FILE, the access file naming each user's organisations and role")
    if auth == "proxy" and not user_header.strip():
        raise _usage("--user-header: name the header the proxy sets, such as X-Remote-User")
    from .serve.access import AccessError, load_access

    try:
        return load_access(access, passwords=auth == "users")
    except AccessError as exc:
        raise _usage(str(exc)) from None


@app.command()
def password() -> None:
    """Print the hash of a password read from standard input, for the access file of
    serve --auth users (a salted argon2id hash: the password itself is kept nowhere).

    Example: budget-monitor password < alice-password.txt
    """
    try:
        from .serve.access import hash_password
    except ImportError:  # pragma: no cover - argon2-cffi is in the serve extra
        raise _usage('hashing passwords needs the serve extra: pip install "budget-monitor[serve]"') from None
    if sys.stdin.isatty():
        import getpass

        text = getpass.getpass("Password: ")
    else:
        text = sys.stdin.readline().rstrip("\r\n")
    if len(text) < 8:
        raise _usage("the password is shorter than 8 characters; choose a longer one")
    typer.echo(hash_password(text))


def _check_history(path: Path) -> None:
    """The page's history store must be one, or not exist yet in a folder that does."""
    from . import api

    if path.is_dir():
        raise _usage(f"{path}: is a folder; name the history store's file (e.g. {path / 'budget-monitor.sqlite'})")
    if not path.exists():
        if not path.parent.is_dir():
            raise _usage(f"{path}: the folder {path.parent} does not exist")
        return
    try:
        api.history_reports(path)
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None


history_app = typer.Typer(
    add_completion=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="List, show, approve or forget the reports recorded in the history store, or print its audit trail.\n\n"
    "Example: budget-monitor history --history reports/budget-monitor.sqlite",
)
app.add_typer(history_app, name="history")

_HISTORY_HELP = "The history store [default: budget-monitor.sqlite in this folder]."


def _store(path: Path | None) -> Path:
    """The store named, else ``budget-monitor.sqlite`` here, else the one ``report`` made
    beside a report in a folder below this one (``report workbooks/q3.xlsx`` records in
    ``workbooks/``): found when it is the only one, otherwise each one found is named."""
    from .store import DEFAULT_NAME

    if path is not None:
        return path
    here = Path(DEFAULT_NAME)
    if here.exists():
        return here
    found = sorted(p for pattern in (f"*/{DEFAULT_NAME}", f"*/*/{DEFAULT_NAME}") for p in Path().glob(pattern))
    if len(found) == 1:
        _say(f"budget-monitor: using the history store {found[0]} (none in this folder; --history names another)")
        return found[0]
    if found:
        named = ", ".join(str(p) for p in found[:10])
        raise _usage(
            f"there is no history store in this folder; there are {len(found)} below it ({named}): "
            f"name one with --history, e.g. --history {found[0]}"
        )
    return here


def _signed(amount) -> str:
    from .money import display, signed_thousands

    return signed_thousands(display(amount))


@history_app.callback()
def history(
    ctx: typer.Context,
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
) -> None:
    """List what the history store holds: organisation, period, version, whether it is a
    draft or approved (and by whom), when and by whom it was recorded, the input file's
    name and SHA-256, and the net variance (£000); * marks the version that counts (the
    latest approved, else the latest draft).

    Example: budget-monitor history --history reports/budget-monitor.sqlite
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = store_path
        return
    from . import api
    from .model import counted

    path = _store(store_path)
    try:
        rows = api.history_reports(path)
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None
    if not rows:
        _echo(f"{path}: nothing recorded yet")
        return
    _echo(
        "organisation | period | version | status | recorded at (UTC) | recorded by | input | SHA-256 | "
        "net variance £000"
    )
    for r in rows:
        status = f"approved by {r.approved_by}" if r.status == "approved" else "draft"
        _echo(
            f"{r.organisation} | {r.period_text} | {r.version}{'*' if r.latest else ''} | {status} | {r.recorded_at} | "
            f"{r.recorded_by} | {r.input_name} | {r.input_sha256[:12]} | {_signed(r.variance.net)}"
        )
    _echo(f"{counted(len(rows), 'report')} recorded in {path}")


@history_app.command("show")
def history_show(
    ctx: typer.Context,
    period: str = typer.Argument(..., help="The period, e.g. '2011-12 Q3' or 'Dec 11'."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
    organisation: str | None = typer.Option(None, "--organisation", help="Whose period, when the store holds several."),
) -> None:
    """Print one recorded report (its latest version): its variance by portfolio and by line (£000).

    Example: budget-monitor history show "2011-12 Q3"
    """
    from . import api

    path = _store(store_path or ctx.obj)
    try:
        latest, recorded = api.history_report(path, period, organisation)
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None
    _echo(f"{latest.organisation} - {latest.period_text} - version {latest.version}, recorded {latest.recorded_at}")
    _echo(f"input: {latest.input_name} (SHA-256 {latest.input_sha256})")
    v = latest.variance
    _echo(f"net variance {_signed(v.net)} (gross {_signed(v.gross)}, income {_signed(v.income)}) £000")
    for portfolio, total in recorded.portfolio_variances().items():
        _echo(f"{portfolio}: {_signed(total.net)}")
        for bl in recorded.lines:
            if bl.portfolio == portfolio:
                _echo(f"  {bl.line}: {_signed(bl.variance.net)}")


@history_app.command("approve")
def history_approve(
    ctx: typer.Context,
    period: str = typer.Argument(..., help="The period, e.g. '2011-12 Q3'."),
    version: int | None = typer.Option(None, "--version", min=1, help="The version to approve [default: the latest]."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
    organisation: str | None = typer.Option(None, "--organisation", help="Whose period, when the store holds several."),
) -> None:
    """Approve a recorded version of a period (the latest, unless --version says): the
    movement of the next report is measured from it. Recorded in the audit trail with
    this computer's user name.

    Example: budget-monitor history approve "2011-12 Q3" --version 2
    """
    from . import api

    path = _store(store_path or ctx.obj)
    try:
        done = api.approve_version(path, period, version, organisation)
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None
    _echo(f"{path}: approved {done.organisation} {done.period} version {done.version} as {done.approved_by}")


@history_app.command("audit")
def history_audit(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", help="Only from this date on (YYYY-MM-DD)."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
) -> None:
    """Print the audit trail: every upload, recording, approval, download and forget, with
    when (UTC), who, from where, the file and its SHA-256, organisation, period and version.

    Example: budget-monitor history audit --since 2012-01-01
    """
    import datetime as dt

    from . import api
    from .model import counted

    if since is not None:
        try:
            since = dt.date.fromisoformat(since.strip()).isoformat()
        except ValueError:
            raise _usage(f"--since {since}: expected a date such as 2012-01-31") from None
    path = _store(store_path or ctx.obj)
    try:
        rows = api.audit_trail(path, since or "")
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None
    _echo("when (UTC) | user | from | action | file | SHA-256 | organisation | period | version | detail")
    for a in rows:
        version = "" if a.version is None else str(a.version)
        _echo(
            f"{a.at} | {a.user} | {a.client} | {a.action} | {a.file_name} | {a.file_sha256[:12]} | "
            f"{a.organisation} | {a.period} | {version} | {a.detail}"
        )
    _echo(f"{counted(len(rows), 'entry', 'entries')} in the audit trail of {path}")


@history_app.command("forget")
def history_forget(
    ctx: typer.Context,
    period: str = typer.Argument(..., help="The period to remove, every version of it."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
    organisation: str | None = typer.Option(None, "--organisation", help="Whose period, when the store holds several."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask first."),
) -> None:
    """Remove a period (every version of it) from the history store.

    Example: budget-monitor history forget "2011-12 Q2" --yes
    """
    from . import api
    from .model import counted

    path = _store(store_path or ctx.obj)
    try:
        latest, _ = api.history_report(path, period, organisation)
        versions = latest.version
        if not yes and not typer.confirm(
            f"Remove {latest.organisation} {latest.period} ({counted(versions, 'version')}) from {path}?", err=True
        ):
            _say("nothing removed")
            raise typer.Exit(EXIT_USAGE)
        org, key, removed = api.forget_period(path, period, latest.organisation)
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None
    _echo(f"{path}: removed {org} {key} ({counted(removed, 'version')})")


@app.command()
def accuracy(
    year: str = typer.Option(..., "--year", help="The financial year, e.g. 2011-12."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
    organisation: str | None = typer.Option(None, "--organisation", help="Whose year, when the store holds several."),
    rules: Path | None = typer.Option(None, "--rules", help="A rules file (TOML): [accuracy] tolerance."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures as JSON here."),
) -> None:
    """How good the year's recorded forecasts were: each line's and portfolio's mean
    absolute error, bias and the first period from which its forecasts stayed within
    tolerance (£000), against the outturn, or the latest period recorded when there is
    no outturn yet (said so).

    Example: budget-monitor accuracy --year 2011-12
    """
    from . import api

    rule_set = _load_rules(rules)
    path = _store(store_path)
    try:
        acc = api.year_accuracy(path, year, organisation, rule_set, json=json_path)
    except api.HistoryError as exc:
        raise _usage(str(exc)) from None
    except OSError as exc:
        raise _usage(f"{json_path}: cannot write the JSON ({exc.strerror or exc})") from None
    from .report.year import accuracy_lines_text

    for text in accuracy_lines_text(acc):
        _echo(text)


def main() -> None:
    """Entry point: run the app; turn any unexpected error into a short message and a log file.

    A command makes its objects (the modules it imports, the report) and exits: the cyclic
    garbage collector, stopped here as the library stops it while it analyses and writes,
    would only walk them again and again, and at exit it would take apart every module's
    cycles one by one (a fifth of the published quarter's report, together), which the end
    of the process does at once. ``serve`` starts it again."""
    was = gc.isenabled()
    gc.disable()
    atexit.register(gc.freeze)  # runs before the interpreter's last collections
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _say("budget-monitor: interrupted")
        sys.exit(130)
    except Exception:  # noqa: BLE001 -- a bug: never show a traceback, say where the details are
        import tempfile
        import traceback

        with tempfile.NamedTemporaryFile("w", prefix="budget-monitor-", suffix=".log", delete=False) as fh:
            traceback.print_exc(file=fh)
        _say(f"budget-monitor: internal error; the details were written to {fh.name}")
        sys.exit(EXIT_BUG)
    finally:
        if was:
            gc.enable()


if __name__ == "__main__":
    main()
