# councilplans: gunicorn + whitenoise, configured by environment variables
# (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, BEHIND_TLS_PROXY; see README).
# CI runs the whole suite on PostgreSQL under this Python version too (.ci/run reads it here).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home /app app

# WeasyPrint (the cabinet pack's PDF) draws text with Pango; fonts for it to draw with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Runtime pins only: the test tools (requirements-test.lock) never enter the image.
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .
# collectstatic needs settings but no secrets or database: a throwaway key for the build only.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input \
    && chown -R app:app /app

USER app
EXPOSE 8000
# tests/test_gunicorn.py runs this very command against a real request.
# The companion container (same image and environment) runs the task worker that sends the
# quarterly collection reminders:  python manage.py db_worker --no-reload
# and a daily scheduler (cron, a systemd timer or the platform's) enqueues the run with
#   python manage.py send_reminders --enqueue   (see README, "The task worker").
CMD ["gunicorn", "councilplans.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
