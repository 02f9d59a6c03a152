"""A signed-in session ends after 8 idle hours, and 12 hours after signing in at the latest."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_council, make_user

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    """Moves Django's clock (timezone.now) forward, as a user leaving the desk would."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.now):
        yield clock


@pytest.fixture
def signed_in(client, db, clock):
    make_user("officer", make_council())
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get(reverse("my-work")).status_code == 200


def test_defaults_are_eight_idle_hours_and_twelve_hours_in_all(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_a_session_idle_for_less_than_eight_hours_stays_signed_in(signed_in, clock):
    clock.advance(hours=7, minutes=59)
    assert is_signed_in(signed_in)


def test_a_session_idle_for_over_eight_hours_is_signed_out(signed_in, clock):
    clock.advance(hours=8, minutes=1)
    response = signed_in.get(reverse("my-work"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in signed_in.session


def test_activity_keeps_a_session_alive_until_twelve_hours_after_signing_in(signed_in, clock):
    for _ in range(3):  # active every 3h50: never idle for 8 hours
        clock.advance(hours=3, minutes=50)
        assert is_signed_in(signed_in)
    clock.advance(hours=0, minutes=40)  # 12h10 after signing in
    assert not is_signed_in(signed_in)


def test_signing_in_again_restarts_both_clocks(signed_in, clock):
    clock.advance(hours=9)
    assert not is_signed_in(signed_in)
    signed_in.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    clock.advance(hours=7)
    assert is_signed_in(signed_in)


def test_a_shorter_idle_timeout_is_honoured(signed_in, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    clock.advance(minutes=14)
    assert is_signed_in(signed_in)
    clock.advance(minutes=16)
    assert not is_signed_in(signed_in)


def test_the_timeouts_are_read_from_the_environment():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_IDLE_TIMEOUT, s.SESSION_COOKIE_AGE)")
    env = {**os.environ, "SESSION_IDLE_TIMEOUT": "900", "SESSION_COOKIE_AGE": "3600",
           "DJANGO_SETTINGS_MODULE": "councilplans.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["900", "3600"], result.stderr


def test_a_session_signed_in_before_the_clocks_existed_gets_them(signed_in, clock):
    session = signed_in.session
    del session["signed_in_at"], session["last_seen"]
    session.save()
    assert is_signed_in(signed_in)
    clock.advance(hours=8, minutes=1)
    assert not is_signed_in(signed_in)
