"""The site's navigation: whether the signed-in person is offered "My work"."""

from __future__ import annotations

from typing import Any

from django import template

from plans.models import WORK_ROLES, Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def shows_my_work(context: dict[str, Any]) -> bool:
    """True for superusers and for officers and administrators of any council.

    Council pages already know it from their council query (``user_has_work_role``); other
    pages ask once per request.
    """
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    council = context.get("council")
    if council is not None and hasattr(council, "user_has_work_role"):
        return bool(council.user_has_work_role)
    request = context.get("request")
    cached = getattr(request, "_shows_my_work", None)
    if cached is None:
        cached = Membership.objects.filter(user=user, role__in=WORK_ROLES).exists()
        if request is not None:
            request._shows_my_work = cached
    return cached
