"""Collaboration records and what hangs off them (partners, benefits, outcomes, evidence, provenance)."""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bluelight.collaborations.partial_dates import Precision, format_partial_date
from bluelight.core.versions import version_field
from bluelight.organisations.models import Organisation, Service


class Theme(models.Model):
    """An area of collaboration in the two-level taxonomy (e.g. First response > Co-responding)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Choose a top-level theme: the taxonomy has two levels.")})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A theme cannot be its own parent.")})

    @property
    def top_level(self) -> "Theme":
        return self.parent if self.parent_id else self


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_DEVELOPMENT = "in_development", _("In development")
    OPERATIONAL = "operational", _("Operational")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class Scope(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft (not public)")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CollaborationQuerySet(models.QuerySet):
    def published(self) -> "CollaborationQuerySet":
        return self.filter(publication=Publication.PUBLISHED, merged_into__isnull=True)

    def involving(self, organisations) -> "CollaborationQuerySet":
        return self.filter(partners__organisation__in=organisations).distinct()


class Collaboration(models.Model):
    """One joint initiative between two or more organisations.

    `uid` is the stable identity: it survives merges (the absorbed record points at the
    survivor through `merged_into`) and is what editions use to follow a record over time.
    """

    uid = models.UUIDField(_("stable identifier"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATIONAL)
    status_reason = models.TextField(
        _("reason for status"), blank=True, help_text=_("Why it ended or was discontinued, for example.")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.LOCAL)
    primary_theme = models.ForeignKey(
        Theme,
        verbose_name=_("primary theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_collaborations",
    )
    secondary_themes = models.ManyToManyField(
        Theme, verbose_name=_("secondary themes"), blank=True, related_name="secondary_collaborations"
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.YEAR)
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.YEAR)
    services = models.CharField(
        _("services involved"),
        max_length=60,
        blank=True,
        editable=False,
        help_text=_("Derived from the partners, e.g. 'fire,police'."),
    )
    lessons = models.TextField(
        _("lessons and barriers"), blank=True, help_text=_("Barriers met and what did not work.")
    )
    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.DRAFT
    )
    # Pages in the other language mark the record's text with this language (core/templatetags/languages.py).
    language = models.CharField(
        _("language of the text"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the title, description and lessons are written in."),
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed", editable=False
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # Bumped by the services with every saved change, to the record or its partners, benefits,
    # outcomes or contacts, so an edit based on an older copy is refused (bluelight/core/versions.py).
    version = version_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[secondary_themes])

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("collaboration")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="collaboration_end_not_before_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]
        indexes = [
            models.Index(fields=["publication", "status"]),
            models.Index(fields=["services"]),
            models.Index(fields=["start_date"]),
            # The public list reads published, unmerged records (CollaborationQuerySet.published) a
            # page at a time in each sort order: each index below gives SQLite (and PostgreSQL) that
            # page without sorting every published row, and the count from the index alone. At
            # 100,000 records, page 1 by title went from 147 ms to under 1 ms, the last page from
            # 2.2 s to 0.2 s (../shared/notes/explorer-at-100k.md). Writes are rare; reads are not.
            models.Index(fields=["publication", "merged_into", "title", "id"], name="collab_public_title_idx"),
            models.Index(
                fields=["publication", "merged_into", "start_date", "title", "id"], name="collab_public_start_idx"
            ),
            models.Index(fields=["publication", "merged_into", "created_at", "id"], name="collab_public_newest_idx"),
            # A record page's similar collaborations: the latest published ones on its main theme.
            models.Index(
                fields=["primary_theme", "publication", "merged_into", "start_date", "id"],
                name="collab_theme_recent_idx",
            ),
            # Covers the facets counted on the record's own columns, so their GROUP BYs read this
            # index and not the rows, whose descriptions make them a hundred times wider.
            models.Index(
                fields=["publication", "merged_into", "status", "scope", "services", "primary_theme"],
                name="collab_public_facets_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("explorer:collaboration_detail", args=[self.pk])

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start_date, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end_date, self.end_precision)

    @property
    def service_list(self) -> list[str]:
        return [s for s in self.services.split(",") if s]

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(s).label) for s in self.service_list]

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED and self.merged_into_id is None

    @property
    def lead(self) -> Organisation | None:
        partner = next((p for p in self.partners.all() if p.is_lead), None)
        return partner.organisation if partner else None


class Partner(models.Model):
    """An organisation taking part in a collaboration; exactly one partner is the lead."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partnerships"
    )
    is_lead = models.BooleanField(_("lead partner"), default=False)
    role = models.CharField(_("role"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead", "organisation__name"]
        verbose_name = _("partner")
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "organisation"],
                name="partner_once_per_collaboration",
                violation_error_message=_("This organisation is already a partner."),
            ),
            models.UniqueConstraint(
                fields=["collaboration"],
                condition=Q(is_lead=True),
                name="one_lead_per_collaboration",
                violation_error_message=_("A collaboration has exactly one lead partner."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class BenefitKind(models.TextChoices):
    """Kinds of financial benefit are kept apart because returns mix them."""

    ANNUAL_SAVING = "annual_saving", _("Annual recurring saving")
    CUMULATIVE_SAVING = "cumulative_saving", _("One-off or cumulative saving to a stated date")
    INVESTMENT_COST = "investment_cost", _("Investment cost")
    EXTERNAL_FUNDING = "external_funding", _("External funding received (never a saving)")
    NON_CASHABLE = "non_cashable", _("Claimed non-cashable value")


SAVING_KINDS = (BenefitKind.ANNUAL_SAVING, BenefitKind.CUMULATIVE_SAVING)


class Basis(models.TextChoices):
    ESTIMATED = "estimated", _("Projected or estimated")
    REALISED = "realised", _("Realised")
    INDEPENDENTLY_EVALUATED = "independently_evaluated", _("Independently evaluated")


class Benefit(models.Model):
    """A sum of money linked to a collaboration, of one kind and basis, accruing to one organisation."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(_("kind"), max_length=20, choices=BenefitKind.choices)
    amount_gbp = models.DecimalField(
        _("amount (£)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    basis = models.CharField(_("basis"), max_length=30, choices=Basis.choices, default=Basis.ESTIMATED)
    price_year = models.PositiveSmallIntegerField(
        _("price year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    to_date = models.DateField(
        _("to date"), null=True, blank=True, help_text=_("For a cumulative saving: the date it runs to.")
    )
    accrues_to = models.ForeignKey(
        Organisation,
        verbose_name=_("accrues to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("financial benefit")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_gbp__gte=0),
                name="benefit_amount_not_negative",
                violation_error_message=_("Amounts must not be negative: record a cost as an investment cost."),
            ),
            models.CheckConstraint(condition=Q(kind__in=BenefitKind.values), name="benefit_kind_known"),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="benefit_basis_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: £{self.amount_gbp:,.0f}"

    @property
    def is_saving(self) -> bool:
        return self.kind in SAVING_KINDS


class OutcomeMeasure(models.TextChoices):
    RESPONSE_MINUTES = "response_minutes", _("Response time (minutes)")
    HOURS_RELEASED = "hours_released", _("Officer or staff hours released")
    LIVES_SAVED = "lives_saved", _("Lives saved")
    INCIDENTS = "incidents", _("Incidents attended")
    OTHER = "other", _("Other")


class Outcome(models.Model):
    """A non-financial result: text, with an optional measured value."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="outcomes")
    description = models.TextField(_("outcome"))
    measure = models.CharField(_("measure"), max_length=20, choices=OutcomeMeasure.choices, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")

    def __str__(self) -> str:
        return self.description[:80]

    def clean(self) -> None:
        if self.value is not None and not self.measure:
            raise ValidationError({"measure": _("Choose what the value measures, or leave the value empty.")})


class MarylandScale(models.IntegerChoices):
    CLAIM = 0, _("0: claim only, no evaluation")
    CORRELATION = 1, _("1: correlation at one point in time")
    BEFORE_AFTER = 2, _("2: before and after, no comparison group")
    COMPARISON = 3, _("3: before and after with a comparison group")
    CONTROLLED = 4, _("4: comparison controlling for other factors")
    RANDOMISED = 5, _("5: randomised controlled trial")


class EvidenceKind(models.TextChoices):
    EVALUATION = "evaluation", _("Evaluation")
    AUDIT = "audit", _("Audit or inspection")
    RESEARCH = "research", _("Research output")
    CASE_STUDY = "case_study", _("Case study")


EVIDENCE_PDF_MAX_BYTES = 20 * 1024 * 1024  # reports run to a few megabytes; this keeps uploads from filling the disk


def evidence_upload_to(instance, filename: str) -> str:
    # A random name: the uploader's file name is never used on disk or in a URL.
    return f"evidence/{uuid.uuid4().hex}.pdf"


def validate_pdf(value) -> None:
    """An uploaded document must be a PDF of at most EVIDENCE_PDF_MAX_BYTES."""
    if getattr(value, "_committed", True):
        return  # already stored: it was checked when uploaded
    if not value.name.lower().endswith(".pdf"):
        raise ValidationError(_("The document must be a PDF file (ending .pdf)."), code="not_pdf")
    if value.size > EVIDENCE_PDF_MAX_BYTES:
        raise ValidationError(
            _("The document must be smaller than %(mb)s MB.") % {"mb": EVIDENCE_PDF_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    value.seek(0)
    head = value.read(5)
    value.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("The document must be a PDF file: this file is not one."), code="not_pdf")


class EvidenceItem(models.Model):
    """An evaluation, audit or research output, rated on the Maryland Scientific Methods Scale.

    It may be about several collaborations; `evaluated` names the one it actually evaluated, which must be
    one of them (services.evidence_item_create checks it).
    """

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.EVALUATION)
    url = models.URLField(_("link"), max_length=500, blank=True)
    author = models.CharField(_("authors or publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    method = models.TextField(_("method"), blank=True, help_text=_("How the evidence was gathered and compared."))
    summary = models.TextField(_("findings"), blank=True)
    strength = models.PositiveSmallIntegerField(
        _("strength (Maryland scale)"), choices=MarylandScale.choices, default=MarylandScale.CLAIM
    )
    strength_reason = models.TextField(_("reason for the rating"), blank=True)
    document = models.FileField(
        _("document (PDF)"), upload_to=evidence_upload_to, blank=True, max_length=200, validators=[validate_pdf]
    )
    collaborations = models.ManyToManyField(
        Collaboration, verbose_name=_("collaborations"), blank=True, related_name="evidence"
    )
    evaluated = models.ForeignKey(
        Collaboration,
        verbose_name=_("collaboration evaluated"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
        help_text=_("Where it is about several collaborations: the one it evaluated."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="evidence")
    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.PUBLISHED
    )
    is_demo = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(m2m_fields=[collaborations, themes])

    class Meta:
        ordering = ["-strength", "title"]
        verbose_name = _("evidence item")
        constraints = [
            models.CheckConstraint(condition=Q(strength__gte=0) & Q(strength__lte=5), name="evidence_strength_0_to_5"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12) & Q(year__isnull=False)),
                name="evidence_month_of_a_year",
                violation_error_message=_("Give the year with the month, and a month from 1 to 12."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("explorer:evidence_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED

    @property
    def date_display(self) -> str:
        if self.year and self.month:
            return date_format(datetime.date(self.year, self.month, 1), "F Y")
        return str(self.year or "")


class Contact(models.Model):
    """A named contact for a collaboration. Personal data: never shown to the public."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    role = models.CharField(_("role"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    ENTRY = "entry", _("Entered by a user")
    RETURN = "return", _("Return item")
    IMPORT = "import", _("Bulk import")
    DEMO = "demo", _("Demo data")


class Provenance(models.Model):
    """Where facts on a record came from: which report, by whom, covering which fields."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="provenance")
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    label = models.CharField(_("source"), max_length=300)
    reported_by = models.ForeignKey(
        Organisation, verbose_name=_("reported by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    # The exact source (a return item, say), held generically so this app depends on no later one.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    batch = models.UUIDField(null=True, blank=True, help_text=_("The merge that wrote it, so it can be undone."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("provenance")
        verbose_name_plural = _("provenance")

    def __str__(self) -> str:
        return self.label


class SearchEntry(models.Model):
    """A collaboration's row in the full-text index (bluelight/collaborations/search.py).

    Not managed by Django: the migration builds an FTS5 virtual table on SQLite (columns title,
    description, outcomes, lessons, benefits, evidence) and a table with a weighted `document`
    tsvector and a GIN index on PostgreSQL. The model is the join handle the search queries use;
    only `search.py` reads or writes the table.
    """

    collaboration = models.OneToOneField(
        Collaboration,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    document = models.TextField()  # PostgreSQL only (a tsvector); SQLite has the text columns instead

    class Meta:
        managed = False
        db_table = "collaborations_search"

    def __str__(self) -> str:
        return f"Search entry of collaboration {self.collaboration_id}"
