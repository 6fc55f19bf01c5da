from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "coursecerts.certificates"
    label = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from coursecerts.certificates import (
            handlers,  # noqa: F401  (connects the triggers)
            outbox,  # noqa: F401  (registers the outbox's generation handler)
            pdf_tasks,  # noqa: F401  (registers the PDF task)
        )
        from coursecerts.certificates.rendering import checks  # noqa: F401  (registers the system checks)
        from coursecerts.certificates.rendering.stored import render_epoch

        render_epoch()  # the code's part is read as the process starts, with the code it runs (rendering.stored)
