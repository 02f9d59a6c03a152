"""Load the seed fixtures: the five council documents in fixtures/, in one transaction.

Loading again never overwrites an edit. A seeded row that still holds its fixture's values
is left alone silently; one that differs (someone corrected it since) is left as it is and
reported, as is one deleted since (its deletion is in the audit history). Only missing rows
are created. ``--force`` puts the seed's values back instead, each with an audit-history
record saying why and a new version, so forms opened before it are refused as stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.core.serializers.base import DeserializedObject
from django.db import connection, models, transaction

from plans.dataversion import bump_data_version
from plans.models import Council

#: Councils first, then one file per source document (see scripts/build_fixtures.py).
SEED_FIXTURES = [
    "councils",
    "medway-productivity-plan-2024-25",
    "medway-corporate-peer-challenge-action-plan-2018",
    "medway-ways-of-working-performance-q3-2020-21",
    "bromsgrove-productivity-plan-cabinet-2024-07",
    "maidstone-improvement-plan-2012-15",
]

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"

#: The audit-history reason of a row put back by ``--force``.
FORCE_REASON = "Seed values put back by load_seed --force"


@dataclass
class ModelTally:
    """What loading did with one model's seeded rows."""

    created: int = 0
    unchanged: int = 0
    edited: list[str] = field(default_factory=list)  # rows edited since loading
    deleted: list[str] = field(default_factory=list)  # rows deleted since loading

    def summary(self, force: bool) -> str:
        parts = [f"{self.created} created"] if self.created else []
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.edited:
            done = "put back" if force else "left as they are"
            parts.append(f"{len(self.edited)} edited since loading ({done})")
        if self.deleted:
            done = "restored" if force else "not restored"
            parts.append(f"{len(self.deleted)} deleted since loading ({done})")
        return ", ".join(parts)


def _compared_fields(model: type[models.Model], names: list[str]) -> list[models.Field]:
    """The fixture's fields that say something: not the version nor save timestamps."""
    fields = [model._meta.get_field(name) for name in names]
    return [
        f
        for f in fields
        if f.name != "version"
        and not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]


def _differences(stored: models.Model, seed: DeserializedObject, names: list[str]) -> list[str]:
    """The fields of ``stored`` whose value is no longer the seed's."""
    changed = []
    for f in _compared_fields(type(stored), names):
        if f.many_to_many:
            now = {o.pk for o in getattr(stored, f.name).all()}
            if now != set(seed.m2m_data.get(f.name, [])):
                changed.append(f.name)
        elif f.value_from_object(stored) != f.value_from_object(seed.object):
            changed.append(f.name)
    return changed


def _put_back(stored: models.Model, seed: DeserializedObject, changed: list[str]) -> None:
    """Give ``stored`` the seed's values again, audited, with a new version."""
    m2m = []
    for name in changed:
        f = stored._meta.get_field(name)
        if f.many_to_many:
            m2m.append(name)
        else:
            setattr(stored, f.attname, f.value_from_object(seed.object))
    stored.version += 1
    stored._change_reason = FORCE_REASON
    stored.save()
    for name in m2m:
        getattr(stored, name).set(seed.m2m_data[name])


def _seed_objects() -> Iterator[tuple[DeserializedObject, list[str]]]:
    """Every seeded object, in load order, with the names of the fields its fixture sets."""
    for name in SEED_FIXTURES:
        rows = json.loads((FIXTURE_DIR / f"{name}.json").read_text(encoding="utf-8"))
        for row, obj in zip(rows, serializers.deserialize("python", rows), strict=True):
            yield obj, list(row["fields"])


def load_seed(force: bool = False) -> dict[type[models.Model], ModelTally]:
    """Create the missing seeded rows, in one transaction; see the module's docstring."""
    by_model: dict[type[models.Model], list[tuple[DeserializedObject, list[str]]]] = {}
    for obj, names in _seed_objects():
        by_model.setdefault(type(obj.object), []).append((obj, names))
    tallies: dict[type[models.Model], ModelTally] = {}
    with transaction.atomic():
        for model, seeds in by_model.items():
            tallies[model] = tally = ModelTally()
            pks = [obj.object.pk for obj, _ in seeds]
            seeded_fields = list({name: None for _, names in seeds for name in names})
            m2m = [f.name for f in _compared_fields(model, seeded_fields) if f.many_to_many]
            # Locked until the end, so nobody saves a row between our look and our write
            # (unordered: PostgreSQL cannot lock the outer joins an ordering may need).
            stored = (
                model._default_manager.order_by()
                .select_for_update()
                .prefetch_related(*m2m)
                .in_bulk(pks)
            )
            deleted = set(
                model.history.filter(
                    **{f"{model._meta.pk.attname}__in": pks}, history_type="-"
                ).values_list(model._meta.pk.attname, flat=True)
            )
            created_any = False
            for obj, names in seeds:
                row = stored.get(obj.object.pk)
                label = f"{model._meta.verbose_name} {obj.object.pk}"
                if row is None and obj.object.pk in deleted:
                    tally.deleted.append(label)  # its parent may be gone too: no name
                    if force:
                        obj.object._change_reason = FORCE_REASON
                        obj.object.save(force_insert=True)
                        for name, values in obj.m2m_data.items():
                            getattr(obj.object, name).set(values)
                        created_any = True
                elif row is None:
                    obj.save()  # as loaddata does: the fixture's values exactly, no history
                    tally.created += 1
                    created_any = True
                elif changed := _differences(row, obj, names):
                    words = ", ".join(str(model._meta.get_field(n).verbose_name) for n in changed)
                    tally.edited.append(f"{label} “{row}”: {words}")
                    if force:
                        _put_back(row, obj, changed)
                else:
                    tally.unchanged += 1
            if created_any:
                # Rows were inserted with their fixed keys: move the key sequence past them.
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                        cursor.execute(sql)
    # Rows loaded as the fixtures hold them send no signal that moves the versions on.
    bump_data_version(Council.objects.values_list("pk", flat=True))
    return tallies


class Command(BaseCommand):
    help = (
        "Load Medway, Bromsgrove and Maidstone's plans, KPIs, risks and savings from the seed "
        "documents. Running it again creates only what is missing: a seeded row edited or "
        "deleted since is left as it is and reported (--force puts the seed's values back, "
        "with audit history)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Put back the seed's values over edits and restore deleted seeded rows, "
            "recording each in the audit history.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force = options["force"]
        tallies = load_seed(force=force)
        if options["verbosity"] < 1:
            return
        for model, tally in tallies.items():
            self.stdout.write(f"{model._meta.verbose_name_plural}: {tally.summary(force)}")
            for label in tally.edited:
                self.stdout.write(f"  edited since loading: {label}")
            for label in tally.deleted:
                self.stdout.write(f"  deleted since loading: {label}")
        from plans.models import Council

        for council in Council.objects.order_by("name"):
            self.stdout.write(
                f"{council.name}: {council.plans.count()} plans, "
                f"{sum(p.actions.count() for p in council.plans.all())} actions, "
                f"{council.kpis.count()} KPIs, {council.risks.count()} risks, "
                f"{council.savings_targets.count()} savings targets"
            )
