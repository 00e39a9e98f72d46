from django.apps import AppConfig


class AdvisorConfig(AppConfig):
    name = "advisor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Read and check the rules once, before any request: a broken rule book
        # stops start-up with the same path:line messages as check_rules.
        from . import checks  # noqa: F401  (registers the system checks)
        from .rulebook import rulebook_startup

        rulebook_startup()
