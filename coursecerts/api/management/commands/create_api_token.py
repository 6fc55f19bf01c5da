"""Make an API token for a user and print it (and nothing else): it is shown once, only its hash is kept.

coursecerts create_api_token platform-bot --name "LMS sync"
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coursecerts.api.services import api_token_create


class Command(BaseCommand):
    help = (
        "Make an API token for <username> and print it; clients send it as 'Authorization: Bearer <token>'."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", type=str)
        parser.add_argument("--name", type=str, default="", help="What the token is for.")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; create it first (e.g. createsuperuser).")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; its token would be refused.")
        _, token = api_token_create(user=user, name=name)
        self.stdout.write(token)
