"""The officers' pages as a user meets them: my work, action updates, the quarterly return."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from actions.models import ActionStatus, ActionUpdate
from core.rag import Polarity, Rag
from core.targets import TargetKind
from core.units import Unit
from kpis.models import KpiTarget, KpiValue
from plans.models import Role
from tests.factories import (
    PASSWORD,
    make_action,
    make_council,
    make_kpi,
    make_plan,
    make_update,
    make_user,
    make_value,
)

RETURN_URL = "/medway/2020-21/q3/return/"


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    officer = make_user("officer", council, Role.OFFICER, first_name="Ola", last_name="Ade")
    plan = make_plan(council, title="Council Plan 2020/21")
    action = make_action(plan, title="Adopt the digital strategy", assigned=[officer])
    kpi = make_kpi(council, code="CS2", name="Complaints stage 2", owner_user=officer)
    make_value(kpi, 2020, 2, 70, 75)
    return {"council": council, "officer": officer, "plan": plan, "action": action, "kpi": kpi}


def login(client, user):
    client.force_login(user)
    return client


def test_my_work_lists_overdue_actions_first_then_due_soonest(client, medway):
    today = datetime.date.today()
    officer, plan = medway["officer"], medway["plan"]
    late = make_action(
        plan, title="Late one", due_date=today - datetime.timedelta(days=3), assigned=[officer]
    )
    soon = make_action(
        plan, title="Soon one", due_date=today + datetime.timedelta(days=3), assigned=[officer]
    )
    later = make_action(
        plan, title="Later one", due_date=today + datetime.timedelta(days=30), assigned=[officer]
    )
    make_action(plan, title="Done one", status=ActionStatus.COMPLETED, assigned=[officer])
    make_action(plan, title="Someone else's", assigned=[make_user("x", medway["council"])])

    html = login(client, officer).get(reverse("my-work")).content.decode()

    order = [html.index(a.title) for a in (late, soon, later, medway["action"])]
    assert order == sorted(order)
    assert "Overdue" in html
    assert "Done one" not in html and "Someone else's" not in html
    assert "Complaints stage 2" in html and "still to enter" in html


def test_an_officer_updates_an_action_and_sees_it_in_the_history(client, medway):
    action = medway["action"]
    login(client, medway["officer"])
    response = client.post(
        action.get_absolute_url(),
        {
            "status": "at_risk",
            "percent_complete": "45",
            "commentary": "Supplier late",
            "version": action.version,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Update saved: At risk, 45% complete." in html
    assert "Supplier late" in html
    assert "Ola Ade" in html  # author in the updates and in the audit trail
    assert "Change history" in html and "Not reported → At risk" in html
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("at_risk", 45)


def test_updates_are_listed_newest_first(client, medway):
    action = medway["action"]
    make_update(action, commentary="older words", date=datetime.date(2020, 10, 1))
    make_update(action, commentary="newer words", date=datetime.date(2020, 12, 1))
    html = login(client, medway["officer"]).get(action.get_absolute_url()).content.decode()
    assert html.index("newer words") < html.index("older words")


def test_completing_without_commentary_is_refused_and_keeps_the_input(client, medway):
    action = medway["action"]
    response = login(client, medway["officer"]).post(
        action.get_absolute_url(),
        {
            "status": "completed",
            "percent_complete": "80",
            "commentary": "",
            "version": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "a commentary is needed" in html
    assert '<option value="completed" selected>' in html
    assert not ActionUpdate.objects.exists()


def test_a_non_number_percent_is_explained(client, medway):
    action = medway["action"]
    response = login(client, medway["officer"]).post(
        action.get_absolute_url(),
        {
            "status": "on_track",
            "percent_complete": "lots",
            "commentary": "typed",
            "version": 1,
        },
    )
    html = response.content.decode()
    assert "Enter % complete as a whole number from 0 to 100" in html
    assert "typed</textarea>" in html


def test_a_stale_form_is_refused_showing_what_changed_and_keeping_my_words(client, medway):
    action = medway["action"]
    admin = make_user("admin", medway["council"], Role.ADMIN, first_name="Ann", last_name="Lee")
    login(client, admin).post(
        action.get_absolute_url(),
        {
            "status": "off_track",
            "percent_complete": "5",
            "commentary": "Halted",
            "version": 1,
        },
    )
    response = login(client, medway["officer"]).post(
        action.get_absolute_url(),
        {
            "status": "on_track",
            "percent_complete": "60",
            "commentary": "My words",
            "version": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ann Lee updated this action" in html and "Halted" in html
    assert "My words</textarea>" in html
    assert 'name="version" value="2"' in html
    assert ActionUpdate.objects.count() == 1


def test_cabinet_member_reads_but_cannot_update(client, medway):
    action = medway["action"]
    login(client, make_user("cllr", medway["council"], Role.CABINET))
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Save update" not in html and "only the officers assigned" in html
    response = client.post(
        action.get_absolute_url(),
        {
            "status": "on_track",
            "percent_complete": "1",
            "version": 1,
        },
    )
    assert response.status_code == 403


def test_another_councils_action_is_not_found(client, medway):
    outsider = make_user("outsider", make_council("Maidstone"), Role.ADMIN)
    assert login(client, outsider).get(medway["action"].get_absolute_url()).status_code == 404


class FormFields(HTMLParser):
    """The fields a browser would submit from a page's form (inputs and textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    _select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":  # a browser sends the selected option, else the first
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            if self._select not in self.fields or "selected" in attrs:
                self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def return_form(client) -> dict[str, str]:
    """The return as the officer's browser would post it untouched."""
    parser = FormFields()
    parser.feed(client.get(RETURN_URL).content.decode())
    return parser.fields


