"""Read-mostly pages for cabinet members: council home, quarterly dashboard, KPI pages, lists."""

from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("dashboard.list_urls")),
]
