"""Signed-in sessions end when idle too long, and a fixed time after signing in.

Public-sector guidance: a shared or unattended computer must not stay signed in. The time of
signing in and of the last request are kept in the session (seconds since the epoch).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
#: The last request time is written at most this often, not on every page (one write a minute).
LAST_SEEN_RESOLUTION = 60


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in)
def start_session_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_COOKIE_AGE.

    Placed after SessionMiddleware and before AuthenticationMiddleware, so a session it ends
    is anonymous for the rest of the request (the login page then asks to sign in again).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        last_seen = session.get(LAST_SEEN)
        if last_seen is None and SESSION_KEY in session:
            # Signed in before these clocks existed: they start now.
            session[SIGNED_IN_AT] = session[LAST_SEEN] = _now()
        elif last_seen is not None:
            now = _now()
            signed_in_at = session.get(SIGNED_IN_AT, last_seen)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - signed_in_at > settings.SESSION_COOKIE_AGE
            ):
                session.flush()
            elif now - last_seen >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)
