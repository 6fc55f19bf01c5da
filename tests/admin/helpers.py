"""URLs and messages of the real admin, for the admin tests."""

from django.contrib.admin.utils import quote
from django.contrib.messages import get_messages
from django.urls import reverse


def admin_url(model, view: str = "changelist", obj=None) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    return reverse(name, args=[quote(obj.pk)] if obj is not None else [])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_errors(response) -> str:
    """Every error of the admin form on the page (field and non-field), as one string."""
    adminform = response.context["adminform"]
    return " ".join(str(error) for errors in adminform.form.errors.values() for error in errors)
