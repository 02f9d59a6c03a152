#!/usr/bin/env python3
"""Benchmark the cabinet pages: time and query count as the data grows.

Builds a throwaway council with N KPIs (eight quarters of values each), N actions with an
update each, N risks and N savings targets, then requests the dashboard, the KPI page and every
list page (and the CSV export) through Django's test client, printing the median time and the
number of queries for each page and size. The query count must not change with N.

    scripts/benchmark.py                 # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench scripts/benchmark.py

Whatever Python starts it, it runs under the project's .venv (made as scripts/run makes it).

On PostgreSQL the named database is created (and dropped) by Django's test-database machinery.
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
    # Started by another Python (the #! line's): go on under the project's virtualenv.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)
from django.urls import reverse  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10,200,1000").split(",")]
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))


def build(n: int):
    from actions.models import ActionStatus
    from plans.models import Role
    from tests import factories as f

    council = f.make_council(f"Benchmark Council {n}", slug=f"bench-{n}")
    plan = f.make_plan(council, start_year=2019, end_year=2020)
    themes = [f.make_theme(plan, number=i + 1) for i in range(5)]
    for i in range(n):
        theme = themes[i % 5]
        kpi = f.make_kpi(council, theme=theme, plan=plan)
        for year, quarter in [(2019, q) for q in (1, 2, 3, 4)] + [(2020, q) for q in (1, 2, 3, 4)]:
            f.make_value(kpi, year, quarter, 60 + (i + quarter) % 40, 75)
        action = f.make_action(plan, theme=theme, status=ActionStatus.OFF_TRACK)
        f.make_update(action, status=ActionStatus.OFF_TRACK)
        f.make_risk(council, residual_score="ABCDEF"[i % 6] + ["I", "II", "III", "IV"][i % 4])
        f.make_savings(council, plan=plan, theme=theme)
    user = f.make_user(f"bench-cabinet-{n}", council, Role.CABINET)
    return council, user, kpi


def measure(client: Client, url: str) -> tuple[float, int, int]:
    times = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(queries.captured_queries), response.status_code


def main() -> None:
    from django.conf import settings
    from django.test.utils import get_runner

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        print(f"database: {connection.vendor}; median of {REPEATS} requests")
        print(f"{'page':<22}" + "".join(f"{f'N={n}':>22}" for n in SIZES))
        results: dict[str, list[str]] = {}
        for n in SIZES:
            council, user, kpi = build(n)
            client = Client()
            client.force_login(user)
            pages = {
                "dashboard": reverse(
                    "dashboard",
                    kwargs={"council": council.slug, "year": "2020-21", "quarter": "q3"},
                ),
                "council home": reverse("council-home", kwargs={"council": council.slug}),
                "KPI page": reverse("kpi-detail", kwargs={"council": council.slug, "pk": kpi.pk}),
                "KPI list": reverse("kpi-list", kwargs={"council": council.slug}),
                "action list": reverse("action-list", kwargs={"council": council.slug}),
                "risk list": reverse("risk-list", kwargs={"council": council.slug}),
                "savings list": reverse("savings-list", kwargs={"council": council.slug}),
            }
            pages["action CSV export"] = pages["action list"] + "?_export=csv"
            for name, url in pages.items():
                ms, count, status = measure(client, url)
                cell = f"{ms:8.1f} ms {count:3d} q" + ("" if status == 200 else f" HTTP{status}")
                results.setdefault(name, []).append(cell)
        for name, cells in results.items():
            print(f"{name:<22}" + "".join(f"{cell:>22}" for cell in cells))
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
