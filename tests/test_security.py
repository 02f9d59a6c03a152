"""Security settings as an attacker or an auditor would probe them."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Role
from tests.factories import PASSWORD, make_action, make_council, make_plan, make_user

ROOT = Path(__file__).resolve().parents[1]

#: Variables the test suite sets to relax production settings; a real deployment has none.
RELAXED = {
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST",
    "SECURE_HSTS_SECONDS", "DJANGO_INSECURE_DEV_KEY", "EMAIL_BACKEND", "AXES_ENABLED",
}


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in RELAXED and not k.startswith("DJANGO_")}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        EMAIL_HOST="smtp.example.org",
        DJANGO_SETTINGS_MODULE="councilplans.settings",
    )
    return env


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_use_secure_cookies_and_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=production_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True"] * 5, result.stderr


def test_the_web_server_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    served = subprocess.run([sys.executable, "-c", "import councilplans.wsgi"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert served.returncode != 0
    assert "Set SECRET_KEY" in served.stderr
    # manage.py still runs (makemigrations, migrate) with a stand-in key that the deploy
    # check names as insecure.
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode != 0
    assert "security.W009" in checked.stdout + checked.stderr


@pytest.mark.django_db
def test_pages_send_a_nonce_based_csp_without_unsafe_inline(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert "script-src 'self' 'nonce-" in policy
    html = response.content.decode()
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, f"inline script without the nonce: {tag}"


@pytest.mark.django_db
def test_forms_without_a_csrf_token_are_refused():
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER)
    action = make_action(make_plan(council), assigned=[officer])
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "officer", "password": PASSWORD}
                       ).status_code == 403
    client.force_login(officer)
    response = client.post(action.get_absolute_url(), {
        "status": "on_track", "percent_complete": "10", "version": "1",
    })
    assert response.status_code == 403
    assert not action.updates.exists()
    page = client.get(action.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user("officer", make_council())
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("my-work")).status_code == 302  # still signed out


@pytest.mark.django_db
def test_four_failed_logins_still_let_the_right_password_in(client):
    make_user("officer", make_council())
    for _ in range(4):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("my-work")).status_code == 200
