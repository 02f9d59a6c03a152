"""Admin for the strategic risk register."""

from django.contrib import admin

from plans.admin import CouncilScopedAdmin
from risks.models import RiskRegisterEntry


@admin.register(RiskRegisterEntry)
class RiskRegisterEntryAdmin(CouncilScopedAdmin):
    list_display = [
        "reference",
        "title",
        "council",
        "owner",
        "residual_with_words",
        "status",
        "direction",
        "review_date",
    ]
    list_display_links = ["reference", "title"]
    list_filter = ["council", "status", "direction", "themes"]
    search_fields = ["reference", "title", "description", "owner", "mitigation"]
    date_hierarchy = "review_date"
    autocomplete_fields = ["council", "themes"]
    list_select_related = ["council"]

    @admin.display(description="current residual score", ordering="residual_score")
    def residual_with_words(self, obj: RiskRegisterEntry) -> str:
        return obj.score_text("residual_score")
