#!/usr/bin/env python3
"""Benchmark the workbook import: a council of 1,000 measures and a workbook of 20,000 value
rows, previewed (a dry run) and imported, against a trivial reference measured in the same
run (reading the same file with openpyxl in read-only mode and doing nothing with it).

Prints each step's time and peak Python memory (tracemalloc, in a second pass) and their
ratios to the reference, so the figures compare across machines.

    scripts/bench_import.py                  # SQLite in a temporary file
    BENCH_MEASURES=100 BENCH_VALUES=2000 scripts/bench_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench scripts/bench_import.py

Whatever Python starts it, it runs under the project's .venv (made as scripts/run makes it).
On PostgreSQL the named database is created (and dropped) by Django's test-database machinery.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
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

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

MEASURES = int(os.environ.get("BENCH_MEASURES", "1000"))
VALUES = int(os.environ.get("BENCH_VALUES", "20000"))


def build_council():
    from kpis.models import KPI
    from tests import factories as f

    council = f.make_council("Import Benchmark Council", slug="import-bench")
    KPI.objects.bulk_create(
        KPI(council=council, code=f"M{i:04d}", name=f"Measure {i}", unit="count")
        for i in range(MEASURES)
    )
    return council


def build_workbook() -> bytes:
    """Measures and Values sheets: VALUES rows spread over the measures, quarter by quarter."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    measures = book.create_sheet("Measures")
    measures.append(["Code", "Measure", "Unit", "Polarity", "Frequency"])
    for i in range(MEASURES):
        measures.append([f"M{i:04d}", f"Measure {i}", "Count", "Higher is better", "Quarterly"])
    values = book.create_sheet("Values")
    values.append(["Code", "Year", "Quarter", "Actual", "Target", "Commentary"])
    per_measure = -(-VALUES // MEASURES)
    for n in range(VALUES):
        i, k = n % MEASURES, n // MEASURES
        year, quarter = 2000 + k // 4, k % 4 + 1
        assert k < per_measure
        values.append(
            [f"M{i:04d}", f"{year}/{(year + 1) % 100:02d}", f"Q{quarter}", 50 + n % 50, 75,
             "On course" if n % 7 == 0 else ""]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reference(data: bytes) -> None:
    """The trivial reference: read every cell of the file, do nothing with it."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    book.close()


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def peak(step) -> int:
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    from django.conf import settings
    from django.test.utils import get_runner

    from kpis.models import KpiValue
    from workbooks.importer import import_workbook

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        council = build_council()
        data = build_workbook()

        def preview():
            result = import_workbook(council, None, "Bench.xlsx", data, dry_run=True)
            assert result.ok, [str(e) for e in result.errors[:5]]

        def confirm():
            result = import_workbook(council, None, "Bench.xlsx", data)
            assert result.ok, [str(e) for e in result.errors[:5]]

        def confirm_then_undo():
            with transaction.atomic():
                confirm()
                transaction.set_rollback(True)

        times = {
            "reference (read the file)": timed(lambda: reference(data)),
            "preview (dry run)": timed(preview),
            "import (confirm)": timed(confirm),
        }
        assert KpiValue.objects.filter(kpi__council=council).count() == VALUES
        times["import again (unchanged)"] = timed(confirm)
        again = peak(confirm_then_undo)  # every value stored already
        KpiValue.objects.filter(kpi__council=council).delete()
        memory = {
            "reference (read the file)": peak(lambda: reference(data)),
            "preview (dry run)": peak(preview),
            "import (confirm)": peak(confirm_then_undo),
            "import again (unchanged)": again,
        }
        print(
            f"database: {connection.vendor}; {MEASURES:,} measures, {VALUES:,} value rows, "
            f"file {len(data) / 1024 / 1024:.1f} MB"
        )
        print(f"{'step':<28}{'time':>10}{'× ref':>8}{'peak memory':>14}{'× ref':>8}")
        base_t, base_m = times["reference (read the file)"], memory["reference (read the file)"]
        for step, seconds in times.items():
            mem = memory[step]
            mem_cells = f"{mem / 1024 / 1024:>11.1f} MB{mem / base_m:>8.1f}" if mem else f"{'':>22}"
            print(f"{step:<28}{seconds:>9.1f}s{seconds / base_t:>8.1f}{mem_cells}")
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
