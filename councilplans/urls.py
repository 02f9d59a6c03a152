from django.contrib import admin
from django.urls import include, path

from councilplans import views

admin.site.site_header = "Council Plans administration"
admin.site.site_title = "Council Plans"
admin.site.index_title = "Plans, measures, risks and savings"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("work.account_urls")),
    path("", include("work.urls")),
    path("", include("dashboard.urls")),
]

# 403 and 404 use Django's handlers with the request's context (templates/403.html, 404.html);
# 400 and 500 are drawn without it, so they render whatever failed (councilplans/views.py).
handler400 = views.bad_request
handler500 = views.server_error
