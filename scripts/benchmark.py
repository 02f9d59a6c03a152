#!/usr/bin/env python3
"""Benchmark the cabinet pages: time and query count as the data grows; and, on the national
data set, throughput through gunicorn and a report-day load test.

Builds a throwaway council with N KPIs (eight quarters of values each), N actions with an
update each, N risks and N savings targets, then requests the dashboard, the KPI page and every
list page (and the CSV export) through Django's test client, printing the median time and the
number of queries for each page and size. The query count must not change with N.

    scripts/benchmark.py                 # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench scripts/benchmark.py

Whatever Python starts it, it runs under the project's .venv (made as scripts/run makes it).

On PostgreSQL the named database is created (and dropped) by Django's test-database machinery.

National mode, against a database built by scripts/national.py (left as it is, apart from
the report day's writes and a larger council for the exports, added once):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/national scripts/benchmark.py --national
    scripts/benchmark.py --quick          # the same on a tiny set in a temporary SQLite file

For every page a user opens (and the admin changelists) it prints the queries, the in-process
time (min/median/max over --repeats) and the throughput through gunicorn (2 sync workers, 8
connections: wrk if installed, else threads) as a fraction of /healthz's, measured back to
back in the same run; each export's rows a second; then the report day: --users users
(default 200) for --seconds (default 60) reading dashboards, lists and exports and posting
action updates and returns, with the errors, the 95th percentile and the writes checked in the
database afterwards.
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
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

from core.periods import Quarter  # noqa: E402

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


NATIONAL = sys.argv[1:2] and sys.argv[1] in ("--national", "--quick")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a tiny set in a temporary SQLite")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="each throughput measurement")
    parser.add_argument("--users", type=int, default=200, help="report-day users")
    parser.add_argument("--day-seconds", type=float, default=60, help="report-day length")
    parser.add_argument(
        "--big-rows", type=int, default=None, help="the export council's rows (20,000; --quick 500)"
    )
    parser.add_argument("--exports-only", action="store_true", help="only the exports")
    parser.add_argument("--day-only", action="store_true", help="only the report day")
    parser.add_argument(
        "--think",
        default="2-8",
        help="report day: seconds each user reads a page before the next (min-max; 0 for none)",
    )
    parser.add_argument(
        "--spawn-rate", type=float, default=20, help="report day: users arriving a second"
    )
    parser.add_argument(
        "--day-workers", type=int, default=3, help="report day: gunicorn workers (production's 3)"
    )
    parser.add_argument("--http-only", action="store_true", help="no in-process measurements")
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages named, no exports or report day (comma-separated, "
        "e.g. 'dashboard (published),KPI list')",
    )
    return parser.parse_args()


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    """min/median/max"""
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


#: The quarter the national benchmark signs off (if it is not yet) to measure a published one.
PUBLISHED_LABEL = "Q3 2024/25"


def national_pages(
    council, kpi, quarter: str = "q4", year: str = "2024-25", published: str = PUBLISHED_LABEL
) -> dict[str, tuple]:
    """(user role, URL) of each page measured, by name (the quarter ``published`` as
    :func:`sign_off` left it)."""
    slug = council.slug
    lists = {
        name: reverse(f"{name}-list", kwargs={"council": slug})
        for name in ("kpi", "action", "risk", "savings")
    }
    period = {"council": slug, "year": year, "quarter": quarter}
    published_kwargs = {"council": slug, **Quarter.parse(published).url_kwargs}
    return {
        "council home": ("cabinet", reverse("council-home", kwargs={"council": slug})),
        "dashboard": ("cabinet", reverse("dashboard", kwargs=period)),
        "dashboard (published)": (
            "cabinet",
            reverse("dashboard", kwargs=published_kwargs),
        ),
        "KPI page": ("cabinet", reverse("kpi-detail", kwargs={"council": slug, "pk": kpi.pk})),
        "KPI list": ("cabinet", lists["kpi"]),
        "action list": ("cabinet", lists["action"]),
        "risk list": ("cabinet", lists["risk"]),
        "savings list": ("cabinet", lists["savings"]),
        "My work": ("officer", reverse("my-work")),
        "return GET": ("officer", reverse("kpi-return", kwargs=period)),
        "admin KPI values": ("super", reverse("admin:kpis_kpivalue_changelist")),
        "admin KPI values (council)": ("admin", reverse("admin:kpis_kpivalue_changelist")),
        "admin actions": ("super", reverse("admin:actions_action_changelist")),
        "admin action updates": ("super", reverse("admin:actions_actionupdate_changelist")),
        "admin risks": ("super", reverse("admin:risks_riskregisterentry_changelist")),
        "admin plans": ("super", reverse("admin:plans_plan_changelist")),
    }


def sign_off(council, admin, label: str = PUBLISHED_LABEL) -> None:
    """Publish the quarter ``label`` of ``council`` as ``admin`` (once: a later run finds it
    published), so that the benchmark measures a published quarter's dashboard."""
    from dashboard.publishing import publication, publish_quarter

    quarter = Quarter.parse(label)
    if publication(council, quarter) is None:
        publish_quarter(council, quarter, admin, datetime.date.today())


