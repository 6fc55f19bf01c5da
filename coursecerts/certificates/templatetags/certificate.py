"""The `certificate` library for the built-in templates; the same one operators' templates load (web.library)."""

from coursecerts.certificates.web.library import register  # noqa: F401
