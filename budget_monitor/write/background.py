"""One writer run in a child process while this one goes on (the JSON beside the workbook).

On a machine with two or more cores the JSON twin of a report costs no time: a forked
child (``children.start``) writes it into a scratch file beside its target while this
process writes the workbook. The child only ever writes its scratch file; this process
decides what happens to it. ``Job.finish(path)`` waits for the child and moves the scratch
file to ``path`` (``files.atomic_write`` then puts it in place), or raises what the child
raised, so an error reads the same as if the writer had run here. ``Job.cancel()`` stops
the child and removes the scratch file, whatever state it is in.

Where there is no ``fork`` (Windows), or only one core, ``start`` returns ``None`` and the
caller writes in turn.

It must not know what the child writes; it only runs it and moves its file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .. import children, files


def available() -> bool:
    """Is running a writer beside this process worth it here?"""
    return children.available()


class Job:
    """A writer running in a child process, writing ``scratch``."""

    def __init__(self, child: children.Child[None], scratch: Path):
        self.child = child
        self.scratch = scratch

    def finish(self, path: Path) -> None:
        """Wait for the child; move what it wrote to ``path``, or raise what it raised."""
        try:
            self.child.finish()
        except children.ChildStopped as exc:
            self.remove()
            raise RuntimeError(f"the writer of {path} stopped with status {exc.status}") from None
        except BaseException:
            self.remove()
            raise
        os.replace(self.scratch, path)

    def cancel(self) -> None:
        """Stop the child if it still runs, and remove the scratch file."""
        self.child.cancel()
        self.remove()

    def remove(self) -> None:
        try:
            self.scratch.unlink()
        except OSError:
            pass


def start(write: Callable[[Path], object], target: Path) -> Job | None:
    """Run ``write(scratch)`` in a child process, ``scratch`` being a new hidden file
    beside ``target``; ``None`` when that is not available here (write in turn)."""
    if not children.available():
        return None
    scratch = files.scratch_file(target)

    def task(wait_for_go: Callable[[], None]) -> None:
        write(scratch)

    child = children.start(task, kill=True)
    if child is None:
        scratch.unlink()
        return None
    return Job(child, scratch)
