"""List API tokens: id, prefix, user, name, created, last used, revoked.

coursecerts list_api_tokens --user platform-bot --active
"""

from django.core.management.base import BaseCommand

from coursecerts.api.models import ApiToken


class Command(BaseCommand):
    help = "List API tokens (never the tokens themselves: only their first characters are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--user", type=str, help="Only this user's tokens.")
        parser.add_argument("--active", action="store_true", help="Only tokens not revoked.")

    def handle(self, *args, user=None, active=False, **options):
        tokens = ApiToken.objects.select_related("user").order_by("pk")
        if user:
            tokens = tokens.filter(user__username=user)
        if active:
            tokens = tokens.active()
        self.stdout.write("id\tprefix\tuser\tname\tcreated\tlast_used\trevoked")
        for token in tokens:
            self.stdout.write(
                "\t".join(
                    str(value or "-")
                    for value in (
                        token.pk,
                        token.prefix,
                        token.user.username,
                        token.name,
                        token.created.isoformat(timespec="seconds"),
                        token.last_used_at and token.last_used_at.isoformat(timespec="seconds"),
                        token.revoked_at and token.revoked_at.isoformat(timespec="seconds"),
                    )
                )
            )
        return None