def test_the_return_shows_last_quarter_and_target(client, medway):
    html = login(client, medway["officer"]).get(RETURN_URL).content.decode()
    assert "Quarterly return: Q3 2020/21" in html
    assert "Q2 2020/21" in html
    assert re.search(r">70%</span>.*Red", html, re.S)  # last quarter's value with its RAG word
    assert re.search(r">75%</span><span[^>]*>carried from Q2 2020/21<", html)


def test_the_return_reads_well(client, medway):
    council, officer = medway["council"], medway["officer"]
    rate = make_kpi(council, code="RATE", name="Collection rate", owner_user=officer)
    make_value(rate, 2020, 2, "86.3", 90)
    make_value(rate, 2020, 3, "88.25", 90, commentary="Line one\nLine two")
    visits = make_kpi(
        council,
        code="VIS",
        name="Visits",
        unit=Unit.COUNT,
        owner_user=officer,
        polarity=Polarity.LOWER,
    )
    make_value(visits, 2020, 2, 1450, 1400)
    cost = make_kpi(
        council, code="COST", name="Cost", unit=Unit.POUNDS, owner_user=officer, data_only=True
    )
    html = login(client, officer).get(RETURN_URL).content.decode()
    assert ">86.3%<" in html and ">1,450<" in html and ">1,400<" in html  # not 86.3000 %
    assert "86.3000" not in html and "Count" not in html
    assert 'value="88.25"' in html

    def row(kpi):
        start = html.index(f'id="row-{kpi.pk}"')
        return html[start : html.index("</tbody>", start)]

    assert "Lower is better" in row(visits) and "Higher is better" not in row(visits)
    assert "Higher is better" in row(rate)
    assert "Data only" in row(cost) and "is better" not in row(cost)
    # Units sit in the input's box: a suffix for %, a prefix for £; commentary in full.
    assert re.search(
        rf'id="actual-{rate.pk}"[^>]*>\s*<div class="govuk-input__suffix"'
        r' aria-hidden="true">%</div>',
        html,
    )
    assert re.search(
        rf'<div class="govuk-input__prefix" aria-hidden="true">£</div>\s*'
        rf'<input[^>]*id="actual-{cost.pk}"',
        html,
    )
    assert re.search(
        rf'<textarea class="govuk-textarea[^"]*" id="commentary-{rate.pk}" '
        rf'name="commentary-{rate.pk}" rows="3">Line one\nLine two</textarea>',
        html,
    )


