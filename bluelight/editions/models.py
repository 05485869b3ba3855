"""Editions and their frozen entries. Published means immutable: entries are only ever read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Edition(models.Model):
    """A dated snapshot of the published collaborations, e.g. "2014 overview"."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("identifier"), max_length=160, unique=True)
    as_of = models.DateField(_("as of"))
    is_baseline = models.BooleanField(_("baseline"), default=False)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    collaborations = models.PositiveIntegerField(_("collaborations"), default=0)

    class Meta:
        ordering = ["as_of", "pk"]
        verbose_name = _("edition")
        constraints = [
            models.UniqueConstraint(fields=["is_baseline"], condition=Q(is_baseline=True), name="one_baseline_edition")
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One collaboration as it stood when the edition was published (plain JSON, never updated)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="entries")
    uid = models.UUIDField(_("stable identifier"))
    collaboration_id = models.BigIntegerField(_("record id at publication"))
    data = models.JSONField()

    class Meta:
        verbose_name = _("edition entry")
        verbose_name_plural = _("edition entries")
        constraints = [models.UniqueConstraint(fields=["edition", "uid"], name="entry_once_per_edition")]

    def __str__(self) -> str:
        return self.data.get("title", str(self.uid))
