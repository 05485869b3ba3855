"""What the working group decides from the data and what services record about it: strategic weights for
research priorities, research questions commissioned, and each service's duty-to-collaborate record.

Priority scores, opportunities and the network are computed from published records on each request
(priorities.py, opportunities.py, network.py); only what people decide or record is stored here.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bluelight.collaborations.models import Collaboration, EvidenceItem, Publication, Theme, validate_pdf
from bluelight.organisations.models import Organisation

STRATEGIC_MAX = 10  # an analyst's strategic weight for a theme runs 0..10; 5 is neutral


class StrategicWeight(models.Model):
    """The working group's judgement of a theme's strategic importance (0 to 10), with its reason: the one
    component of a priority score that is not computed from the data."""

    theme = models.OneToOneField(Theme, on_delete=models.CASCADE, related_name="strategic_weight")
    value = models.PositiveSmallIntegerField(
        _("strategic weight"), default=5, validators=[MinValueValidator(0), MaxValueValidator(STRATEGIC_MAX)]
    )
    reason = models.TextField(_("reason"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    set_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategic weight")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=STRATEGIC_MAX), name="strategic_weight_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme}: {self.value}"


class ResearchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    COMMISSIONED = "commissioned", _("Commissioned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")


class ResearchQuestion(models.Model):
    """A research question in the commissioning register: what it asks, on which themes, who commissioned
    and carried it out, when, and the evidence items it produced."""

    question = models.CharField(_("research question"), max_length=300)
    description = models.TextField(_("why it matters and what it covers"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="research_questions")
    status = models.CharField(
        _("status"), max_length=20, choices=ResearchStatus.choices, default=ResearchStatus.PROPOSED
    )
    commissioned_by = models.CharField(_("commissioned by"), max_length=200, blank=True)
    carried_out_by = models.CharField(_("carried out by"), max_length=200, blank=True)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    evidence = models.ManyToManyField(
        EvidenceItem, verbose_name=_("resulting evidence items"), blank=True, related_name="research_questions"
    )
    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[themes, evidence])

    class Meta:
        ordering = ["status", "question"]
        verbose_name = _("research question")
        constraints = [
            models.CheckConstraint(
                condition=Q(commissioned_on__isnull=True)
                | Q(proposed_on__isnull=True)
                | Q(commissioned_on__gte=F("proposed_on")),
                name="research_commissioned_after_proposed",
                violation_error_message=_("The date commissioned must be on or after the date proposed."),
            ),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True)
                | Q(commissioned_on__isnull=True)
                | Q(reported_on__gte=F("commissioned_on")),
                name="research_reported_after_commissioned",
                violation_error_message=_("The date reported must be on or after the date commissioned."),
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("insights:research_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED


class DutySource(models.TextChoices):
    FINDER = "finder", _("From the opportunity finder")
    PROPOSAL = "proposal", _("Proposed by another service")
    OWN = "own", _("Our own idea")


class DutyDecision(models.TextChoices):
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    PROCEED = "proceed", _("Go ahead")
    DECLINE = "decline", _("Do not go ahead")


class StatutoryAnswer(models.TextChoices):
    """An answer to one statutory test: would it (not) do this?"""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_ASSESSED = "", _("Not yet assessed")


class DutyOpportunity(models.Model):
    """One opportunity a service considered under the duty to collaborate (Policing and Crime Act 2017,
    Part 1): the proposal, the partners notified, their joint consideration, the decision and its reasons
    against the statutory tests, and the collaboration that resulted. Kept by the service itself; English
    services must be able to show it, Welsh services may keep it voluntarily."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="duty_opportunities", verbose_name=_("kept by")
    )
    title = models.CharField(_("opportunity"), max_length=300)
    proposal = models.TextField(_("proposal"), blank=True)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="duty_opportunities",
        verbose_name=_("theme"),
    )
    source = models.CharField(_("where it came from"), max_length=20, choices=DutySource.choices,
                              default=DutySource.OWN)
    identified_on = models.DateField(_("identified on"))
    considered_jointly_on = models.DateField(_("considered jointly on"), null=True, blank=True)
    joint_consideration = models.TextField(
        _("joint consideration"), blank=True, help_text=_("Who considered it together, and what they looked at.")
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=DutyDecision.choices, default=DutyDecision.UNDER_CONSIDERATION
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    efficiency = models.CharField(
        _("would it be in the interests of efficiency?"), max_length=3, choices=StatutoryAnswer.choices, blank=True
    )
    effectiveness = models.CharField(
        _("would it be in the interests of effectiveness?"), max_length=3, choices=StatutoryAnswer.choices, blank=True
    )
    public_safety_harm = models.CharField(
        _("would it have an adverse effect on public safety?"), max_length=3, choices=StatutoryAnswer.choices,
        blank=True,
    )
    reasons = models.TextField(_("reasons for the decision"), blank=True)
    collaboration = models.ForeignKey(
        Collaboration, null=True, blank=True, on_delete=models.SET_NULL, related_name="duty_opportunities",
        verbose_name=_("resulting collaboration"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-identified_on", "title"]
        verbose_name = _("duty to collaborate opportunity")
        verbose_name_plural = _("duty to collaborate opportunities")
        constraints = [
            models.CheckConstraint(
                condition=Q(considered_jointly_on__isnull=True) | Q(considered_jointly_on__gte=F("identified_on")),
                name="duty_considered_after_identified",
                violation_error_message=_("The joint consideration must be on or after the date identified."),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("identified_on")),
                name="duty_decided_after_identified",
                violation_error_message=_("The decision must be on or after the date identified."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insights:duty_detail", args=[self.organisation.slug, self.pk])


class DutyNotification(models.Model):
    """A partner told of the opportunity, when, and what it answered."""

    opportunity = models.ForeignKey(DutyOpportunity, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="duty_notifications",
                                     verbose_name=_("partner notified"))
    notified_on = models.DateField(_("notified on"))
    response = models.TextField(_("their response"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["notified_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "organisation"], name="duty_notified_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({date_format(self.notified_on, 'j F Y')})"  # the month in the page's language


def duty_upload_to(instance, filename: str) -> str:
    # A random name: the uploader's file name is never used on disk or in a URL.
    return f"duty/{uuid.uuid4().hex}.pdf"


class DutyDocument(models.Model):
    """A paper behind the record (business case, minutes, letters): a link or an uploaded PDF."""

    opportunity = models.ForeignKey(DutyOpportunity, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    document = models.FileField(
        _("document (PDF)"), upload_to=duty_upload_to, blank=True, max_length=200, validators=[validate_pdf]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(document=""), name="duty_document_link_or_file",
                violation_error_message=_("Give a link or upload a PDF."),
            ),
        ]

    def __str__(self) -> str:
        return self.title
