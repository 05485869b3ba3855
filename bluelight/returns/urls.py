"""Rounds (analysts) and returns (organisation editors and analysts)."""

from django.urls import path

from bluelight.returns import round_views, tasklist_views, views

app_name = "returns"
urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("rounds/", round_views.round_list, name="round_list"),
    path("rounds/new/", round_views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", round_views.round_dashboard, name="round_dashboard"),
    path("rounds/<int:round_id>/progress.svg", round_views.round_progress_chart, name="round_progress_chart"),
    path("rounds/<int:round_id>/<slug:org>/", views.return_overview, name="return_overview"),
    path("rounds/<int:round_id>/<slug:org>/items/new/", views.item_edit, name="item_create"),
    path("rounds/<int:round_id>/<slug:org>/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("rounds/<int:round_id>/<slug:org>/items/<int:item_id>/check/", tasklist_views.item_check, name="item_check"),
    path("rounds/<int:round_id>/<slug:org>/items/<int:item_id>/ended/", tasklist_views.item_end, name="item_end"),
    path(
        "rounds/<int:round_id>/<slug:org>/items/<int:item_id>/remove/", tasklist_views.item_remove, name="item_remove"
    ),
    path(
        "rounds/<int:round_id>/<slug:org>/items/<int:item_id>/comment/",
        tasklist_views.item_comment,
        name="item_comment",
    ),
    path("rounds/<int:round_id>/<slug:org>/submit/", tasklist_views.return_check, name="return_submit"),
    path("rounds/<int:round_id>/<slug:org>/review/", views.return_review, name="return_review"),
    path("rounds/<int:round_id>/<slug:org>/template.xlsx", views.return_template, name="return_template"),
    path("rounds/<int:round_id>/<slug:org>/upload/", views.return_upload, name="return_upload"),
    path("rounds/<int:round_id>/<slug:org>/imports/<int:run_id>/", views.import_run_view, name="import_run"),
]
