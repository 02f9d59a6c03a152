"""Signing a quarter off: the locked snapshot given to cabinet, the draft marking before it,
corrections shown beside it afterwards, and the cabinet pack (PDF) drawn from it."""

from __future__ import annotations

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus
from core.periods import Quarter
from dashboard import publishing
from dashboard.tests.test_views import measure_row_pattern
from kpis.models import KpiValue
from plans.models import Role
from publishing.models import PublishedQuarter
from risks.models import RiskAssessment
from tests.factories import (
    make_action,
    make_assessment,
    make_council,
    make_kpi,
    make_plan,
    make_risk,
    make_savings,
    make_theme,
    make_update,
    make_user,
    make_value,
)

pytestmark = pytest.mark.django_db

Q3 = {"year": "2020-21", "quarter": "q3"}


@pytest.fixture
def world():
    council = make_council("Testshire Council", slug="testshire")
    plan = make_plan(council, start_year=2020, end_year=2020)
    theme = make_theme(plan, number=1, title="Giving value for money")
    kpi = make_kpi(council, theme=theme, code="DIGI TU 01", name="Digital take up")
    value = make_value(
        kpi, 2020, 3, "68.4", "75", commentary="Fewer forms moved online than planned."
    )
    make_value(kpi, 2020, 2, "70", "75")
    risk = make_risk(council, reference="SR03B", title="Finances", residual_score="AI")
    make_assessment(risk, 2020, 3, "AI")
    make_savings(council, title="FIT Plan savings", achieved_amount=Decimal("100000"))
    action = make_action(
        plan,
        title="Move council tax forms online",
        due_date=datetime.date(2020, 9, 30),
        status=ActionStatus.OFF_TRACK,
    )
    make_update(action, status=ActionStatus.OFF_TRACK, commentary="Supplier delayed.")
    other = make_council("Otherton Council", slug="otherton")
    return {
        "council": council,
        "kpi": kpi,
        "value": value,
        "admin": make_user("perf-team", council, Role.ADMIN, first_name="Pat", last_name="Team"),
        "cabinet": make_user("leader", council, Role.CABINET),
        "officer": make_user("officer", council, Role.OFFICER, first_name="Olu", last_name="Ade"),
        "other": other,
        "other_admin": make_user("other-admin", other, Role.ADMIN),
    }


def url(name: str, council: str = "testshire", **kw) -> str:
    return reverse(name, kwargs={"council": council, **(kw or Q3)})


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


def sign_off(client, user):
    client.force_login(user)
    return client.post(url("sign-off"))


def test_admin_signs_a_past_quarter_off_and_cabinet_sees_it_as_reported(client, world):
    client.force_login(world["admin"])
    confirm = client.get(url("sign-off"))
    assert confirm.status_code == 200
    assert "cannot be changed afterwards" in text(confirm)
    response = client.post(url("sign-off"), follow=True)
    assert "Q3 2020/21 is signed off and published to Cabinet" in text(response)

    published = PublishedQuarter.objects.get()
    assert (published.council, published.period) == (world["council"], Quarter.parse("Q3 2020/21"))
    assert published.published_by == world["admin"]
    assert published.published_by_name == "Pat Team"
    measure = published.data["measures"][0]
    assert measure["code"] == "DIGI TU 01"
    assert measure["current"]["actual"] == "68.4000"
    assert measure["current"]["status"]["label"] == "Red"
    assert measure["current"]["commentary"] == "Fewer forms moved online than planned."
    assert published.data["risks"][0]["score"]["text"] == "AI"
    assert Decimal(published.data["rules"]["rag_scheme"]["amber_band"]) == Decimal("0.05")
    assert published.data["rules"]["risk_matrix"]["likelihoods"][0] == ["A", "very high"]

    client.force_login(world["cabinet"])
    page = text(client.get(url("dashboard")))
    today = timezone.localdate()
    assert f"As reported to Cabinet on {today:%-d %B %Y}" in page
    assert "Draft" not in page
    assert "Digital take up" in page and "68.4%" in page
    assert "Download the cabinet pack (PDF)" in page


