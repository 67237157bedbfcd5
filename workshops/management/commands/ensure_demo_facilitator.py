"""`manage.py ensure_demo_facilitator`: a login for trying the product locally, made once."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the demo facilitator account and print its password, once. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument(
            "--site",
            default="http://127.0.0.1:8000",
            help="Where the server will answer, for the login address printed.",
        )

    def handle(self, *args, username: str, site: str, **options) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Demo facilitator '{username}' already exists (its password was printed when it "
                f"was created; reset it with: python manage.py changepassword {username})."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_user(username=username, password=password, first_name="Demo")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo facilitator created. Log in at {site.rstrip('/')}/accounts/login/ "
                f"with username '{username}' and password '{password}' (shown only this once)."
            )
        )
