"""Error pages in the product's look, with the service name and a way back (DEBUG off)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import include, path, reverse

from councilplans.urls import handler400, handler500  # noqa: F401 (this URL conf's handlers)
from plans.models import Role
from tests.factories import PASSWORD, make_council, make_user


def _raise(exception: Exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("bad/", _raise(SuspiciousOperation("tampered"))),
    path("forbidden/", _raise(PermissionDenied)),
    path("broken/", _raise(RuntimeError("a bug"))),
    path("", include("councilplans.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def officer(anonymous) -> Client:
    make_user("officer", make_council("Medway Council", slug="medway"), Role.OFFICER)
    anonymous.force_login(make_user("other", make_council(), Role.OFFICER))
    return anonymous


def assert_product_page(response, status: int, heading: str, settings) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert settings.DEBUG is False
    assert 'class="govuk-generic-header' in html
    assert f"{heading} – {settings.SITE_NAME}</title>" in html
    assert f"<h1 class=\"govuk-heading-l\">{heading}</h1>" in html
    assert f'href="{reverse("home")}"' in html  # a way back
    return html


def test_404_offers_sign_in_to_anonymous_users(anonymous, settings):
    response = anonymous.get("/no/such/page/in/this/service/")
    html = assert_product_page(response, 404, "Page not found", settings)
    assert f'href="{reverse("login")}">Sign in' in html


def test_404_offers_my_work_to_signed_in_users(officer, settings):
    response = officer.get(reverse("council-home", kwargs={"council": "medway"}))
    html = assert_product_page(response, 404, "Page not found", settings)
    assert f'href="{reverse("my-work")}">Go to My work' in html


def test_403_page(officer, settings):
    assert_product_page(officer.get("/forbidden/"), 403, "You do not have permission to do this",
                        settings)


def test_400_page_for_a_suspicious_request(anonymous, settings):
    assert_product_page(anonymous.get("/bad/"), 400, "Sorry, there is a problem with the request",
                        settings)


def test_400_page_for_a_host_not_served(anonymous, settings):
    response = anonymous.get("/", HTTP_HOST="attacker.example")
    assert_product_page(response, 400, "Sorry, there is a problem with the request", settings)


def test_429_page_when_sign_in_is_locked(anonymous, settings):
    make_user("officer", make_council())
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = anonymous.post(reverse("login"), {"username": "officer", "password": "wrong"})
    html = assert_product_page(response, 429, "Too many attempts to sign in", settings)
    assert f'href="{reverse("password_reset")}"' in html
    response = anonymous.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429


def test_500_page_for_a_bug(officer, settings):
    response = officer.get("/broken/")
    html = assert_product_page(response, 500, "Sorry, there is a problem with the service",
                               settings)
    assert f'href="{reverse("login")}">Sign in' in html


def test_500_page_renders_while_the_database_is_unreachable(officer, settings):
    unreachable = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=unreachable):
        response = officer.get(reverse("my-work"))
    assert_product_page(response, 500, "Sorry, there is a problem with the service", settings)
