"""Users and their role; what a role may do is decided in policy.py, nowhere else."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ANALYST = "analyst", _("Analyst")
    EDITOR = "editor", _("Organisation editor")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("organisations edited"),
        blank=True,
        related_name="editors",
        help_text=_("An organisation editor sees and edits only these organisations' records."),
    )

    class Meta:
        verbose_name = _("user")

    def clean(self) -> None:
        super().clean()
        if self.is_superuser and self.role != Role.ADMIN:
            raise ValidationError({"role": _("A superuser must have the administrator role.")})

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def is_analyst(self) -> bool:
        return self.is_active and self.role == Role.ANALYST

    @property
    def is_editor(self) -> bool:
        return self.is_active and self.role == Role.EDITOR
