"""Each upload's own folder, its analysis in a worker process, and the folders' expiry.

An upload gets a folder named by an unguessable token (``secrets.token_urlsafe``) under
one private scratch folder (mode 0700). The worker reads the workbook there through the
library and writes the report workbook, the JSON and the Word document beside it; the
uploaded files are deleted as soon as the worker is done, the outputs when the folder
expires (``Settings.keep_minutes``) or the server stops. When the server names a history
store, the library records each report there and finds the previous one in it.

What this module must not do: render HTML, or know about requests; a worker must never
read or write outside its own folder, but for the history store the server names (and
that only through the library).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The outputs a finished report offers, by the name used in its download link.
OUTPUTS = {
    "xlsx": ("Report workbook", "-report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (
        "Word document",
        "-report.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "json": ("JSON report", "-report.json", "application/json"),
}

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def safe_stem(filename: str) -> str:
    """A download name's stem from an uploaded file's name: its base name without the
    extension, letters, digits, spaces, dots, dashes and underscores only."""
    base = Path(filename.replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    cleaned = re.sub(r"[^A-Za-z0-9 ._-]+", "_", stem).strip(" .") or "workbook"
    return cleaned[:80]


def start_worker(memory_mb: int) -> None:
    """Run in each worker process as it starts: its memory ceiling (the address space it and
    the children it starts may use, ``RLIMIT_AS``), so that a workbook that asks for more
    stops that worker alone (the page starts another), not the machine; then the library
    loaded, so that the first upload does not wait for it."""
    if memory_mb > 0:
        import resource

        ceiling = memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            ceiling = min(ceiling, hard)
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    from .. import api  # noqa: F401  - loaded once, before the first upload


def warm() -> int:
    """A task that does nothing: submitted once per worker when the page starts, so that
    every worker is running (and has loaded the library) before the first upload."""
    return os.getpid()


def _limited(rules: Any, limits: dict[str, int] | None) -> Any:
    """``rules`` (or the built-in rules) with each of the page's ``limits`` where it is lower."""
    if not limits:
        return rules
    import attrs

    from .. import api

    base = rules if rules is not None else api.Rules()
    lower = {k: min(v, getattr(base.limits, k)) for k, v in limits.items()}
    return attrs.evolve(base, limits=attrs.evolve(base.limits, **lower))


def run_job(
    folder: str,
    workbook: str,
    label: str,
    previous: str | None,
    previous_label: str | None,
    rules: str | None,
    stem: str,
    history: str | None = None,
    limits: dict[str, int] | None = None,
    who: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Make the report of ``workbook`` (called ``label`` in problems) with ``rules`` (a rules
    file or None for the built-in ones) through the library's ``make_report``, writing the
    outputs into ``folder``: the movement since ``previous`` (a workbook or JSON report,
    called ``previous_label`` in problems) or, without one, since the latest earlier report
    in the history store at ``history``, where the report is also recorded; ``limits`` are the
    page's own ``[limits]``, used where they are lower than the rules'; ``who`` the signed-in
    user (``user``, ``client``: their address, ``organisations``: those they may report for,
    or None for any). Runs in a worker
    process; returns plain data (no records cross the process boundary):
    ``{"ok": bool, "problems": [...], "json": str | None, "outputs": {kind: file name},
    "movement": api.movement_view(...), "history": {...} | None, "store": str}``
    (``store``: why the history store could not be used, when it could not)."""
    from .. import api

    answer: dict[str, Any] = {
        "ok": False, "problems": [], "json": None, "outputs": {}, "movement": None, "history": None, "store": "",
    }  # fmt: skip
    try:
        rule_set = _limited(api.load_rules(Path(rules)) if rules else None, limits)
    except api.RulesError as exc:
        answer["problems"] = [_problem_dict(None, str(exc), "rules")]
        return answer
    out = Path(folder)
    names = {kind: stem + OUTPUTS[kind][1] for kind in OUTPUTS}
    try:
        result = api.make_report(
            workbook,
            out / names["xlsx"],
            json=out / names["json"],
            docx=out / names["docx"],
            rules=rule_set,
            names=[label],
            previous=previous,
            previous_name=previous_label,
            history=history,
            organisations=who.get("organisations") if who else None,
            user=who.get("user", "") if who else "",
            client=who.get("client", "") if who else "",
        )
    except api.OutputError as exc:  # the history store is not one, or cannot be made
        # named by its file name: a page never shows where on the server it is
        answer["store"] = "; ".join(f"{Path(exc.target).name}: {p.message}" for p in exc.problems)
        return answer
    except api.HistoryError as exc:  # the files were written; the store was left as it was
        assert exc.result is not None
        result = exc.result
        message = str(exc).replace(str(history), Path(str(history)).name)
        answer["history"] = {"recorded": False, "message": message}
    source = result.workbooks[0] if result.workbooks else None
    answer["input"] = {
        "sha256": _digest(workbook),
        "organisation": source.organisation if source is not None else "",
        "period": source.period if source is not None else "",
    }
    answer["problems"] = [_problem_dict(p, p.message, label) for p in result.problems]
    if not result.ok:
        return answer
    answer["ok"] = True
    answer["outputs"] = names
    answer["json"] = (out / names["json"]).read_text(encoding="utf-8")
    answer["movement"] = api.movement_view(result)
    rec = result.recorded
    if rec is not None:
        answer["history"] = {"recorded": True, "period": rec.period_text or rec.period, "version": rec.version}
    return answer


def _digest(path: str) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _problem_dict(p: Any, message: str, label: str) -> dict[str, str]:
    """A problem as the page shows it, in the command line's words: ``FILE: Sheet!Cell: message``."""
    if p is None:
        return {"level": "error", "file": label, "place": "", "sheet": "", "cell": "", "message": message}
    where = p.where
    return {
        "level": p.level,
        "file": where.file or label,
        "place": str(where),
        "sheet": where.sheet or "",
        "cell": where.cell or "",
        "message": message,
    }


@dataclass
class Job:
    """One upload: its token, folder, when it was made, and what it produced."""

    token: str
    folder: Path
    created: float
    stem: str = "workbook"
    outputs: dict[str, str] = field(default_factory=dict)
    #: Whose it is: the signed-in user's name, or without sign-in the session's token.
    owner: str = ""
    #: What the audit trail says of its downloads: the input's name and SHA-256, organisation, period.
    about: dict[str, str] = field(default_factory=dict)


class Jobs:
    """The folders of the uploads being analysed or waiting to be downloaded."""

    def __init__(self, keep_seconds: float, root: Path | None = None):
        self.keep_seconds = keep_seconds
        self.root = Path(tempfile.mkdtemp(prefix="budget-monitor-page-", dir=root))
        os.chmod(self.root, 0o700)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def new(self) -> Job:
        self.expire()
        token = secrets.token_urlsafe(32)
        folder = self.root / token
        folder.mkdir(mode=0o700)
        job = Job(token, folder, time.monotonic())
        with self._lock:
            self._jobs[token] = job
        return job

    def get(self, token: str) -> Job | None:
        """The job with this token, if it exists and has not expired."""
        if not _TOKEN.match(token):
            return None
        self.expire()
        with self._lock:
            return self._jobs.get(token)

    def drop(self, job: Job) -> None:
        with self._lock:
            self._jobs.pop(job.token, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [j for j in self._jobs.values() if now - j.created > self.keep_seconds]
            for j in old:
                del self._jobs[j.token]
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def close(self) -> None:
        with self._lock:
            self._jobs.clear()
        shutil.rmtree(self.root, ignore_errors=True)
