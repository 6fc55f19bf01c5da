from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "coursecerts.certificates"
    label = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from coursecerts.certificates import handlers  # noqa: F401  (connects the triggers)
