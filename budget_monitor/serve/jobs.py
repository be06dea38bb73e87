"""Each upload's own folder, its analysis in a worker process, and the folders' expiry.

An upload gets a folder named by an unguessable token (``secrets.token_urlsafe``) under
one private scratch folder (mode 0700). The worker reads the workbook there through the
library and writes the report workbook, the JSON and the Word document beside it; the
uploaded files are deleted as soon as the worker is done, the outputs when the folder
expires (``Settings.keep_minutes``) or the server stops.

What this module must not do: render HTML, or know about requests; a worker must never
read or write outside its own folder.
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


def run_job(
    folder: str,
    workbook: str,
    label: str,
    previous: str | None,
    previous_label: str | None,
    rules: str | None,
    stem: str,
) -> dict[str, Any]:
    """Analyse ``workbook`` (called ``label`` in problems) with ``rules`` (a rules file or
    None for the built-in ones), and write the outputs into ``folder``. Runs in a worker
    process; returns plain data (no records cross the process boundary):
    ``{"ok": bool, "problems": [...], "json": str | None, "outputs": {kind: file name}}``."""
    from .. import api

    try:
        rule_set = api.load_rules(Path(rules)) if rules else None
    except api.RulesError as exc:
        return {"ok": False, "problems": [_problem_dict(None, str(exc), "rules")], "json": None, "outputs": {}}
    kwargs: dict[str, Any] = {"names": [label]}
    if previous is not None and _accepts("previous"):
        kwargs["previous"] = previous
    result = api.analyse(workbook, rule_set, **kwargs)
    problems = [_problem_dict(p, p.message, label) for p in result.problems]
    if not result.ok:
        return {"ok": False, "problems": problems, "json": None, "outputs": {}}
    out = Path(folder)
    outputs: dict[str, str] = {}
    text = result.to_json()
    json_name = stem + OUTPUTS["json"][1]
    _write_text(out / json_name, text)
    outputs["json"] = json_name
    api.write_report(result, out / (stem + OUTPUTS["xlsx"][1]))
    outputs["xlsx"] = stem + OUTPUTS["xlsx"][1]
    write_docx = getattr(api, "write_docx", None)
    if write_docx is not None:
        write_docx(result, out / (stem + OUTPUTS["docx"][1]))
        outputs["docx"] = stem + OUTPUTS["docx"][1]
    return {"ok": True, "problems": problems, "json": text, "outputs": outputs}


def _accepts(name: str) -> bool:
    import inspect

    from .. import api

    return name in inspect.signature(api.analyse).parameters


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


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
