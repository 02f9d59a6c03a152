"""The Dockerfile's gunicorn command serves the app under production settings.

No Docker engine runs in CI, so this runs the Dockerfile's own CMD (bound to a free local
port) after the same collectstatic step, and makes real HTTP requests to it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert match, "Dockerfile has no exec-form CMD"
    return json.loads(match.group(1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "STATIC_MANIFEST",
            "FAST_PASSWORD_HASHER",
            "DJANGO_SETTINGS_MODULE",
        )
    }
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        BEHIND_TLS_PROXY="True",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def test_dockerfile_runs_gunicorn_as_a_non_root_user():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.13-slim" in text
    assert re.search(r"^USER app$", text, re.MULTILINE)
    assert "collectstatic --no-input" in text
    assert dockerfile_cmd()[0] == "gunicorn"


@pytest.mark.database_independent
def test_gunicorn_serves_pages_and_static_files(production_env):
    bin_dir = Path(sys.executable).parent
    manage = [sys.executable, str(ROOT / "manage.py")]
    for args in (["collectstatic", "--no-input", "-v0"], ["migrate", "--no-input", "-v0"]):
        subprocess.run(manage + args, env=production_env, cwd=ROOT, check=True, timeout=120)

    port = free_port()
    cmd = dockerfile_cmd()
    cmd[0] = str(bin_dir / "gunicorn")
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    cmd[cmd.index("--workers") + 1] = "1"
    server = subprocess.Popen(
        cmd, env=production_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # As behind a TLS-terminating proxy: no redirect to https.
        headers = {"X-Forwarded-Proto": "https"}
        deadline = time.monotonic() + 60
        while True:
            try:
                response = urllib.request.urlopen(
                    urllib.request.Request(f"{base}/accounts/login/", headers=headers), timeout=5
                )
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        page = response.read().decode()
        assert response.status == 200
        assert "Sign in" in page
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        csp = response.headers["Content-Security-Policy"]
        assert "'nonce-" in csp and "unsafe-inline" not in csp
        # Whitenoise serves the hashed static files that collectstatic wrote.
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheet, "no stylesheet link on the login page"
        css = urllib.request.urlopen(
            urllib.request.Request(base + stylesheet.group(1), headers=headers), timeout=5
        )
        assert css.status == 200
        assert "max-age" in css.headers["Cache-Control"]
        # Plain http without the proxy header is redirected to https.
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{base}/accounts/login/", timeout=5)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"].startswith("https://")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        output = server.stdout.read().decode(errors="replace") if server.stdout else ""
        print(output[-3000:])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
