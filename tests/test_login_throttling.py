"""Wrong passwords lock the client that typed them, not everyone behind the same proxy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_council, make_user

PROXY = "10.0.0.2"


def sign_in(client, password: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": "officer", "password": password},
                       **headers)


@pytest.fixture
def officer(db):
    return make_user("officer", make_council())


def test_behind_the_proxy_one_clients_failures_do_not_lock_another(client, officer, settings):
    settings.BEHIND_TLS_PROXY = True
    for _ in range(5):
        sign_in(client, "wrong", forwarded_for="198.51.100.7")
    assert sign_in(client, PASSWORD, forwarded_for="198.51.100.7").status_code == 429

    client.cookies.clear()
    response = sign_in(client, PASSWORD, forwarded_for="203.0.113.9")
    assert response.status_code == 302
    assert client.get(reverse("my-work")).status_code == 200


def test_behind_the_proxy_a_forged_first_entry_does_not_escape_the_lockout(
    client, officer, settings
):
    """The proxy appends the address it saw; what the client wrote before it is not trusted."""
    settings.BEHIND_TLS_PROXY = True
    for n in range(5):
        sign_in(client, "wrong", forwarded_for=f"192.0.2.{n}, 198.51.100.7")
    assert sign_in(client, PASSWORD, forwarded_for="192.0.2.99, 198.51.100.7").status_code == 429


def test_two_trusted_proxies_read_the_second_entry_from_the_right(client, officer, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    for n in range(5):
        sign_in(client, "wrong", forwarded_for=f"192.0.2.{n}, 198.51.100.7, 10.0.0.1")
    assert sign_in(client, PASSWORD, forwarded_for="198.51.100.7, 10.0.0.1").status_code == 429
    assert sign_in(client, PASSWORD, forwarded_for="203.0.113.9, 10.0.0.1").status_code == 302


def test_without_the_proxy_a_forged_header_does_not_escape_the_lockout(client, officer, settings):
    assert settings.BEHIND_TLS_PROXY is False
    for n in range(5):
        sign_in(client, "wrong", forwarded_for=f"192.0.2.{n}")
    response = sign_in(client, PASSWORD, forwarded_for="203.0.113.9")
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
