"""Read-mostly pages for cabinet members: council home, quarterly dashboard, KPI pages, lists."""

from django.urls import include, path

from dashboard import publishing_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("", include("dashboard.list_urls")),
    path("<slug:council>/", views.CouncilHomeView.as_view(), name="council-home"),
    path(
        "<slug:council>/dashboard/",
        views.LatestDashboardView.as_view(),
        name="latest-dashboard",
    ),
    path("<slug:council>/kpis/<int:pk>/", views.KpiDetailView.as_view(), name="kpi-detail"),
    path(
        "<slug:council>/<str:year>/<str:quarter>/",
        views.DashboardView.as_view(),
        name="dashboard",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/comparison/",
        views.ComparisonView.as_view(),
        name="quarter-comparison",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/sign-off/",
        publishing_views.SignOffView.as_view(),
        name="sign-off",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/cabinet-pack.pdf",
        publishing_views.CabinetPackView.as_view(),
        name="cabinet-pack",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/report.xlsx",
        publishing_views.QuarterWorkbookView.as_view(),
        name="quarter-workbook",
    ),
]
