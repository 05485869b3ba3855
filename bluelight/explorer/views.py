"""Public explorer views (placeholder until the pages are built)."""
from django.http import HttpResponse


def home(request):
    return HttpResponse("ok")


collaboration_list = collaboration_detail = organisation_list = organisation_detail = home
