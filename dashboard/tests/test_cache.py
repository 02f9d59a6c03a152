"""The dashboard is cached under the council's data version: a warm request runs only the
queries every page runs, and any write to the council's data (a save, a bulk return, a
deletion, a risk's themes) shows on the next request."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.periods import Quarter
from kpis.models import KpiValue
from kpis.services import ReturnEntry, submit_return
from plans.models import Council, Role
from tests.admin_forms import change_form
from tests.factories import (
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_theme,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

Q3 = Quarter.from_slug("2020-21", "q3")
# session, user, council (with its data version): whether the quarter is signed off and the
# page's body come from the cache.
WARM_QUERIES = 3


def url(council: Council) -> str:
    return reverse(
        "dashboard", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"}
    )


@pytest.fixture
def council_with_value():
    council = make_council()
    officer = make_user(council=council, role=Role.OFFICER)
    kpi = make_kpi(council, code="CS1", name="Complaints answered", owner_user=officer)
    value = make_value(kpi, 2020, 3, 71, 80)
    return council, officer, kpi, value


def get(client, council: Council) -> tuple[str, int]:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(council))
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_a_warm_dashboard_runs_only_the_pages_own_queries(client, council_with_value):
    council, officer, *_ = council_with_value
    client.force_login(officer)
    cold_html, cold = get(client, council)
    warm_html, warm = get(client, council)
    assert warm == WARM_QUERIES < cold
    token = re.compile(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"')
    assert token.sub("", warm_html) == token.sub("", cold_html)
    assert "71" in warm_html


def test_an_edited_value_shows_at_once(client, council_with_value):
    council, officer, kpi, value = council_with_value
    client.force_login(officer)
    assert ">71" in get(client, council)[0]
    value.actual = Decimal("64")
    value.save()
    html = get(client, council)[0]
    assert ">64" in html and ">71" not in html


def test_a_bulk_return_shows_at_once(client, council_with_value):
    council, officer, kpi, value = council_with_value
    other = make_kpi(council, code="CS2", name="Calls answered", owner_user=officer)
    client.force_login(officer)
    assert "Calls answered" in get(client, council)[0]
    submit_return(
        officer,
        council,
        Q3,
        [
            ReturnEntry(kpi.pk, "93", "", value.version, shown_actual="71"),
            ReturnEntry(other.pk, "55.5", "Fewer staff"),
        ],
    )
    html = get(client, council)[0]
    assert ">93" in html and ">71" not in html
    assert "55.5" in html and "Fewer staff" in html


def test_a_deleted_value_and_a_risks_theme_show_at_once(client, council_with_value):
    council, officer, kpi, value = council_with_value
    theme = make_theme(make_plan(council), number=1, title="Customer first")
    risk = make_risk(council, title="Budget gap", residual_score="BII")
    client.force_login(officer)
    before = get(client, council)[0]
    assert ">71" in before and "Strategic risks pertaining" not in before
    KpiValue.objects.filter(pk=value.pk).delete()
    kpi.theme = theme
    kpi.save()
    risk.themes.add(theme)
    html = get(client, council)[0]
    assert ">71" not in html
    assert "Strategic risks pertaining to this priority (1)" in html


def test_two_councils_never_share_a_page(client):
    pages = []
    for figure in (71, 42):
        council = make_council()
        make_value(make_kpi(council, code="CS1", name="Complaints answered"), 2020, 3, figure, 80)
        # The same data version in both: only the council tells them apart.
        Council.objects.filter(pk=council.pk).update(data_version=7)
        client.force_login(make_user(council=council, role=Role.CABINET))
        pages.append(get(client, council)[0])
    assert ">71" in pages[0] and ">42" not in pages[0]
    assert ">42" in pages[1] and ">71" not in pages[1]


def test_a_council_administrator_sees_the_red_flag_a_cabinet_member_does_not(client):
    council = make_council()
    make_value(make_kpi(council, code="CS1", name="Complaints answered"), 2020, 3, 10, 80)
    client.force_login(make_user(council=council, role=Role.ADMIN))
    assert "has no commentary" in get(client, council)[0]
    client.force_login(make_user(council=council, role=Role.CABINET))
    assert "has no commentary" not in get(client, council)[0]


def test_a_council_saved_from_a_stale_form_never_moves_its_version_back():
    council = make_council()
    stale = Council.objects.get(pk=council.pk)
    make_kpi(council)  # moves the version on
    moved = Council.objects.get(pk=council.pk).data_version
    stale.name = "Renamed Council"
    stale.save()
    assert Council.objects.get(pk=council.pk).data_version > moved > 0


def test_a_value_changed_in_the_admin_shows_at_once(client, council_with_value):
    council, officer, kpi, value = council_with_value
    admin = make_user(council=council, role=Role.ADMIN)
    client.force_login(admin)
    assert ">71" in get(client, council)[0]
    data = change_form(client, value)
    data["actual"] = ["58"]
    response = client.post(
        reverse("admin:kpis_kpivalue_change", args=[value.pk]), {k: v for k, v in data.items()}
    )
    assert response.status_code == 302
    html = get(client, council)[0]
    assert ">58" in html and ">71" not in html


def test_a_deleted_measure_leaves_the_cached_dashboard_at_once(client, council_with_value):
    council, officer, kpi, value = council_with_value
    client.force_login(officer)
    assert "Complaints answered" in get(client, council)[0]
    kpi.delete()  # its values go with it (a cascade)
    assert "Complaints answered" not in get(client, council)[0]


def test_the_cache_is_chosen_by_one_url():
    from django.core.exceptions import ImproperlyConfigured

    from councilplans.settings import cache_settings

    assert cache_settings("")["default"]["BACKEND"].endswith("LocMemCache")
    shared = cache_settings("redis://cache:6379/0", "release-7")["default"]
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert (shared["LOCATION"], shared["KEY_PREFIX"]) == ("redis://cache:6379/0", "release-7")
    with pytest.raises(ImproperlyConfigured):
        cache_settings("memcached://cache:11211")


def list_page(client, name: str, council: Council, query: str = "") -> tuple[str, int]:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"{name}-list", kwargs={"council": council.slug}) + query)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


@pytest.mark.parametrize("name", ["kpi", "action", "risk", "savings"])
def test_a_warm_list_runs_only_the_pages_own_queries(client, council_with_value, name):
    council, officer, *_ = council_with_value
    client.force_login(officer)
    cold_html, cold = list_page(client, name, council)
    warm_html, warm = list_page(client, name, council)
    # session, user, council (with its data version): the list's body comes from the cache
    assert warm == 3 < cold
    token = re.compile(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"')
    assert token.sub("", warm_html) == token.sub("", cold_html)


def test_a_list_follows_its_filters_and_every_change(client, council_with_value):
    council, officer, kpi, value = council_with_value
    make_kpi(council, code="HW2", name="Homes warmed", owner_user=officer)
    client.force_login(officer)
    assert "Homes warmed" in list_page(client, "kpi", council)[0]
    # Another query string is another body, never the first one's.
    filtered = list_page(client, "kpi", council, "?q=Complaints")[0]
    assert "Complaints answered" in filtered and "Homes warmed" not in filtered
    value.actual = Decimal("64")
    value.save()
    html = list_page(client, "kpi", council, "?q=Complaints")[0]
    assert ">64" in html and ">71" not in html
    # A person's new name (shown on their councils' pages) moves their councils on; a
    # sign-in does not.
    before = Council.objects.get(pk=council.pk).data_version
    officer.first_name = "Ada"
    officer.save()
    renamed = Council.objects.get(pk=council.pk).data_version
    client.force_login(officer)
    assert Council.objects.get(pk=council.pk).data_version == renamed > before


def test_a_measures_page_is_cached_until_its_council_changes(client, council_with_value):
    council, officer, kpi, value = council_with_value
    client.force_login(officer)
    url = reverse("kpi-detail", kwargs={"council": council.slug, "pk": kpi.pk})
    assert "71" in client.get(url).content.decode()
    from django.db import connection

    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert len(warm) == 4  # session, user, council (with its version), the measure
    value.actual = Decimal("64")
    value.save()
    page = client.get(url).content.decode()
    assert "64" in page and "Complaints answered" in page


# -- the whole page, cached for its reader -----------------------------------------------------


def test_a_cached_page_is_each_readers_own(client, council_with_value):
    """Two cabinet members read the same quarter: each, warm or cold, sees their own name,
    never the other's; a renamed reader sees the new name at once."""
    council = council_with_value[0]
    ann = make_user("ann", council, Role.CABINET, first_name="Ann", last_name="Reader")
    bob = make_user("bob", council, Role.CABINET, first_name="Bob", last_name="Other")
    for _ in range(2):
        for user, own, other in (
            (ann, "Ann Reader", "Bob Other"),
            (bob, "Bob Other", "Ann Reader"),
        ):
            client.force_login(user)
            page, _ = get(client, council)
            assert own in page and other not in page
    bob.first_name = "Robert"
    bob.save()
    client.force_login(bob)
    page, _ = get(client, council)
    assert "Robert Other" in page and "Bob Other" not in page


