"""Template context shared by every page."""

from bluelight.core.languages import site_name


def site(request):
    return {"site_name": site_name()}
