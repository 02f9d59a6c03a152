"""Import a council's workbook (any of its sheets, see workbooks.spec): see workbooks.importer.

Prints each sheet's created/updated/unchanged counts and every error; exits non-zero on any
error, in which case nothing is written. ``--dry-run`` checks and counts and writes nothing.
How far it is goes to stderr as it goes (each sheet, and every 1,000 rows); ``-v 0`` hushes it.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.sheets import MAX_BYTES, WorkbookError
from plans.models import Council, CouncilKind
from workbooks.importer import import_workbook

#: Rows between two lines of progress.
PROGRESS_ROWS = 1000


class Command(BaseCommand):
    help = (
        "Import a council's workbook (.xlsx, or one CSV file per sheet, e.g. Measures.csv): "
        "settings, plans, themes, measures, values, actions, updates, risks and savings."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="An .xlsx workbook, or a CSV file named after its sheet")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--council", help="The council's slug")
        group.add_argument("--create", metavar="NAME", help="Create a council of this name")
        parser.add_argument("--slug", help="With --create: the new council's slug")
        parser.add_argument(
            "--user", help="Username recorded in the history as the importer (optional)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count only")
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Invite the people the workbook names who are not members yet (as officers; "
            "they are emailed a link to set a password, links starting with SITE_URL)",
        )

    def handle(self, *args, **options) -> None:
        if options["create"]:
            council = None
        else:
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
            with transaction.atomic():
                if council is None:
                    council = self.create(options["create"], options["slug"])
                result = import_workbook(
                    council,
                    user,
                    path.name,
                    data,
                    dry_run=options["dry_run"],
                    invite=options["invite"],
                    progress=self.progress if options["verbosity"] > 0 else None,
                )
                if not result.written:
                    transaction.set_rollback(True)
        except WorkbookError as error:
            raise CommandError(str(error)) from None
        for sheet, tally in result.tallies.items():
            self.stdout.write(f"{sheet}: {tally}")
        for title in result.ignored_sheets:
            self.stdout.write(f"Sheet {title!r} not imported (not a sheet this import reads).")
        for email in result.invited:
            verb = "Invited" if result.written else "Would invite"
            self.stdout.write(f"{verb} {email} (an officer; emailed a link to set a password).")
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

    def progress(self, sheet: str, done: int, total: int | None) -> None:
        """Each sheet's start and end, and every PROGRESS_ROWS rows between."""
        if done == 0 and total != 0:
            of = f" ({total:,} rows)" if total else ""
            self.stderr.write(f"{sheet}{of}...")
        elif done % PROGRESS_ROWS == 0 and done != total:
            of = f" of {total:,}" if total else ""
            self.stderr.write(f"{sheet}: {done:,}{of} rows")
        elif done == total:
            self.stderr.write(f"{sheet}: {done:,} rows read")

    @staticmethod
    def create(name: str, slug: str | None) -> Council:
        from django.core.exceptions import ValidationError
        from django.utils.text import slugify

        council = Council(
            name=name.strip(),
            short_name=name.strip().removesuffix(" Council").strip() or name.strip(),
            slug=slug or slugify(name)[:80],
            kind=CouncilKind.DISTRICT,
        )
        try:
            council.full_clean()
        except ValidationError as error:
            raise CommandError("Cannot create the council: " + " ".join(error.messages)) from None
        council.save()
        return council
