"""Response headers for signed-in users: pages made for one person are never kept by a cache."""

from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in user.

    Those pages hold unpublished records, contacts and returns: neither a shared proxy nor the
    browser's back button on a shared computer should keep them. Public pages are left cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in the address or its query string is a 400, before any view runs.

    No record holds one (forms refuse it), SQLite ignores what follows it and PostgreSQL refuses
    the query outright ("cannot contain NUL"), which was a 500 in every view that filters or
    looks up by what it was given.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in value for values in request.GET.lists() for value in [values[0], *values[1]]
        ):
            return HttpResponseBadRequest("Bad request: the address holds a NUL character.", content_type="text/plain")
        return self.get_response(request)
