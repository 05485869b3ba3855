"""Clusters of return items that describe one collaboration, and the merges made from them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bluelight.collaborations.models import Collaboration, Theme
from bluelight.returns.models import ReturnItem, Round


class ClusterState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    MERGED = "merged", _("Merged")


class ConfidenceBand(models.TextChoices):
    """How sure the matcher is that a cluster is right as proposed, in words people can act on."""

    ALMOST_CERTAIN = "almost_certain", _("almost certain")
    LIKELY = "likely", _("likely")
    DOUBTFUL = "doubtful", _("doubtful")
    ONE_PARTNER = "one_partner", _("reported by one partner only")


# A cluster's score is a calibrated probability that it is right as proposed: these are the lower
# bounds of the bands, highest first. Change them here only: the queue, the cluster page, the bulk
# merge and `bluelight consolidate --json` all read the band from Cluster.confidence_band.
BAND_FLOORS = ((ConfidenceBand.ALMOST_CERTAIN, 0.9), (ConfidenceBand.LIKELY, 0.7))


def confidence_band_of(score: float, *, reports: int, matches_existing: bool) -> ConfidenceBand:
    """The band of a score; one report matched to nothing has no score worth showing."""
    if reports <= 1 and not matches_existing:
        return ConfidenceBand.ONE_PARTNER
    for band, floor in BAND_FLOORS:
        if score >= floor:
            return band
    return ConfidenceBand.DOUBTFUL


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
    def size(self) -> int:
        """How many reports the cluster holds (the queue annotates `report_count` to save a query)."""
        annotated = getattr(self, "report_count", None)
        return annotated if annotated is not None else len(self.members.all())

    @property
    def confidence_band(self) -> ConfidenceBand:
        return confidence_band_of(self.score, reports=self.size, matches_existing=bool(self.existing_collaboration_id))

    @property
    def confidence_label(self) -> str:
        """The score in words: "almost certain", "likely", "doubtful" or "reported by one partner only"."""
        return str(self.confidence_band.label)

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


class MatchingState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Matching")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class MatchingRun(models.Model):
    """One matching of a round's reports into proposed clusters, run as a background task, with its progress."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="matching_runs")
    state = models.CharField(_("state"), max_length=10, choices=MatchingState.choices, default=MatchingState.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    clusters = models.PositiveIntegerField(_("clusters proposed"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("matching run")

    def __str__(self) -> str:
        return f"Matching {self.round} ({self.get_state_display()})"

    @property
    def working(self) -> bool:
        return self.state in (MatchingState.QUEUED, MatchingState.RUNNING)


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
