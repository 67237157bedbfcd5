"""The site itself as an app, so that its system checks run with `manage.py check`."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "parsecgo_site"
    verbose_name = "Parsecgo site"

    def ready(self) -> None:
        from parsecgo_site import checks  # noqa: F401  (registers the checks)
