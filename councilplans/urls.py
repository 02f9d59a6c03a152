from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from councilplans import views

# Lazy, so that the admin reads SITE_NAME when it renders a page (as the other pages do).
admin.site.site_header = lazy(lambda: f"{settings.SITE_NAME} administration", str)()
admin.site.site_title = lazy(lambda: settings.SITE_NAME, str)()
admin.site.index_title = "Plans, measures, risks and savings"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the static one (the
    # service's own: GOV.UK Frontend's favicons carry the crown, reserved for GOV.UK services).
    path(
        "favicon.ico",
        RedirectView.as_view(
            url=lazy(static, str)("images/favicon.ico"), http_method_names=["get", "head"]
        ),
        name="favicon",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("work.account_urls")),
    path("", include("work.urls")),
    path("", include("workbooks.urls")),
    path("", include("dashboard.urls")),
]

# 403 and 404 use Django's handlers with the request's context (templates/403.html, 404.html);
# 400 and 500 are drawn without it, so they render whatever failed (councilplans/views.py).
handler400 = views.bad_request
handler500 = views.server_error
