"""One writer run in a child process while this one goes on (the JSON beside the workbook).

On a machine with two or more cores the JSON twin of a report costs no time: a forked
child writes it into a scratch file beside its target while this process writes the
workbook. The child only ever writes its scratch file; this process decides what happens
to it. ``Job.finish(path)`` waits for the child and moves the scratch file to ``path``
(``files.atomic_write`` then puts it in place), or raises what the child raised, so an
error reads the same as if the writer had run here. ``Job.cancel()`` stops the child and
removes the scratch file, whatever state it is in.

Where there is no ``fork`` (Windows), or only one core, ``start`` returns ``None`` and the
caller writes in turn.

It must not know what the child writes; it only runs it and moves its file.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from .. import files


def available() -> bool:
    """Is running a writer beside this process worth it here?"""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Job:
    """A writer running in a child process, writing ``scratch``."""

    def __init__(self, pid: int, reader: int, scratch: Path):
        self.pid = pid
        self.reader = reader
        self.scratch = scratch
        self.done = False

    def finish(self, path: Path) -> None:
        """Wait for the child; move what it wrote to ``path``, or raise what it raised."""
        with os.fdopen(self.reader, "rb") as fh:
            sent = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.done = True
        if status == 0:
            os.replace(self.scratch, path)
            return
        self._remove()
        failure = None
        if sent:
            try:
                failure = pickle.loads(sent)
            except Exception:  # noqa: BLE001 - whatever came back, say that the writer failed
                failure = None
        if isinstance(failure, BaseException):
            raise failure
        raise RuntimeError(f"the writer of {path} stopped with status {status}")

    def cancel(self) -> None:
        """Stop the child if it still runs, and remove the scratch file."""
        if not self.done:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            try:
                os.close(self.reader)
            except OSError:
                pass
            self.done = True
        self._remove()

    def _remove(self) -> None:
        try:
            self.scratch.unlink()
        except OSError:
            pass


def start(write: Callable[[Path], object], target: Path) -> Job | None:
    """Run ``write(scratch)`` in a child process, ``scratch`` being a new hidden file
    beside ``target``; ``None`` when that is not available here (write in turn)."""
    if not available():
        return None
    scratch = files.scratch_file(target)
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        scratch.unlink()
        return None
    if pid == 0:  # the child: write, report, and leave without running anything of the parent's
        status = 1
        try:
            os.close(reader)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            write(scratch)
            status = 0
        except BaseException as exc:  # noqa: BLE001 - sent back whole to the parent
            try:
                os.write(writer, pickle.dumps(_sendable(exc)))
            except BaseException:  # noqa: BLE001 - the exit status alone says it failed
                status = 2
        finally:
            os._exit(status)
    os.close(writer)
    return Job(pid, reader, scratch)


def _sendable(exc: BaseException) -> BaseException:
    """``exc``, or a plain ``RuntimeError`` saying what it was when it cannot be pickled."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")
