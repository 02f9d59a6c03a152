"""Environment for the test suite, loaded as a pytest plugin (-p) before Django configures.

The suite runs with production-like settings, minus HTTPS redirects and manifest storage.
"""

import os

import pytest

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("SESSION_COOKIE_SECURE", "False")
os.environ.setdefault("CSRF_COOKIE_SECURE", "False")
os.environ.setdefault("STATIC_MANIFEST", "False")
os.environ.setdefault("FAST_PASSWORD_HASHER", "True")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) the tests that belong to the other of CI's two runs.

    CI runs the whole suite on SQLite and again on PostgreSQL. Tests marked `postgresql` need
    PostgreSQL: they run in the PostgreSQL run only. Tests marked `database_independent` start
    their own processes on their own SQLite file whatever the suite's database (the README's
    production steps, gunicorn, the benchmark): the PostgreSQL run would repeat them exactly,
    so they run in the SQLite run only.
    """
    from django.conf import settings

    on_postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    other_run = "database_independent" if on_postgresql else "postgresql"
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(other_run) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    """Under FAIL_ON_SKIP=1 (CI), a skipped test fails the run."""
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"FAIL_ON_SKIP: {len(skipped)} test(s) skipped; CI allows none.", red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back data must not leave pages behind."""
    from django.core.cache import cache

    cache.clear()
