"""The audit trail of an object, from its django-simple-history records: who, when, what."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
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
    old: str
    new: str


@dataclass
class AuditEntry:
    """One saved version of an object."""

    when: datetime.datetime
    who: str
    kind: str
    reason: str = ""
    changes: list[AuditChange] = field(default_factory=list)


def _display(model_field: models.Field, value: Any, related: dict) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(model_field, models.ForeignKey):
        obj = related.get((model_field.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


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
        changes = []
        for change in delta.changes if delta else []:
            if change.field in SKIPPED_FIELDS:
                continue
            model_field = model._meta.get_field(change.field)
            changes.append(
                AuditChange(
                    label=str(model_field.verbose_name).capitalize(),
                    old=_display(model_field, change.old, related),
                    new=_display(model_field, change.new, related),
                )
            )
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
