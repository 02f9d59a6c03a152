"""Forms of the officers' pages. They only parse; the rules live in the services."""

from __future__ import annotations

from django import forms

from actions.models import ActionRag, ActionStage, ActionStatus

#: Dates as officers type them: the browser's date picker, or day/month/year.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y", "%d %B %Y", "%d %b %Y"]


class ActionUpdateForm(forms.Form):
    """Status (or stage and RAG), % complete, a commentary and the date it is as at.

    ``stage_and_rag=True`` (the action's council reports them apart) asks for stage and
    RAG instead of the one status.
    """

    # An update reports a status, so "Not reported" is not one to choose; an action that has
    # none yet starts on "Choose a status".
    status = forms.ChoiceField(
        choices=[("", "Choose a status")]
        + [c for c in ActionStatus.choices if c[0] != ActionStatus.NOT_REPORTED],
        label="Status",
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "Choose a status from the list.",
        },
    )
    # The range 0-100 is checked by the service (record_update), not by min_value/max_value:
    # Django %-formats a validator's message with its params, and "% complete" is itself a
    # format ("% c"), so these messages must only ever be raised without params.
    percent_complete = forms.IntegerField(
        label="% complete",
        help_text="A whole number from 0 to 100. Completing an action sets it to 100.",
        error_messages={
            "required": "Enter % complete, from 0 to 100.",
            "invalid": "Enter % complete as a whole number from 0 to 100, like 40.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    stage = forms.ChoiceField(
        choices=[("", "Choose a stage"), *ActionStage.choices],
        label="Stage",
        error_messages={
            "required": "Choose the action's stage.",
            "invalid_choice": "Choose a stage from the list.",
        },
    )
    rag = forms.ChoiceField(
        choices=[("", "Not assessed"), *ActionRag.choices],
        label="RAG status",
        required=False,
        help_text="Whether it will be delivered on time. Leave as not assessed if unknown.",
        error_messages={"invalid_choice": "Choose a RAG status from the list."},
    )
    as_at = forms.DateField(
        label="As at",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=(
            "The date this update speaks for, if earlier than today: for example 31/3/2025. "
            "Leave empty for today."
        ),
        error_messages={"invalid": "Enter the as-at date as day/month/year, like 31/3/2025."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        help_text="What has happened since the last update. Needed when completing or cancelling.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, stage_and_rag: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stage_and_rag = stage_and_rag
        for name in ("status",) if stage_and_rag else ("stage", "rag"):
            del self.fields[name]
        # Nothing reported yet: the officer chooses a status and types a figure, none offered.
        if self.initial.get("status") == ActionStatus.NOT_REPORTED:
            self.initial["status"] = ""
        self.fields["version"].error_messages["required"] = (
            "This form is out of date: reload the page and try again."
        )
        self.fields["version"].error_messages["invalid"] = self.fields["version"].error_messages[
            "required"
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == ActionStatus.COMPLETED or data.get("stage") == (
            ActionStage.COMPLETE
        ):
            data["percent_complete"] = 100
            self.errors.pop("percent_complete", None)
        return data
