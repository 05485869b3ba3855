"""The consolidation review queue (analysts)."""

from django.urls import path

from bluelight.consolidation import views

app_name = "consolidation"
urlpatterns = [
    path("rounds/<int:round_id>/", views.queue, name="queue"),
    path("rounds/<int:round_id>/merge-above/", views.merge_above, name="merge_above"),
    path("matching/<int:run_id>/", views.matching_run, name="run"),
    path("clusters/<int:cluster_id>/", views.cluster_detail, name="cluster"),
]
