"""Clusters of return items that describe one collaboration, and the merges made from them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Collaboration, Theme
from bluelight.returns.models import ReturnItem, Round


class ClusterState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    MERGED = "merged", _("Merged")


class Cluster(models.Model):
    """Return items (and perhaps an existing collaboration) proposed as one collaboration."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="clusters")
    state = models.CharField(_("state"), max_length=10, choices=ClusterState.choices, default=ClusterState.PROPOSED)
    score = models.FloatField(_("confidence"), default=1.0)
    explanation = models.TextField(_("why"), blank=True)
    existing_collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("existing collaboration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clusters",
    )
    suggested_theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    suggested_theme_score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("cluster")

    def __str__(self) -> str:
        return f"Cluster {self.pk} ({self.get_state_display()})"

    @property
    def uncertainty(self) -> float:
        """0 when sure either way, 1 at a coin toss: the review queue shows the most uncertain first."""
        return 1 - abs(self.score - 0.5) * 2


class ClusterItem(models.Model):
    """A return item's place in a cluster: every staged item is in exactly one."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    item = models.OneToOneField(ReturnItem, on_delete=models.CASCADE, related_name="cluster_member")

    class Meta:
        verbose_name = _("cluster item")

    def __str__(self) -> str:
        return str(self.item)


class Merge(models.Model):
    """What merging a cluster did, kept so that it can be undone."""

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, related_name="merge")
    collaboration = models.ForeignKey(Collaboration, on_delete=models.PROTECT, related_name="merges")
    created_collaboration = models.BooleanField(default=False)
    before = models.JSONField(default=dict, blank=True, help_text=_("The record before the merge, to undo it."))
    conflicts = models.JSONField(default=list, blank=True)
    provenance_batch = models.UUIDField()
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merge")

    def __str__(self) -> str:
        return f"Merge into {self.collaboration}"
