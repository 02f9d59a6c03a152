"""The audit trail of an object, from its django-simple-history records: who, when, what."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import models

#: Bookkeeping fields that change on every save and say nothing to a reader.
SKIPPED_FIELDS = {"updated_at", "entered_at", "created_at", "version"}

_KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class AuditChange:
    """One field's change: its label, and the old and new values as a reader sees them."""

    label: str
    old: str | None  # None: the record states the value without a known earlier one
    new: str


@dataclass
class AuditEntry:
    """One saved version of an object."""

    when: datetime.datetime
    who: str
    kind: str
    reason: str = ""
    changes: list[AuditChange] = field(default_factory=list)


def display_value(model_field: models.Field, value: Any, related: dict) -> str:
    """A stored value as a reader sees it (shared by the audit trail and stale-form messages)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(model_field, models.ForeignKey):
        obj = related.get((model_field.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # 68.4000 reads as 68.4
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _stated_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS and not f.primary_key
    ]


def _stated_values(model: type[models.Model], record: Any, related: dict) -> list[AuditChange]:
    """The non-empty values a history record holds, as "label: value" lines."""
    return [
        AuditChange(
            label=_label(model, f.name),
            old=None,
            new=display_value(f, getattr(record, f.attname), related),
        )
        for f in _stated_fields(model)
        if getattr(record, f.attname) not in (None, "")
    ]


def audit_trail(history: models.QuerySet) -> list[AuditEntry]:
    """Every saved version in ``history`` (one object's records), newest first.

    Two queries for the records and their users, plus one per kind of related object
    that changed.
    """
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        return []
    model = records[0].instance_type
    deltas = [None] + [new.diff_against(old) for old, new in pairwise(records)]

    # Resolve changed foreign keys in one query per related model.
    wanted: dict[type, set] = defaultdict(set)
    for f in _stated_fields(model):
        if isinstance(f, models.ForeignKey) and getattr(records[0], f.attname) is not None:
            wanted[f.related_model].add(getattr(records[0], f.attname))
    for delta in deltas:
        for change in delta.changes if delta else []:
            model_field = model._meta.get_field(change.field)
            if isinstance(model_field, models.ForeignKey):
                wanted[model_field.related_model].update(
                    v for v in (change.old, change.new) if v is not None
                )
    related = {
        (related_model, pk): obj
        for related_model, pks in wanted.items()
        for pk, obj in related_model._default_manager.in_bulk(pks).items()
    }

    entries = []
    for record, delta in zip(records, deltas, strict=True):
        user = record.history_user
        who = (user.get_full_name() or user.get_username()) if user else "System or import"
        if delta is None:
            # The first record (a creation, or the first change of a row loaded without
            # history): say what it held, not an empty "what changed".
            changes = _stated_values(model, record, related)
        else:
            changes = [
                AuditChange(
                    label=_label(model, change.field),
                    old=display_value(model._meta.get_field(change.field), change.old, related),
                    new=display_value(model._meta.get_field(change.field), change.new, related),
                )
                for change in delta.changes
                if change.field not in SKIPPED_FIELDS
            ]
        if delta is not None and not changes and record.history_type == "~":
            continue  # a save that changed nothing a reader would see
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=who,
                kind=_KINDS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    entries.reverse()
    return entries
