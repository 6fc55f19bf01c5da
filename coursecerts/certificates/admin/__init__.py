"""The certificates admin, one module per concern. Importing them registers the models."""

from coursecerts.certificates.admin import (  # noqa: F401
    configuration,
    generated,
    jobs,
    records,
    template_versions,  # after configuration, whose template admin it extends
)
