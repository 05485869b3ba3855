"""Background tasks of the editions app (Django's tasks API, through the django-tasks backport)."""

from django_tasks import task


@task()
def report_generate(run_id: int) -> None:
    """Produce one overview report run; its progress is written to the run as it goes."""
    from bluelight.editions.report.runs import report_run_execute

    report_run_execute(run_id=run_id)
