"""How the admin shows figures and picks themes, for every admin derived from plans.admin's
base classes (including ones added later): nothing here is per field.

Decimals: a DecimalField stores 88 as 88.0000; people write 88, 68.4, £1,200.50. List columns,
read-only fields and the history's changes read as core.formatting writes them; form inputs
start from the number without trailing zeros.

Themes: every theme picker lists the themes grouped by plan (one optgroup a plan, named by its
title); each option says its plan (``data-plan``) so that admin-themes.js hides the themes of
other plans when the plan picked changes, and on a form of an object with a plan (or a form
sent back with a plan picked) the themes of other plans start hidden.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import ModelChoiceIterator
from simple_history.template_utils import HistoricalRecordContextHelper

from core.formatting import format_measure, format_money

#: Words in a decimal field's name (or "£" in its label) that make it an amount of money.
MONEY_WORDS = ("amount", "saving", "cost", "budget", "spend", "pounds", "money")


def is_money_field(field: models.Field) -> bool:
    name = field.name.lower()
    return "£" in str(field.verbose_name) or any(word in name for word in MONEY_WORDS)


def format_decimal(field: models.Field, value, unit: str = "", empty: str = "–") -> str:
    """A decimal field's value as people write it: 88, 68.4%, 1,234.5, £1,200.50."""
    if is_money_field(field):
        return format_money(value, empty)
    return format_measure(value, unit, empty)


def plain_decimal(value: Decimal) -> str:
    """The number for a form input: no trailing zeros, no exponent (88, 68.4, 1200.5)."""
    if not value.is_finite():
        return str(value)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class NormalisedDecimalField(forms.DecimalField):
    """A decimal input that shows 88, not 88.0000, and money as 1200.50 or 1200 (what was
    typed is shown back as typed)."""

    def __init__(self, *args, money: bool = False, **kwargs):
        self.money = money
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if not isinstance(value, Decimal):
            return super().prepare_value(value)
        text = plain_decimal(value)
        if self.money and "." in text:
            return f"{value:.2f}"
        return text


class DecimalHistoryHelper(HistoricalRecordContextHelper):
    """The history's list of changes words decimals as the pages do."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.DecimalField):
            return format_decimal(field, value, empty="(empty)")
        return super().prepare_delta_change_value(change, value)


def decimal_column(model_admin, field: models.DecimalField):
    """A list column for a decimal field, sorted by it, written as people write it."""

    @admin.display(description=field.verbose_name, ordering=field.name)
    def column(obj):
        unit = model_admin.decimal_unit(obj, field.name)
        return format_decimal(field, getattr(obj, field.name), unit)

    column.__name__ = field.name  # keeps the column's CSS class: column-<name>
    return column


class DecimalDisplayMixin:
    """For ModelAdmins and inlines: decimals read as people write them, everywhere."""

    def decimal_unit(self, obj, field_name: str) -> str:
        """The unit a decimal is in ("percent", "days"...), for admins that know it."""
        return ""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField) and not db_field.choices:
            kwargs.setdefault("form_class", NormalisedDecimalField)
            if kwargs["form_class"] is NormalisedDecimalField:
                kwargs.setdefault("money", is_money_field(db_field))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_list_display(self, request):
        links = set(self.list_display_links or ())
        editable = set(self.list_editable or ())
        columns = []
        for item in super().get_list_display(request):
            field = _decimal_field(self.model, item)
            if field is not None and item not in links | editable:
                item = decimal_column(self, field)
            columns.append(item)
        return columns

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        if self.list_display_links or links is None:
            return links
        # Django links the first column by name; a decimal column is a function here.
        first = list_display[0]
        return [getattr(first, "__name__", first)] if callable(first) else links

    def get_historical_record_context_helper(self, request, historical_record):
        return DecimalHistoryHelper(self.model, historical_record)


def _decimal_field(model: type[models.Model], name) -> models.DecimalField | None:
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # a method or property name, not a field
        return None
    return field if isinstance(field, models.DecimalField) else None


# Themes grouped by plan.


class ThemesByPlanIterator(ModelChoiceIterator):
    """The field's themes as one group a plan, named by its title (with its period when two
    plans share a title, and its council when the choices span councils), each choice
    carrying its theme."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[object, list] = {}
        queryset = self.queryset.select_related("plan__council").order_by(
            "plan__council__name", "plan__start_year", "plan__title", "plan_id", "number", "pk"
        )
        for theme in queryset:
            groups.setdefault(theme.plan, []).append(self.choice(theme))
        several_councils = len({plan.council_id for plan in groups}) > 1
        titles = [plan.title for plan in groups]
        for plan, choices in groups.items():
            label = plan.title
            if titles.count(plan.title) > 1:  # this year's plan and last year's, say
                label = f"{label}, {plan.period}"
            if several_councils:
                label = f"{label} ({plan.council.short_name})"
            yield (label, choices)


class ThemeOptionsMixin:
    """A select of themes whose options say their plan; with ``plan_id`` set, the themes of
    other plans start hidden (the script shows them when the plan picked changes)."""

    plan_id: int | None = None

    def __init__(self, attrs=None, *args, **kwargs):
        super().__init__({"class": "app-theme-select", **(attrs or {})}, *args, **kwargs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        theme = getattr(value, "instance", None)
        if theme is not None:
            option["attrs"]["data-plan"] = str(theme.plan_id)
            if self.plan_id and theme.plan_id != self.plan_id and not selected:
                option["attrs"]["hidden"] = True
        return option


class ThemeSelect(ThemeOptionsMixin, forms.Select):
    pass


class ThemeSelectMultiple(ThemeOptionsMixin, forms.SelectMultiple):
    pass


def _theme_widget(field: forms.Field) -> ThemeOptionsMixin | None:
    widget = getattr(field.widget, "widget", field.widget)  # inside Django's "+" wrapper
    return widget if isinstance(widget, ThemeOptionsMixin) else None


class ThemeFormMixin:
    """For an admin's form: the theme picker follows the plan picked (its options of other
    plans start hidden and admin-themes.js keeps them so), and themes picked for an object of
    a council (risks' themes, say) must be of that council's plans."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "plan" not in self.fields:
            return
        plan_id = self._picked_plan_id()
        for field in self.fields.values():
            widget = _theme_widget(field)
            if widget is not None:
                widget.plan_id = plan_id
                widget.attrs["data-plan-field"] = self["plan"].auto_id

    def _picked_plan_id(self) -> int | None:
        from plans.adminsite import parse_id

        if self.is_bound:
            return parse_id(self.data.get(self.add_prefix("plan")))
        initial = self.initial.get("plan")
        return getattr(initial, "pk", None) or parse_id(str(initial or ""))

    def clean(self):
        cleaned = super().clean()
        council = cleaned.get("council") if "council" in self.fields else None
        council = council or getattr(self.instance, "council", None)
        if council is None:
            return cleaned
        for name, field in self.fields.items():
            if _theme_widget(field) is None or not isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                continue
            others = [
                theme for theme in cleaned.get(name) or () if theme.plan.council_id != council.pk
            ]
            if others:
                self.add_error(
                    name,
                    "Choose themes of {}'s plans: {} {} another council's.".format(
                        council,
                        ", ".join(f"“{theme.title}” ({theme.plan})" for theme in others),
                        "is" if len(others) == 1 else "are",
                    ),
                )
        return cleaned