@pytest.mark.parametrize("role", ["cabinet", "officer"])
def test_only_the_councils_administrators_sign_off(client, world, role):
    client.force_login(world[role])
    assert client.get(url("sign-off")).status_code == 403
    assert client.post(url("sign-off")).status_code == 403
    assert not PublishedQuarter.objects.exists()
    assert "Sign off and publish" not in text(client.get(url("dashboard")))


def test_another_councils_quarter_is_not_found(client, world):
    client.force_login(world["other_admin"])
    for name in ("dashboard", "sign-off", "cabinet-pack"):
        assert client.get(url(name)).status_code == 404, name
    assert client.post(url("sign-off")).status_code == 404
    assert not PublishedQuarter.objects.exists()
    # And the other council's administrator never reaches this council's pack through theirs.
    sign_off(client, world["admin"])
    client.force_login(world["other_admin"])
    assert client.get(url("cabinet-pack")).status_code == 404
    assert client.get(url("cabinet-pack", council="otherton")).status_code == 404


def test_bad_quarter_in_the_url_is_not_found(client, world):
    client.force_login(world["admin"])
    assert client.post(url("sign-off", year="2020-21", quarter="q9")).status_code == 404
    assert client.get(url("cabinet-pack", year="twenty", quarter="q3")).status_code == 404


def test_an_unpublished_past_quarter_is_a_draft(client, world):
    for role in ("cabinet", "officer"):
        client.force_login(world[role])
        page = text(client.get(url("dashboard")))
        assert "Draft — not yet signed off" in page
        assert "As reported to Cabinet" not in page
        assert "Sign off and publish" not in page
    client.force_login(world["admin"])
    page = text(client.get(url("dashboard")))
    assert "Draft — not yet signed off" in page
    assert "Sign off and publish Q3 2020/21" in page


def test_a_draft_read_before_sign_off_is_shown_signed_off_after_it(client, world):
    """Whether a quarter is signed off is cached with the council's data version: a sign-off
    moves the version on, so the draft a reader saw first is never served again."""
    client.force_login(world["cabinet"])
    assert "Draft — not yet signed off" in text(client.get(url("dashboard")))
    assert sign_off(client, world["admin"]).status_code == 302
    client.force_login(world["cabinet"])
    page = text(client.get(url("dashboard")))
    assert "As reported to Cabinet" in page
    assert "Draft — not yet signed off" not in page


def test_a_quarter_in_progress_cannot_be_signed_off(client, world):
    current = Quarter.for_date(timezone.localdate())
    kwargs = current.url_kwargs
    client.force_login(world["admin"])
    page = text(client.get(url("dashboard", **kwargs)))
    assert "is still in progress" in page
    assert "Sign off and publish" not in page
    response = client.post(url("sign-off", **kwargs), follow=True)
    assert f"{current} has not ended yet" in text(response)
    assert not PublishedQuarter.objects.exists()


def test_a_quarter_is_signed_off_once(client, world):
    sign_off(client, world["admin"])
    response = client.post(url("sign-off"), follow=True)
    assert "Q3 2020/21 has already been signed off" in text(response)
    assert PublishedQuarter.objects.count() == 1
    # The confirmation page of a published quarter goes back to its dashboard.
    assert client.get(url("sign-off"))["Location"] == url("dashboard")


def test_the_snapshot_keeps_the_published_value_and_shows_the_correction(client, world):
    sign_off(client, world["admin"])
    published = PublishedQuarter.objects.get()
    data_before, body_before = published.data, published.body_html

    value = KpiValue.objects.get(pk=world["value"].pk)
    value.actual = Decimal("80")
    value.entered_by = world["officer"]
    value.save()

    published.refresh_from_db()
    assert published.data == data_before and published.body_html == body_before
    client.force_login(world["cabinet"])
    response = client.get(url("dashboard"))
    page = text(response)
    # The published figure stays in the report; the correction is shown beside it.
    row = re.search(measure_row_pattern("DIGI TU 01"), response.content.decode(), re.S)
    assert "68.4%" in row.group(1) and "80%" not in row.group(1)
    today = timezone.localdate()
    assert f"Corrected after publishing: 80% (was 68.4%), by Olu Ade, {today:%-d %B %Y}" in page
    assert "Corrections after publishing" in page


