"""Our migrations, run backwards on seeded data: each reverses without losing rows, or stops
with its reason and changes nothing; forwards again, every row is back.

The steps come from the migration graph, so migrations added later are walked too.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from actions.models import Action, ActionStatus
from core.periods import Quarter
from dashboard.publishing import publish_quarter
from plans.models import Council, Membership, Role
from publishing.models import PublishedQuarter
from tests.factories import make_action, make_council, make_update, make_user
from work.models import Reminder
from workbooks.models import WorkbookImport

pytestmark = pytest.mark.django_db(transaction=True)

Node = tuple[str, str | None]


@functools.cache
def our_apps() -> tuple[str, ...]:
    """Our apps (top-level packages of this repository) that have migrations, in graph order."""
    ours = {config.label for config in django_apps.get_app_configs()
            if Path(config.path).parent == settings.BASE_DIR}
    graph = MigrationLoader(None).graph
    ordered: list[str] = []
    for leaf in graph.leaf_nodes():
        for app, _ in graph.forwards_plan(leaf):
            if app in ours and app not in ordered:
                ordered.append(app)
    return tuple(ordered)


@functools.cache
def migrations_of(app: str) -> tuple[str, ...]:
    """The app's migrations, oldest first (the graph's order)."""
    graph = MigrationLoader(None).graph
    names: list[str] = []
    for leaf in graph.leaf_nodes(app):
        for node_app, name in graph.forwards_plan(leaf):
            if node_app == app and name not in names:
                names.append(name)
    return tuple(names)


def row_counts() -> dict[str, int]:
    """Rows in each table of our apps that exists now."""
    prefixes = tuple(f"{app}_" for app in our_apps())
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t.startswith(prefixes)]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def migrate(target: Node) -> None:
    MigrationExecutor(connection).migrate([target])


def migrate_forwards() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def lost(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {table: (n, after.get(table, 0)) for table, n in before.items()
            if after.get(table, 0) < n}


def walk_back(app: str) -> IrreversibleError | None:
    """Reverse the app one migration at a time until it reaches zero or a step refuses."""
    names = migrations_of(app)
    targets: list[Node] = [(app, name) for name in names[:-1]]
    for target in [*reversed(targets), (app, None)]:
        before = row_counts()
        try:
            migrate(target)
        except IrreversibleError as refusal:
            message = str(refusal)
            assert "is not reversible" not in message, (
                f"{message}: an irreversible migration must say why (raise IrreversibleError "
                "with a reason in its reverse, see councilplans/migration_guards.py)"
            )
            assert not lost(before, row_counts()), f"{message}, yet rows were lost"
            return refusal
        assert not lost(before, row_counts()), f"rows lost reversing to {target}"
    return None


@pytest.fixture
def restore_schema():
    """Whatever a test does to the schema, the next test finds every migration applied."""
    yield
    migrate_forwards()


@pytest.fixture
def seeded(db):
    """The five seed documents, members of two councils (with membership history)."""
    call_command("load_seed", verbosity=0)
    medway = Council.objects.get(slug="medway")
    make_user("officer", medway, Role.OFFICER)
    membership = Membership.objects.get(user__username="officer")
    membership.role = Role.ADMIN
    membership.save()  # a second history row
    make_user("cabinet", make_council(), Role.CABINET)
    publish_quarter(medway, Quarter.parse("Q3 2020/21"), membership.user, datetime.date.today())
    Reminder.objects.create(  # a collection reminder sent
        council=medway, financial_year=2020, quarter=3, stage="opened",
        recipient=membership.user, email="officer@medway.example", items=[],
    )  # fmt: skip
    WorkbookImport.objects.create(council=medway, file_name="Workbook.xlsx")  # a past import
    return row_counts()


# On PostgreSQL only, as the empty database's walk below: production's database, where an
# operator would take migrations back (the walk re-renders the migration state at every step,
# about 20 s, too long to repeat on SQLite).
@pytest.mark.postgresql
def test_seeded_data_survives_every_app_going_back_as_far_as_it_can(seeded, restore_schema):
    assert seeded["plans_historicalmembership"] == 3
    assert Action.objects.exists()
    refusals = {}
    for app in our_apps():
        refusals[app] = walk_back(app)
        migrate_forwards()
        assert row_counts() == seeded, f"rows changed going back and forth in {app}"
    # Every app holds seed data its initial migration would drop.
    assert all(refusals.values()), refusals


def test_going_back_before_membership_history_refuses_while_there_is_history(
    seeded, restore_schema
):
    # The apps that depend on plans and refuse to lose their rows, out of the way first: the
    # reminders sent, the past imports and the published quarter (immutable, so by SQL).
    Reminder.objects.all().delete()
    WorkbookImport.objects.all().delete()
    PublishedQuarter.objects.all()._raw_delete(connection.alias)
    seeded = row_counts()
    with pytest.raises(IrreversibleError, match=r"lose membership history \(3 plans"):
        migrate(("plans", "0001_initial"))
    migrate_forwards()
    assert row_counts() == seeded


def test_going_back_before_not_reported_refuses_and_counts_the_rows(restore_schema):
    action = make_action(make_council().plans.create(title="Plan", slug="plan", start_year=2020,
                                                     end_year=2021))
    make_update(action, status=ActionStatus.NOT_REPORTED, percent_complete=None)
    make_update(action, percent_complete=None)
    expected = row_counts()
    with pytest.raises(IrreversibleError) as refusal:
        migrate(("actions", "0002_initial"))
    assert "no % complete or the status 'Not reported'" in str(refusal.value)
    assert "2 actions.ActionUpdate" in str(refusal.value)
    migrate_forwards()
    assert row_counts() == expected


def test_without_rows_in_the_way_not_reported_reverses_keeping_every_value(restore_schema):
    action = make_action(make_council().plans.create(title="Plan", slug="plan", start_year=2020,
                                                     end_year=2021), percent_complete=40,
                         status=ActionStatus.NOT_STARTED)  # not the new default, "Not reported"
    make_update(action, percent_complete=40)
    expected = row_counts()
    migrate(("actions", "0002_initial"))
    assert row_counts() == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT percent_complete FROM actions_actionupdate")
        assert cursor.fetchall() == [(40,)]
    migrate_forwards()
    assert row_counts() == expected
    assert Action.objects.get().percent_complete == 40


# Every migration undone and redone: run on PostgreSQL, the production database (where an
# operator would take migrations back), and not repeated on SQLite, whose test databases are
# built forwards by every test run anyway. One plan takes every app back to zero (each
# migration reversed in turn, the apps others depend on last): the same reversals as app by
# app, step by step, without recomputing the migration state for every step.
@pytest.mark.postgresql
def test_an_empty_database_goes_back_to_zero_and_forwards_again(restore_schema):
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan([(app, None) for app in our_apps()])
    assert {(m.app_label, m.name) for m, backwards in plan if backwards} == {
        (app, name) for app in our_apps() for name in migrations_of(app)
    }
    executor.migrate([(app, None) for app in our_apps()])
    applied = MigrationExecutor(connection).loader.applied_migrations.keys()
    assert not {app for app, _ in applied} & set(our_apps())
    migrate_forwards()
    assert Council.objects.count() == 0
    make_council()  # the schema works again
