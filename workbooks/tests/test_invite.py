"""An administrator's import may invite the people it names who are not members yet: the
preview lists them, the import makes them officers and emails each a set-password link (once
committed), and they then find their measures and actions in My work."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import Action
from kpis.models import KPI
from plans.models import Membership, Role
from tests.factories import make_council, make_plan, make_theme, make_user
from workbooks.tests.test_measures import xlsx

URL = reverse("admin:workbooks_workbookimport_import")
BOOK = {
    "Measures": [
        ["Code", "Measure", "Frequency", "Owner email", "Plan", "Theme"],
        ["CS2", "Complaints answered in time", "Quarterly", "New.Officer@example.org",
         "Council Plan", "1"],
    ],
    "Actions": [
        ["Plan", "Theme", "No.", "Title", "Assigned to"],
        ["Council Plan", "1", "1", "Open the new depot",
         "new.officer@example.org; ola@example.org"],
    ],
}  # fmt: skip


@pytest.fixture
def medway(db):
    council = make_council("Medway Council", slug="medway")
    make_user("ola", council, Role.OFFICER, email="ola@example.org")
    plan = make_plan(council, title="Council Plan", start_year=2025, end_year=2027)
    make_theme(plan, number=1, title="Growth")
    return council


def test_preview_lists_who_would_be_invited_then_import_invites(
    client, medway, django_capture_on_commit_callbacks
):
    admin = make_user("medway_admin", medway, Role.ADMIN)
    client.force_login(admin)
    upload = SimpleUploadedFile("Workbook.xlsx", xlsx(BOOK))
    response = client.post(URL, {"council": medway.pk, "file": upload, "invite": "on"})
    assert "People who will be invited" in response.text
    assert "new.officer@example.org" in response.text
    assert not get_user_model().objects.filter(email="new.officer@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, {"confirm": "1"}).status_code == 302
    officer = get_user_model().objects.get(email="new.officer@example.org")
    assert not officer.has_usable_password()
    assert Membership.objects.get(user=officer).role == Role.OFFICER
    assert KPI.objects.get(code="CS2").owner_user == officer
    assert set(Action.objects.get().assigned_users.values_list("username", flat=True)) == {
        officer.username,
        "ola",
    }
    assert [m.to for m in mail.outbox] == [["new.officer@example.org"]]
    assert "http://testserver/" in mail.outbox[0].body  # the set-password link
    client.force_login(officer)
    page = client.get(reverse("my-work")).text
    assert "Open the new depot" in page and "Complaints answered in time" in page


def test_without_the_option_an_unknown_email_is_an_error(client, medway):
    client.force_login(make_user("medway_admin", medway, Role.ADMIN))
    upload = SimpleUploadedFile("Workbook.xlsx", xlsx(BOOK))
    response = client.post(URL, {"council": medway.pk, "file": upload})
    assert "is not the email of a member of this council" in response.text
    assert "People who will be invited" not in response.text


def test_the_command_invites_and_a_dry_run_only_says_who(medway, tmp_path, capsys):
    path = tmp_path / "Workbook.xlsx"
    path.write_bytes(xlsx(BOOK))
    call_command("import_workbook", str(path), "--council", "medway", "--invite", "--dry-run")
    assert "Would invite new.officer@example.org" in capsys.readouterr().out
    assert not get_user_model().objects.filter(email="new.officer@example.org").exists()
    assert not mail.outbox
    with pytest.raises(CommandError):
        call_command("import_workbook", str(path), "--council", "medway")
    call_command("import_workbook", str(path), "--council", "medway", "--invite")
    assert "Invited new.officer@example.org" in capsys.readouterr().out
    assert Membership.objects.filter(
        council=medway, user__email="new.officer@example.org", role=Role.OFFICER
    ).exists()
