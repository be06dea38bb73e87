"""Work run in a forked child process while this one goes on: the one helper behind the JSON
written beside the workbook (``write.background``) and the report recorded in the history
store beside the writing (``series.start_recording``).

``start(task)`` forks; the child runs ``task(wait_for_go)`` and sends back what it returned,
or what it raised (a plain ``RuntimeError`` naming it when it cannot be pickled), then
leaves without running anything of the parent's. ``wait_for_go()`` blocks the child until
the parent calls ``Child.finish()`` (which then waits for the answer) and raises
``Cancelled`` in the child when the parent calls ``Child.cancel()`` or ends instead, so a
task can do all its work but the last step and only then wait. ``Child.cancel()`` stops
the child: at once (``kill=True``), or by closing its pipes and waiting for it to leave.

Where there is no ``fork`` (Windows), or only one core, ``start`` returns ``None`` and the
caller does the work in turn.

It must not know what the child does; it only runs it, passes one go and one answer.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Cancelled(Exception):
    """Raised in the child by ``wait_for_go`` when the parent cancelled (or ended)."""


class ChildStopped(Exception):
    """The child ended without an answer (killed, or out of memory); ``status`` is its exit status."""

    def __init__(self, status: int):
        super().__init__(f"the child process stopped with status {status}")
        self.status = status


def available() -> bool:
    """Is running work beside this process worth it here?"""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Child(Generic[T]):
    """A task running in a child process."""

    def __init__(self, pid: int, go: int, answer: int, kill: bool):
        self.pid, self.go, self.answer, self.kill = pid, go, answer, kill
        self.done = False

    def finish(self) -> T:
        """Give the go, wait for the child and return what its task returned, or raise what
        it raised (``ChildStopped`` when nothing came back)."""
        try:
            os.write(self.go, b"1")
        except OSError:
            pass  # the child has already left; its answer says why
        os.close(self.go)
        with os.fdopen(self.answer, "rb") as fh:
            sent = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.done = True
        try:
            kind, value = pickle.loads(sent)
        except Exception:  # noqa: BLE001 - nothing readable came back: the child stopped
            raise ChildStopped(status) from None
        if kind == "ok":
            return value  # type: ignore[no-any-return]  # what the task returned, unpickled (T)
        raise value

    def cancel(self) -> None:
        """Stop the child if it still runs (killed when started with ``kill=True``; else its
        ``wait_for_go`` raises ``Cancelled``) and wait for it to leave."""
        if self.done:
            return
        self.done = True
        if self.kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        for fd in (self.go, self.answer):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def start(task: Callable[[Callable[[], None]], T], *, kill: bool = False) -> Child[T] | None:
    """Run ``task(wait_for_go)`` in a forked child; None where that is not available here.
    ``kill``: ``cancel`` kills the child rather than letting it roll back and leave."""
    if not available():
        return None
    go_r, go_w = os.pipe()
    answer_r, answer_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        for fd in (go_r, go_w, answer_r, answer_w):
            os.close(fd)
        return None
    if pid == 0:  # the child: run the task, answer, and leave without running anything of the parent's
        status = 1
        try:
            os.close(go_w)
            os.close(answer_r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)

            def wait_for_go() -> None:
                if os.read(go_r, 1) != b"1":
                    raise Cancelled

            answer: tuple[str, object] | None
            try:
                answer = ("ok", task(wait_for_go))
            except Cancelled:
                answer = None  # the parent gave no go: nothing to say
            except BaseException as exc:  # noqa: BLE001 - sent back whole to the parent
                answer = ("raised", sendable(exc))
            if answer is not None:
                _send(answer_w, answer)
            status = 0
        finally:
            os._exit(status)
    os.close(go_r)
    os.close(answer_w)
    return Child(pid, go_w, answer_r, kill)


def _send(fd: int, answer: tuple[str, object]) -> None:
    try:
        data = pickle.dumps(answer)
    except Exception:  # noqa: BLE001 - an answer that cannot be pickled is said as text
        data = pickle.dumps(("raised", RuntimeError(f"the child's answer could not be sent: {answer[1]!r}"[:500])))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def sendable(exc: BaseException) -> BaseException:
    """``exc``, or a plain ``RuntimeError`` saying what it was when it cannot be pickled."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class Handoff(Generic[T]):
    """One value a child makes early and passes to this process before its answer, while
    both go on (the narrative a writer child makes first, which the workbook also needs).

    Made before the fork; the child calls ``in_child()`` then ``give(value)``; this process
    calls ``in_parent()`` once the child is started, and ``take()`` when it needs the value:
    it waits for the child's signal and returns the value, or None when the child stopped
    (or gave up) first, so the caller makes it itself. ``close()`` lets go of both ends.
    The value goes through an unnamed temporary file, so the child never blocks on a full
    pipe while this process is busy."""

    def __init__(self) -> None:
        import tempfile

        self.file = tempfile.TemporaryFile()
        self.ready_r, self.ready_w = os.pipe()
        self.taken = False

    def in_child(self) -> None:
        self.ready_r = _close(self.ready_r)

    def in_parent(self) -> None:
        self.ready_w = _close(self.ready_w)

    def give(self, value: T) -> None:
        """In the child: write ``value`` and signal that it is whole."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - not sendable: the parent makes it itself
            self.ready_w = _close(self.ready_w)
            return
        fd = self.file.fileno()
        view, at = memoryview(data), 0
        while at < len(view):
            at += os.pwrite(fd, view[at:], at)
        os.write(self.ready_w, len(data).to_bytes(8, "little"))
        self.ready_w = _close(self.ready_w)

    def take(self) -> T | None:
        """In this process: the child's value (waiting for it), or None when it gave none."""
        if self.taken:
            return None
        self.taken = True
        try:
            size = os.read(self.ready_r, 8)
            if len(size) != 8:
                return None
            n = int.from_bytes(size, "little")
            fd = self.file.fileno()
            chunks, at = [], 0
            while at < n:
                chunk = os.pread(fd, n - at, at)
                if not chunk:
                    return None
                chunks.append(chunk)
                at += len(chunk)
            return pickle.loads(b"".join(chunks))  # type: ignore[no-any-return]  # what the child gave (T)
        except Exception:  # noqa: BLE001 - nothing usable came: the caller makes it
            return None
        finally:
            self.close()

    def close(self) -> None:
        self.ready_r = _close(self.ready_r)
        self.ready_w = _close(self.ready_w)
        self.file.close()


def _close(fd: int) -> int:
    """Close ``fd`` unless it is already closed (-1); returns -1."""
    if fd >= 0:
        try:
            os.close(fd)
        except OSError:
            pass
    return -1
