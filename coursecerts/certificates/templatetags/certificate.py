"""The `certificate` library for the built-in templates; the same one operators' templates load (rendering.library)."""

from coursecerts.certificates.rendering.library import register  # noqa: F401
