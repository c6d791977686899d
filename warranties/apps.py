from django.apps import AppConfig


class WarrantiesConfig(AppConfig):
    name = "warranties"
    default_auto_field = "django.db.models.BigAutoField"
