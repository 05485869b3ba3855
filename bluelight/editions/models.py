"""Editions and their frozen entries. Published means immutable: entries are only ever read."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bluelight.editions.report.language import DEFAULT_LANGUAGE


class EditionManager(models.Manager):
    def get_queryset(self):
        # The frozen context can run to megabytes at 100,000 records; lists of editions never need it.
        return super().get_queryset().defer("context")


class Edition(models.Model):
    """A dated snapshot of the published collaborations, e.g. "2014 overview"."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("identifier"), max_length=160, unique=True)
    as_of = models.DateField(_("as of"))
    is_baseline = models.BooleanField(_("baseline"), default=False)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    collaborations = models.PositiveIntegerField(_("collaborations"), default=0)
    round = models.ForeignKey(
        "returns.Round",
        verbose_name=_("collection round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="editions",
        help_text=_("The round whose answers this edition reports: its response rates go into the methodology."),
    )
    # Frozen at publication with the entries: who was asked and who answered, by type of organisation.
    methodology = models.JSONField(default=dict, blank=True)
    # Frozen at publication with the entries: everything else a report or comparison reads (organisations
    # and the bodies they were part of, register counts, areas, themes, merged records). See ADR 0004.
    context = models.JSONField(default=dict, blank=True)

    objects = EditionManager()

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


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being produced")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
    """One production of an edition's overview report (HTML, PDF and spreadsheet), with its progress.

    Reports run as background tasks; the newest finished run of an edition is what the public downloads.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reports")
    compare_with = models.ForeignKey(
        Edition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("compared with")
    )
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The headline numbers of the finished report, so pages show them without recomputing 100,000 entries.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("overview report")

    def __str__(self) -> str:
        return f"{self.edition} ({self.get_state_display()})"

    @property
    def directory(self):
        return Path(settings.VAR_DIR) / "reports" / str(self.pk)

    def path(self, kind: str, language: str = DEFAULT_LANGUAGE):
        """The file of this run in `kind` (html, pdf, xlsx or page) and `language` (a run before reports were
        written in several languages has the default language's files only)."""
        return self.directory / report_file_name(kind, language)


def report_file_name(kind: str, language: str = DEFAULT_LANGUAGE) -> str:
    """overview.pdf, and overview.cy.pdf in another language; the web page's body page.html, page.cy.html. The
    default language keeps the names runs had before there were others, so older runs are read as they were."""
    stem, suffix = ("page", "html") if kind == "page" else ("overview", kind)
    return f"{stem}.{suffix}" if language == DEFAULT_LANGUAGE else f"{stem}.{language}.{suffix}"
