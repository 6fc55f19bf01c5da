"""Test settings: the base settings with fast, in-process stand-ins. Only tests import this module."""

from coursecerts.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
LOGGING["loggers"]["coursecerts"]["level"] = "DEBUG"  # noqa: F405  (caplog sees every line)
