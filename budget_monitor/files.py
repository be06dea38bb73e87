"""Output files: never over the input, never half-written.

``check_output`` says, before any work is done, why an output path cannot be used:
it is the input file however it is spelled (another case, a symlink, a hard link, a
relative path), Excel has it open, or its folder is missing or read-only.
``atomic_write`` writes through a temporary file in the target's folder and moves it
into place with ``os.replace`` only once it is complete and flushed to disk, so a
reader never sees a partial report and a failed run leaves an earlier report as it
was.

Problem codes: ``output-is-input``, ``output-is-folder``, ``no-output-folder``,
``output-not-writable`` (the folder), ``output-open`` (Excel's lock file ``~$name`` is
beside the output), ``output-read-only`` (from ``check_output``); ``output-is-output``
(from ``check_outputs``: two outputs name one file); ``cannot-write``
(from ``try_write``: the write failed and nothing was changed).

It must not know what is written: it handles paths, locks and bytes only.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from .model import Problem, error


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()  # follows symlinks
    except OSError:
        return None


def same_file(a: Path | str, b: Path | str) -> bool:
    """Do ``a`` and ``b`` name the same file, however each is spelled?

    When both exist they are compared by device and inode (``st_dev``/``st_ino``),
    which sees through symlinks, hard links, relative paths and case on
    case-insensitive file systems. When either does not exist, their absolute paths
    with symlinks resolved are compared (and case, where the platform ignores it).
    """
    pa, pb = Path(a).expanduser(), Path(b).expanduser()
    sa, sb = _stat(pa), _stat(pb)
    if sa is not None and sb is not None:
        return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
    try:
        ra, rb = pa.resolve(), pb.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        ra, rb = pa.absolute(), pb.absolute()
    return os.path.normcase(str(ra)) == os.path.normcase(str(rb))


def lock_file(path: Path | str) -> Path | None:
    """The lock file Excel keeps beside a workbook it has open (``~$name.xlsx``;
    for long names Office may drop the first two characters), or None."""
    path = Path(path)
    for name in ("~$" + path.name, "~$" + path.name[2:]):
        candidate = path.with_name(name)
        try:
            if len(name) > 2 and candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def check_output(input_path: Path | str, output_path: Path | str) -> list[Problem]:
    """Why ``output_path`` cannot be written, as problems (none when it can).

    Refuses an output that is the input file, one Excel has open (its lock file is
    beside it), a folder, a read-only file, and an output whose folder does not
    exist or cannot be written to.
    """
    out = Path(output_path).expanduser()
    problems: list[Problem] = []
    if same_file(input_path, out):
        return [error("output-is-input", f"the output {out} is the input workbook itself; choose another name")]
    if out.is_dir():
        return [error("output-is-folder", f"the output {out} is a folder; give a file name")]
    folder = out.parent
    if not folder.is_dir():
        return [error("no-output-folder", f"the folder {folder} for the output does not exist")]
    if not os.access(folder, os.W_OK | os.X_OK):
        problems.append(error("output-not-writable", f"the folder {folder} cannot be written to"))
    lock = lock_file(out)
    if lock is not None:
        problems.append(
            error(
                "output-open",
                f"the output {out.name} is open in Excel (its lock file {lock.name} is beside it); close it and run again",
            )
        )
    st = _stat(out)
    if st is not None and not (st.st_mode & stat.S_IWUSR):
        problems.append(
            error("output-read-only", f"the output {out} is read-only; choose another name or make it writable")
        )
    return problems


def check_outputs(inputs: Sequence[Path], outputs: Sequence[tuple[str, Path]]) -> tuple[Path, list[Problem]] | None:
    """The first of ``outputs`` (each ``(what it is, path)``, e.g. ``("JSON", path)``) that
    cannot be written, and why: ``check_output`` against every input, and no two outputs
    the same file. None when every one can be written. The one check of a run's outputs,
    made before anything is read or written."""
    for k, (what, target) in enumerate(outputs):
        problems = [p for i in inputs for p in check_output(i, target)]
        if problems:
            return target, problems[:1] if problems[0].code == "output-is-input" else problems
        for other, earlier in outputs[:k]:
            if same_file(target, earlier):
                return target, [error("output-is-output", f"the {what} and the {other} cannot be the same file")]
    return None


def _temp_path(target: Path) -> Path:
    """A new name in the target's folder that keeps its extension (xlsxwriter wants
    ``.xlsx``) and starts with a dot, so that it stays out of sight."""
    return target.with_name(f".{target.stem}.{os.urandom(6).hex()}.tmp{target.suffix}")


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def scratch_file(target: Path | str) -> Path:
    """A new, empty, hidden file beside ``target`` (named as ``atomic_write``'s temporary
    files are), for a writer whose result is put in place later; the caller removes it."""
    target = Path(target)
    tmp = _temp_path(target)
    # Create the file (mode 0666 less the umask, like any new file) so the name is ours.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.close(fd)
    return tmp


def atomic_write(target: Path | str, write_fn: Callable[[Path], object], *, overwrite: bool = True) -> None:
    """Write ``target`` by calling ``write_fn(temp_path)`` and moving the result into place.

    The temporary file is in the target's folder (so the move is a rename on one
    file system) and has the target's extension. It is flushed to disk before
    ``os.replace`` puts it in place. If ``write_fn`` or anything after it fails, the
    temporary file is removed, an existing target is left untouched, and the
    exception is raised again (``try_write`` turns it into a problem). With
    ``overwrite=False`` an existing ``target`` is never replaced (``FileExistsError``),
    not even one that another program creates while ``write_fn`` runs.
    """
    target = Path(target)
    if not overwrite and target.exists():
        raise FileExistsError(f"{target}: already exists")
    tmp = scratch_file(target)
    try:
        write_fn(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if overwrite:
            existing = _stat(target)
            if existing is not None:
                os.chmod(tmp, stat.S_IMODE(existing.st_mode))
            os.replace(tmp, target)
        else:
            _place_new(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    _fsync_dir(target.parent)


def _place_new(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target`` only if ``target`` does not exist, with no moment in which
    another program's file could be replaced (a hard link fails when the name is taken)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsError(f"{target}: already exists") from None
    except OSError:  # a file system without hard links: check, then move
        if target.exists():
            raise FileExistsError(f"{target}: already exists") from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def try_write(target: Path | str, write_fn: Callable[[Path], object]) -> list[Problem]:
    """``atomic_write``, with a failure returned as a problem instead of raised."""
    try:
        atomic_write(target, write_fn)
    except OSError as exc:
        return [error("cannot-write", f"cannot write {target}: {exc.strerror or exc}")]
    except Exception as exc:  # noqa: BLE001 - the writer failed: the old file, if any, is untouched
        return [error("cannot-write", f"cannot write {target}: {type(exc).__name__}: {exc}")]
    return []