def test_a_conflict_reshows_current_values_in_cells_the_officer_left_alone(client, medway):
    """A typed into, B left alone; meanwhile someone changed both A and B."""
    council, officer, a_kpi = medway["council"], medway["officer"], medway["kpi"]
    b_kpi = make_kpi(council, code="CS3", name="Stage 3", owner_user=officer)
    a = make_value(a_kpi, 2020, 3, 60, 75)
    b = make_value(b_kpi, 2020, 3, 50, 75, commentary="First count")
    form = return_form(login(client, officer))

    admin = make_user("admin", council, Role.ADMIN, first_name="Ann", last_name="Lee")
    theirs = return_form(login(client, admin))
    theirs.update(
        {
            f"actual-{a_kpi.pk}": "74",
            f"actual-{b_kpi.pk}": "55",
            f"commentary-{b_kpi.pk}": "Recounted",
        }
    )
    assert client.post(RETURN_URL, theirs).status_code == 302

    form[f"actual-{a_kpi.pk}"] = "73"
    response = login(client, officer).post(RETURN_URL, form)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ann Lee saved 74 here while you were editing" in html
    fields = FormFields()
    fields.feed(html)
    again = fields.fields
    # A: my typing kept, with the fresh version, so saving again knowingly replaces theirs.
    assert (again[f"actual-{a_kpi.pk}"], again[f"version-{a_kpi.pk}"]) == ("73", "2")
    # B: theirs, current, and not a conflict.
    assert (again[f"actual-{b_kpi.pk}"], again[f"commentary-{b_kpi.pk}"]) == ("55", "Recounted")
    assert again[f"version-{b_kpi.pk}"] == "2"
    assert html.count("while you were editing") == 2  # A's message, in the summary and beside

    response = client.post(RETURN_URL, again, follow=True)
    assert "Saved 1 value for Q3 2020/21." in response.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.actual, b.actual, b.commentary) == (73, 55, "Recounted")


def test_a_typed_cell_keeps_its_version_when_another_cell_is_wrong(client, medway):
    """After a refusal for a bad cell, a value saved meanwhile is still caught next time."""
    council, officer, a_kpi = medway["council"], medway["officer"], medway["kpi"]
    b_kpi = make_kpi(council, code="CS3", name="Stage 3", owner_user=officer)
    a = make_value(a_kpi, 2020, 3, 60, 75)
    form = return_form(login(client, officer))
    KpiValue.objects.filter(pk=a.pk).update(actual=64, version=2)  # saved meanwhile
    form.update({f"actual-{a_kpi.pk}": "61", f"actual-{b_kpi.pk}": "250"})
    html = client.post(RETURN_URL, form).content.decode()
    assert "Enter a percentage from 0 to 100" in html
    fields = FormFields()
    fields.feed(html)
    assert fields.fields[f"version-{a_kpi.pk}"] == "1"
    fields.fields[f"actual-{b_kpi.pk}"] = "25"
    response = client.post(RETURN_URL, fields.fields)
    assert response.status_code == 409
    a.refresh_from_db()
    assert a.actual == 64


def test_a_cell_removed_meanwhile_is_a_conflict_not_an_error(client, medway):
    kpi = medway["kpi"]
    value = make_value(kpi, 2020, 3, 60, 75)
    form = return_form(login(client, medway["officer"]))
    value.delete()
    form.update({f"actual-{kpi.pk}": "73", f"commentary-{kpi.pk}": "My words"})
    response = client.post(RETURN_URL, form)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone removed this value while you were editing" in html
    assert 'value="73"' in html and "My words</textarea>" in html
    assert f'name="version-{kpi.pk}" value=""' in html
    assert not KpiValue.objects.filter(kpi=kpi, quarter=3).exists()


