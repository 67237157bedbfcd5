"""The pattern catalogue and the matching engine."""

from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "patterns"
    verbose_name = "Pattern catalogue"
