"""Views that must answer when the rest of the app cannot: the health check and error pages."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} while the database answers, else 503: for load balancers.

    No template, no session, no data: one trivial query.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _plain_page(template_name: str) -> str:
    """An error page drawn without the request: no context processor, no user, no query."""
    return render_to_string(template_name, {"SITE_NAME": settings.SITE_NAME})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 (also for a disallowed Host header, where the request cannot be trusted)."""
    return HttpResponseBadRequest(_plain_page("400.html"))


def server_error(request: HttpRequest) -> HttpResponse:
    """500, which must render even when the database is down."""
    return HttpResponseServerError(_plain_page("500.html"))