@pytest.mark.parametrize("version", ["7", "abc", "1" * 5000, "-1"])
def test_a_forged_version_is_a_conflict_or_ignored_never_an_error(client, medway, version):
    kpi = medway["kpi"]
    response = login(client, medway["officer"]).post(
        RETURN_URL, {f"actual-{kpi.pk}": "73", f"version-{kpi.pk}": version}
    )
    if version.lstrip("-").isdigit() and len(version) < 100:  # a version of no value
        assert response.status_code == 409
        assert "removed this value" in response.content.decode()
        assert not KpiValue.objects.filter(kpi=kpi, quarter=3).exists()
    else:  # not a number: read as a page that showed no value
        assert response.status_code == 302
        assert KpiValue.objects.get(kpi=kpi, quarter=3).actual == 73


def test_impossible_values_are_explained_beside_the_cell(client, medway):
    kpi = medway["kpi"]
    response = login(client, medway["officer"]).post(
        RETURN_URL, {f"actual-{kpi.pk}": "250", f"version-{kpi.pk}": ""}
    )
    html = response.content.decode()
    assert re.search(
        rf'<p id="actual-{kpi.pk}-error" class="govuk-error-message">'
        r'<span class="govuk-visually-hidden">Error:</span> '
        r"Enter a percentage from 0 to 100</p>",
        html,
    )
    assert 'value="250"' in html
    assert not KpiValue.objects.filter(quarter=3).exists()


def test_saving_commentary_leaves_a_blanked_target_blank(client, medway):
    kpi = medway["kpi"]
    value = make_value(kpi, 2020, 3, 72, None)
    form = return_form(login(client, medway["officer"]))
    assert "carried from Q2 2020/21" in client.get(RETURN_URL).content.decode()
    form[f"commentary-{kpi.pk}"] = "Explained at DMT"
    assert client.post(RETURN_URL, form).status_code == 302
    value.refresh_from_db()
    assert (value.commentary, value.target) == ("Explained at DMT", None)


