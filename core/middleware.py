"""Request middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


def without_nul(data: QueryDict) -> QueryDict:
    """``data`` with NUL characters removed from every key and value (the same object if none).

    PostgreSQL refuses NUL in text (SQLite stores it), so a NUL in a filter, a search or a form
    would fail on one database and not the other; nobody types one on purpose.
    """
    if not any(NUL in key or any(NUL in value for value in values) for key, values in data.lists()):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    cleaned._mutable = False
    return cleaned


class StripNulMiddleware:
    """Strips NUL characters from query parameters and posted form fields, before any view, form
    or filter sees them, so every database gets the same text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = without_nul(request.GET)
        if request.method == "POST":
            request.POST = without_nul(request.POST)
        return self.get_response(request)
