"""Revoke API tokens by id (see list_api_tokens), or every token of a user.

coursecerts revoke_api_token 12
coursecerts revoke_api_token --user platform-bot --dry-run
"""

from django.core.management.base import BaseCommand, CommandError

from coursecerts.api.models import ApiToken
from coursecerts.api.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens by id, or all of a user's tokens; --dry-run lists what would be revoked."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Token ids (list_api_tokens shows them).")
        parser.add_argument("--user", type=str, help="Revoke every active token of this user.")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, ids, user=None, dry_run=False, **options):
        if not ids and not user:
            raise CommandError("Give token ids or --user.")
        tokens = ApiToken.objects.active().select_related("user")
        tokens = tokens.filter(user__username=user) if user else tokens.filter(pk__in=ids)
        found = list(tokens.order_by("pk"))
        missing = sorted(set(ids) - {token.pk for token in found})
        if missing:
            raise CommandError(f"No active token with id {', '.join(map(str, missing))}.")
        for token in found:
            if not dry_run:
                api_token_revoke(token=token)
            verb = "Would revoke" if dry_run else "Revoked"
            self.stdout.write(f"{verb} token {token.pk} ({token.prefix}…) of {token.user.username}")
        return None
