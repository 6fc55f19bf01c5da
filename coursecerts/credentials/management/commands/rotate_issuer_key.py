"""Add a new signing key for an organisation (its old keys stay in did.json), or re-encrypt all keys under
a new key-encryption key.

    coursecerts rotate_issuer_key MITx
    coursecerts rotate_issuer_key MITx --retire key-1   # take key-1 out of did.json: its credentials fail
    coursecerts rotate_issuer_key --rewrap              # after putting a new KEK first in the setting
"""

from django.core.management.base import BaseCommand, CommandError

from coursecerts.common.errors import ApplicationError
from coursecerts.credentials.models import IssuerKey
from coursecerts.credentials.selectors import organization_get_by_short_name
from coursecerts.credentials.services.keys import issuer_key_retire, issuer_key_rewrap_all, issuer_key_rotate


class Command(BaseCommand):
    help = "Add a new Open Badges signing key for an organisation; old keys keep verifying until retired."

    def add_arguments(self, parser):
        parser.add_argument("organization", nargs="?", help="The organisation's short name, e.g. MITx.")
        parser.add_argument("--retire", metavar="KEY_ID", help="Retire this key (e.g. key-1) instead.")
        parser.add_argument("--rewrap", action="store_true", help="Re-encrypt all keys under the first KEK.")

    def handle(self, *args, organization=None, retire=None, rewrap=False, **options):
        if rewrap:
            count = issuer_key_rewrap_all()
            self.stdout.write(f"{count} issuer keys re-encrypted under the first key-encryption key.")
            return
        if not organization:
            raise CommandError("Name an organisation (its short name), or give --rewrap.")
        org = organization_get_by_short_name(organization)
        if org is None:
            raise CommandError(f"No organisation with short name {organization!r}.")
        try:
            if retire:
                key = IssuerKey.objects.filter(organization=org, key_id=retire).first()
                if key is None:
                    raise CommandError(f"{organization} has no key {retire!r}.")
                issuer_key_retire(key=key)
                self.stdout.write(f"{key} retired: it is no longer in did.json.")
                return
            key = issuer_key_rotate(organization=org)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{key} now signs ({key.public_key_multibase}); older keys stay listed in did.json."
        )