def test_a_risk_rescored_after_publishing_is_shown_as_a_correction(client, world):
    sign_off(client, world["admin"])
    assessment = RiskAssessment.objects.get()
    assessment.score = "BII"
    assessment.assessed_by = world["officer"]
    assessment.save()
    client.force_login(world["cabinet"])
    page = text(client.get(url("dashboard")))
    assert "SR03B Finances , risk score: Corrected after publishing: BII (was AI), by Olu Ade" in (
        page
    )


def test_an_unchanged_snapshot_shows_no_corrections(client, world):
    sign_off(client, world["admin"])
    client.force_login(world["cabinet"])
    assert "Corrected after publishing" not in text(client.get(url("dashboard")))


def test_a_published_quarter_cannot_be_changed(world):
    admin = world["admin"]
    published = publishing.publish_quarter(
        world["council"], Quarter.parse("Q3 2020/21"), admin, timezone.localdate()
    )
    published.body_html = "changed"
    with pytest.raises(ValidationError):
        published.save()
    with pytest.raises(ValidationError):
        PublishedQuarter.objects.update(body_html="changed")
    with pytest.raises(ValidationError):
        published.delete()
    assert PublishedQuarter.objects.get().body_html != "changed"


def test_a_published_dashboard_is_served_from_its_snapshot(
    client, world, django_assert_num_queries
):
    sign_off(client, world["admin"])
    client.force_login(world["cabinet"])
    # session, user, council (with the user's role), the publication without its snapshot,
    # then the snapshot, quarters with data (the quarter switch), the published values and
    # risk assessments as they are now (corrections): never the reports.
    with django_assert_num_queries(8):
        response = client.get(url("dashboard"))
    assert response.status_code == 200
    stored = PublishedQuarter.objects.get().body_html
    # The record as stored, all but its comparison table, which the page links to.
    heading = '<h2 class="govuk-heading-l" id="comparison">'
    before = stored[: stored.index(heading)]
    after = stored[stored.index("</details>", stored.index(heading)) + len("</details>") :]
    page = response.content.decode()
    assert before in page and after in page
    assert "app-comparison-table" not in page and url("quarter-comparison") in page
    # Then from the cache until the council's data changes: the first three alone (the
    # publication too is looked up once per data version), and the same page.
    with django_assert_num_queries(3):
        again = client.get(url("dashboard")).content.decode()
    assert before in again and after in again and "app-comparison-table" not in again


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_cabinet_pack_is_a_pdf_of_the_published_report(client, world, tmp_path):
    sign_off(client, world["admin"])
    client.force_login(world["cabinet"])
    response = client.get(url("cabinet-pack"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="testshire-2020-21-q3-cabinet-pack.pdf"'
    )
    pages = pdf_text(response.content, tmp_path).split("\f")
    # A4, tagged for screen readers, titled.
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "pack.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert "(A4)" in info
    assert "Title:           Testshire Council: performance report to Cabinet, Q3 2020/21" in info
    cover, contents = pages[0], pages[1]
    today = timezone.localdate()
    assert "Testshire Council" in cover and "Performance report to Cabinet" in cover
    assert f"As reported to Cabinet on {today:%-d %B %Y}" in cover
    assert "Contents" in contents and "Strategic risks and heat map" in contents
    whole = " ".join(" ".join(pages).split())
    for words in (
        "Key: statuses and trends",
        "DIGI TU 01",
        "Digital take up",
        "Red",  # a status in words, not colour alone
        "Fewer forms moved online than planned.",  # commentary
        "SR03B",
        "Heat map",
        "FIT Plan savings",
        "Move council tax forms online",
    ):
        assert words in whole, words
    # A running header and page numbers on every page after the cover.
    pages = [page for page in pages if page.strip()]
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert all("Testshire Council · Performance Q3 2020/21" in page for page in pages[1:])


def test_the_cabinet_pack_is_for_cabinet_and_administrators_of_a_published_quarter(client, world):
    client.force_login(world["cabinet"])
    assert client.get(url("cabinet-pack")).status_code == 404  # not yet published
    sign_off(client, world["admin"])
    assert client.get(url("cabinet-pack")).status_code == 200  # administrator
    client.force_login(world["officer"])
    assert client.get(url("cabinet-pack")).status_code == 404
    assert "Download the cabinet pack" not in text(client.get(url("dashboard")))
    client.logout()
    assert client.get(url("cabinet-pack")).status_code == 302


def test_a_published_quarter_keeps_its_comparison_with_earlier_quarters(client, world):
    """The live dashboard links to the comparison (a page of its own); a published quarter's
    record, and so its cabinet pack, holds the table itself. Its page links to the comparison
    page as the live one does, and that page shows the table as reported to Cabinet, even
    after the value is corrected."""
    client.force_login(world["cabinet"])
    draft = client.get(url("dashboard")).content.decode()
    assert "app-comparison-table" not in draft and url("quarter-comparison") in draft
    sign_off(client, world["admin"])
    published = PublishedQuarter.objects.get()
    assert "app-comparison-table" in published.body_html
    client.force_login(world["cabinet"])
    page = client.get(url("dashboard")).content.decode()
    assert "app-comparison-table" not in page
    link = re.search(
        r'<a class="govuk-link" href="([^"]+)">Each measure in Q3 2019/20, Q2 2020/21 and '
        r"Q3 2020/21</a>: its value and status in this quarter, the previous quarter and the "
        r"same quarter last year, side by side, as reported to Cabinet\.",
        page,
    )
    assert link and link.group(1) == url("quarter-comparison")
    # The value is corrected after sign-off: the comparison is still the one reported.
    value = world["value"]
    value.value = Decimal("80")
    value.save()
    response = client.get(url("quarter-comparison"))
    assert response.status_code == 200
    comparison = response.content.decode()
    table = comparison[comparison.index("app-comparison-table") :].split("</table>")[0]
    assert "DIGI TU 01" in table and "68.4%" in table and "80" not in table
    assert "as reported to Cabinet when the quarter was signed off on" in text(response)
    # Another council's members find nothing there.
    client.force_login(world["other_admin"])
    assert client.get(url("quarter-comparison")).status_code == 404


def test_a_record_that_does_not_keep_its_comparison_apart_is_shown_whole(client, world):
    """A published record whose body does not hold the comparison as this release draws it
    (an older record, say) is shown whole, table and all, and the comparison page leads
    there rather than to a table it cannot find."""
    body = (
        '<h2 class="govuk-heading-l" id="comparison">Comparison with earlier quarters</h2>'
        '<table class="govuk-table app-comparison-table"><tr><td>Kept whole</td></tr></table>'
    )
    PublishedQuarter.objects.create(
        council=world["council"],
        financial_year=2020,
        quarter=3,
        published_by_name="Pat Team",
        published_at=timezone.now(),
        data={"as_of": "2020-12-31", "measures": [], "risks": []},
        body_html=body,
    )
    client.force_login(world["cabinet"])
    assert body in client.get(url("dashboard")).content.decode()
    response = client.get(url("quarter-comparison"))
    assert response.status_code == 302
    assert response.url == url("dashboard") + "#comparison"


def test_a_published_dashboard_of_100_measures_is_under_100_kb(client):
    """The national-scale goal holds for a signed-off quarter too: its record keeps the
    comparison of every measure, but the page does not carry it."""
    from dashboard.tests.test_queries import populate

    council = make_council(slug="hundred")
    populate(council, 50, risks=20)  # 50 quarterly and 50 annual measures
    admin = make_user("hundred-admin", council, Role.ADMIN)
    client.force_login(admin)
    assert client.post(url("sign-off", council="hundred")).status_code == 302
    client.force_login(make_user(council=council, role=Role.CABINET))
    page = client.get(url("dashboard", council="hundred")).content
    assert page.decode().count("<tr><td>") == 100  # every measure is on it
    assert len(page) < 100_000, f"{len(page)} bytes"
    assert len(PublishedQuarter.objects.get().body_html) > len(page) - 20_000  # the record keeps it
