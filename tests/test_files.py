"""Output files: never over the input, never half-written (files.py)."""

from __future__ import annotations

import os
import stat

import pytest
import xlsxwriter

from budget_monitor.files import atomic_write, check_output, same_file, try_write
from tests.support import badbooks as bb


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def leftovers(folder, keep) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# --- same_file ------------------------------------------------------------------------------


def test_same_file_however_spelled(tmp_path, monkeypatch):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert same_file(book, "../q3.xlsx")
    assert same_file(book, tmp_path / "sub" / ".." / "q3.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    assert same_file(book, link)
    hard = tmp_path / "hard.xlsx"
    os.link(book, hard)
    assert same_file(hard, book)
    assert not same_file(book, tmp_path / "other.xlsx")
    assert not same_file(book, bb.good_xlsx(tmp_path, "copy.xlsx"))


def test_same_file_case(tmp_path):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    upper = tmp_path / "Q3.XLSX"
    # The same file exactly when the file system says so (macOS and Windows ignore case).
    assert same_file(book, upper) == upper.exists()


def test_same_file_dangling_symlink_to_the_input(tmp_path):
    target = tmp_path / "not-yet.xlsx"
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    assert same_file(target, link)


# --- check_output ---------------------------------------------------------------------------


def test_output_is_the_input(tmp_path):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    link = tmp_path / "alias.xlsx"
    link.symlink_to(book)
    for out in (book, tmp_path / "." / "q3.xlsx", link):
        assert codes(check_output(book, out)) == ["output-is-input"]


def test_output_open_in_excel(tmp_path):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    (tmp_path / "~$q3-report.xlsx").write_bytes(b"owner")
    problems = check_output(book, tmp_path / "q3-report.xlsx")
    assert codes(problems) == ["output-open"]
    assert "close it" in problems[0].message and problems[0].level == "error"


def test_output_folder_missing_or_a_folder(tmp_path):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    assert codes(check_output(book, tmp_path / "nowhere" / "r.xlsx")) == ["no-output-folder"]
    (tmp_path / "out").mkdir()
    assert codes(check_output(book, tmp_path / "out")) == ["output-is-folder"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_output_folder_not_writable(tmp_path):
    """A real read-only folder. Root may write anywhere, so this one cannot run as root
    (CI runs as root); the two tests after it inject the refusal instead and always run."""
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert codes(check_output(book, locked / "r.xlsx")) == ["output-not-writable"]
    finally:
        locked.chmod(0o755)


def _refused(folder):
    """``os.access`` and ``os.open`` as the system behaves for a user who may not write in
    ``folder``, whoever runs the tests (root included)."""
    real_access, real_open = os.access, os.open
    folder = os.path.realpath(folder)

    def access(path, mode, *args, **kwargs):
        if os.path.realpath(path) == folder and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    def open_(path, flags, *args, **kwargs):
        if os.path.dirname(os.path.realpath(path)) == folder and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    return access, open_


def test_output_folder_refused_is_reported(tmp_path, monkeypatch):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    locked = tmp_path / "locked"
    locked.mkdir()
    access, _ = _refused(locked)
    monkeypatch.setattr(os, "access", access)
    assert codes(check_output(book, locked / "r.xlsx")) == ["output-not-writable"]
    assert check_output(book, tmp_path / "r.xlsx") == []  # only that folder


def test_a_refused_write_is_a_problem_and_leaves_the_old_file(tmp_path, monkeypatch):
    """The folder refuses new files after the check passed (permissions changed, a
    read-only share): the write comes back as a problem naming the file, the old report
    is untouched and nothing is left behind."""
    locked = tmp_path / "locked"
    locked.mkdir()
    old = locked / "r.json"
    old.write_text("the old report")
    _, open_ = _refused(locked)
    monkeypatch.setattr(os, "open", open_)
    problems = try_write(old, lambda tmp: tmp.write_text("{}"))
    assert codes(problems) == ["cannot-write"]
    assert str(old) in problems[0].message and "Permission denied" in problems[0].message
    assert old.read_text() == "the old report" and leftovers(locked, {"r.json"}) == []


def test_the_command_reports_a_refused_output_folder(tmp_path, monkeypatch):
    """The whole command, in this process so that the refusal can be injected: a clear
    message naming the folder, exit code 1, no traceback, nothing written."""
    from typer.testing import CliRunner

    from budget_monitor.cli import app
    from tests.support.paths import SAMPLE

    locked = tmp_path / "locked"
    locked.mkdir()
    access, _ = _refused(locked)
    monkeypatch.setattr(os, "access", access)
    result = CliRunner().invoke(app, ["report", str(SAMPLE), "-o", str(locked / "r.xlsx")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)  # a usage problem, not a crash
    assert "Traceback" not in result.output
    assert "cannot be written to" in result.output and str(locked) in result.output
    assert list(locked.iterdir()) == []


def test_output_read_only(tmp_path):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o444)
    assert codes(check_output(book, out)) == ["output-read-only"]


def test_good_output(tmp_path):
    book = bb.good_xlsx(tmp_path, "q3.xlsx")
    assert check_output(book, tmp_path / "q3-report.xlsx") == []
    (tmp_path / "q3-report.xlsx").write_bytes(b"an earlier report")
    assert check_output(book, tmp_path / "q3-report.xlsx") == []


# --- atomic_write ---------------------------------------------------------------------------


def write_report(tmp):
    assert tmp.suffix == ".xlsx" and tmp.parent.name
    wb = xlsxwriter.Workbook(str(tmp))
    wb.add_worksheet("Summary").write_string(0, 0, "Report")
    wb.close()


def test_atomic_write_xlsx(tmp_path):
    target = tmp_path / "report.xlsx"
    atomic_write(target, write_report)
    assert target.read_bytes().startswith(b"PK")
    assert leftovers(tmp_path, {"report.xlsx"}) == []


def test_atomic_write_replaces_and_keeps_mode(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, write_report)
    assert target.read_bytes().startswith(b"PK")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the earlier report")

    def half_then_fail(tmp):
        tmp.write_bytes(b"PK half a zip")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"the earlier report"
    assert leftovers(tmp_path, {"report.xlsx"}) == []


def test_failed_write_leaves_nothing_when_there_was_nothing(tmp_path):
    def fail(tmp):
        raise ValueError("bad data")

    problems = try_write(tmp_path / "report.xlsx", fail)
    assert codes(problems) == ["cannot-write"] and "bad data" in problems[0].message
    assert leftovers(tmp_path, set()) == []


def test_interrupted_write_cleans_up(tmp_path):
    def interrupted(tmp):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "r.json", interrupted)
    assert leftovers(tmp_path, set()) == []


def test_try_write_into_a_missing_folder(tmp_path):
    problems = try_write(tmp_path / "nowhere" / "r.json", lambda tmp: tmp.write_text("{}"))
    assert codes(problems) == ["cannot-write"]


def test_atomic_write_without_overwriting(tmp_path):
    target = tmp_path / "new.json"
    atomic_write(target, lambda tmp: tmp.write_text("first", encoding="utf-8"), overwrite=False)
    assert target.read_text(encoding="utf-8") == "first"
    with pytest.raises(FileExistsError):
        atomic_write(target, lambda tmp: tmp.write_text("second", encoding="utf-8"), overwrite=False)
    assert target.read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json"]  # no temporary file left


def test_a_file_made_while_writing_is_not_replaced(tmp_path):
    target = tmp_path / "new.json"

    def write(tmp):
        tmp.write_text("ours", encoding="utf-8")
        target.write_text("theirs", encoding="utf-8")  # another program takes the name meanwhile

    with pytest.raises(FileExistsError):
        atomic_write(target, write, overwrite=False)
    assert target.read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json"]
