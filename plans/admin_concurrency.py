"""Optimistic concurrency for the admin: a stale change form is refused, never saved over.

Every change form, and every row of an inline, carries in a hidden field the version of the
row it was loaded with. Validation refuses a row whose version has moved on since, saying who
changed it, when, and what it holds now; the page is shown again with the user's entries and
nothing is saved (the admin's change view is one transaction). The save then claims each
version with ``UPDATE ... WHERE version = <loaded>``, as ``actions.services.record_update``
does, so that of two saves validated at the same moment exactly one is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst

from plans.audit import display_value

#: The hidden field holding the version a form was loaded with.
VERSION_FIELD = "loaded_version"


#: Rounds of validation a change form gets when rows keep changing under it.
MAX_ROUNDS = 3


class EditedMeanwhile(Exception):
    """A save lost the race for a row's version after its form had been validated."""


def claim_version(obj: models.Model, loaded_version: int) -> None:
    """Move ``obj``'s version on from ``loaded_version``, or raise ``EditedMeanwhile``.

    The UPDATE locks the row until the transaction ends, so of two saves that start from the
    same version exactly one matches; the other finds no row.
    """
    claimed = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=loaded_version)
        .update(version=F("version") + 1)
    )
    if not claimed:
        raise EditedMeanwhile(f"{obj._meta.verbose_name} {obj.pk} changed meanwhile")
    obj.version = loaded_version + 1


def _shown(instance: models.Model, field: models.Field) -> str:
    """A stored value as the audit trail words it, for a message."""
    if field.many_to_many:
        return ", ".join(str(o) for o in getattr(instance, field.name).all()) or "(empty)"
    value = field.value_from_object(instance)
    related = (
        {(field.related_model, value): getattr(instance, field.name)} if field.many_to_one else {}
    )
    if isinstance(value, Decimal):
        value = f"{value.normalize():f}"  # 71.0000 as typed: 71
    return Truncator(display_value(field, value, related)).chars(80)


def stale_message(form: forms.ModelForm, version_missing: bool = False) -> str:
    """What changed since ``form`` was loaded: who, when, and what the row holds now.

    Called from ``clean()``, before the form's values are applied to ``form.instance``, so
    the instance is the row as stored now.
    """
    instance = form.instance
    name = instance._meta.verbose_name
    latest = instance.history.first()  # newest first
    who, when = "Someone", ""
    if latest is not None:
        if latest.history_user is not None:
            user = latest.history_user
            who = user.get_full_name() or user.get_username()
        when = " on " + formats.date_format(
            timezone.localtime(latest.history_date), r"j F Y \a\t H:i"
        )
    if version_missing:
        opening = (
            f"This form does not say which version of this {name} it was opened on, so it "
            f"may be out of date: {who} last changed it{when}."
        )
    else:
        opening = f"{who} changed this {name}{when}, after you opened this page."
    differences = []
    for field_name in form.changed_data:
        if field_name in (VERSION_FIELD, DELETION_FIELD_NAME):
            continue
        try:
            field = instance._meta.get_field(field_name)
        except FieldDoesNotExist:
            continue
        label = capfirst(form.fields[field_name].label or field.verbose_name)
        differences.append(f"{label}: “{_shown(instance, field)}”")
    if instance._state.db is None:
        # Not the stored row but a copy of an earlier one (the history's revert page).
        now = " Open its change page to see what it holds now."
    elif differences:
        now = " Where your entries differ, it now holds " + "; ".join(differences) + "."
    else:
        now = " Your entries match what it holds now."
    return (
        f"{opening}{now} Nothing was saved: your entries are kept here. Check them, then "
        "save again if yours should replace what is there."
    )


class VersionedModelForm(forms.ModelForm):
    """A model form that refuses to save over a row changed after the form was loaded."""

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stale = ""  # the message, once validation found the row changed meanwhile
        if self.instance.pk is not None:
            self.initial[VERSION_FIELD] = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        try:
            loaded = int(cleaned_data.get(VERSION_FIELD) or "")
        except ValueError:
            loaded = None
        cleaned_data[VERSION_FIELD] = loaded
        if loaded != self.instance.version:
            self.stale = stale_message(self, version_missing=loaded is None)
            # Shown again, the form carries the version it was checked against: saving it
            # once more, after reading what changed, is a deliberate overwrite.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = self.instance.version
            raise ValidationError(self.stale, code="stale")
        return cleaned_data


#: New inline rows one save may add. The row count is the client's TOTAL_FORMS: without a
#: bound, one forged number makes the server build and render thousands of forms.
NEW_ROWS_PER_SAVE = 100


class VersionedInlineFormSet(BaseInlineFormSet):
    """Inline rows: a row ticked for deletion is refused too if it changed meanwhile."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # The stored rows plus a sensible number of new ones; more is "at most N forms".
            limit = len(self.get_queryset()) + NEW_ROWS_PER_SAVE
            self.max_num = min(self.max_num, limit)
            self.absolute_max = min(self.absolute_max, limit)

    def clean(self) -> None:
        super().clean()
        # The formset ignores the errors of rows being deleted, so say it here.
        refused = [
            f"{form.instance} was not deleted. {form.stale}"
            for form in self.initial_forms
            if form.stale and self._should_delete_form(form)
        ]
        if refused:
            raise ValidationError(refused, code="stale")


def claim_rows(formset: BaseInlineFormSet) -> None:
    """Claim the version of every existing row the formset is about to change or delete."""
    for form in formset.initial_forms:
        if form in formset.deleted_forms or form.has_changed():
            claim_version(form.instance, form.cleaned_data[VERSION_FIELD])


class VersionFieldMixin:
    """Put the hidden version field on the page (for ModelAdmin and inlines alike)."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        # Without declared fields the form's own fields already include it; take it out
        # everywhere and add it once, where only those who may save will send it.
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != VERSION_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
        return fieldsets


class VersionedAdminMixin(VersionFieldMixin):
    """Refuse stale change forms and stale inline rows; claim versions when saving."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        for _ in range(MAX_ROUNDS - 1):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except EditedMeanwhile:
                # Someone saved a row between this form's validation and its write; all this
                # request wrote is rolled back. Validating again refuses that row (its
                # version only grows) and shows what changed.
                continue
        # A last round: losing yet another race now is an error, never an endless loop.
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            claim_version(obj, form.cleaned_data[VERSION_FIELD])
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        claim_rows(formset)
        super().save_formset(request, form, formset, change)


class VersionedInlineMixin(VersionFieldMixin):
    formset = VersionedInlineFormSet
