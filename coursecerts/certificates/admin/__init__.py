"""The certificates admin, one module per concern. Importing them registers the models."""

from coursecerts.certificates.admin import configuration, generated, jobs, records  # noqa: F401
