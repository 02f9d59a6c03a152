"""Import a council's performance workbook (its Measures and Values sheets): see kpis.workbook.

Prints each sheet's created/updated/unchanged counts and every error; exits non-zero on any
error, in which case nothing is written. ``--dry-run`` checks and counts and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kpis.workbook import MAX_BYTES, WorkbookError, import_workbook
from plans.models import Council


class Command(BaseCommand):
    help = (
        "Import measures and values from a council's workbook (.xlsx, or Measures.csv/Values.csv)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="An .xlsx workbook, or a CSV file named after its sheet")
        parser.add_argument("--council", required=True, help="The council's slug")
        parser.add_argument(
            "--user", help="Username recorded in the history as the importer (optional)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count only")

    def handle(self, *args, **options) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council has the slug {options['council']!r}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user is called {options['user']!r}.")
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                data = path.open("rb").read(MAX_BYTES + 1)
            else:
                data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            result = import_workbook(council, user, path.name, data, dry_run=options["dry_run"])
        except WorkbookError as error:
            raise CommandError(str(error)) from None
        for sheet, tally in result.tallies.items():
            self.stdout.write(f"{sheet}: {tally}")
        for title in result.ignored_sheets:
            self.stdout.write(f"Sheet {title!r} not imported (only Measures and Values are).")
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} error(s): nothing was imported. Correct them and try again."
            )
        if result.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {council.name}."))