def test_a_readers_new_role_shows_at_once(client, council_with_value):
    """The page offers what the reader's role allows: made an administrator, a cabinet
    member finds the sign-off button on the next request (a role is not council data)."""
    from plans.models import Membership

    council = council_with_value[0]
    member = make_user("member", council, Role.CABINET)
    client.force_login(member)
    assert "Sign off" not in get(client, council)[0]
    assert "Sign off" not in get(client, council)[0]  # warm
    Membership.objects.filter(user=member, council=council).update(role=Role.ADMIN)
    assert "Sign off" in get(client, council)[0]


def test_a_cached_page_carries_this_requests_csrf_token_and_csp_nonce(council_with_value):
    """From the cache, the page's forms carry a token that this browser's CSRF check accepts
    (signing out works), and its script the nonce this response's policy allows, fresh each
    time."""
    from django.test import Client

    council = council_with_value[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("reader", council, Role.CABINET))
    nonces, tokens = [], []
    for _ in range(3):  # cold, then twice from the cache
        response = client.get(url(council))
        page = response.content.decode()
        nonce = re.search(r'<script type="module" src="[^"]+" nonce="([^"]+)"', page).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert "\x00" not in page
        nonces.append(nonce)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert len(set(nonces)) == 3 and len(set(tokens)) == 3
    signed_out = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[-1]})
    assert signed_out.status_code == 302
    assert client.get(url(council)).status_code == 302  # to the sign-in page


def test_a_message_is_shown_once_and_never_cached(client, council_with_value):
    """A page with a message for this request (a sign-off's confirmation) is drawn afresh
    and not kept: the next request neither repeats the message nor misses the page."""
    from django.contrib.messages import constants

    council = council_with_value[0]
    admin = make_user("admin", council, Role.ADMIN)
    client.force_login(admin)
    get(client, council)  # cached without a message
    response = client.post(
        reverse("sign-off", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"}),
        follow=True,
    )
    assert "is signed off and published to Cabinet" in response.content.decode()
    assert constants.SUCCESS in {m.level for m in response.context["messages"]}
    page, _ = get(client, council)
    assert "is signed off and published to Cabinet" not in page
    assert "As reported to Cabinet on" in page
