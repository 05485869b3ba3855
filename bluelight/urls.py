"""Top-level URLs: explorer at /, API at /api/, admin at /admin/, /healthz, and /accessibility/ and the like (core)."""

from django.contrib import admin
from django.urls import include, path

from bluelight.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("bluelight.accounts.urls")),
    path("returns/", include("bluelight.returns.urls")),
    path("consolidation/", include("bluelight.consolidation.urls")),
    path("editions/", include("bluelight.editions.urls")),
    path("api/", include("bluelight.api.urls")),
    path("", include("bluelight.core.urls")),
    path("", include("bluelight.insights.urls")),
    path("", include("bluelight.explorer.urls")),
]
