"""Insights URLs: research priorities, the research register, opportunities, the duty record and the network.

Each page is also data (`.json`/`.csv` or `?format=`), as in the explorer.
"""

from django.urls import path  # noqa: F401 (each feature adds its paths below)

from bluelight.insights.views import duty as duty_views
from bluelight.insights.views import network as network_views
from bluelight.insights.views import opportunities as opportunity_views
from bluelight.insights.views import priorities as priority_views
from bluelight.insights.views import research as research_views

app_name = "insights"
urlpatterns = [
    # Research priorities by theme, and the analysts' strategic weights (views/priorities.py)
    path("priorities/", priority_views.priorities, name="priorities"),
    path("priorities.<str:fmt>", priority_views.priorities_data, name="priorities_data"),
    path("priorities/weights/<slug:code>/", priority_views.strategic_weight_edit, name="strategic_weight_edit"),
    # The opportunity finder, and the areas with no collaboration recorded (views/opportunities.py)
    path("organisations/<slug:slug>/opportunities/", opportunity_views.organisation_opportunities,
         name="organisation_opportunities"),
    path("organisations/<slug:slug>/opportunities.<str:fmt>", opportunity_views.organisation_opportunities_data,
         name="organisation_opportunities_data"),
    path("opportunities/gaps/", opportunity_views.opportunity_gaps, name="opportunity_gaps"),
    path("opportunities/gaps.<str:fmt>", opportunity_views.opportunity_gaps_data, name="opportunity_gaps_data"),
    # The duty to collaborate record (views/duty.py)
    path("organisations/<slug:slug>/duty/", duty_views.duty_record, name="duty_record"),
    path("organisations/<slug:slug>/duty.<str:fmt>", duty_views.duty_record, name="duty_record_data"),
    path("organisations/<slug:slug>/duty/record.pdf", duty_views.duty_record_pdf, name="duty_record_pdf"),
    path("organisations/<slug:slug>/duty/new/", duty_views.duty_create, name="duty_create"),
    path("organisations/<slug:slug>/duty/<int:pk>/", duty_views.duty_detail, name="duty_detail"),
    path("organisations/<slug:slug>/duty/<int:pk>/edit/", duty_views.duty_edit, name="duty_edit"),
    path("organisations/<slug:slug>/duty/<int:pk>/notifications/new/", duty_views.duty_notification_create,
         name="duty_notification_create"),
    path("organisations/<slug:slug>/duty/<int:pk>/documents/new/", duty_views.duty_document_create,
         name="duty_document_create"),
    path("organisations/<slug:slug>/duty/documents/<int:pk>.pdf", duty_views.duty_document, name="duty_document"),
    path("duty/", duty_views.duty_national, name="duty_national"),
    path("duty.<str:fmt>", duty_views.duty_national, name="duty_national_data"),
    # The research commissioning register (views/research.py)
    path("research/", research_views.research_list, name="research_list"),
    path("research.<str:fmt>", research_views.research_list_data, name="research_list_data"),
    path("research/new/", research_views.research_create, name="research_create"),
    path("research/<int:pk>/", research_views.research_detail, name="research_detail"),
    path("research/<int:pk>.<str:fmt>", research_views.research_detail_data, name="research_data"),
    path("research/<int:pk>/edit/", research_views.research_edit, name="research_edit"),
    # Who collaborates with whom (views/network.py)
    path("network/", network_views.network_page, name="network"),
    path("network.<str:fmt>", network_views.network_data, name="network_data"),
]
