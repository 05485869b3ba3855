"""Rounds ask organisations for their collaborations; returns hold the answers as staged items.

Return items never change published collaborations by themselves: consolidation merges them.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bluelight.collaborations.models import Basis, Collaboration, Scope, Status, Theme
from bluelight.collaborations.partial_dates import Precision, format_partial_date
from bluelight.core.versions import version_field
from bluelight.organisations.models import Organisation
from bluelight.returns.figures import Figure, item_figure


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A collection exercise, e.g. "Summer 2014 call for examples"."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    guidance = models.TextField(_("guidance for organisations"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.DRAFT)
    scope_description = models.CharField(_("organisations asked"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = _("collection round")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="round_closes_after_it_opens",
                violation_error_message=_("The closing date must be on or after the opening date."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("returns:round_dashboard", args=[self.pk])

    def days_to_deadline(self, today: datetime.date | None = None) -> int:
        return (self.closes_on - (today or datetime.date.today())).days

    @property
    def reference_date(self) -> datetime.date:
        """The date names in this round's returns are resolved at (mergers)."""
        return self.opens_on


class Request(models.Model):
    """The round's request to one organisation: who was asked, when notified and reminded."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="requests")
    notified_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("request")
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_request_per_organisation_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.organisation}"


class ReturnState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online form")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")


class Return(models.Model):
    """One organisation's answer to a round: a set of items, one per collaboration."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(_("state"), max_length=10, choices=ReturnState.choices, default=ReturnState.DRAFT)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.ONLINE)
    analyst_comment = models.TextField(_("comment from the analyst"), blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("return")
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_return_per_organisation_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.round}"

    @property
    def is_editable_by_organisation(self) -> bool:
        return self.state in (ReturnState.DRAFT, ReturnState.RETURNED)


class ItemAction(models.TextChoices):
    NEW = "new", _("New collaboration")
    UPDATE = "update", _("Update to a known collaboration")
    CONFIRM = "confirm", _("Known collaboration, no change")
    ENDED = "ended", _("Known collaboration that has ended")


