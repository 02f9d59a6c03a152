"""Load the seed fixtures: the five council documents in fixtures/, in one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

#: Councils first, then one file per source document (see scripts/build_fixtures.py).
SEED_FIXTURES = [
    "councils",
    "medway-productivity-plan-2024-25",
    "medway-corporate-peer-challenge-action-plan-2018",
    "medway-ways-of-working-performance-q3-2020-21",
    "bromsgrove-productivity-plan-cabinet-2024-07",
    "maidstone-improvement-plan-2012-15",
]

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Load Medway, Bromsgrove and Maidstone's plans, KPIs, risks and savings from the seed "
        "documents. Rows have fixed keys, so running it again changes nothing new (but it does "
        "put back any seeded row that was edited)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [str(FIXTURE_DIR / f"{name}.json") for name in SEED_FIXTURES]
        with transaction.atomic():
            call_command("loaddata", *paths, verbosity=options["verbosity"])
        if options["verbosity"] < 1:
            return
        from plans.models import Council

        for council in Council.objects.order_by("name"):
            self.stdout.write(
                f"{council.name}: {council.plans.count()} plans, "
                f"{sum(p.actions.count() for p in council.plans.all())} actions, "
                f"{council.kpis.count()} KPIs, {council.risks.count()} risks, "
                f"{council.savings_targets.count()} savings targets"
            )
