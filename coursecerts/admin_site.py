"""The admin site: Django's, with the certificates app's models in three groups on the index and in the side
bar, so that a course team finds its daily work first and the settings apart (README "The admin"). The model
names stay Open edX's."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

# The certificates app's models by group, in the order shown; a model not named here is configuration.
DAILY_WORK = (
    "GeneratedCertificate",
    "CertificateAllowlist",
    "CertificateInvalidation",
    "CertificateDateOverride",
    "CertificateGenerationJob",
    "CertificateGenerationHistory",
)
COMMAND_CONFIGURATIONS = (
    "CertificateGenerationCommandConfiguration",
    "ModifiedCertificateTemplateCommandConfiguration",
    "PurgeReferencestoPDFCertificatesCommandConfiguration",
)
GROUPS = ("Certificates", "Certificate configuration", "Certificate command configurations")


class CoursecertsAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        """Django's list with the certificates app split into its three groups, placed first."""
        certificates, others = [], []
        for app in super().get_app_list(request, app_label):
            if app["app_label"] == "certificates":
                certificates = _certificate_groups(app)
            else:
                others.append(app)
        return [*certificates, *others]


def _certificate_groups(app: dict) -> list[dict]:
    def group_of(model: dict) -> int:
        name = model["object_name"]
        return 0 if name in DAILY_WORK else 2 if name in COMMAND_CONFIGURATIONS else 1

    def order(model: dict) -> tuple:
        name = model["object_name"]
        return (DAILY_WORK.index(name) if name in DAILY_WORK else 0, str(model["name"]))

    groups = []
    for index, title in enumerate(GROUPS):
        models = sorted((m for m in app["models"] if group_of(m) == index), key=order)
        if models:
            groups.append({**app, "name": title, "models": models})
    return groups


class CoursecertsAdminConfig(AdminConfig):
    """django.contrib.admin with our site as `admin.site` (settings.INSTALLED_APPS names this class)."""

    default_site = "coursecerts.admin_site.CoursecertsAdminSite"
