from django.apps import AppConfig
from django.db.models.signals import post_save


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Strategic risks"

    def ready(self) -> None:
        from plans.models import Council
        from risks.services import give_council_its_matrix

        post_save.connect(
            give_council_its_matrix, sender=Council, dispatch_uid="risks_council_matrix"
        )
