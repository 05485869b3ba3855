"""Background tasks of the returns app (Django's tasks API, through the django-tasks backport)."""

from django_tasks import task


@task()
def return_import_run(run_id: int) -> None:
    """Preview or import one large return file; its progress and result are written to the run."""
    from bluelight.returns.runs import import_run_execute

    import_run_execute(run_id=run_id)
