"""URLs of the list pages (included from dashboard/urls.py)."""

from django.urls import path

from dashboard import list_views

urlpatterns = [
    path("<slug:council>/kpis/", list_views.KpiListView.as_view(), name="kpi-list"),
    path("<slug:council>/actions/", list_views.ActionListView.as_view(), name="action-list"),
    path("<slug:council>/risks/", list_views.RiskListView.as_view(), name="risk-list"),
    path("<slug:council>/savings/", list_views.SavingsListView.as_view(), name="savings-list"),
]
