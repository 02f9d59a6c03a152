"""The README's production steps work when followed literally, and failures say so in one line.

No Docker engine and no second machine here: the steps run in a fresh virtualenv made from
requirements.lock alone (so production needs nothing from the test pins), on SQLite, and
gunicorn is asked for pages as a TLS-terminating proxy would ask.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from councilplans.settings import envbool

ROOT = Path(__file__).resolve().parents[1]
HOST = "plans.example.gov.uk"
#: What a deployment's environment has besides the README's variables (pip's own settings too,
#: so that the fresh virtualenv installs from the same package index). Nothing of the test
#: suite's relaxed settings, nor what test plugins set (DJANGO_ALLOW_ASYNC_UNSAFE).
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in KEPT or k.startswith("PIP_")}
    env.update(extra)
    return env


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean_env(**env),
        capture_output=True, text=True, timeout=120,
    )


def readme_production_steps() -> list[str]:
    """The commands of the README's Production section, continuation lines joined."""
    section = (ROOT / "README.md").read_text().split("## Production\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"\n\n((?:    .*\n)+)", section)
    assert block, "no command block in the README's Production section"
    text = re.sub(r"\\\n\s*", "", block.group(1))
    return [line.strip() for line in text.splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET as the TLS proxy forwards it: the public host name and the https header."""
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.database_independent
def test_the_readme_production_steps_work_when_followed(tmp_path):
    steps = readme_production_steps()
    assert steps[0].startswith("createdb councilplans")  # said first; SQLite needs none here
    venv = tmp_path / "venv"
    env = clean_env(
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SUPERUSER_USERNAME="chief", DJANGO_SUPERUSER_EMAIL="chief@example.org",
        DJANGO_SUPERUSER_PASSWORD=secrets.token_urlsafe(16),
    )
    ran: list[str] = []
    server = None
    try:
        for step in steps[1:]:
            command = step.split("  #", 1)[0].strip()
            # This machine's Python (sys._base_executable: not the test suite's virtualenv).
            command = command.replace("python3.12 -m venv", f"{sys._base_executable} -m venv")
            command = command.replace(".venv", str(venv))
            if command.startswith("export "):
                for assignment in shlex.split(command)[1:]:
                    name, value = assignment.split("=", 1)
                    env[name] = value
                # The README's placeholders, filled as a deployment would fill them.
                env["SECRET_KEY"] = secrets.token_urlsafe(50)
                env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
                ran.append("export")
                continue
            if "gunicorn" in command:
                port = free_port()
                command = command.replace("0.0.0.0:8000", f"127.0.0.1:{port}")
                command = command.replace("--workers 3", "--workers 1")
                server = subprocess.Popen(shlex.split(command), cwd=ROOT, env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                ran.append("gunicorn")
                continue
            if "createsuperuser" in command:
                command += " --no-input"
            result = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=300)
            assert result.returncode == 0, f"{step}\n{result.stdout}\n{result.stderr}"
            ran.append(command.split()[-1] if "pip" in command else command.split()[2])
        assert ran == ["requirements.lock", "export", "check", "collectstatic", "migrate",
                       "load_seed", "createsuperuser", "gunicorn"]
        # Production installs only what production needs.
        installed = subprocess.run([venv / "bin" / "python", "-m", "pip", "freeze"],
                                   capture_output=True, text=True, check=True).stdout.lower()
        assert "django==" in installed and "gunicorn==" in installed
        assert "pytest" not in installed and "playwright" not in installed
        assert "ruff" not in installed

        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = get(base + "/")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert status == 302 and headers["Location"].startswith("/accounts/login/")
        status, headers, body = get(base + "/accounts/login/")
        page = body.decode()
        assert status == 200 and "Sign in" in page
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheet and get(base + stylesheet.group(1))[0] == 200
        icon = re.search(r'<link rel="icon" sizes="32x32" href="(/static/[^"]+)">', page)
        assert icon
        status, headers, _ = get(base + "/favicon.ico")
        assert status == 302 and headers["Location"] == icon.group(1)
        status, headers, body = get(base + icon.group(1))
        assert status == 200 and body[:4] == b"\0\0\1\0"  # an icon file
        # Without the proxy's header, plain http is sent to https.
        plain = urllib.request.Request(base + "/accounts/login/", headers={"Host": HOST})
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(NoRedirect).open(plain, timeout=10)
        assert redirect.value.headers["Location"] == f"https://{HOST}/accounts/login/"
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)
            print(server.stdout.read().decode(errors="replace")[-3000:])


def test_check_deploy_asks_for_a_mail_server():
    result = manage("check", "--deploy", DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50),
                    ALLOWED_HOSTS=HOST)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_migrate_when_the_database_server_is_unreachable_says_so_in_one_line():
    port = free_port()  # nothing listens there
    line = one_line_error(manage(
        "migrate", DATABASE_URL=f"postgres://planner:s3cret-pw@127.0.0.1:{port}/councilplans"
    ))
    assert f"database 'councilplans' on 127.0.0.1:{port}" in line
    assert "DATABASE_URL" in line and "s3cret-pw" not in line


def test_migrate_when_the_sqlite_file_cannot_be_opened_says_so_in_one_line(tmp_path):
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    line = one_line_error(manage("migrate", DATABASE_URL=f"sqlite:///{missing}"))
    assert str(missing) in line and "unable to open database file" in line


@pytest.mark.postgresql
def test_migrate_before_createdb_says_so_in_one_line():
    db = settings.DATABASES["default"]
    name = f"cp_not_created_{secrets.token_hex(4)}"
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or 'pw'}@{db['HOST']}:{db['PORT']}/{name}"
    line = one_line_error(manage("migrate", DATABASE_URL=url))
    assert f'database "{name}" does not exist' in line
    assert f"createdb {name}" in line


@pytest.mark.parametrize(
    ("spelling", "value"),
    [("True", True), ("yes", True), ("ON", True), ("1", True), (" y e s ", None),
     ("false", False), ("No", False), ("off", False), ("0", False), ("maybe", None)],
)
def test_yes_no_variables_take_the_usual_spellings(monkeypatch, spelling, value):
    monkeypatch.setenv("SOME_SWITCH", spelling)
    if value is None:
        with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH must be true/false, 1/0"):
            envbool("SOME_SWITCH", "False")
    else:
        assert envbool("SOME_SWITCH", "False") is value


def test_a_mistyped_yes_no_variable_is_one_line_from_manage_py():
    line = one_line_error(manage("check", DEBUG="maybe"))
    assert line.startswith("Configuration error: DEBUG must be true/false, 1/0, yes/no or on/off")
    assert "'maybe'" in line


def test_debug_yes_runs_locally_with_a_console_mail_that_keeps_links_whole():
    code = "from django.conf import settings as s; print(s.DEBUG, s.MAILERS['default']['BACKEND'])"
    result = manage("shell", "-v", "0", "-c", code, DEBUG="yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "councilplans.mail.ConsoleEmailBackend"]



def test_every_yes_no_variable_reads_the_usual_spellings():
    code = "from django.conf import settings as s; print(s.STORAGES['staticfiles']['BACKEND'])"
    result = manage("shell", "-v", "0", "-c", code, DEBUG="no", STATIC_MANIFEST="off",
                    SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"

def requirement_names(specs: list[str]) -> set[str]:
    """The distribution names in requirement lines (pins, ranges; comments and -r left out)."""
    specs = [spec.split("#", 1)[0].strip() for spec in specs]
    return {
        re.split(r"[=<>\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-")
        for spec in specs if spec and not spec.startswith("-")
    }


def lock(name: str) -> list[str]:
    return (ROOT / name).read_text().splitlines()


def test_production_installs_the_runtime_pins_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = re.findall(r"^RUN .*pip install (.*)$", dockerfile, re.MULTILINE)
    assert installs == ["-r requirements.lock"]
    runtime = requirement_names(lock("requirements.lock"))
    test = requirement_names(lock("requirements-test.lock"))
    assert "-r requirements.lock" in lock("requirements-test.lock")
    assert not runtime & test
    assert not runtime & {"pytest", "pytest-django", "playwright", "pytest-playwright", "ruff",
                          "axe-playwright-python"}
    # pyproject.toml names the same split.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert requirement_names(project["dependencies"]) <= runtime
    assert requirement_names(project["optional-dependencies"]["test"]) <= test
