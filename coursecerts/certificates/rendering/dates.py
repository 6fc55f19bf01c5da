"""The date printed on a certificate, in the page's language."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from django.conf import settings
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS


def certificate_date(value: datetime | None, fmt: str | None = None) -> str:
    """`value` in CERTIFICATE_DATE_FORMAT, in the active language's conventions (Babel, from CLDR): a format by
    name, `short`, `medium`, `long` (the default: "December 1, 2026", "1 ديسمبر 2026") or `full`, or a CLDR
    pattern such as "d MMMM y". A strftime format (one with %) is kept for every language, as Open edX's
    strftime_localized: %B, %b and %A are translated, the other directives are strftime's."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    fmt = fmt or settings.CERTIFICATE_DATE_FORMAT
    if "%" in fmt:
        return _strftime_localized(value, fmt)
    return format_date(value.date(), format=fmt, locale=_locale(translation.get_language()))


@lru_cache(maxsize=32)
def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language or settings.LANGUAGE_CODE))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _strftime_localized(value: datetime, fmt: str) -> str:
    names = {
        "%B": MONTHS[value.month],
        "%b": MONTHS_3[value.month].title(),
        "%A": WEEKDAYS[value.weekday()],
    }
    for directive, name in names.items():
        fmt = fmt.replace(directive, str(name).replace("%", "%%"))
    return value.strftime(fmt)
