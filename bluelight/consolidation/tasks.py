"""Background tasks of the consolidation app (Django's tasks API, through the django-tasks backport)."""

from django_tasks import task


@task()
def round_match(run_id: int) -> None:
    """Match one round's reports into proposed clusters; progress is written to the run as it goes."""
    from bluelight.consolidation.runs import matching_run_execute

    matching_run_execute(run_id=run_id)
