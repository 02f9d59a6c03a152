"""Each council's data version: a number that moves on with every write to its data.

Pages worked out from a council's data (the quarterly dashboard) are cached under the
council's ``data_version``, which the request reads with the council itself (no extra query).
Every process and every host then agrees on what is current without a shared cache: any write
moves the version on, in the same transaction, so a cached page of an older version is never
served again.

Saves and deletes of every model that belongs to a council (its queryset knows the path to
the council, see plans.querysets) move it on through signals. Writes that send no signals
(``bulk_create``, ``bulk_update``, ``QuerySet.update``) must call :func:`bump_data_version`
themselves, as kpis.services and the workbook importer do.

The new version is the larger of the old one plus one and the time in microseconds, so it
never repeats, even after a transaction is rolled back or a backup restored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import F
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from plans.querysets import CouncilScopedQuerySet

#: Models whose writes do not change what a council's pages report.
UNVERSIONED = {"plans.membership"}


def bump_data_version(council_ids: Iterable[int | None] | models.QuerySet) -> None:
    """Move on the data version of the councils ``council_ids`` (one query): ids, or a
    queryset of them (then a subquery)."""
    from plans.models import Council

    if not isinstance(council_ids, models.QuerySet):
        council_ids = {pk for pk in council_ids if pk is not None}
        if not council_ids:
            return
    now = time.time_ns() // 1000
    Council.objects.filter(pk__in=council_ids).update(
        data_version=Greatest(F("data_version") + 1, models.Value(now))
    )


def council_ids_of(instance: models.Model, path: str) -> list[int | None] | models.QuerySet:
    """The council ``instance`` belongs to, following ``path`` ("kpi__council"): its id
    where the objects on the way are loaded, else a queryset of it (a subquery, no query of
    its own; also right while a cascade deletes the objects, which all still exist)."""
    if not path:
        return [instance.pk]
    first, _, rest = path.partition("__")
    field = instance._meta.get_field(first)
    key = getattr(instance, field.attname)
    if not rest or key is None:
        return [key]
    loaded = instance._state.fields_cache.get(first)
    if loaded is not None:
        return council_ids_of(loaded, rest)
    return field.related_model._base_manager.filter(pk=key).values(rest)


def _path(sender: type[models.Model]) -> str | None:
    if sender._meta.label_lower in UNVERSIONED:
        return None
    queryset = sender._default_manager.get_queryset()
    return queryset.council_path if isinstance(queryset, CouncilScopedQuerySet) else None


def _saved(sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any):
    path = _path(sender)
    if path is None or raw:
        return
    bump_data_version(council_ids_of(instance, path))


def _deleting(sender: type[models.Model], instance: models.Model, **_: Any):
    path = _path(sender)
    if path is not None:
        bump_data_version(council_ids_of(instance, path))


def _council_saving(sender: type[models.Model], instance: Any, raw: bool = False, **_: Any):
    """A council saved from a form read earlier keeps the version as it is now (not the one
    read with the form), so the save never moves it back."""
    if raw or instance.pk is None:
        return
    current = sender._default_manager.filter(pk=instance.pk).values_list("data_version", flat=True)
    instance.data_version = next(iter(current), instance.data_version)


def _m2m_changed(sender: Any, instance: models.Model, action: str, **_: Any):
    if action.startswith("post_"):
        path = _path(type(instance))
        if path is not None:
            bump_data_version(council_ids_of(instance, path))


def _user_saved(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **_):
    """A person's name or email shows on their councils' pages (owners, lead officers): a
    change to them moves those councils on. A sign-in (it saves ``last_login`` alone) does not."""
    if raw or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    from plans.models import Membership

    bump_data_version(Membership.objects.filter(user=instance).values("council_id"))


def connect() -> None:
    """Connect the signals (from plans' AppConfig.ready)."""
    from django.contrib.auth import get_user_model

    from plans.models import Council

    pre_save.connect(_council_saving, sender=Council, dispatch_uid="data-version-council")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="data-version-user")
    for model in apps.get_models():
        if _path(model) is None:
            continue
        uid = f"data-version-{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )
