"""Write a council's whole workbook (.xlsx): every sheet the import reads (see workbooks.spec)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Council
from workbooks.example import example_workbook
from workbooks.export import export_workbook
from workbooks.template import blank_workbook


class Command(BaseCommand):
    help = "Export a council's plans, measures, actions, risks and savings as one workbook."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--council", help="The council's slug")
        group.add_argument(
            "--template", action="store_true", help="Write the blank template instead"
        )
        group.add_argument(
            "--example",
            action="store_true",
            help="Write the filled example instead (a made-up council; it imports as it is)",
        )
        parser.add_argument("file", help="The .xlsx file to write")

    def handle(self, *args, **options) -> None:
        if options["template"] or options["example"]:
            data = example_workbook() if options["example"] else blank_workbook()
            what = "example" if options["example"] else "blank template"
            try:
                Path(options["file"]).write_bytes(data)
            except OSError as error:
                raise CommandError(f"Cannot write {options['file']}: {error.strerror}.") from None
            self.stdout.write(self.style.SUCCESS(f"Wrote the {what} to {options['file']}."))
            return
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
