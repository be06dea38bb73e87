"""What no upload can do to the page: stop it (a sheet that asks for billions of cells, a
worker that dies), hold it (a body that stops arriving), or crowd it (twenty uploads at
once, counted in one step). The page is served by uvicorn in a thread, as
``budget-monitor serve`` serves it."""

from __future__ import annotations

import socket
import threading
from contextlib import closing

import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")

from budget_monitor.rules import Limits  # noqa: E402
from budget_monitor.serve import Settings  # noqa: E402
from tests.support import badbooks as bb  # noqa: E402
from tests.support.paths import SAMPLE  # noqa: E402
from tests.support.server import Server, session, upload  # noqa: E402

ROOMY = Limits(
    max_entry_bytes=1 << 30,
    max_total_bytes=1 << 30,
    max_compression_ratio=10_000,
    max_sheet_rows=1 << 30,
    max_sheet_columns=1 << 30,
    max_sheet_cells=1 << 62,
)
ROOMY_RULES = (
    "[limits]\nmax_sheet_rows = 1073741824\nmax_sheet_columns = 1073741824\nmax_sheet_cells = 4611686018427387904\n"
)


def reports_the_sample(url: str) -> None:
    r = upload(url, SAMPLE, "kcc-scs-2011-12-q3.xlsx")
    assert r.status_code == 200, r.text[:300]
    assert 'data-figure="variance-net">+14,703<' in r.text


def test_the_23_kb_workbook_is_refused_with_its_cell_and_the_next_upload_is_answered(tmp_path):
    hostile = bb.far_reaching_xlsx(SAMPLE, tmp_path / "far.xlsx")
    assert hostile.stat().st_size < 24_000
    with Server(Settings(workers=1, scratch=tmp_path)) as s:
        r = upload(s.url, hostile)
        assert r.status_code == 422
        assert "Budget lines!XFD1048576" in r.text and "the sheet is too large" in r.text
        reports_the_sample(s.url)


def test_the_page_reads_with_its_own_lower_limits(tmp_path):
    """A sheet the command line would read (the rules' limits) is refused by a page whose
    own limits are lower; the rules cannot raise the page's."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "roomy.toml").write_text(ROOMY_RULES, encoding="utf-8")
    settings = Settings(workers=1, scratch=tmp_path, limits=Limits(max_sheet_rows=300), rules_dir=tmp_path / "rules")
    with Server(settings) as s:
        for extra in ({}, {"rules": "roomy.toml"}):
            r = upload(s.url, SAMPLE, **extra)
            assert r.status_code == 422 and "Indicators!G372" in r.text and "limits.max_sheet_rows" in r.text


def test_a_worker_that_dies_is_replaced_and_the_next_upload_is_answered(tmp_path):
    """With every limit lifted (page and rules), the 23 KB workbook reaches the Rust reader,
    which aborts its worker: that upload is answered 500, the next gets its report."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "roomy.toml").write_text(ROOMY_RULES, encoding="utf-8")
    hostile = bb.far_reaching_xlsx(SAMPLE, tmp_path / "far.xlsx")
    settings = Settings(workers=1, scratch=tmp_path, limits=ROOMY, rules_dir=tmp_path / "rules")
    with Server(settings) as s:
        r = upload(s.url, hostile, rules="roomy.toml")
        assert r.status_code == 500 and "The report could not be made" in r.text
        reports_the_sample(s.url)
        r = upload(s.url, hostile, rules="roomy.toml")
        assert r.status_code == 500
        reports_the_sample(s.url)


def test_each_worker_has_a_memory_ceiling(tmp_path):
    """Row 2,000 at column XFD asks the reader for 33 million cells (about 1.2 GB): under a
    512 MB ceiling that worker stops, and the page goes on."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "roomy.toml").write_text(ROOMY_RULES, encoding="utf-8")
    wide = bb.far_reaching_xlsx(SAMPLE, tmp_path / "wide.xlsx", cell="XFD2000")
    settings = Settings(workers=1, scratch=tmp_path, limits=ROOMY, rules_dir=tmp_path / "rules", worker_memory_mb=512)
    with Server(settings) as s:
        r = upload(s.url, wide, rules="roomy.toml")
        assert r.status_code == 500
        reports_the_sample(s.url)


def multipart(path, token: str, boundary: str = "guardb0undary") -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="q3.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )


def request_head(port: int, length: int, cookie: str, boundary: str = "guardb0undary") -> bytes:
    return (
        f"POST /report HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n"
        f"Cookie: bm_session={cookie}\r\nConnection: close\r\n\r\n"
    ).encode()


def form_session(url: str) -> tuple[str, str]:
    """A session's cookie and the CSRF token of its form."""
    client, token = session(url)
    with closing(client):
        return client.cookies["bm_session"], token


def status_of(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        more = sock.recv(4096)
        if not more:
            break
        data += more
    return int(data.split(b" ", 2)[1])


def test_twenty_uploads_at_once_get_at_most_the_room_there_is(tmp_path):
    """Twenty uploads whose bodies are half sent before any is finished: every one of them
    is in the page at once, so at most workers + queue (2) are taken, the rest are told 503,
    and the page still answers."""
    settings = Settings(workers=1, queue=1, scratch=tmp_path)
    with Server(settings) as s:
        cookie, token = form_session(s.url)
        body = multipart(SAMPLE, token)
        half = len(body) // 2
        all_sent = threading.Barrier(21)
        codes: list[int] = []

        def one() -> None:
            with socket.create_connection(("127.0.0.1", s.port), timeout=120) as sock:
                sock.sendall(request_head(s.port, len(body), cookie) + body[:half])
                all_sent.wait(60)
                try:
                    sock.sendall(body[half:])
                except OSError:
                    pass  # answered 503 and closed before the rest was sent
                codes.append(status_of(sock))

        threads = [threading.Thread(target=one) for _ in range(20)]
        for t in threads:
            t.start()
        all_sent.wait(60)
        for t in threads:
            t.join(180)
        assert len(codes) == 20
        assert codes.count(200) <= 2 and codes.count(200) >= 1
        assert codes.count(200) + codes.count(503) == 20
        assert httpx.get(s.url + "/").status_code == 200
        reports_the_sample(s.url)


def test_a_body_that_stops_arriving_is_answered_408(tmp_path):
    with Server(Settings(workers=1, scratch=tmp_path, read_timeout=0.5)) as s:
        cookie, token = form_session(s.url)
        body = multipart(SAMPLE, token)
        with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
            sock.sendall(request_head(s.port, len(body), cookie) + body[:100])
            assert status_of(sock) == 408
        reports_the_sample(s.url)
