#!/usr/bin/env python3
"""Measure the quarterly dashboard against a trivial view, cold and warm.

Builds a throwaway council of N measures (20 quarters of values each), 150 actions (most off
track or overdue, each with two updates), 20 risks and 5 savings targets, then requests the
dashboard through Django's test client and prints, for each N: the HTML's size, the queries
of a cold request (empty cache) and of a warm one, the cold and warm times (min / median /
max of the repeats, in-process) and how many dashboards one trivial view (/healthz, measured
in the same run) is worth.

    scripts/bench_dashboard.py                 # SQLite in a temporary file; N = 100, 1000
    BENCH_SIZES=100 BENCH_REPEATS=9 scripts/bench_dashboard.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench scripts/bench_dashboard.py

On PostgreSQL the named database's test copy is created and dropped (Django's test-database
machinery), so the named database itself is never written.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
if Path(sys.prefix).resolve() != VENV.resolve():
    if not (VENV / "bin" / "python").exists():
        subprocess.run(["bash", "-c", ". scripts/_python.sh && make_venv"], cwd=ROOT, check=True)
    os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), __file__, *sys.argv[1:]])

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilplans.settings")
os.environ.setdefault("AXES_ENABLED", "False")
import councilplans.testenv  # noqa: E402, F401  (the test suite's settings environment)

_tmp = tempfile.TemporaryDirectory()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,1000").split(",")]
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
QUARTERS = 20
ACTIONS = 150


def build(n: int):
    import datetime
    from decimal import Decimal

    from actions.models import Action, ActionStatus, ActionUpdate
    from kpis.models import KPI, KpiValue
    from plans.models import Role
    from tests import factories as f

    council = f.make_council(f"Benchmark Council {n}", slug=f"bench-{n}")
    plan = f.make_plan(council, start_year=2016, end_year=2021)
    themes = [f.make_theme(plan, number=i + 1) for i in range(max(5, n // 20))]
    kpis = KPI.objects.bulk_create(
        KPI(
            council=council,
            plan=plan,
            theme=themes[i % len(themes)],
            code=f"M{i:04d}",
            name=f"Measure {i} of the council's performance",
        )
        for i in range(n)
    )
    # 20 quarters: Q4 2015/16 .. Q3 2020/21 (the dashboard shows Q3 2020/21).
    periods = [divmod(2020 * 4 + 2 - k, 4) for k in range(QUARTERS)]
    KpiValue.objects.bulk_create(
        (
            KpiValue(
                kpi=kpi,
                financial_year=year,
                quarter=q + 1,
                actual=Decimal(50 + (i + q + year) % 45),
                target=Decimal(75),
                commentary=f"Why measure {i} moved" if i % 3 == 0 else "",
            )
            for i, kpi in enumerate(kpis)
            for year, q in periods
        ),
        batch_size=2000,
    )
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            theme=themes[i % len(themes)],
            reference=f"A{i:03d}",
            title=f"Action {i} of the improvement plan",
            status=[ActionStatus.OFF_TRACK, ActionStatus.AT_RISK, ActionStatus.ON_TRACK][i % 3],
            lead_officer="Chief Finance Officer",
            due_date=datetime.date(2020, 6, 1) + datetime.timedelta(days=i),
        )
        for i in range(ACTIONS)
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            date=datetime.date(2020, 10, d),
            status=action.status,
            percent_complete=10,
            commentary=f"Update {d} on {action.title}",
        )
        for action in actions
        for d in (1, 2)
    )
    for i in range(20):
        f.make_risk(council, residual_score="ABCDEF"[i % 6] + ["I", "II", "III", "IV"][i % 4])
    for i in range(5):
        f.make_savings(council, plan=plan, title=f"Savings {i}", start_year=2020)
    user = f.make_user(f"bench-cabinet-{n}", council, Role.CABINET)
    return council, user


def timed(client: Client, url: str, clear: bool) -> tuple[float, int, bytes]:
    if clear:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries.captured_queries), response.content


def spread(times: list[float]) -> str:
    return f"{min(times):7.1f} / {statistics.median(times):7.1f} / {max(times):7.1f} ms"


def main() -> None:
    from django.conf import settings
    from django.test.utils import get_runner

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        print(f"database: {connection.vendor}; {REPEATS} repeats; times min / median / max")
        for n in SIZES:
            council, user = build(n)
            client = Client()
            client.force_login(user)
            url = reverse(
                "dashboard", kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"}
            )
            timed(client, url, clear=True)  # templates compiled, connections open
            trivial = [timed(client, reverse("healthz"), clear=False)[0] for _ in range(REPEATS)]
            cold, warm = [], []
            for _ in range(REPEATS):
                ms, cold_queries, html = timed(client, url, clear=True)
                cold.append(ms)
                ms, warm_queries, _ = timed(client, url, clear=False)
                warm.append(ms)
            if os.environ.get("BENCH_HTML"):  # a directory to keep the page in, to look at
                Path(os.environ["BENCH_HTML"], f"dashboard-{n}.html").write_bytes(html)
            if os.environ.get("BENCH_SQL"):  # the cold request's queries
                cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                for query in queries.captured_queries:
                    print(f"  {query['time']:>6} s  {query['sql'][:600]}")
            if os.environ.get("BENCH_PROFILE"):  # where a cold request spends its time
                import cProfile
                import pstats

                if not os.environ.get("BENCH_PROFILE_WARM"):
                    cache.clear()
                profile = cProfile.Profile()
                profile.runcall(client.get, url)
                pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(45)
            base = statistics.median(trivial)
            print(f"N={n} measures, {QUARTERS} quarters of values, {ACTIONS} actions")
            print(f"  HTML            {len(html) / 1024:8.1f} KB")
            print(f"  trivial view    {spread(trivial)}")
            print(
                f"  cold            {spread(cold)}  {cold_queries} queries  "
                f"ratio to trivial {base / statistics.median(cold):.4f}"
            )
            print(
                f"  warm            {spread(warm)}  {warm_queries} queries  "
                f"ratio to trivial {base / statistics.median(warm):.4f}"
            )
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
