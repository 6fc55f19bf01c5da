from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "coursecerts.credentials"
    label = "credentials"
    verbose_name = "Open Badges credentials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from coursecerts.certificates.services.pdf import pdf_attachment_provider_register
        from coursecerts.credentials import (
            checks,  # noqa: F401  (registers the system checks)
            handlers,  # noqa: F401  (receives CERTIFICATES_WRITTEN: issue and revoke in the writer's transaction)
        )
        from coursecerts.credentials.attachment import certificate_pdf_attachment

        pdf_attachment_provider_register(certificate_pdf_attachment)  # the PDF carries the credential (h17)
