"""Login, logout and password management with Django's auth views, in the product's look."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy


class PasswordResetView(auth_views.PasswordResetView):
    """The reset mail names the service (SITE_NAME), not the host it was requested on."""

    def form_valid(self, form):
        self.extra_email_context = {"site_name": settings.SITE_NAME}
        return super().form_valid(form)


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
