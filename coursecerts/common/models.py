"""Abstract bases shared by every app."""

from django.db import models


class TimeStampedModel(models.Model):
    """`created` and `modified`, the field names of Open edX's (django-model-utils) TimeStampedModel."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ConfigurationModel(models.Model):
    """A row-per-change configuration, as Open edX's django-config-models: the newest row is the current one."""

    change_date = models.DateTimeField(auto_now_add=True, verbose_name="change date")
    changed_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    enabled = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["-change_date", "-pk"]

    @classmethod
    def current(cls):
        """The newest row, or an unsaved disabled one when there is none."""
        return cls.objects.order_by("-change_date", "-pk").first() or cls()
