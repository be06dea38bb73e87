"""The page served by uvicorn in a thread, as ``budget-monitor serve`` serves it, a workbook for it to refuse,
and the form sent as a browser sends it (after loading it, with its CSRF token)."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import closing
from pathlib import Path

import httpx

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


TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def session(url: str) -> tuple[httpx.Client, str]:
    """A client that has the form (its session cookie), and the form's CSRF token."""
    client = httpx.Client(base_url=url, timeout=120)
    found = TOKEN.search(client.get("/").text)
    assert found is not None
    return client, found.group(1)


def upload(url: str, path: Path, name: str | None = None, **extra) -> httpx.Response:
    """The form sent as a browser sends it: after loading it, with its CSRF token."""
    client, token = session(url)
    with closing(client), open(path, "rb") as fh:
        files = {"workbook": (name or path.name, fh, "application/octet-stream")}
        return client.post("/report", files=files, data={"csrf": token, **extra})
