"""The date printed on a certificate, in the page's language."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS


def certificate_date(value: datetime | None, fmt: str | None = None) -> str:
    """`value` in CERTIFICATE_DATE_FORMAT (strftime) with month and weekday names in the active language, as
    Open edX's strftime_localized: %B, %b and %A are translated, the other directives are strftime's."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    names = {
        "%B": MONTHS[value.month],
        "%b": MONTHS_3[value.month].title(),
        "%A": WEEKDAYS[value.weekday()],
    }
    fmt = fmt or settings.CERTIFICATE_DATE_FORMAT
    for directive, name in names.items():
        fmt = fmt.replace(directive, str(name).replace("%", "%%"))
    return value.strftime(fmt)
