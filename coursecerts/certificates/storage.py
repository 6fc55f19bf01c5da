"""The private storage of rendered certificate PDFs (STORAGES["certificate_pdfs"], README "Storage")."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class CertificatePdfStorage(FileSystemStorage):
    """Files under CERTIFICATE_PDF_ROOT, a folder outside MEDIA_ROOT that nothing serves: a PDF has no URL of
    its own and is read only by /certificates/<verify_uuid>/pdf after the certificate's state is checked. The
    folder is read when first used, so tests and operators may change the setting."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.CERTIFICATE_PDF_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "CERTIFICATE_PDF_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Certificate PDFs are private: serve them through /certificates/<verify_uuid>/pdf.")
