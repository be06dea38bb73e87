"""Files written by a child process while this one goes on (the JSON and the Word document
beside the workbook), and then, if asked, one more task that waits for this process's go
(the recording in the history store, committed only once every file is in place).

On a machine with two or more cores the JSON twin and the committee paper cost no time: one
forked child (``children.start``) writes each, in turn, into a scratch file beside its
target while this process writes the workbook, and says when each is whole. The child only
ever writes its scratch files; this process decides what happens to them.
``Background.jobs[k].finish(path)`` waits until the k-th file is whole and moves it to
``path`` (``files.atomic_write`` then puts it in place), or raises what the child raised,
so an error reads the same as if the writer had run here. ``Background.close()`` stops the
child and removes every scratch file not yet placed; once all are placed it leaves the
child to its last task's owner (``series.Recording``), or waits for it to end.

Where there is no ``fork`` (Windows), or only one core, ``start`` returns ``None`` and the
caller writes in turn.

It must not know what the child writes; it only runs it and moves its files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from .. import children, files

T = TypeVar("T")

#: A writer: writes its whole file at the path it is given.
Writer = Callable[[Path], object]


def available() -> bool:
    """Is running writers beside this process worth it here?"""
    return children.available()


class Job:
    """One of the files the child writes: ``finish(path)`` puts it at ``path``."""

    def __init__(self, group: Background[Any], index: int):
        self.group, self.index = group, index

    def finish(self, path: Path) -> None:
        """Wait until the file is whole and move it to ``path``, or raise what the child raised."""
        self.group.place(self.index, path)


class Background(Generic[T]):
    """The child writing the files, then doing its last task (if any)."""

    def __init__(self, child: children.Child[T | None], ready: list[int], scratch: list[Path], then: bool):
        self.child, self.ready, self.scratch, self.then = child, ready, scratch, then
        self.placed = [False] * len(scratch)
        self.jobs = [Job(self, k) for k in range(len(scratch))]

    def place(self, k: int, path: Path) -> None:
        try:
            got = os.read(self.ready[k], 1)
        finally:
            os.close(self.ready[k])
            self.ready[k] = -1
        if got != b"1":  # the child stopped before this file was whole: its answer says why
            self._remove()
            try:
                self.child.finish()
            except children.ChildStopped as exc:
                raise RuntimeError(f"the writer of {path} stopped with status {exc.status}") from None
            raise RuntimeError(f"the writer of {path} stopped")
        os.replace(self.scratch[k], path)
        self.placed[k] = True

    def close(self) -> None:
        """Stop the child and remove what it wrote, unless every file is in place; then
        wait for the child to end when it has no last task (its owner finishes that)."""
        for k, fd in enumerate(self.ready):
            if fd >= 0:
                os.close(fd)
                self.ready[k] = -1
        if not all(self.placed):
            self.child.cancel()
            self._remove()
        elif not self.then:
            try:
                self.child.finish()
            except Exception:  # noqa: BLE001 - every file is in place; nothing more was asked of it
                pass

    def _remove(self) -> None:
        for k, scratch in enumerate(self.scratch):
            if not self.placed[k]:
                try:
                    scratch.unlink()
                except OSError:
                    pass


def start(
    writers: Sequence[tuple[Writer, Path]], then: Callable[[Callable[[], None]], T] | None = None
) -> Background[T] | None:
    """Run each ``write(scratch)`` of ``writers`` in turn in a child process, ``scratch``
    being a new hidden file beside its target, then ``then(wait_for_go)`` if given; ``None``
    when that is not available here (write in turn)."""
    if not children.available():
        return None
    scratch = [files.scratch_file(target) for _, target in writers]
    pipes = [os.pipe() for _ in writers]

    def task(wait_for_go: Callable[[], None]) -> T | None:
        for r, _ in pipes:
            os.close(r)
        for (write, _), path, (_, w) in zip(writers, scratch, pipes, strict=True):
            write(path)  # a failure here is the writer's, raised as it raised it
            os.write(w, b"1")
            os.close(w)
        return None if then is None else then(wait_for_go)

    child = children.start(task, kill=True)
    for _, w in pipes:
        os.close(w)
    if child is None:
        for (r, _), path in zip(pipes, scratch, strict=True):
            os.close(r)
            path.unlink(missing_ok=True)
        return None
    return Background(child, [r for r, _ in pipes], scratch, then is not None)
