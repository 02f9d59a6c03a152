"""Officers' pages: my work, action updates, the quarterly return and value history."""

from django.urls import path

from work import views

urlpatterns = [
    path("start/", views.landing, name="landing"),  # where signing in leads
    path("my-work/", views.my_work, name="my-work"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path(
        "<slug:council>/<str:year>/<str:quarter>/return/",
        views.kpi_return,
        name="kpi-return",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/return/spreadsheet/",
        views.kpi_return_sheet,
        name="kpi-return-sheet",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/return/upload/",
        views.kpi_return_upload,
        name="kpi-return-upload",
    ),
    path(
        "<slug:council>/<str:year>/<str:quarter>/status/",
        views.quarter_status_board,
        name="quarter-status",
    ),
    path("kpi-values/<int:pk>/history/", views.kpi_value_history, name="kpi-value-history"),
]
