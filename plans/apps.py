from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans and councils"

    def ready(self) -> None:
        from plans import dataversion

        dataversion.connect()
