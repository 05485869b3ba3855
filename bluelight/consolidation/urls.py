"""The consolidation review queue (analysts)."""

from django.urls import path

from bluelight.consolidation import views

app_name = "consolidation"
urlpatterns = [
    path("rounds/<int:round_id>/", views.queue, name="queue"),
    path("clusters/<int:cluster_id>/", views.cluster_detail, name="cluster"),
]
