from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "work"
    verbose_name = "Officers' work"

    def ready(self) -> None:
        # Signing in starts the session clocks (idle timeout and lifetime) from the first login,
        # even one made before the first request is served.
        import councilplans.sessions  # noqa: F401
