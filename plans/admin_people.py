"""The council's people in the admin: a council administrator adds, invites and deactivates.

Mixed into MembershipAdmin. Adding a person asks for their email (not a pick from every
account of the installation, which a council administrator must not see): an existing
account is given a role here, a new one is created and emailed a link to set its password.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from plans import people
from plans.models import Membership


class AddPersonForm(forms.ModelForm):
    email = forms.EmailField(
        help_text="Their work email. Someone new gets an email with a link to set a password."
    )
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)

    class Meta:
        model = Membership
        fields = ["council", "role", "job_title"]

    def clean(self):
        cleaned = super().clean()
        council, email = cleaned.get("council"), cleaned.get("email")
        if council and email:
            exists = Membership.objects.filter(
                council=council, user__email__iexact=people.normalise_email(email)
            ).exists()
            if exists:
                raise ValidationError(
                    {"email": f"This person already belongs to {council.short_name}."}
                )
        return cleaned


class PeopleAdminMixin:
    """Add people by email; the person of an existing membership is fixed."""

    add_form = AddPersonForm
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name"]}),
        ("Their role", {"fields": ["council", "role", "job_title"]}),
    ]
    actions = ["deactivate_accounts"]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if obj is None:
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["user"] if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj, form, change):
        if not change:
            data = form.cleaned_data
            obj.user, created = people.person_for_email(
                data["email"], data["first_name"], data["last_name"]
            )
            super().save_model(request, obj, form, change)
            people.grant_admin_access(obj.user, obj.role)
            if created or not obj.user.has_usable_password():
                people.send_invitation(obj.user, obj.council, request.build_absolute_uri("/"))
                messages.info(
                    request, f"An invitation to set a password was sent to {obj.user.email}."
                )
            return
        super().save_model(request, obj, form, change)
        people.grant_admin_access(obj.user, obj.role)

    @admin.action(description="Deactivate the selected people's accounts")
    def deactivate_accounts(self, request: HttpRequest, queryset):
        deactivated, kept = people.deactivate_people(queryset, request.user)
        if deactivated:
            names = ", ".join(u.get_username() for u in deactivated)
            messages.success(request, f"Deactivated: {names}. They can no longer sign in.")
        if kept:
            names = ", ".join(u.get_username() for u in kept)
            messages.warning(
                request,
                f"Not deactivated: {names} (they also work for another council, or it is "
                "your own or a site administrator's account). Remove their membership here "
                "instead.",
            )
