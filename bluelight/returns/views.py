"""Round and return pages (being built)."""
from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("not yet")


my_requests = round_list = round_create = round_dashboard = round_progress_chart = _todo
return_overview = item_edit = item_remove = return_submit_view = return_review = _todo
return_template = return_upload = _todo
