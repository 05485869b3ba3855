"""Response headers for signed-in users: pages made for one person are never kept by a cache."""

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
