"""Reading a response's body in tests, whether it was sent whole or streamed (exports)."""

from __future__ import annotations

from django.http import HttpResponseBase


def body(response: HttpResponseBase) -> bytes:
    """The whole body of ``response``: its content, or its streamed parts joined."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
