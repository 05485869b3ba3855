"""The organisation register: organisations, their aliases and the police force areas they cover."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrganisationType(models.TextChoices):
    POLICE_FORCE = "police_force", _("Police force")
    FIRE_AND_RESCUE = "fire_and_rescue", _("Fire and rescue service")
    AMBULANCE_TRUST = "ambulance_trust", _("Ambulance trust")
    POLICE_AND_CRIME_COMMISSIONER = "police_and_crime_commissioner", _("Police and crime commissioner")
    COUNCIL = "council", _("Local authority")
    NHS_BODY = "nhs_body", _("NHS body")
    CHARITY = "charity", _("Charity or voluntary organisation")
    NATIONAL_BODY = "national_body", _("National body")
    OTHER = "other", _("Other organisation")


class Service(models.TextChoices):
    """The blue-light service an organisation belongs to; everything else is the wider public sector."""

    POLICE = "police", _("Police")
    FIRE = "fire", _("Fire and rescue")
    AMBULANCE = "ambulance", _("Ambulance")
    WIDER = "wider", _("Wider public sector")


# A police and crime commissioner governs policing, so it counts with the police service.
SERVICE_OF_TYPE = {
    OrganisationType.POLICE_FORCE: Service.POLICE,
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER: Service.POLICE,
    OrganisationType.FIRE_AND_RESCUE: Service.FIRE,
    OrganisationType.AMBULANCE_TRUST: Service.AMBULANCE,
}
TYPES_OF_SERVICE = {
    service: [t for t in OrganisationType if SERVICE_OF_TYPE.get(t, Service.WIDER) == service] for service in Service
}


class Country(models.TextChoices):
    ENGLAND = "England", _("England")
    WALES = "Wales", _("Wales")


REGIONS = [
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
]


class PoliceForceArea(models.Model):
    """One of the 43 police force areas: the common geography that places every organisation on a map."""

    code = models.CharField(_("ONS code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=100)
    country = models.CharField(_("country"), max_length=10, choices=Country.choices)
    region = models.CharField(_("region"), max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("police force area")

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "OrganisationQuerySet":
        """Organisations that existed on `day` (validity is kept in whole years)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day.year)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day.year)
        )

    def of_service(self, service: str) -> "OrganisationQuerySet":
        return self.filter(type__in=TYPES_OF_SERVICE[Service(service)])


class Organisation(models.Model):
    """A police force, fire and rescue service, ambulance trust, commissioner or other partner.

    Validity is in years because mergers take effect on 1 April and the sources give years:
    an organisation with valid_to=2016 is a predecessor from 2016 on, and `successor` is the
    body that took over its work.
    """

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    country = models.CharField(_("country"), max_length=10, choices=Country.choices, default=Country.ENGLAND)
    region = models.CharField(_("region"), max_length=40, blank=True)
    official_code = models.CharField(_("official code"), max_length=12, blank=True, help_text=_("ONS or NHS ODS code"))
    notes = models.TextField(_("notes"), blank=True)
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(
        _("valid to (year)"), null=True, blank=True, help_text=_("Year it merged or closed")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    police_force_areas = models.ManyToManyField(
        PoliceForceArea,
        verbose_name=_("police force areas covered"),
        blank=True,
        related_name="organisations",
    )
    in_register = models.BooleanField(
        _("in the reference register"),
        default=False,
        help_text=_("Loaded from the vetted register; other partners are added by analysts."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[police_force_areas])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="organisation_valid_to_after_valid_from",
                violation_error_message=_("Valid to must be later than valid from."),
            ),
        ]
        indexes = [models.Index(fields=["type"]), models.Index(fields=["region"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("explorer:organisation_detail", args=[self.slug])

    @property
    def service(self) -> str:
        return SERVICE_OF_TYPE.get(self.type, Service.WIDER).value

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day.year) and (
            self.valid_to is None or self.valid_to > day.year
        )

    def current_body(self, day: datetime.date | None = None) -> "Organisation":
        """Follow successors until reaching the body that existed on `day` (today by default)."""
        day = day or datetime.date.today()
        body, seen = self, set()
        while not body.is_valid_on(day) and body.successor_id and body.pk not in seen:
            seen.add(body.pk)
            body = body.successor
        return body


class Alias(models.Model):
    """Another name people use for an organisation: a former name, short name or acronym.

    An alias with a `reporter` holds only in that organisation's returns: a short name such as
    HFRS means Hampshire to one reporter and Humberside to another, so what an analyst settles
    for one reporter must not change what the name means for everyone else.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=200)
    reporter = models.ForeignKey(
        Organisation,
        verbose_name=_("only in returns from"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reporter_aliases",
        help_text=_("Leave empty for a name that means this organisation to everyone."),
    )
    from_register = models.BooleanField(
        _("from the register file"),
        default=False,
        help_text=_("Loaded with the register; aliases analysts add are kept when the register is reloaded."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(reporter__isnull=True),
                name="alias_unique_per_organisation",
            ),
            # One reporter's short name stands for one organisation.
            models.UniqueConstraint(
                fields=["reporter", "name"], condition=Q(reporter__isnull=False), name="alias_unique_per_reporter"
            ),
        ]

    def __str__(self) -> str:
        return self.name
