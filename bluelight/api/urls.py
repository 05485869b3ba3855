"""API URLs under /api/: the resources, the OpenAPI schema and its browsable docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from bluelight.api import views
from bluelight.api.research import ResearchQuestionViewSet

app_name = "api"

# No root view and no format suffixes (/api/themes.json): the API speaks JSON only, and /api/docs/ lists it.
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("collaborations", views.CollaborationViewSet, basename="collaboration")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("editions", views.EditionViewSet, basename="edition")
router.register("research", ResearchQuestionViewSet, basename="research")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include("bluelight.api.opportunities")),  # an organisation's opportunities; the areas' gaps
    path("", include("bluelight.api.network")),  # who collaborates with whom
    path("", include("bluelight.api.priorities")),  # research priorities by theme
    path("", include("bluelight.api.duty")),  # the duty to collaborate record (signed-in users)
    path("", include(router.urls)),
]
