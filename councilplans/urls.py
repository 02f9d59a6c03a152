from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Council Plans administration"
admin.site.site_title = "Council Plans"
admin.site.index_title = "Plans, measures, risks and savings"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("work.account_urls")),
    path("", include("work.urls")),
    path("", include("dashboard.urls")),
]
