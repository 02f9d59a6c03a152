"""The service's name, its favicon and the password-reset mail as a newcomer meets them."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from councilplans.mail import ConsoleEmailBackend
from tests.factories import make_user


@pytest.fixture
def reset_mail(client, db, settings):
    settings.SITE_NAME = "Kent Plans"
    user = make_user("zoe-officer")
    get_user_model().objects.filter(pk=user.pk).update(
        email="zoe@example.org", first_name="Zoë", last_name="Brontë"
    )
    response = client.post(reverse("password_reset"), {"email": "zoe@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_reset_mail_names_the_service_in_its_subject_and_body(reset_mail):
    assert reset_mail.subject == "Reset your Kent Plans password"
    assert "your password for Kent Plans." in reset_mail.body
    assert "testserver." not in reset_mail.body


def test_the_console_prints_the_reset_link_whole(reset_mail):
    link = re.search(r"http://testserver/accounts/password/reset/\S+/", reset_mail.body)
    assert link, reset_mail.body
    console = io.StringIO()
    ConsoleEmailBackend(stream=console).send_messages([reset_mail])
    printed = console.getvalue()
    # One line that can be copied into a browser: no quoted-printable soft breaks ("=\n").
    assert link.group(0) in printed.splitlines()
    assert "Hello Zoë Brontë," in printed
    assert "Content-Transfer-Encoding: quoted-printable" not in printed


@override_settings(SITE_NAME="Kent Plans")
def test_the_admin_header_is_the_service_name(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Kent Plans administration" in page
    assert "Council Plans" not in page


def test_pages_link_a_favicon_and_favicon_ico_resolves(client, db):
    page = client.get(reverse("login")).content.decode()
    icon = re.search(r'<link rel="icon" sizes="32x32" href="([^"]+)">', page)
    assert icon and icon.group(1).endswith("/favicon.ico")
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == icon.group(1)