def export_urls(slug: str) -> dict[str, str]:
    urls = {}
    for name in ("kpi", "action", "risk", "savings"):
        for fmt in ("csv", "xlsx"):
            urls[f"{name} {fmt.upper()}"] = (
                reverse(f"{name}-list", kwargs={"council": slug}) + f"?_export={fmt}"
            )
    return urls


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def in_process(client: Client, url: str, repeats: int) -> tuple[list[float], int, int, int]:
    """Times (ms), queries, status and size of ``url`` through the test client."""
    times, count, status, size = [], 0, 0, 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            size = len(body_of(response))
            times.append((time.perf_counter() - start) * 1000)
        count, status = len(queries.captured_queries), response.status_code
    return times, count, status, size


def export_rate(client: Client, url: str, repeats: int) -> tuple[list[float], int]:
    """Rows a second of an export (rows counted in the CSV, or the workbook's rows)."""
    import csv
    import io

    import openpyxl

    rates, rows = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        content = body_of(client.get(url))
        elapsed = time.perf_counter() - start
        if url.endswith("csv"):
            rows = len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) - 1
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
            rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
        rates.append(rows / elapsed)
    return rates, rows


def sessions(users: dict) -> dict[str, dict[str, str]]:
    """A signed-in session cookie for each user (stored in the database, as gunicorn reads)."""
    from django.conf import settings

    cookies = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[role] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
        }
    return cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int = 2) -> subprocess.Popen:
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    process = subprocess.Popen(
        [
            str(VENV / "bin" / "gunicorn"),
            "councilplans.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except OSError:
            time.sleep(0.3)
            continue
        import loadtest

        if loadtest.Browser(f"http://127.0.0.1:{port}").request("GET", "/healthz")[0] == 200:
            return process
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def day_users(councils, count: int, base: str) -> list[dict]:
    """The report day's users: each council's officer, reading its pages and writing its
    actions and its latest quarter's return."""
    from actions.models import Action
    from plans.models import Membership, Role

    officers = {
        m.council_id: m.user
        for m in Membership.objects.filter(council__in=councils, role=Role.OFFICER)
        .select_related("user")
        .order_by("pk")
    }
    chosen = [council for council in councils if council.pk in officers][:count]
    cookies = sessions({council.slug: officers[council.pk] for council in chosen})
    actions: dict[int, list[int]] = {}
    for council_id, pk in (
        Action.objects.filter(plan__council__in=chosen)
        .values_list("plan__council_id", "pk")
        .order_by("pk")
    ):
        actions.setdefault(council_id, []).append(pk)
    users = []
    for council in chosen:
        slug = council.slug
        lists = [
            reverse(f"{name}-list", kwargs={"council": slug})
            for name in ("kpi", "action", "risk", "savings")
        ]
        period = {"council": slug, "year": "2024-25", "quarter": "q4"}
        users.append(
            {
                "cookies": cookies[slug],
                "reads": [
                    reverse("dashboard", kwargs=period),
                    reverse("council-home", kwargs={"council": slug}),
                    reverse("my-work"),
                    *lists,
                    lists[0] + "?_export=csv",
                    lists[1] + "?_export=csv",
                    lists[1] + "?_export=xlsx",
                ],
                "action_paths": [
                    reverse("action-detail", kwargs={"pk": pk})
                    for pk in actions.get(council.pk, [])[:20]
                ],
                "return_path": reverse("kpi-return", kwargs=period),
            }
        )
    return [u for u in users if u["action_paths"]]


def check_writes(result, marker: str) -> list[str]:
    """Every write the server accepted, found in the database."""
    from actions.models import ActionUpdate
    from kpis.models import KpiValue

    problems = []
    stored = set(
        ActionUpdate.objects.filter(commentary__startswith=marker).values_list(
            "action_id", "commentary"
        )
    )
    for _index, action_id, text in result.updates:
        if (action_id, text) not in stored:
            problems.append(f"update missing: action {action_id} {text!r}")
    if len(stored) != len(result.updates):
        problems.append(f"{len(stored)} updates stored for {len(result.updates)} accepted")
    last: dict[int, str] = {}
    for index, _path, text in result.returns:
        last[index] = text
    found = set(
        KpiValue.objects.filter(commentary__in=last.values()).values_list("commentary", flat=True)
    )
    problems += [f"return missing: {text!r}" for text in last.values() if text not in found]
    return problems


def national_main(args: argparse.Namespace) -> None:
    import loadtest
    import national
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kpis.models import KPI
    from plans.models import Council, Membership, Role

    setup_test_environment()
    if args.quick:
        call_command("migrate", verbosity=0)
        national.generate(
            councils=3,
            kpis=10,
            quarters=8,
            actions=10,
            updates=2,
            risks=3,
            savings=3,
            log=lambda _: None,
        )
        if args.big_rows is None:
            args.big_rows = 500
    if args.big_rows is None:
        args.big_rows = 20000
    if not Council.objects.filter(slug__startswith="national-big-").exists():
        n = args.big_rows
        national.generate(
            councils=1,
            kpis=n // 10,
            quarters=8,
            actions=n,
            updates=1,
            risks=n // 10,
            savings=n // 10,
            prefix="national-big",
            log=lambda _: None,
        )
    councils = list(Council.objects.filter(slug__regex=r"^national-[0-9]+$").order_by("slug"))
    council = councils[0]
    big = Council.objects.get(slug="national-big-001")
    User = get_user_model()
    roles = {
        m.role: m.user for m in Membership.objects.filter(council=council).select_related("user")
    }
    users = {
        "cabinet": roles[Role.CABINET],
        "officer": roles[Role.OFFICER],
        "admin": roles[Role.ADMIN],
        "super": User.objects.get(username="national-super"),
    }
    big_cabinet = Membership.objects.get(council=big, role=Role.CABINET).user
    kpi = KPI.objects.filter(council=council).order_by("pk").first()
    from actions.models import ActionUpdate
    from kpis.models import KpiValue

    print(
        f"database: {connection.vendor}; {len(councils)} councils, {KPI.objects.count():,} KPIs, "
        f"{KpiValue.objects.count():,} values, {ActionUpdate.objects.count():,} updates"
    )
    sign_off(council, users["admin"])
    pages = national_pages(council, kpi)
    if args.pages:
        chosen = {name.strip() for name in args.pages.split(",")}
        unknown = chosen - set(pages)
        if unknown:
            raise SystemExit(
                f"no such page: {', '.join(sorted(unknown))}; pages: {', '.join(pages)}"
            )
        pages = {name: page for name, page in pages.items() if name in chosen}
    clients = {}
    if args.day_only or args.exports_only:
        pages, users = {}, {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    print(f"\nIn process (test client), {args.repeats} requests each: ms min/median/max")
    print(f"{'page':<28}{'queries':>8}{'ms':>22}")
    for name, (role, url) in pages.items() if not args.http_only else ():
        times, count, status, _ = in_process(clients[role], url, args.repeats)
        flag = "" if status == 200 else f"  HTTP {status}"
        print(f"{name:<28}{count:>8}{spread(times):>22}{flag}")

    big_client = Client()
    big_client.force_login(big_cabinet)
    if args.day_only or args.http_only or args.pages:
        big = None
    print(f"\nExports of a council with {args.big_rows:,} actions (rows/s min/median/max)")
    for name, url in export_urls(big.slug).items() if big else ():
        rates, rows = export_rate(big_client, url, args.repeats)
        print(f"{name:<28}{rows:>8} rows{spread(rates, '{:,.0f}'):>28}")
    if args.exports_only:
        return

    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookies = sessions(users)
        print(
            f"\nThrough gunicorn (2 sync workers, 8 connections, {args.seconds:g} s each), "
            f"throughput / /healthz's, back to back, {args.repeats} times: min/median/max"
        )
        for name, (role, url) in pages.items():
            ratios = loadtest.paired_ratios(
                base, url, "/healthz", cookies[role], 8, args.seconds, args.repeats
            )
            print(f"{name:<28}{spread(ratios, '{:.3f}'):>24}")
        if args.pages:
            return
        marker = f"report-day {time.time():.0f}"
        day = day_users(councils, args.users, base)
        low, _, high = args.think.partition("-")
        think = (float(low), float(high or low))
        if args.day_workers != 2:
            server.terminate()
            server.wait(timeout=30)
            server = start_gunicorn(port, args.day_workers)
        print(
            f"\nReport day: {len(day)} users for {args.day_seconds:g} s, arriving "
            f"{args.spawn_rate:g} a second, each reading a page {think[0]:g}-{think[1]:g} s "
            f"before the next; gunicorn with {args.day_workers} sync workers"
        )
        result = loadtest.report_day(
            base, day, args.day_seconds, marker, think=think, spawn_rate=args.spawn_rate
        )
        problems = check_writes(result, marker)
        print(
            f"requests {result.requests:,} ({result.requests / result.seconds:.0f}/s), "
            f"errors {len(result.errors)}, p95 {result.p95() * 1000:.0f} ms "
            f"(pages {result.p95('page') * 1000:.0f}, exports {result.p95('export') * 1000:.0f}, "
            f"posts {result.p95('post') * 1000:.0f}); writes accepted: "
            f"{len(result.updates)} action updates, {len(result.returns)} returns; "
            f"missing from the database: {len(problems)}"
        )
        for line in result.errors[:5] + problems[:5]:
            print("  " + line)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    if NATIONAL:
        sys.path.insert(0, str(ROOT / "scripts"))
        national_main(parse_args())
    else:
        main()
