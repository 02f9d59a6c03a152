"""/healthz tells a load balancer whether this instance can serve: it reaches the database."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db

database_down = mock.patch.object(
    BaseDatabaseWrapper, "ensure_connection",
    side_effect=OperationalError("could not connect to server"),
)


def test_it_answers_ok_to_anyone_without_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_it_answers_503_when_the_database_is_down(client):
    with database_down:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}
    assert "Set-Cookie" not in response.headers


def test_it_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # other pages are


def test_it_runs_one_trivial_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
