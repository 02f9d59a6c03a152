"""The README's backup and restore of the whole installation, followed on PostgreSQL.

A dump taken with the README's `pg_dump` command, restored with its `createdb` + `pg_restore`
commands into an empty database, holds every row: the restored database answers with the same
councils, measures, values (figures as entered) and history as the original.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_council, make_kpi, make_plan, make_value

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def readme_commands(heading: str) -> list[str]:
    """The indented command lines under a README heading (up to the next heading)."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ")]


def url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def run(command: str, **env: str) -> None:
    """One README command line, with $DATABASE_URL etc. given as shell variables."""
    result = subprocess.run(["bash", "-c", command], env={"PATH": "/usr/bin:/bin", **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command}\n{result.stderr}"


def test_the_readme_backup_and_restore_keep_every_row(tmp_path):
    council = make_council("Backupshire Council")
    kpi = make_kpi(council, plan=make_plan(council), code="BK 01", unit="%")
    make_value(kpi, 2020, 3, actual=Decimal("68.4"), commentary="Fell after the new triage")
    assert connection.vendor == "postgresql"
    source = url(settings.DATABASES["default"]["NAME"])
    restored = f"cp_restored_{secrets.token_hex(4)}"
    restored_url = url(restored)
    backup, restore = readme_commands("Back up the whole installation"), readme_commands(
        "Restore it")
    assert backup and restore
    env = {"DATABASE_URL": source, "RESTORED_DATABASE_URL": restored_url,
           "BACKUP": str(tmp_path / "councilplans.dump")}
    db = settings.DATABASES["default"]
    pg_env = {"PGHOST": db["HOST"], "PGPORT": str(db["PORT"] or 5432), "PGUSER": db["USER"]}
    try:
        for command in backup:
            run(command, **env, **pg_env)
        for command in restore:
            # createdb takes the restored database's name from the URL's last part.
            run(re.sub(r"\bcouncilplans_restored\b", restored, command), **env, **pg_env)
        # Closed on the way out, whatever happens: dropdb refuses while a connection is open.
        with closing(psycopg2.connect(restored_url)) as conn, conn, conn.cursor() as cur:
            cur.execute("SELECT name FROM plans_council WHERE slug = %s", [council.slug])
            assert cur.fetchone() == ("Backupshire Council",)
            cur.execute(
                "SELECT v.actual, v.commentary FROM kpis_kpivalue v JOIN kpis_kpi k "
                "ON k.id = v.kpi_id WHERE k.code = 'BK 01'")
            assert cur.fetchall() == [(Decimal("68.4000"), "Fell after the new triage")]
            cur.execute("SELECT count(*) FROM django_migrations")
            (migrations,) = cur.fetchone()
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM django_migrations")
            assert cur.fetchone() == (migrations,)
    finally:
        dropped = subprocess.run(["dropdb", "--if-exists", restored],
                                 env={"PATH": "/usr/bin:/bin", **pg_env}, capture_output=True)
        assert dropped.returncode == 0, dropped.stderr
