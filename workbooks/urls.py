from django.urls import path

from workbooks import views

urlpatterns = [
    path(
        "<slug:council>/workbook.xlsx",
        views.CouncilWorkbookView.as_view(),
        name="council-workbook",
    ),
]
