"""What the project as a whole keeps in the database: the background workers' heartbeats."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running `bluelight db_worker`: it writes `seen_at` every few seconds, even during a long task,
    so that a run page can tell "waiting behind other work" from "nobody is working"."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return f"Worker {self.worker_id} on {self.host} (pid {self.pid})"
