from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "purchases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from purchases import signals  # noqa: F401 - connects the receivers
