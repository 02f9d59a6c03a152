"""The site's navigation: whether the signed-in person is offered "My work"."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from plans.models import WORK_ROLES, Membership

register = template.Library()

#: A council's pages in its navigation: URL name, link text, and the URL names of the pages
#: on which the link is the current one.
COUNCIL_PAGES = (
    ("council-home", "Overview", {"council-home"}),
    ("latest-dashboard", "Dashboard", {"latest-dashboard", "dashboard"}),
    ("kpi-list", "KPIs", {"kpi-list", "kpi-detail"}),
    ("action-list", "Actions", {"action-list", "action-detail"}),
    ("risk-list", "Risks", {"risk-list"}),
    ("savings-list", "Savings", {"savings-list"}),
)
#: Without a council: the user's councils.
HOME_PAGE = ("home", "Your councils", {"home"})
MY_WORK_PAGE = ("my-work", "My work", {"my-work", "kpi-return", "kpi-value-history"})

_ITEM = (
    '<li class="govuk-service-navigation__item">'
    '<a class="govuk-service-navigation__link" href="{}">{}</a></li>'
)
_CURRENT_ITEM = (
    '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
    '<a class="govuk-service-navigation__link" href="{}" aria-current="page">'
    '<strong class="govuk-service-navigation__active-fallback">{}</strong></a></li>'
)


@register.simple_tag
def navigation_items(council: Any, url_name: str | None, my_work: bool) -> SafeString:
    """The service navigation's links (the list's items): a council's pages, or the user's
    councils without one, then My work where it is shown; the current page's link marked
    (aria-current). Drawn here, not by an included template per link: it is on every page."""
    pages: list[tuple[str, str, set[str], dict[str, str]]] = []
    if council:
        kwargs = {"council": council.slug}
        pages.extend((name, text, names, kwargs) for name, text, names in COUNCIL_PAGES)
    else:
        pages.append((*HOME_PAGE, {}))
    if my_work:
        pages.append((*MY_WORK_PAGE, {}))
    return mark_safe(  # noqa: S308  (each item escaped by format_html)
        "".join(
            format_html(
                _CURRENT_ITEM if url_name in names else _ITEM, reverse(name, kwargs=kwargs), text
            )
            for name, text, names, kwargs in pages
        )
    )


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