def test_a_bad_cell_is_marked_and_nothing_is_saved_until_corrected(client, medway):
    kpi = medway["kpi"]
    extra = make_kpi(medway["council"], code="CS3", name="Stage 3", owner_user=medway["officer"])
    login(client, medway["officer"])
    response = client.post(
        RETURN_URL,
        {
            f"actual-{kpi.pk}": "abc",
            f"version-{kpi.pk}": "",
            f"commentary-{kpi.pk}": "",
            f"actual-{extra.pk}": "12",
            f"version-{extra.pk}": "",
            f"commentary-{extra.pk}": "ok",
        },
    )
    html = response.content.decode()
    assert "Enter a number, like 88.0" in html
    assert 'value="abc"' in html and 'value="12"' in html
    assert "nothing has been saved" in html
    assert not KpiValue.objects.filter(quarter=3).exists()

    response = client.post(
        RETURN_URL,
        {
            f"actual-{kpi.pk}": "76",
            f"version-{kpi.pk}": "",
            f"commentary-{kpi.pk}": "",
            f"actual-{extra.pk}": "12",
            f"version-{extra.pk}": "",
            f"commentary-{extra.pk}": "ok",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Saved 2 values for Q3 2020/21." in html
    assert "Green" in html
    assert KpiValue.objects.get(kpi=kpi, quarter=3).actual == 76


def test_a_return_cell_changed_meanwhile_shows_the_other_value(client, medway):
    kpi = medway["kpi"]
    value = make_value(kpi, 2020, 3, 60, 75)
    admin = make_user("admin", medway["council"], Role.ADMIN)
    login(client, admin).post(RETURN_URL, {f"actual-{kpi.pk}": "74", f"version-{kpi.pk}": "1"})
    response = login(client, medway["officer"]).post(
        RETURN_URL, {f"actual-{kpi.pk}": "73", f"version-{kpi.pk}": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "admin saved 74 here while you were editing" in html
    assert 'value="73"' in html and f'name="version-{kpi.pk}" value="2"' in html
    value.refresh_from_db()
    assert value.actual == 74


@pytest.mark.parametrize(
    "path",
    [
        "/medway/2020-21/q5/return/",
        "/medway/2020-22/q3/return/",
        "/medway/abc/q3/return/",
        "/nowhere/2020-21/q3/return/",
    ],
)
def test_bad_return_addresses_are_not_found(client, medway, path):
    assert login(client, medway["officer"]).get(path).status_code == 404


def test_cabinet_member_sees_no_inputs_and_cannot_post_a_return(client, medway):
    login(client, make_user("cllr", medway["council"], Role.CABINET))
    assert "no quarterly measures" in client.get(RETURN_URL).content.decode()
    kpi = medway["kpi"]
    assert client.post(RETURN_URL, {f"actual-{kpi.pk}": "1"}).status_code == 403


def test_kpi_value_history_shows_who_changed_what(client, medway):
    kpi = medway["kpi"]
    login(client, medway["officer"])
    client.post(RETURN_URL, {f"actual-{kpi.pk}": "71", f"version-{kpi.pk}": ""})
    value = KpiValue.objects.get(kpi=kpi, quarter=3)
    client.post(RETURN_URL, {f"actual-{kpi.pk}": "72.5", f"version-{kpi.pk}": "1"})
    html = client.get(reverse("kpi-value-history", args=[value.pk])).content.decode()
    assert "Ola Ade" in html
    assert "71 → 72.5" in html  # numbers as typed, not 71.0000


def test_password_reset_sends_a_link_that_sets_a_new_password(client, medway):
    officer = medway["officer"]
    officer.email = "ola@medway.example"
    officer.save()
    response = client.post(reverse("password_reset"), {"email": "ola@medway.example"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {
            "new_password1": "a-brand-new-passphrase-42",
            "new_password2": "a-brand-new-passphrase-42",
        },
        follow=True,
    )
    assert "Password set" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password("a-brand-new-passphrase-42")


def test_password_change_in_the_products_look(client, medway):
    login(client, medway["officer"])
    page = client.get(reverse("password_change")).content.decode()
    assert "govuk-button" in page and "Change your password" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "x",
            "new_password2": "y",
        },
    )
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase-7",
            "new_password2": "another-long-passphrase-7",
        },
        follow=True,
    )
    assert "Password changed" in response.content.decode()


def test_login_page_has_labelled_fields_and_keeps_the_username(client, medway):
    page = client.get(reverse("login")).content.decode()
    assert '<label class="govuk-label" for="id_username">Username</label>' in page
    assert '<label class="govuk-label" for="id_password">Password</label>' in page
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'value="officer"' in html


def test_the_return_shows_the_years_target_and_how_it_was_set(client, medway):
    kpi = medway["kpi"]
    kpi.baseline, kpi.baseline_year = Decimal("70"), 2019
    kpi.save()
    KpiTarget.objects.create(
        kpi=kpi, financial_year=2020, kind=TargetKind.RELATIVE, amount=Decimal("5")
    )
    html = login(client, medway["officer"]).get(RETURN_URL).content.decode()
    assert re.search(r">73\.5%</span><span[^>]*>\+5% a year on the 2019/20 baseline<", html)
    assert "carried from" not in html


def test_an_officer_records_why_a_value_is_not_published(client, medway):
    kpi = medway["kpi"]
    form = return_form(login(client, medway["officer"]))
    assert form[f"reason-{kpi.pk}"] == ""
    form[f"reason-{kpi.pk}"] = "suppressed"
    assert client.post(RETURN_URL, form).status_code == 302
    value = KpiValue.objects.get(kpi=kpi, financial_year=2020, quarter=3)
    assert (value.actual, value.not_published, value.rag) == (None, "suppressed", Rag.NA)
    html = client.get(RETURN_URL).content.decode()
    assert re.search(r'<option value="suppressed" selected>Suppressed</option>', html)
    row = html[html.index(f'id="row-{kpi.pk}"') :]
    assert re.search(r"Status: </span>\s*<strong[^>]*>NA</strong>", row)
    # Saving the page untouched keeps the reason.
    assert client.post(RETURN_URL, return_form(client)).status_code == 302
    value.refresh_from_db()
    assert value.not_published == "suppressed"


def test_a_figure_and_a_reason_together_are_explained_and_nothing_saved(client, medway):
    kpi = medway["kpi"]
    form = return_form(login(client, medway["officer"]))
    form[f"actual-{kpi.pk}"] = "0"
    form[f"reason-{kpi.pk}"] = "not_available"
    html = client.post(RETURN_URL, form).content.decode()
    assert (
        "Leave the value empty when it is not published (Not available), or clear the reason "
        "to enter a figure." in html
    )
    assert re.search(r'<option value="not_available" selected>Not available</option>', html)
    assert not KpiValue.objects.filter(quarter=3).exists()


def test_a_returns_rows_escape_what_people_typed(client, medway):
    """The return's rows are drawn in Python (work.templatetags.kpi_return): every text a
    person typed (a measure's code and name, a target's note, a value's commentary and a
    rejected entry) is escaped as the template language escapes it, and comes back intact."""
    council, officer = medway["council"], medway["officer"]
    kpi = make_kpi(council, code='X"1', name="<script>alert(1)</script> & more", owner_user=officer)
    make_value(kpi, 2020, 3, 12, 10, commentary='He said "no" </textarea><b>bold</b>')
    html = login(client, officer).get(RETURN_URL).content.decode()
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    assert "X&quot;1 &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    fields = FormFields()
    fields.feed(html)
    assert fields.fields[f"commentary-{kpi.pk}"] == 'He said "no" </textarea><b>bold</b>'
    # A refused entry is shown again as typed, escaped, with its message beside it.
    form = dict(fields.fields)
    form[f"actual-{kpi.pk}"] = '"><img src=x>'
    response = client.post(RETURN_URL, form)
    assert response.status_code == 200
    assert '"><img src=x>' not in response.content.decode()
    again = FormFields()
    again.feed(response.content.decode())
    assert again.fields[f"actual-{kpi.pk}"] == '"><img src=x>'
    assert f'id="actual-{kpi.pk}-error"' in response.content.decode()


def test_my_work_shows_each_actions_due_words_slip_and_escaped_title(client, medway):
    """My work's rows are drawn in Python (work.templatetags.my_work): a plan's own words for
    an undated action, "No date" without any, a slipped date with the first one, and a title
    typed with markup shown as text."""
    officer, plan = medway["officer"], medway["plan"]
    today = datetime.date.today()
    make_action(plan, title="Worded one", due_label="Business As Usual", assigned=[officer])
    make_action(plan, title="<i>Undated</i> & one", assigned=[officer])
    slipped = make_action(
        plan, title="Slipped one", due_date=today + datetime.timedelta(days=10), assigned=[officer]
    )
    slipped.due_date = today + datetime.timedelta(days=40)
    slipped.save()
    html = login(client, officer).get(reverse("my-work")).content.decode()
    assert "Business As Usual" in html and "No date" in html
    assert "&lt;i&gt;Undated&lt;/i&gt; &amp; one" in html and "<i>Undated</i>" not in html
    first = today + datetime.timedelta(days=10)
    assert f"(originally {first.day} {first:%b %Y})" in html
    assert f'href="{slipped.get_absolute_url()}"' in html
    assert html.count('data-label="% complete"') == 4  # the fixture's action and these three
