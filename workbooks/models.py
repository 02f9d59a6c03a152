from django.conf import settings
from django.db import models

from plans.models import Council
from plans.querysets import CouncilScopedQuerySet


class WorkbookImportQuerySet(CouncilScopedQuerySet):
    pass


class WorkbookImport(models.Model):
    """A record of one workbook imported into a council: who, when, which file, what it did."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="workbook_imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    summary = models.JSONField(
        default=dict, help_text="Each sheet's rows created, updated and unchanged."
    )
    #: The file imported, kept to compare with later data and import again (at most the
    #: largest upload accepted; empty for imports made before files were kept).
    data = models.BinaryField(blank=True, default=b"", editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    invited = models.JSONField(
        default=list, blank=True, help_text="The people the import invited, by email."
    )

    objects = WorkbookImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "workbook import"

    def __str__(self) -> str:
        return f"{self.file_name} into {self.council} ({self.imported_at:%d %b %Y %H:%M})"

    @property
    def has_file(self) -> bool:
        return self.file_size > 0

    @property
    def summary_text(self) -> str:
        return "; ".join(
            f"{sheet}: {n['created']} created, {n['updated']} updated, {n['unchanged']} unchanged"
            for sheet, n in self.summary.items()
        )
