"""Every script the README lists runs as written there, from the repository's root."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: A plain PATH: the project's .venv is not on it, as in a newcomer's shell.
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"


def plain_env(**extra: str) -> dict[str, str]:
    env = {"PATH": PLAIN_PATH, "HOME": os.environ.get("HOME", "/tmp")}
    env.update(extra)
    return env


def test_every_script_the_readme_names_exists_and_is_executable():
    named = set(re.findall(r"scripts/[\w.]+", (ROOT / "README.md").read_text()))
    assert {"scripts/run", "scripts/test", "scripts/benchmark.py", "scripts/build_fixtures.py",
            "scripts/update_govuk_frontend.sh"} <= named
    for name in named:
        path = ROOT / name
        assert path.is_file(), name
        assert os.access(path, os.X_OK), f"{name} is not executable"
        assert path.read_text().startswith("#!/usr/bin/env "), name


@pytest.mark.database_independent
def test_benchmark_runs_as_listed_without_the_virtualenv_on_path():
    # The #! line's python3 is not the project's: the script goes on under .venv by itself.
    result = subprocess.run(
        ["scripts/benchmark.py"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=plain_env(BENCH_SIZES="2", BENCH_REPEATS="1"),
    )
    assert result.returncode == 0, result.stderr
    assert "database: sqlite" in result.stdout
    assert re.search(r"^dashboard\s+[\d.]+ ms\s+\d+ q$", result.stdout, re.MULTILINE)


def test_build_fixtures_check_runs_as_listed():
    result = subprocess.run(["scripts/build_fixtures.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=plain_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_update_govuk_frontend_vendors_a_package(tmp_path):
    # npm stands in for the registry: it packs a GOV.UK Frontend release from local files.
    package = tmp_path / "package"
    (package / "dist/govuk/assets/images").mkdir(parents=True)
    for name in ("govuk-frontend.min.css", "govuk-frontend.min.js"):
        (package / "dist/govuk" / name).write_text(f"/* {name} 9.9.9 */")
    (package / "dist/govuk/assets/images/favicon.svg").write_text("<svg/>")
    (package / "LICENSE.txt").write_text("MIT")
    with tarfile.open(tmp_path / "govuk-frontend-9.9.9.tgz", "w:gz") as archive:
        archive.add(package, arcname="package")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(f'#!/bin/sh\n[ "$*" = "pack --silent govuk-frontend@9.9.9" ] || exit 1\n'
                   f'cp {tmp_path}/govuk-frontend-9.9.9.tgz .\n')
    npm.chmod(0o755)
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    script = repo / "scripts/update_govuk_frontend.sh"
    script.write_bytes((ROOT / "scripts/update_govuk_frontend.sh").read_bytes())
    script.chmod(0o755)

    result = subprocess.run(["scripts/update_govuk_frontend.sh", "9.9.9"], cwd=repo,
                            capture_output=True, text=True, timeout=60,
                            env=plain_env(PATH=f"{bin_dir}:{PLAIN_PATH}"))
    assert result.returncode == 0, result.stderr
    vendored = repo / "static/govuk-frontend"
    assert (vendored / "VERSION").read_text() == "9.9.9\n"
    assert (vendored / "govuk-frontend.min.css").read_text() == "/* govuk-frontend.min.css 9.9.9 */"
    assert (vendored / "assets/images/favicon.svg").exists()


def venv_is_current(project: Path, python: str | None) -> bool:
    """scripts/_python.sh's verdict on project/.venv for PYTHON=python (None: unset)."""
    env = plain_env() if python is None else plain_env(PYTHON=python)
    result = subprocess.run(
        ["bash", "-c", f". {ROOT}/scripts/_python.sh && venv_is_current"],
        cwd=project, env=env, capture_output=True, text=True, timeout=60,
    )
    return result.returncode == 0


def test_python_chooses_the_interpreter_even_once_the_venv_exists(tmp_path):
    base = sys._base_executable  # the interpreter this suite's .venv was made from
    subprocess.run([base, "-m", "venv", "--without-pip", str(tmp_path / ".venv")], check=True)
    # A second interpreter, as another installed Python answers (only its identity differs).
    other = tmp_path / "python-other"
    other.write_text(
        "#!/bin/sh\n"
        'case "$*" in *base_prefix*) echo "3.99.0 /opt/python-3.99" ;; '
        f'*) exec {base} "$@" ;; esac\n'
    )
    other.chmod(0o755)
    assert venv_is_current(tmp_path, None)
    assert venv_is_current(tmp_path, base)
    assert not venv_is_current(tmp_path, str(other))


@pytest.mark.django_db(transaction=True)
def test_national_generator_and_the_benchmarks_national_measurements(live_server, client):
    # A tiny national set; the benchmark's measurements run on it (in process, and over HTTP
    # against a live server standing in for gunicorn), writes checked in the database.
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import Client

    from actions.models import Action, ActionUpdate
    from kpis.models import KpiValue
    from plans.models import Council, Role
    from publishing.models import PublishedQuarter

    sys.path.insert(0, str(ROOT / "scripts"))
    with mock.patch.dict(os.environ):
        import benchmark
        import loadtest
        import national

    counts = national.generate(councils=2, kpis=3, quarters=4, actions=3, updates=2, risks=2,
                               savings=1, log=lambda _: None)
    assert counts == {"councils": 2, "kpis": 6, "values": 24, "actions": 6, "updates": 12,
                      "risks": 4}
    assert KpiValue.objects.count() == 24 and ActionUpdate.objects.count() == 12
    for action in Action.objects.all():  # an action's status is that of its latest update
        assert action.updates.order_by("-date").first().status == action.status
    assert national.generate(councils=2, log=lambda _: None)["councils"] == 0  # nothing twice

    councils = list(Council.objects.order_by("slug"))
    council = councils[0]
    users = {m.role: m.user for m in council.memberships.select_related("user")}
    users["super"] = get_user_model().objects.get(username="national-super")
    benchmark.sign_off(council, users[Role.ADMIN], "Q3 2020/21")
    benchmark.sign_off(council, users[Role.ADMIN], "Q3 2020/21")  # once only
    assert PublishedQuarter.objects.filter(council=council).count() == 1
    pages = benchmark.national_pages(council, council.kpis.first(), year="2020-21",
                                     published="Q3 2020/21")
    for name, (role, url) in pages.items():
        browser = Client()
        browser.force_login(users[role])
        times, queries, status, size = benchmark.in_process(browser, url, 1)
        assert status == 200 and queries > 0 and size > 0, name
    published = Client()
    published.force_login(users["cabinet"])
    response = published.get(pages["dashboard (published)"][1])
    assert "As reported to Cabinet on" in response.content.decode()  # drawn from the snapshot
    client.force_login(users["cabinet"])
    export = benchmark.export_urls(council.slug)["action XLSX"]
    rates, rows = benchmark.export_rate(client, export, 1)
    assert rows == 3 and rates[0] > 0

    with mock.patch.object(loadtest.shutil, "which", return_value=None):  # threads, not wrk
        ratios = loadtest.paired_ratios(live_server.url, "/healthz", "/healthz", {}, 1, 0.3, 1)
    assert ratios[0] > 0
    day = benchmark.day_users(councils[:1], 1, live_server.url)
    for user in day:
        user["return_path"] = user["return_path"].replace("2024-25", "2020-21")
    result = loadtest.report_day(live_server.url, day, 2, "report-day test")
    assert result.errors == []
    assert result.updates and result.requests > len(result.updates)
    assert benchmark.check_writes(result, "report-day test") == []
