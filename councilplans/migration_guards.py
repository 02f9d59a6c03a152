"""A migration step that refuses to be reversed while reversing it would destroy data.

Reversing a migration that created a table drops it; one that made a column nullable cannot
put back a null. Rather than lose rows silently, ``migrate <app> <earlier>`` stops with a
message saying which rows are in the way, how many, and what to do. On a database without
such rows (a fresh one, or after the rows were dealt with) the migration reverses normally.
"""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import Q


def refuse_reverse_while_rows(
    migration: str, models: list[str], where: Q | None = None, what: str = "rows"
) -> migrations.RunPython:
    """Nothing forwards; backwards, refuse while any of ``models`` has rows matching ``where``.

    ``migration`` is the migration module's ``__name__`` ("plans.migrations.0002_..."), so the
    message names the migration. Put the step last in ``operations``: reversing runs it first,
    while the tables and columns it counts still exist.
    """
    app_label, _, name = migration.split(".", 2)
    label = f"{app_label}.{name}"

    def refuse(apps, schema_editor) -> None:
        counts = []
        for model_name in models:
            rows = apps.get_model(app_label, model_name)._default_manager.using(
                schema_editor.connection.alias
            )
            count = (rows.filter(where) if where is not None else rows).count()
            if count:
                counts.append(f"{count} {app_label}.{model_name}")
        if counts:
            raise IrreversibleError(
                f"Cannot reverse {label}: it would lose {what} ({', '.join(counts)}). "
                "Leave the migration applied, or back up and remove those rows first."
            )

    return migrations.RunPython(migrations.RunPython.noop, refuse, elidable=False)
