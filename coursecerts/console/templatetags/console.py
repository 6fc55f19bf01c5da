"""Template filters of the console: the reason codes of eligibility, as the sentence people read."""

from django import template
from django.utils.translation import gettext

from coursecerts.certificates.eligibility import Reason

register = template.Library()


@register.filter
def reason_label(code: str) -> str:
    """`not_passing` -> "Grade below the passing mark" (translated); an unknown code is shown as it is."""
    try:
        return gettext(Reason(code).label)
    except ValueError:
        return code


@register.filter
def sorted_items(counts: dict | None) -> list[tuple[str, int]]:
    """A tally's counts, largest first."""
    return sorted((counts or {}).items(), key=lambda item: (-item[1], item[0]))
