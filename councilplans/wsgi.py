"""WSGI entry point: gunicorn serves councilplans.wsgi:application."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilplans.settings")
application = get_wsgi_application()

# Every view loaded now, then all that start-up made (modules, models, URL patterns: some
# hundred thousand objects that live as long as the process) moved out of the garbage
# collector's sight. Otherwise each full collection walks them all again, and a request that
# makes many objects (a 20,000-row export) sets off several: a quarter of a long KPI export's
# time. Only start-up objects are frozen; what requests make is collected as before.
get_resolver().url_patterns  # noqa: B018  (imports the URLconf and every view)
gc.freeze()
