"""``serve --auth proxy`` behind a real authenticating reverse proxy: nginx asks for a
password (HTTP basic authentication, standing in for a council's single sign-on) and
passes the signed-in name on in ``X-Remote-User``; the page trusts that header and nothing
a client sends."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")

from budget_monitor.serve import Settings  # noqa: E402
from budget_monitor.serve.access import User  # noqa: E402
from tests.support.paths import SAMPLE  # noqa: E402
from tests.support.server import TOKEN, Server, free_port  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
if NGINX is None:
    if os.environ.get("BUDGET_MONITOR_REQUIRE_NGINX"):
        pytest.fail("nginx is needed for the reverse proxy test", pytrace=False)
    pytest.skip("nginx is not installed", allow_module_level=True)

CONFIG = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 60m;
        location / {{
            auth_basic "Council sign-in";
            auth_basic_user_file {dir}/users;
            proxy_set_header X-Remote-User $remote_user;
            proxy_set_header Host $host;
            proxy_read_timeout 120s;
            proxy_pass http://127.0.0.1:{upstream};
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    (folder / "users").write_text("alice:{PLAIN}alice-sso\nmallory:{PLAIN}mallory-sso\n", encoding="utf-8")
    users = {"alice": User("alice", ("Kent County Council",), "preparer")}
    settings = Settings(workers=1, scratch=folder, auth="proxy", users=users, user_header="X-Remote-User")
    with Server(settings) as page:
        port = free_port()
        (folder / "nginx.conf").write_text(CONFIG.format(dir=folder, port=port, upstream=page.port), encoding="utf-8")
        proc = subprocess.Popen(
            [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(url + "/", timeout=2)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None:
                        raise RuntimeError(
                            f"nginx stopped: {proc.stderr.read().decode() if proc.stderr else ''}"
                        ) from None
                    time.sleep(0.1)
            yield url, page.url
        finally:
            proc.terminate()
            proc.wait(30)


def test_through_the_proxy_the_user_is_whom_it_signed_in(proxied):
    url, direct = proxied
    assert httpx.get(url + "/").status_code == 401  # the proxy's own sign-in
    assert httpx.get(direct + "/").status_code == 401  # the page itself without the header
    with closing(httpx.Client(base_url=url, timeout=120, auth=("alice", "alice-sso"))) as alice:
        r = alice.get("/", headers={"X-Remote-User": "bob"})  # what a client sends is replaced by the proxy
        assert r.status_code == 200 and 'data-user="alice"' in r.text
        token = TOKEN.search(r.text).group(1)
        with open(SAMPLE, "rb") as fh:
            report = alice.post(
                "/report",
                files={"workbook": (SAMPLE.name, fh, "application/octet-stream")},
                data={"csrf": token},
            )
        assert report.status_code == 200 and 'data-figure="variance-net">+14,703<' in report.text
    with closing(httpx.Client(base_url=url, timeout=60, auth=("mallory", "mallory-sso"))) as mallory:
        assert mallory.get("/").status_code == 403  # signed in at the proxy, not on the access list
