"""Settings of the server bench/page.py measures: coursecerts as deployed (DEBUG off, persistent database
connections, every middleware), with pageurls.py adding a trivial view. Used as DJANGO_SETTINGS_MODULE=pagesite
with bench/ on the Python path."""

from coursecerts.settings import *  # noqa: F403

ROOT_URLCONF = "pageurls"
LOGGING["loggers"]["coursecerts"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["weasyprint"] = {"level": "ERROR"}  # noqa: F405  (it warns about CSS it skips, per render)