class ItemProgress(models.TextChoices):
    """Where the editor is with one item of the task list (GOV.UK task list statuses)."""

    NOT_STARTED = "not_started", _("Not yet started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


def _figure_basis(verbose_name):
    return models.CharField(verbose_name, max_length=30, choices=Basis.choices, blank=True)


def _figure_price_year(verbose_name):
    return models.PositiveSmallIntegerField(verbose_name, null=True, blank=True)


def _figure_recipient(verbose_name):
    return models.ForeignKey(
        Organisation, verbose_name=verbose_name, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class ReturnItem(models.Model):
    """One collaboration as reported: the parsed values beside the original cells (`raw`).

    Money columns are kept as reported (one-off cost, one-off savings, annual savings, external
    funding): consolidation turns them into benefits of the right kind. `savings_basis` and
    `price_year` are every figure's default; a figure's own basis and price year (blank: the
    default) and recipient (blank: the reporting organisation) are beside it (returns/figures.py).
    """

    return_obj = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="items", db_column="return_id")
    reference = models.CharField(_("reference"), max_length=60)
    row_number = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=ItemAction.choices, default=ItemAction.NEW)
    known_collaboration = models.ForeignKey(
        Collaboration,
        verbose_name=_("known collaboration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="return_items",
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATIONAL)
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.YEAR)
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.YEAR)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, blank=True)
    one_off_cost_gbp = models.DecimalField(
        _("one-off cost (£)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    one_off_savings_gbp = models.DecimalField(
        _("one-off savings (£)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    annual_savings_gbp = models.DecimalField(
        _("annual savings (£)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    external_funding_gbp = models.DecimalField(
        _("external funding (£)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    savings_basis = models.CharField(_("savings basis"), max_length=30, blank=True)
    price_year = models.PositiveSmallIntegerField(_("price year"), null=True, blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    annual_savings_basis = _figure_basis(_("annual savings basis"))
    annual_savings_price_year = _figure_price_year(_("annual savings price year"))
    annual_savings_recipient = _figure_recipient(_("annual savings accrue to"))
    one_off_savings_basis = _figure_basis(_("one-off savings basis"))
    one_off_savings_price_year = _figure_price_year(_("one-off savings price year"))
    one_off_savings_recipient = _figure_recipient(_("one-off savings accrue to"))
    one_off_cost_basis = _figure_basis(_("one-off cost basis"))
    one_off_cost_price_year = _figure_price_year(_("one-off cost price year"))
    one_off_cost_recipient = _figure_recipient(_("one-off cost borne by"))
    external_funding_basis = _figure_basis(_("external funding basis"))
    external_funding_price_year = _figure_price_year(_("external funding price year"))
    external_funding_recipient = _figure_recipient(_("external funding received by"))
    # Not in the item's history by itself: its `raw` keeps the cell as typed, as for partners.
    secondary_themes = models.ManyToManyField(
        Theme, verbose_name=_("secondary themes"), blank=True, related_name="secondary_return_items"
    )
    raw = models.JSONField(_("original values"), default=dict, blank=True)
    # A pre-filled collaboration starts not started: the editor confirms, updates or ends each one.
    progress = models.CharField(
        _("progress"), max_length=12, choices=ItemProgress.choices, default=ItemProgress.COMPLETED
    )
    analyst_comment = models.TextField(_("comment from the analyst"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["return_obj", "row_number", "pk"]
        verbose_name = _("return item")
        constraints = [
            models.UniqueConstraint(fields=["return_obj", "reference"], name="reference_unique_per_return"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="return_item_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=(Q(one_off_cost_gbp__isnull=True) | Q(one_off_cost_gbp__gte=0))
                & (Q(one_off_savings_gbp__isnull=True) | Q(one_off_savings_gbp__gte=0))
                & (Q(annual_savings_gbp__isnull=True) | Q(annual_savings_gbp__gte=0))
                & (Q(external_funding_gbp__isnull=True) | Q(external_funding_gbp__gte=0)),
                name="return_item_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start_date, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end_date, self.end_precision)

    def figure(self, name: str) -> Figure:
        """One money figure ("annual_savings", ...) with its basis, price year and recipient, defaults applied."""
        return item_figure(self, name)


class ItemPartner(models.Model):
    """A partner as the organisation typed it, and the register organisation it resolved to."""

    item = models.ForeignKey(ReturnItem, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    typed_as = models.CharField(_("as typed"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("reported partner")
        constraints = [models.UniqueConstraint(fields=["item", "organisation"], name="item_partner_once")]

    def __str__(self) -> str:
        return str(self.organisation)


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    PREVIEW = "preview", _("Checking the file")
    IMPORT = "import", _("Importing")


class ImportRun(models.Model):
    """A large return file checked, then imported, by the background worker, with its progress.

    First a preview (a dry run); once the editor confirms it, the same run imports the file. The file
    waits in the uploads folder under `token` until then (returns/uploads.py).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="import_runs")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file name"), max_length=255)
    token = models.CharField(max_length=64, blank=True)  # the file kept in MEDIA_ROOT/uploads; "" once removed
    rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    phase = models.CharField(_("phase"), max_length=10, choices=ImportPhase.choices, default=ImportPhase.PREVIEW)
    state = models.CharField(_("state"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Problems in the file, each {row, column, value, message}; any means nothing was imported.
    errors = models.JSONField(default=list, blank=True)
    # What the import would do or did: counts and references (rows, to_create, to_update, ...).
    result = models.JSONField(default=dict, blank=True)
    failure = models.TextField(_("what went wrong"), blank=True)  # an error in the run itself, not in the file

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("background import")

    def __str__(self) -> str:
        return f"{self.filename} for {self.organisation} ({self.get_phase_display()}: {self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("returns:import_run", args=[self.round_id, self.organisation.slug, self.pk])

    @property
    def working(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)

    @property
    def awaiting_confirmation(self) -> bool:
        """Previewed without problems: the editor may now confirm the import."""
        return self.phase == ImportPhase.PREVIEW and self.state == ImportState.DONE and not self.errors
