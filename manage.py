#!/usr/bin/env python
"""Django's command-line utility for councilplans."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilplans.settings")
    # Management commands (makemigrations, check, migrate) run without a SECRET_KEY on a
    # developer's machine; the web server (wsgi.py) still refuses to start without one, and
    # `check --deploy` flags the stand-in key (security.W009).
    os.environ.setdefault("DJANGO_INSECURE_DEV_KEY", "True")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A mistyped environment variable deserves one line, not a traceback.
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        # Only a failed connection (no database, server down): an error mid-command keeps its
        # traceback.
        if "--traceback" in sys.argv or connection.connection is not None:
            raise
        sys.exit(f"Cannot connect to {database()}: {' '.join(str(error).split())}")


def database() -> str:
    """The configured database, as DATABASE_URL names it, without the password."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"the SQLite database {db['NAME']}"
    return (
        f"database {db['NAME']!r} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432} "
        f"(DATABASE_URL; create the database first, e.g. `createdb {db['NAME']}`)"
    )


if __name__ == "__main__":
    main()
