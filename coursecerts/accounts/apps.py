from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in to the console: coursecerts accounts and single sign-on (README "Signing in to the console";
    ADR 0022)."""

    name = "coursecerts.accounts"
    label = "accounts"
