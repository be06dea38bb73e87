"""A progress bar on stderr for long runs: shown only on a terminal, and only once a run
has taken more than a couple of seconds (a quick run prints nothing extra).

It must not be imported by the library below the command line; it only writes to stderr.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts the steps of a run and draws ``[#####     ] 3/9 writing summary``."""

    WIDTH = 24

    def __init__(self, total: int, stream: TextIO | None = None, after: float = 2.0, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.total = max(total, 1)
        self.after = after
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.done = 0
        self.shown = False

    def step(self, label: str) -> None:
        """Say that ``label`` is starting (the steps before it are done)."""
        if not self.enabled or time.monotonic() - self.started < self.after:
            self.done += 1
            return
        filled = self.WIDTH * self.done // self.total
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] {self.done}/{self.total} {label[:40]:<40}")
        self.stream.flush()
        self.shown = True
        self.done += 1

    def close(self) -> None:
        """Clear the bar, so that what is printed next starts on a clean line."""
        if self.shown:
            self.stream.write("\r" + " " * (self.WIDTH + 52) + "\r")
            self.stream.flush()
