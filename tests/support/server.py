"""The page served by uvicorn in a thread, as ``budget-monitor serve`` serves it, and a workbook for it to refuse."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from budget_monitor.serve import Settings, create_app
from tests.support.badbooks import good_xlsx


def text_in_money_cell(folder: Path) -> Path:
    """A workbook whose Budget lines!D3 holds 'twelve' where a number belongs."""
    return good_xlsx(folder, "broken.xlsx", lambda wb, ws: ws.write_string(2, 3, "twelve"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The page served by uvicorn in a thread, as ``budget-monitor serve`` serves it."""

    def __init__(self, settings: Settings):
        self.port = free_port()
        import uvicorn

        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the page did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
