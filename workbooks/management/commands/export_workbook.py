"""Write a council's whole workbook (.xlsx): every sheet the import reads (see workbooks.spec)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Council
from workbooks.export import export_workbook


class Command(BaseCommand):
    help = "Export a council's plans, measures, actions, risks and savings as one workbook."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--council", required=True, help="The council's slug")
        parser.add_argument("file", help="The .xlsx file to write")

    def handle(self, *args, **options) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council has the slug {options['council']!r}.")
        path = Path(options["file"])
        try:
            with path.open("wb") as out:
                export_workbook(council, out)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {council.name}'s workbook to {path}."))
