#!/usr/bin/env python3
"""Build a national data set: every English council's plan, KPIs, actions and risks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/national scripts/national.py
    scripts/national.py --councils 3          # a tiny version (SQLite db.sqlite3 by default)

By default: 317 councils, each with a plan of five themes, 100 KPIs with 20 quarters of
values (2020/21 to 2024/25: 634,000 values in all), 150 actions with five updates each
(237,750 updates), 20 strategic risks and 10 savings targets; per council a cabinet member
(``<slug>-cabinet``), an officer (``<slug>-officer``, owning the KPIs and assigned every
action) and a council admin (``<slug>-admin``); one superuser (``national-super``). Every
password is ``national-password``. The database is migrated first; councils already there
(by slug) are left alone, so a second run adds nothing.

Rows are inserted in batches (bulk inserts, one council at a time), so the national set takes
a few minutes on PostgreSQL. History records are not written for generated rows.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
if __name__ == "__main__" and Path(sys.prefix).resolve() != VENV.resolve():
    if not (VENV / "bin" / "python").exists():
        subprocess.run(["bash", "-c", ". scripts/_python.sh && make_venv"], cwd=ROOT, check=True)
    os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])

PASSWORD = "national-password"
FIRST_YEAR = 2020
BATCH = 5000


def values_list(rows: list[tuple]) -> str:
    """A VALUES list of placeholders for ``rows`` (PostgreSQL and SQLite alike)."""
    return "VALUES " + ", ".join("(" + ", ".join(["%s"] * len(row)) + ")" for row in rows)


def flat(rows: list[tuple]) -> list:
    return [item for row in rows for item in row]


def insert_select(model, with_: str, columns: dict[str, str], source: str, params: list) -> None:
    """WITH with_ INSERT INTO model's table (columns) SELECT expressions FROM source."""
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    sql = (
        f"WITH {with_} "
        f"INSERT INTO {model._meta.db_table} ({names}) "
        f"SELECT {', '.join(columns.values())} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def generate(
    councils: int = 317,
    kpis: int = 100,
    quarters: int = 20,
    actions: int = 150,
    updates: int = 5,
    risks: int = 20,
    savings: int = 10,
    log=print,
    prefix: str = "national",
) -> dict[str, int]:
    """Build the data set in the configured database (already migrated); return the counts."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from actions.models import Action, ActionStatus, ActionUpdate
    from kpis.models import KPI, KpiValue
    from plans.models import (
        Council,
        CouncilKind,
        Membership,
        Plan,
        PlanKind,
        PlanStatus,
        Role,
        SavingsTarget,
        Theme,
    )
    from risks.models import RiskRegisterEntry

    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once: every user shares it
    if not User.objects.filter(username="national-super").exists():
        User.objects.create(
            username="national-super", password=password, is_staff=True, is_superuser=True
        )
    years = (quarters + 3) // 4
    periods = [(FIRST_YEAR + q // 4, q % 4 + 1) for q in range(quarters)]
    statuses = [
        ActionStatus.ON_TRACK,
        ActionStatus.AT_RISK,
        ActionStatus.OFF_TRACK,
        ActionStatus.COMPLETED,
        ActionStatus.NOT_STARTED,
    ]
    residuals = [a + b for a in "ABCDEF" for b in ("I", "II", "III", "IV")]
    kinds = [CouncilKind.UNITARY, CouncilKind.DISTRICT, CouncilKind.COUNTY]
    now = timezone.now()
    counts = dict.fromkeys(("councils", "kpis", "values", "actions", "updates", "risks"), 0)
    started = time.perf_counter()
    existing = set(
        Council.objects.filter(slug__startswith=f"{prefix}-").values_list("slug", flat=True)
    )
    words = prefix.replace("-", " ").title()
    for c in range(1, councils + 1):
        slug = f"{prefix}-{c:03d}"
        if slug in existing:
            continue
        with transaction.atomic():
            council = Council.objects.create(
                name=f"{words} Council {c:03d}",
                short_name=f"{words} {c:03d}",
                slug=slug,
                kind=kinds[c % 3],
            )
            cabinet, officer, admin = User.objects.bulk_create(
                User(username=f"{slug}-{role}", password=password, is_staff=role == "admin")
                for role in ("cabinet", "officer", "admin")
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=cabinet, council=council, role=Role.CABINET),
                    Membership(user=officer, council=council, role=Role.OFFICER),
                    Membership(user=admin, council=council, role=Role.ADMIN),
                ]
            )
            plan = Plan.objects.create(
                council=council,
                kind=PlanKind.COUNCIL_PLAN,
                title=f"{council.name} Plan",
                slug="council-plan",
                start_year=FIRST_YEAR,
                end_year=FIRST_YEAR + years - 1,
                status=PlanStatus.APPROVED,
            )
            themes = Theme.objects.bulk_create(
                Theme(plan=plan, number=n, title=f"Theme {n}") for n in range(1, 6)
            )
            measures = KPI.objects.bulk_create(
                (
                    KPI(
                        council=council,
                        plan=plan,
                        theme=themes[k % 5],
                        code=f"K{k:03d}",
                        name=f"Measure {k} of {council.short_name}",
                        owner="Head of Service",
                        owner_user=officer,
                        order=k,
                    )
                    for k in range(1, kpis + 1)
                ),
                batch_size=BATCH,
            )
            # The bulk of the rows, written by the database itself (one INSERT ... SELECT each):
            # building 634,000 model objects in Python would take most of an hour.
            insert_select(
                KpiValue,
                f"p(y, q) AS ({values_list(periods)})",
                {
                    "kpi_id": "k.id",
                    "financial_year": "p.y",
                    "quarter": "p.q",
                    "month": "0",
                    "actual": "50 + (k.id * 7 + p.y + p.q * 3) %% 50",
                    "target": "75",
                    "data_only": "%s",
                    "reported_short_trend": "''",
                    "reported_long_trend": "''",
                    "not_published": "''",
                    "commentary": "''",
                    "entered_by_id": "%s",
                    "entered_at": "%s",
                    "version": "1",
                },
                f"{KPI._meta.db_table} k CROSS JOIN p WHERE k.council_id = %s",
                [*flat(periods), False, officer.pk, now, council.pk],
            )
            work = Action.objects.bulk_create(
                (
                    Action(
                        plan=plan,
                        theme=themes[a % 5],
                        reference=f"A{a:03d}",
                        title=f"Action {a} of {council.short_name}",
                        lead_officer="Director of Place",
                        directorate=("Place", "People", "Resources")[a % 3],
                        due_date=datetime.date(FIRST_YEAR + a % years, 1 + a % 12, 1),
                        status=statuses[a % 5],
                        percent_complete=20 * (a % 5),
                        order=a,
                    )
                    for a in range(1, actions + 1)
                ),
                batch_size=BATCH,
            )
            Action.assigned_users.through.objects.bulk_create(
                (Action.assigned_users.through(action=action, user=officer) for action in work),
                batch_size=BATCH,
            )
            steps = [
                (
                    u,
                    datetime.date(FIRST_YEAR + u % years, 3 * (u % 4) + 1, 15),
                    statuses[u % 5],
                    min(100, 20 * u),
                    f"Update {u + 1}",
                )
                for u in range(updates)
            ]
            insert_select(
                ActionUpdate,
                f"s(n, d, st, pc, c) AS ({values_list(steps)})",
                {
                    "action_id": "a.id",
                    "date": "s.d",
                    "author_id": "%s",
                    "author_name": "''",
                    "status": f"CASE WHEN s.n = {updates - 1} THEN a.status ELSE s.st END",
                    "stage": "''",
                    "rag": "''",
                    "percent_complete": "s.pc",
                    "commentary": "s.c",
                    "created_at": "%s",
                    "version": "1",
                },
                f"{Action._meta.db_table} a CROSS JOIN s WHERE a.plan_id = %s",
                [*flat(steps), officer.pk, now, plan.pk],
            )
            RiskRegisterEntry.objects.bulk_create(
                RiskRegisterEntry(
                    council=council,
                    reference=f"SR{r:02d}",
                    title=f"Risk {r}",
                    owner="Chief Executive",
                    inherent_score="AI",
                    residual_score=residuals[r % len(residuals)],
                )
                for r in range(1, risks + 1)
            )
            SavingsTarget.objects.bulk_create(
                SavingsTarget(
                    council=council,
                    plan=plan,
                    theme=themes[s % 5],
                    title=f"Saving {s}",
                    start_year=FIRST_YEAR + s % years,
                    end_year=FIRST_YEAR + s % years,
                    target_amount=Decimal(100000 * s),
                )
                for s in range(1, savings + 1)
            )
        counts["councils"] += 1
        counts["kpis"] += len(measures)
        counts["values"] += len(measures) * len(periods)
        counts["actions"] += len(work)
        counts["updates"] += len(work) * updates
        counts["risks"] += risks
        if c % 25 == 0 or c == councils:
            log(f"{c} councils, {time.perf_counter() - started:.0f} s")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--councils", type=int, default=317)
    parser.add_argument("--kpis", type=int, default=100, help="per council")
    parser.add_argument("--quarters", type=int, default=20, help="values per KPI")
    parser.add_argument("--actions", type=int, default=150, help="per council")
    parser.add_argument("--updates", type=int, default=5, help="per action")
    parser.add_argument("--risks", type=int, default=20, help="per council")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilplans.settings")
    os.environ.setdefault("DJANGO_INSECURE_DEV_KEY", "True")  # a local data set
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    counts = generate(
        args.councils, args.kpis, args.quarters, args.actions, args.updates, args.risks
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        ", ".join(f"{n:,} {name}" for name, n in counts.items())
        + f" in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
