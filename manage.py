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
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
